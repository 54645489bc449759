"""Generate docs/coverage.md from the installed botocore models of both APIs the fake serves.

One section per API, ``connectcampaigns`` (v1) and ``connectcampaignsv2`` (v2): every operation
of the model (route, input and output members, the errors the model lists) and whether the
fake serves it, then every shape reachable from an operation's input with the constraints the
fake validates, then the paginators.

    python scripts/gen_coverage.py           # (re)write docs/coverage.md
    python scripts/gen_coverage.py --check   # exit 1 if docs/coverage.md is stale

Only what the models say is rendered, plus the botocore version they came from (an HTML
comment: the v2 model changes between botocore releases, so the page is true of that version;
tests/test_docs.py skips the freshness check under another one). No date: the page goes stale
when botocore is upgraded or the fake starts or stops serving an operation.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import botocore
import botocore.session
from botocore import xform_name
from botocore.model import OperationModel, ServiceModel, Shape

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from pytest_campaigns_fake import CampaignsFake  # noqa: E402

SERVICE_NAMES = ("connectcampaigns", "connectcampaignsv2")
TITLES = {"connectcampaigns": "v1", "connectcampaignsv2": "v2"}
# The HTML comment that records the botocore version: ``<!-- generated-from: botocore 1.44.8 -->``.
VERSION_MARK = "generated-from: botocore"
TARGET = ROOT / "docs" / "coverage.md"
REGENERATE = "python scripts/gen_coverage.py"


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def code(text: str) -> str:
    return f"`{text}`"


def served(service_name: str, operation: str) -> bool:
    """Asked of the fake's own dispatcher, the one that answers requests."""
    return any(
        served.description.model.service.service_name == service_name
        and operation in served.description.operations
        for served in _engine().served
    )


@cache
def _engine() -> Any:
    return CampaignsFake()._engine


def member_list(shape: Shape | None, *, show_location: bool) -> str:
    if shape is None or not shape.members:
        return "—"
    required = set(shape.required_members)
    parts = []
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location == "header" and name == "xAmzErrorType":
            continue
        text = code(name) + ("\\*" if name in required else "")
        extra = [member.name]
        if show_location and location is not None:
            extra.append(location)
        parts.append(f"{text} ({', '.join(extra)})")
    return "<br>".join(parts) if parts else "—"


def error_list(operation: OperationModel) -> str:
    parts = []
    for shape in operation.error_shapes:
        status = shape.metadata.get("error", {}).get("httpStatusCode", 400)
        parts.append(f"{code(shape.name)} ({status})")
    return "<br>".join(parts) if parts else "—"


def constraints(shape: Shape) -> str:
    """Every constraint of a shape the fake's validator enforces, as one cell."""
    meta = shape.metadata
    kind = shape.type_name
    found: list[str] = []
    if kind == "structure":
        required = shape.required_members
        if required:
            found.append("required: " + ", ".join(code(name) for name in required))
        if meta.get("union"):
            found.append("union: exactly one of " + ", ".join(code(m) for m in shape.members))
        members = [f"{code(name)}: {member.name}" for name, member in shape.members.items()]
        found.append("members: " + ", ".join(members))
    elif kind == "list":
        found.append(f"member: {shape.member.name}")
    elif kind == "map":
        found.append(f"key: {shape.key.name}, value: {shape.value.name}")
    word = "length" if kind in ("string", "list", "map") else "value"
    if kind == "list":
        word = "items"
    if "min" in meta:
        found.append(f"min {word} {_number(meta['min'])}")
    if "max" in meta:
        found.append(f"max {word} {_number(meta['max'])}")
    if "pattern" in meta:
        found.append(f"pattern {code(meta['pattern'])}")
    enum = getattr(shape, "enum", None)
    if enum:
        found.append("enum " + ", ".join(code(value) for value in enum))
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat") or meta.get("timestampFormat")
        if fmt:
            found.append(f"format {fmt}")
    if meta.get("sensitive"):
        found.append("sensitive (value left out of error messages)")
    return "; ".join(found) if found else "—"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def input_shapes(service: ServiceModel) -> dict[str, tuple[Shape, set[str]]]:
    """Every shape reachable from an operation's input, with the operations that reach it."""
    found: dict[str, tuple[Shape, set[str]]] = {}

    def walk(shape: Shape, operation: str) -> Iterator[Shape]:
        if shape.name in found:
            if operation in found[shape.name][1]:
                return
            found[shape.name][1].add(operation)
        else:
            found[shape.name] = (shape, {operation})
        yield shape
        if shape.type_name == "structure":
            for member in shape.members.values():
                yield from walk(member, operation)
        elif shape.type_name == "list":
            yield from walk(shape.member, operation)
        elif shape.type_name == "map":
            yield from walk(shape.key, operation)
            yield from walk(shape.value, operation)

    for name in service.operation_names:
        op = service.operation_model(name)
        if op.input_shape is not None:
            for _ in walk(op.input_shape, name):
                pass
    return found


