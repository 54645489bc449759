"""--campaigns-record=DIR: each test's exchanges, one JSON file per test."""

from __future__ import annotations

import pytest


def addoption(parser: pytest.Parser) -> None:
    """Register this feature's command-line and ini options."""


def configure(config: pytest.Config) -> None:
    """Turn the feature on for this run when its option asks for it."""
