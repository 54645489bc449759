"""The README's commands are the ones CI runs, and the docs quote them unchanged."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bash_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, re.DOTALL)]


def test_ci_runs_the_readme_commands_verbatim() -> None:
    commands = bash_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(commands) == 2, commands  # the suite, then the example application's suite
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert [line for line in ci if line in commands] == commands


def test_contributing_page_quotes_the_readme() -> None:
    # docs/contributing.md gives the same commands, one per line (a line joined by `&&` would
    # overflow the page's code block sideways).
    lines = {
        line.strip()
        for block in bash_blocks((ROOT / "docs" / "contributing.md").read_text(encoding="utf-8"))
        for line in block.splitlines()
    }
    for command in bash_blocks((ROOT / "README.md").read_text(encoding="utf-8")):
        for part in command.split(" && "):
            assert part.strip() in lines, f"docs/contributing.md lacks `{part.strip()}`"
