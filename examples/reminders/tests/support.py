"""Helpers shared by the tests (importable because pyproject.toml puts tests/ on sys.path)."""

from __future__ import annotations

from reminders import Contact

REGION = "eu-west-2"  # the example's campaigns_fake_region ini option
INSTANCE = "clinic-instance"


class FakeTime:
    """``monotonic`` and ``sleep`` for the app: sleeping advances time at once."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_contacts(n: int, *, start: int = 0) -> list[Contact]:
    """``n`` distinct patients, each with an appointment to be reminded of."""
    return [
        Contact(
            phone_number=f"+4420790{i:05d}",
            attributes={"patient": f"p{i}", "appointment": "2024-06-04T10:00"},
            key=f"appt-{i}",
        )
        for i in range(start, start + n)
    ]
