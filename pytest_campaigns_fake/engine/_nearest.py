"""The "did you mean" every refusal of a misspelt name ends with (operations, members, error
and failure codes, settings, enum values): one wording, one notion of "near"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# A name is suggested when it is this similar to the one given (difflib's ratio, case
# ignored), and no more than _SPREAD less similar than the nearest: a plain typo gets the one
# name meant, a name between two gets both.
_CUTOFF = 0.6
_SPREAD = 0.1


def did_you_mean(given: object, known: Iterable[str]) -> str:
    """``" (did you mean 'X'?)"`` (or ``'X' or 'Y'``, nearest first) naming the known names
    nearest ``given``, to follow the name refused; ``""`` when none is near, or ``given`` is
    not a str.

    Case is ignored when comparing (``startthing`` is near ``StartThing``)."""
    if not isinstance(given, str):
        return ""
    folded = given.casefold()
    scored: dict[str, float] = {}
    for name in known:
        if name == given:
            continue
        matcher = difflib.SequenceMatcher(None, folded, name.casefold())
        if matcher.real_quick_ratio() >= _CUTOFF and matcher.quick_ratio() >= _CUTOFF:
            score = matcher.ratio()
            if score >= _CUTOFF:
                scored[name] = max(score, scored.get(name, 0.0))
    if not scored:
        return ""
    best = max(scored.values())
    near = sorted((n for n, s in scored.items() if s >= best - _SPREAD), key=lambda n: -scored[n])
    return f" (did you mean {' or '.join(map(repr, near[:3]))}?)"
