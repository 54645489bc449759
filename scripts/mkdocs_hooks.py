"""mkdocs hooks: parts of pages written from the code when the site is built.

``<!-- public-api-summary -->`` on a page becomes a table of the package's public surface:
every name in ``pytest_campaigns_fake.__all__``, in that order, with the first paragraph of its
docstring. A name added to ``__all__`` is listed by the next build, with no page to edit; the
member's own section comes from a ``::: pytest_campaigns_fake.Name`` block of mkdocstrings
(tests/test_docs_tables.py checks that each name has one).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

MARK = "<!-- public-api-summary -->"
ROOT = Path(__file__).resolve().parent.parent


def summary(obj: Any) -> str:
    """The first paragraph of ``obj``'s docstring on one line, in Markdown's code spans."""
    doc = inspect.getdoc(obj) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    return first.replace("``", "`").replace("|", "\\|")


def public_api_table() -> str:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    package = importlib.import_module("pytest_campaigns_fake")
    rows = [
        f"| [`{name}`](#pytest_campaigns_fake.{name}) | {summary(getattr(package, name))} |"
        for name in package.__all__
    ]
    return "\n".join(["| name | what it is |", "|---|---|", *rows])


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    if MARK in markdown:
        markdown = markdown.replace(MARK, public_api_table())
    return markdown
