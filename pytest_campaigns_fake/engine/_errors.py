"""One exception for every service error; its HTTP status comes from the model."""

from __future__ import annotations

from typing import Any

#: The package users import (this module's top-level package), and the product's name as
#: messages write it: read from the package, so that the engine names no product of its own.
PACKAGE = __name__.partition(".")[0]
PRODUCT = PACKAGE.replace("_", "-")


class FakeUsageError(AssertionError):
    """The fake was used in a way that would let a test pass by accident: a fault that never
    fired, or two fakes in one test (one would take the calls, the other the seeds)."""


# Shown in tracebacks as where users import it from, not as a private module's class.
FakeUsageError.__module__ = PACKAGE


class ServiceError(Exception):
    """A modelled error answer: ``code`` is the wire error name, ``members`` its extra fields."""

    def __init__(self, code: str, message: str, **members: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.members = members


def not_found(kind: str, ident: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"{kind} not found: {ident}")


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)
