"""The services a fake serves on its engine: the registry.

Each entry is a ``ServicePackage``: the service's description (what the engine serves, and
what interception reads the client's event names, signing name and hosts from) and how to make
the state its rules act on. The two campaigns APIs are listed first; they share one store and
their settings, so the fake wires them itself (``state=None``). A service registered beside
them (``register("package")``) is served generically on every fake made from then on, with its
own state, its own faults on its own model, and the controls of ``ServiceControls``.

Adding a service takes a folder and one line: a package whose ``SERVICE`` is a
``ServicePackage``, and ``register("that.package")`` (docs/architecture.md, "How to add a
service").
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Callable

from ..engine._clock import Clock, Ids
from ..engine._engine import Description, Engine
from ..engine._faults import FaultControls, Faults, RateLimit, Rule
from ..engine._journal import Calls, Journal
from .connectcampaigns import _description as v1
from .connectcampaignsv2 import _description as v2

# The state of a registered service's rules, made once per fake from its clock and ids.
StateFactory = Callable[[Clock, Ids], Any]


@dataclass(frozen=True)
class ServicePackage:
    """What a fake needs of a service to serve it."""

    description: Description
    #: Makes the state its rules act on, once per fake; None: the fake wires the service itself
    #: (the campaigns APIs). A state with a ``clear()`` is cleared by ``fake.reset()``.
    state: StateFactory | None = None
    #: Common AWS errors its faults answer only from operations whose model lists them.
    modelled_only: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        """The botocore service name (what ``boto3.client()`` takes)."""
        name: str = self.description.model.service.service_name
        return name


_lock = threading.Lock()
_packages: list[ServicePackage] = [
    ServicePackage(v1.DESCRIPTION),
    ServicePackage(v2.DESCRIPTION, modelled_only=v2.MODELLED_ONLY_ERRORS),
]


def packages() -> tuple[ServicePackage, ...]:
    """Every service a fake made now serves, in the order the engine tries their routes."""
    with _lock:
        return tuple(_packages)


def register(package: str) -> ServicePackage:
    """Serve the service of ``package`` (a dotted import path; its ``SERVICE`` is a
    ``ServicePackage``) on every fake made from now on, and return it. Registering the same
    one again changes nothing; another service of a name already served is refused."""
    __tracebackhide__ = True
    if not isinstance(package, str):
        raise TypeError(f"package must be a dotted import path (a str), not {package!r}")
    service = getattr(importlib.import_module(package), "SERVICE", None)
    if not isinstance(service, ServicePackage):
        raise TypeError(f"{package}.SERVICE must be a ServicePackage, not {service!r}")
    if service.state is None:
        raise ValueError(f"{package}.SERVICE makes no state: give it state=(clock, ids) -> state")
    with _lock:
        for known in _packages:
            if known is service:
                return service
            if known.name == service.name:
                raise ValueError(f"{service.name} is served already (by {known.description!r})")
        _packages.append(service)
    return service


def unregister(name: str) -> None:
    """Fakes made from now on no longer serve the registered service ``name``."""
    __tracebackhide__ = True
    with _lock:
        found = [p for p in _packages if p.name == name and p.state is not None]
        if not found:
            registered = [p.name for p in _packages if p.state is not None]
            raise ValueError(f"{name!r} is not a registered service; registered: {registered}")
        _packages.remove(found[0])


class ServiceControls(FaultControls):
    """A registered service's controls on one fake: faults on its model (``inject_error``,
    ``throttle``), its calls, and the state its rules act on."""

    def __init__(self, name: str, state: Any, faults: Faults, journal: Journal) -> None:
        self.name = name
        #: What the service's rules act on (its package's own type).
        self.state = state
        self._faults = faults
        self._journal = journal

    @property
    def calls(self) -> Calls:
        """The service's calls alone, in order, one entry per attempt."""
        return self._journal.view((self.name,), only=True)

    def __repr__(self) -> str:
        return f"<ServiceControls {self.name} calls={len(self.calls)}>"


class Registered(Mapping[str, ServiceControls]):
    """The controls of the registered services one fake serves, by service name; what the
    fake's strictness and reset reach through."""

    def __init__(self, controls: dict[str, ServiceControls]) -> None:
        self._controls = controls

    def __getitem__(self, name: str) -> ServiceControls:
        __tracebackhide__ = True
        try:
            return self._controls[name]
        except KeyError:
            raise KeyError(
                f"{name!r} is not served; registered: {sorted(self._controls)}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._controls)

    def __len__(self) -> int:
        return len(self._controls)

    def unused(self) -> list[Rule]:
        """Their faults set up and never fired."""
        return [rule for each in self._controls.values() for rule in each._faults.unused()]

    def rate_limits(self) -> list[RateLimit]:
        return [limit for each in self._controls.values() for limit in each._faults.rate_limits()]

    def reset(self) -> None:
        """Forget their faults, and their state where it can be cleared."""
        for each in self._controls.values():
            each._faults.clear()
            clear = getattr(each.state, "clear", None)
            if callable(clear):
                clear()


def serve_registered(engine: Engine, clock: Clock, ids: Ids) -> Registered:
    """Serve every registered service on ``engine`` (the campaigns APIs aside: the fake wires
    them), each with a state of its own and faults on its own model."""
    controls = {}
    for package in packages():
        if package.state is None:
            continue
        state = package.state(clock, ids)
        faults = Faults(clock, package.name, modelled_only=package.modelled_only)
        engine.serve(package.description, state, faults)
        controls[package.name] = ServiceControls(package.name, state, faults, engine.journal)
    return Registered(controls)
