"""Switching a fake on and off: ``Activation``, which ``CampaignsFake`` inherits.

While a fake is active, interception hands its engine every request of every client in the
process. Two fakes made for one test by different hands (the ``campaigns_fake`` fixture and
``mock_campaigns``) never answer it by turns: the second to start is refused. The pytest
plugin notes every fake as it starts (``_on_start``), whoever started it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ._options import Options
from .engine._clock import Clock
from .engine._engine import Engine
from .engine._errors import FakeUsageError
from .interception import _intercept

if TYPE_CHECKING:
    from typing_extensions import Self

# Who made a fake: the two that must never split one test between them.
FIXTURE = "the campaigns_fake fixture"
MOCK = "mock_campaigns"

# Called with each fake as it starts: the pytest plugin notes the fakes a test used, so that
# a failing test's report shows their calls, whoever started them.
_on_start: list[Callable[[Any], None]] = []


class Activation:
    """Starting and stopping a fake; on a clean stop a strict fake verifies its faults."""

    # What interception reads of an active fake (its ActiveFake protocol).
    options: Options
    clock: Clock
    _engine: Engine
    # Who made this fake, for messages: "the campaigns_fake fixture", "mock_campaigns".
    _owner: str | None = None

    @property
    def strict(self) -> bool:
        """Whether the fake fails on faults that never fired (``options.strict``)."""
        return self.options.strict

    def verify(self) -> None:
        """Raise FakeUsageError naming every fault that was set up and never fired."""
        raise NotImplementedError  # the fake's: it knows its services' faults

    def start(self) -> Self:
        """Begin answering connectcampaigns requests of every client in the process.

        While the ``campaigns_fake`` fixture's fake is active, ``mock_campaigns`` may not start
        one (nor the fixture while a ``mock_campaigns`` fake is active): the newest would take
        every call while the test seeds the other, and the test would fail with a
        ResourceNotFoundException it cannot explain. FakeUsageError names both instead. A
        ``CampaignsFake`` made on purpose nests as documented (the innermost answers).
        """
        __tracebackhide__ = True
        active = _intercept.current()
        if isinstance(active, Activation) and {self._owner, active._owner} == {FIXTURE, MOCK}:
            raise FakeUsageError(
                f"{self._label()} started while {active._label()} is active: the test would "
                "seed one fake while the other answers its calls. Use one of them: the "
                "campaigns_fake fixture, or mock_campaigns/CampaignsFake, not both"
            )
        _intercept.activate(self)
        for note in _on_start:
            note(self)
        return self

    def _label(self) -> str:
        return f"{self._owner or 'a CampaignsFake'} ({self!r})"

    def stop(self, *, verify: bool = False) -> None:
        """Stop answering; clients behave as without the fake (or as the outer fake says).

        With ``verify=True`` (what the fixture and ``mock_campaigns`` pass when the test
        passed), a strict fake then fails on faults that never fired.
        """
        __tracebackhide__ = True
        _intercept.deactivate(self)
        if verify and self.strict:
            self.verify()

    @property
    def active(self) -> bool:
        """Whether this fake answers requests now (the innermost active fake)."""
        return _intercept.current() is self

    def __enter__(self) -> Self:
        __tracebackhide__ = True
        return self.start()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        """Stop; on a clean exit a strict fake then fails on faults that never fired."""
        __tracebackhide__ = True
        self.stop(verify=exc_type is None)