def render() -> str:
    """The whole page: one section per API, each from its installed botocore model."""
    models = [(name, _model(name)) for name in SERVICE_NAMES]
    counts = [_counts(name, service) for name, service in models]
    serving = sum(n for n, _ in counts)
    total = sum(m for _, m in counts)
    apis = " and ".join(f"`{name}` ({n} of {m})" for (name, _), (n, m) in zip(models, counts))
    lines = [
        "# Coverage",
        "",
        "<!-- Generated by scripts/gen_coverage.py from the installed botocore models. "
        "Do not edit: run `python scripts/gen_coverage.py`. -->",
        f"<!-- {VERSION_MARK} {botocore.__version__} -->",
        "",
        "This page is generated from the botocore service models the fake is driven by "
        f"(botocore {botocore.__version__}), one section per API: {apis}. "
        f"The fake serves **{serving} of {total}** operations. "
        "The v2 model gains operations and members between botocore releases, and the fake "
        "serves whatever model is installed, so with another botocore the counts differ. "
        f"With botocore {botocore.__version__} installed, CI fails when the page no longer "
        "matches the models or the fake (`python scripts/gen_coverage.py --check`); with "
        "another botocore that check is skipped.",
        "",
        "In the operation tables, members marked \\* are required. Each member shows its shape "
        "and, for inputs, where it travels when not in the JSON body (`uri`, `querystring`). "
        "Errors are the ones the model lists for the operation, with their HTTP status; any "
        "operation may also answer with the common AWS errors (see [Faults](faults.md)). The "
        "input-shape tables list every shape reachable from an operation's input, with the "
        "constraints the fake validates on each request (the client checks only required "
        "members, minimums and unions; the fake checks them all and answers "
        "`ValidationException` listing every violation).",
    ]
    for name, service in models:
        lines += ["", *_section(name, service)]
    return "\n".join(lines) + "\n"


def _model(service_name: str) -> ServiceModel:
    return botocore.session.Session().get_service_model(service_name)


def _counts(service_name: str, service: ServiceModel) -> tuple[int, int]:
    names = service.operation_names
    return sum(1 for name in names if served(service_name, name)), len(names)


def _section(service_name: str, service: ServiceModel) -> list[str]:
    meta = service.metadata
    names = sorted(service.operation_names)
    serving, total = _counts(service_name, service)
    lines = [
        f"## {service_name} ({TITLES[service_name]})",
        "",
        f"`{service_name}` API version `{meta.get('apiVersion')}` "
        f"(protocol `{meta.get('protocol')}`, endpoint prefix `{meta.get('endpointPrefix')}`, "
        f"signing name `{meta.get('signingName')}`): the fake serves "
        f"**{serving} of {total}** operations.",
        "",
        "### Operations",
        "",
        "| Operation | HTTP | Input members | Output members | Errors | Served |",
        "|---|---|---|---|---|---|",
    ]
    for name in names:
        op = service.operation_model(name)
        route = f"{op.http['method']} {op.http['requestUri']}"
        lines.append(
            "| "
            + " | ".join(
                cell(part)
                for part in (
                    f"{code(name)}<br>{code(xform_name(name))}",
                    code(route),
                    member_list(op.input_shape, show_location=True),
                    member_list(op.output_shape, show_location=False),
                    error_list(op),
                    "yes" if served(service_name, name) else "**no**",
                )
            )
            + " |"
        )
    lines += [
        "",
        "### Input shapes",
        "",
        "| Shape | Type | Constraints | Used by |",
        "|---|---|---|---|",
    ]
    for shape_name, (shape, used_by) in sorted(input_shapes(service).items()):
        lines.append(
            "| "
            + " | ".join(
                cell(part)
                for part in (
                    code(shape_name),
                    shape.type_name,
                    constraints(shape),
                    ", ".join(sorted(used_by)),
                )
            )
            + " |"
        )
    paginators = _paginators(service_name)
    if paginators:
        lines += [
            "",
            "### Paginators",
            "",
            "| Operation | Input token | Output token | Limit key | Result key |",
            "|---|---|---|---|---|",
        ]
        for name, spec in sorted(paginators.items()):
            keys = ("input_token", "output_token", "limit_key", "result_key")
            row = [code(name), *(code(str(spec.get(key, "-"))) for key in keys)]
            lines.append("| " + " | ".join(cell(part) for part in row) + " |")
    return lines


def _paginators(service_name: str) -> dict[str, dict[str, Any]]:
    loader = botocore.session.Session().get_component("data_loader")
    try:
        data: dict[str, Any] = loader.load_service_model(service_name, "paginators-1")
    except Exception:  # no paginators file for this service
        return {}
    pagination: dict[str, dict[str, Any]] = data.get("pagination", {})
    return pagination


def recorded_version(text: str) -> str | None:
    """The botocore version a page says it was generated from (None: it says none)."""
    found = re.search(rf"<!-- {re.escape(VERSION_MARK)} (\S+) -->", text)
    return found.group(1) if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the page differs from the model"
    )
    parser.add_argument("--output", type=Path, default=TARGET, help="page to write or check")
    args = parser.parse_args(argv)
    text = render()
    target: Path = args.output
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            what = "is missing" if current is None else "is stale"
            recorded = None if current is None else recorded_version(current)
            installed = botocore.__version__
            why = (
                f" (it was generated from botocore {recorded}; botocore {installed} is installed)"
                if recorded is not None and recorded != installed
                else ""
            )
            print(
                f"{target} {what}{why}: it no longer matches the installed botocore models of "
                f"{' and '.join(SERVICE_NAMES)} or the operations the fake serves. "
                f"Run `{REGENERATE}`.",
                file=sys.stderr,
            )
            return 1
        print(f"{target} is up to date")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
