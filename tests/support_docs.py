"""What tests that read the docs' pages share: their fenced blocks."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SKIP_MARK = "<!-- docs-test: skip -->"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[ \t]*$")


def fenced_blocks(page: Path) -> list[tuple[int, str, str, str]]:
    """(first line number, language, the line before the block, dedented source) of each
    fenced block of ``page``, tabs' indented blocks included."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[tuple[int, str, str, str]] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, lang = opening.group("indent"), opening.group("lang")
        end = i + 1
        while end < len(lines) and lines[end].rstrip() != f"{indent}```":
            end += 1
        previous = next((line.strip() for line in reversed(lines[:i]) if line.strip()), "")
        body = textwrap.dedent("\n".join(lines[i + 1 : end]))
        blocks.append((i + 2, lang, previous, body + "\n"))
        i = end + 1
    return blocks


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """(first line number, dedented source) of each ``python`` block not marked to skip."""
    return [
        (line, body)
        for line, lang, previous, body in fenced_blocks(page)
        if lang == "python" and previous != SKIP_MARK
    ]
