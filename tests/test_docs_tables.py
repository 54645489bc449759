"""The docs' tables agree with the code's one definition of what they list.

Each table is compared with its source at run time, so a name added to the code (an option, an
ini option, a fixture, a marker, a server flag, a public name) fails here until its row is
written, and the failure names the row to add, remove or correct:

* the marker's options (docs/pytest.md) and the option list of docs/unittest.md: ``Options``;
* the ini options, fixtures and markers (docs/pytest.md): what pytest itself lists with
  ``--help``, ``--fixtures`` and ``--markers`` when the plugin is loaded and not without it;
* the server's flags (docs/server.md): the argparse parser of ``pytest-campaigns-fake``;
* the API reference (docs/api.md): a ``:::`` section for each name of ``__all__`` and no other;
* the tables of controls (docs/v2.md, journal.md, time.md, seeding.md): each name is an
  attribute of the object the table documents, called with ``(...)`` only if it is a method,
  with parameter names the method has.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import inspect
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import pytest_campaigns_fake
from pytest_campaigns_fake import CampaignsFake, Options
from pytest_campaigns_fake.__main__ import parser as cli_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PLUGIN = "campaigns_fake"  # the pytest11 entry point's name: what `-p no:` disables
_SPAN = re.compile(r"`([^`]+)`")


# -- reading the docs -----------------------------------------------------------------------


def tables(page: Path) -> Iterator[tuple[list[str], list[list[str]]]]:
    """(header cells, body rows) of each Markdown table of ``page``, outside code blocks."""
    lines = page.read_text(encoding="utf-8").splitlines()
    fenced = False
    i = 0
    while i < len(lines):
        if lines[i].lstrip().startswith("```"):
            fenced = not fenced
        if fenced or not lines[i].startswith("|") or i + 1 >= len(lines):
            i += 1
            continue
        if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1].strip()):
            i += 1
            continue
        header = cells(lines[i])
        body: list[list[str]] = []
        i += 2
        while i < len(lines) and lines[i].startswith("|"):
            body.append(cells(lines[i]))
            i += 1
        yield header, body


def cells(line: str) -> list[str]:
    # A `|` inside a code span is written `\|` in a table cell.
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [part.strip().replace("\\|", "|") for part in parts]


def table(page: str, *header: str) -> list[list[str]]:
    """The rows of the one table of ``docs/page`` whose header starts with ``header``."""
    found = [
        body
        for head, body in tables(DOCS / page)
        if [h.lower() for h in head[: len(header)]] == list(header)
    ]
    assert len(found) == 1, f"docs/{page} should have one table headed | {' | '.join(header)} |"
    return found[0]


def first_span(cell: str) -> str:
    found = _SPAN.search(cell)
    assert found is not None, f"table cell without a `name`: {cell!r}"
    return found.group(1)


def compare(what: str, documented: set[str], actual: set[str], row: Any) -> None:
    """Fail naming the rows to add (``row(name)`` suggests one) and the rows to remove."""
    missing, extra = sorted(actual - documented), sorted(documented - actual)
    message = []
    if missing:
        message.append(f"{what} lacks a row for each of these; add:")
        message += [f"  {row(name)}" for name in missing]
    if extra:
        message.append(f"{what} has rows for names the code no longer has; remove: {extra}")
    assert not message, "\n".join(message)


# -- what pytest lists ---------------------------------------------------------------------


@cache
def pytest_lists(flag: str, with_plugin: bool) -> str:
    """``pytest <flag>`` in an empty directory, with this checkout's package first."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    disable = [] if with_plugin else ["-p", f"no:{PLUGIN}"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            flag,
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            *disable,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=_empty_dir(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@cache
def _empty_dir() -> Path:
    # No conftest.py, no ini file: pytest lists what the installed plugins add, nothing else.
    return Path(tempfile.mkdtemp(prefix="docs-tables-"))


def plugin_ini_options() -> dict[str, str]:
    """The plugin's ini options and their type as ``pytest --help`` shows it."""

    def ini(text: str) -> dict[str, str]:
        return dict(re.findall(r"^  ([\w-]+) \(([\w-]+)\):", text, re.MULTILINE))

    base = ini(pytest_lists("--help", False))
    return {k: v for k, v in ini(pytest_lists("--help", True)).items() if k not in base}


def plugin_fixtures() -> dict[str, str]:
    """The plugin's public fixtures and their scope, as ``pytest --fixtures`` shows them."""
    text = pytest_lists("--fixtures", True)
    found: dict[str, str] = {}
    for section in re.split(r"^-+ fixtures defined from ", text, flags=re.MULTILINE)[1:]:
        module, _, body = section.partition("\n")
        if not module.startswith("pytest_campaigns_fake"):
            continue
        for name, scope in re.findall(r"^(\w+)(?: \[(\w+) scope\])? -- ", body, re.MULTILINE):
            found[name] = scope or "function"
    assert found, "pytest --fixtures lists no fixture of pytest_campaigns_fake:\n" + text
    return found


def plugin_markers() -> set[str]:
    def markers(text: str) -> set[str]:
        return set(re.findall(r"^@pytest\.mark\.(\w+)", text, re.MULTILINE))

    return markers(pytest_lists("--markers", True)) - markers(pytest_lists("--markers", False))


# -- options --------------------------------------------------------------------------------


def python_default(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def ini_spelling(value: Any) -> str:
    """How an ini file writes an option's default."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_marker_options_table_lists_every_option_with_its_default() -> None:
    rows = table("pytest.md", "option", "default")
    documented = {first_span(row[0]): row[1] for row in rows}
    fields = {field.name: field for field in dataclasses.fields(Options)}
    compare(
        "docs/pytest.md's table of marker options",
        set(documented),
        set(fields),
        lambda name: (
            f"| `{name}` | `{python_default(fields[name].default)}` | "
            f"{fields[name].metadata.get('help', '')} |"
        ),
    )
    wrong = [
        f"`{name}`: default {cell!r}, the code's is `{python_default(fields[name].default)}`"
        for name, cell in documented.items()
        if name in fields and cell != f"`{python_default(fields[name].default)}`"
    ]
    assert not wrong, "docs/pytest.md's marker options table:\n" + "\n".join(wrong)


def test_unittest_page_names_every_option() -> None:
    text = (DOCS / "unittest.md").read_text(encoding="utf-8")
    start = text.index("Its options are")
    sentence = text[start : text.index("An unknown option", start)]
    named = {span for span in _SPAN.findall(sentence) if re.fullmatch(r"[a-z_]+", span)}
    compare(
        'docs/unittest.md\'s list of options ("Its options are ...")',
        named,
        set(Options.names()),
        lambda name: f"`{name}`",
    )


def test_ini_options_table_is_what_pytest_help_shows() -> None:
    shown = plugin_ini_options()
    assert shown, "pytest --help shows no ini option of the plugin"
    rows = table("pytest.md", "ini option", "type", "default")
    documented = {first_span(row[0]): row for row in rows}
    defaults = {f"campaigns_fake_{f.name}": f.default for f in dataclasses.fields(Options)}

    def row(name: str) -> str:
        default = f"`{ini_spelling(defaults[name])}`" if name in defaults else "?"
        return f"| `{name}` | {shown[name]} | {default} | ... |"

    compare("docs/pytest.md's table of ini options", set(documented), set(shown), row)
    wrong = []
    for name, (_, kind, default, *_) in documented.items():
        if kind != shown[name]:
            wrong.append(f"`{name}`: type {kind!r}, pytest --help shows ({shown[name]})")
        if name in defaults and default != f"`{ini_spelling(defaults[name])}`":
            wrong.append(
                f"`{name}`: default {default!r}, the code's is `{ini_spelling(defaults[name])}`"
            )
    assert not wrong, "docs/pytest.md's ini options table:\n" + "\n".join(wrong)


def test_every_ini_value_the_table_shows_is_read_as_its_default() -> None:
    # The default column is what a user would write: Options.parse reads it as the default.
    for field in dataclasses.fields(Options):
        assert Options.parse(field.name, ini_spelling(field.default)) == field.default


# -- fixtures and markers -------------------------------------------------------------------


def test_fixtures_table_is_what_pytest_lists() -> None:
    fixtures = plugin_fixtures()
    rows = table("pytest.md", "fixture", "scope")
    documented = {first_span(row[0]): row[1] for row in rows}
    compare(
        "docs/pytest.md's table of fixtures",
        set(documented),
        set(fixtures),
        lambda name: f"| `{name}` | {fixtures[name]} | ... |",
    )
    wrong = [
        f"`{name}`: scope {scope!r}, pytest --fixtures shows {fixtures[name]!r}"
        for name, scope in documented.items()
        if scope != fixtures[name]
    ]
    assert not wrong, "\n".join(wrong)


def test_every_marker_has_its_section() -> None:
    markers = plugin_markers()
    assert markers, "pytest --markers shows no marker of the plugin"
    headings = set(
        re.findall(r"^#+ The `(\w+)` marker", (DOCS / "pytest.md").read_text(), re.MULTILINE)
    )
    compare(
        "docs/pytest.md's marker sections",
        headings,
        markers,
        lambda name: f"## The `{name}` marker",
    )


# -- the server's flags ---------------------------------------------------------------------


def subcommands_of(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    return subcommands_of(cli_parser())


def spellings(default: object) -> list[str]:
    """How a page may write a parser's default: ``30.0`` also as ``30``."""
    if isinstance(default, float) and default.is_integer():
        return [str(default), str(int(default))]
    if default == []:  # a repeatable option given no times
        return ["[]", "none"]
    return [str(default)]


def test_server_flags_table_lists_every_flag_with_its_default() -> None:
    commands = subcommands()
    assert "serve" in commands
    text = (DOCS / "server.md").read_text(encoding="utf-8")
    flags: dict[str, argparse.Action] = {}
    for name, command in commands.items():
        assert f"pytest-campaigns-fake {name}" in text, f"docs/server.md never shows `{name}`"
        for action in command._actions:
            if not isinstance(action, argparse._HelpAction):
                flags.update({s: action for s in action.option_strings if s.startswith("--")})
    documented: dict[str, str] = {}
    for head, body in tables(DOCS / "server.md"):
        # The table may carry other columns (the environment variable of each option).
        if head[:1] == ["option"] and "default" in head:
            column = head.index("default")
            documented.update({first_span(row[0]).split()[0]: row[column] for row in body})

    def row(flag: str) -> str:
        action = flags[flag]
        metavar = "" if action.nargs == 0 else f" {action.metavar or action.dest.upper()}"
        return f"| `{flag}{metavar}` | `{action.default}` | {action.help} |"

    compare("docs/server.md's table of options", set(documented), set(flags), row)
    wrong = [
        f"`{flag}`: default {documented[flag]!r}, the parser's is `{action.default}`"
        for flag, action in flags.items()
        if flag in documented
        and action.nargs != 0
        and action.default not in (None, argparse.SUPPRESS)
        and not any(
            f"`{text}`" in documented[flag] or documented[flag] == text
            for text in spellings(action.default)
        )
    ]
    assert not wrong, "docs/server.md's table of options:\n" + "\n".join(wrong)


def test_the_flags_check_names_a_flag_the_page_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    original = cli_parser

    def parser_with_a_new_flag() -> argparse.ArgumentParser:
        parser = original()
        serve = subcommands_of(parser)["serve"]
        serve.add_argument("--max-connections", type=int, default=64, help="open connections")
        return parser

    monkeypatch.setattr(sys.modules[__name__], "cli_parser", parser_with_a_new_flag)
    with pytest.raises(AssertionError) as caught:
        test_server_flags_table_lists_every_flag_with_its_default()
    assert "| `--max-connections MAX_CONNECTIONS` | `64` | open connections |" in str(caught.value)


# -- the API reference ----------------------------------------------------------------------


def test_api_reference_has_a_section_for_each_public_name_and_no_other() -> None:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    targets = re.findall(r"^::: (\S+)", text, re.MULTILINE)
    public = set(pytest_campaigns_fake.__all__)
    private = [t for t in targets if t.rpartition(".")[0] != "pytest_campaigns_fake"]
    assert not private, f"docs/api.md documents names outside the package's __all__: {private}"
    compare(
        "docs/api.md",
        {t.rpartition(".")[2] for t in targets},
        public,
        lambda name: f"::: pytest_campaigns_fake.{name}",
    )
    assert "<!-- public-api-summary -->" in text


def test_api_summary_lists_every_public_name_with_its_description() -> None:
    spec = importlib.util.spec_from_file_location(
        "mkdocs_hooks", ROOT / "scripts" / "mkdocs_hooks.py"
    )
    assert spec is not None and spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    rendered: str = hooks.on_page_markdown("<!-- public-api-summary -->")
    rows = rendered.splitlines()[2:]
    assert [first_span(r) for r in rows] == list(pytest_campaigns_fake.__all__)
    for row in rows:
        description = cells(row)[1]
        assert description and description[0].isupper() and "``" not in description, row


# -- tables of controls ---------------------------------------------------------------------

# Which object each table of controls documents, by page and header; spans whose root is one of
# ROOTS are resolved from that root whatever the table.
CONTROL_TABLES = {
    ("v2.md", "control"): "fake.v2",
    ("journal.md", "helper"): "",
    ("time.md", "call"): "",
    ("seeding.md", "call"): "",
    ("seeding.md", "to"): "",
}
_CALL = re.compile(r"^(?P<path>[A-Za-z_][\w.]*)(?:\((?P<args>.*)\))?(?:\s*=.*)?$")


def resolve(fake: CampaignsFake, path: str) -> Any:
    """The attribute ``path`` names; a property's value is not read (``calls.last`` of no
    calls raises): the property itself is returned."""
    roots = {"fake": fake, "campaigns_fake": fake, "calls": fake.calls}
    head, *rest = path.split(".")
    assert head in roots, path
    obj: Any = roots[head]
    for i, name in enumerate(rest):
        try:
            static = inspect.getattr_static(obj, name)
        except AttributeError:
            raise AssertionError(
                f"`{path}`: {type(obj).__name__} has no attribute {name!r}"
            ) from None
        last = i == len(rest) - 1
        obj = static if last and isinstance(static, property) else getattr(obj, name)
    return obj


def documented_calls() -> Iterator[tuple[str, str, str]]:
    """(page, the span as written, the span's path from a root) of each control named."""
    for (page, header), prefix in CONTROL_TABLES.items():
        for head, body in tables(DOCS / page):
            if head[0].lower() != header:
                continue
            column = 0 if prefix else (1 if header == "to" else 0)
            for row in body:
                for span in _SPAN.findall(row[column]):
                    if prefix and not span.startswith(("fake.", "campaigns_fake.", "calls.")):
                        span_path = f"{prefix}.{span}"
                    else:
                        span_path = span
                    if span_path.split(".")[0] in ("fake", "campaigns_fake", "calls"):
                        yield page, span, span_path


def control_problems() -> tuple[int, list[str]]:
    """How many controls the tables name, and what is wrong with them."""
    problems: list[str] = []
    seen = 0
    with CampaignsFake() as fake:
        for page, span, path in documented_calls():
            found = _CALL.match(path)
            if found is None:
                continue
            seen += 1
            try:
                obj = resolve(fake, found.group("path"))
            except AssertionError as error:
                problems.append(f"docs/{page}: {error}")
                continue
            args = found.group("args")
            if args is None:
                if inspect.ismethod(obj):
                    problems.append(f"docs/{page}: `{span}` is a method: write it with (...)")
                continue
            if not callable(obj):
                problems.append(f"docs/{page}: `{span}` is not callable: write it without ()")
                continue
            parameters = inspect.signature(obj).parameters
            if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
                continue
            for arg in args.split(","):
                name = arg.split("=")[0].strip()
                if re.fullmatch(r"[a-z_]\w*", name) and name not in parameters:
                    problems.append(
                        f"docs/{page}: `{span}`: {found.group('path')} has no parameter {name!r} "
                        f"(it has {', '.join(parameters)})"
                    )
    return seen, problems


def test_controls_tables_name_real_attributes_called_as_the_code_defines_them() -> None:
    seen, problems = control_problems()
    assert seen > 20, f"only {seen} controls found: has a table's header changed?"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("| `campaigns()` | x |", "is not callable"),
        ("| `campaign` | x |", "is a method"),
        ("| `campaign(campaign_ids)` | x |", "no parameter 'campaign_ids'"),
        ("| `campaignz(id)` | x |", "has no attribute 'campaignz'"),
    ],
)
def test_the_controls_check_catches_a_wrong_name(
    line: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "v2.md").write_text(
        f"| control | what it does |\n|---|---|\n{line}\n", encoding="utf-8"
    )
    monkeypatch.setattr(sys.modules[__name__], "DOCS", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "CONTROL_TABLES", {("v2.md", "control"): "fake.v2"})
    seen, problems = control_problems()
    assert seen == 1 and len(problems) == 1 and problem in problems[0], problems
