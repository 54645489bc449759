"""The package's rooms and what may import what (docs/architecture.md, "The rooms").

Every import in the package (module level, inside functions, under ``TYPE_CHECKING``: a type
is a dependency too) is read with ``ast`` and checked against the rooms' layers: a room imports
only the rooms below it, never one beside or above it. The layers are a DAG, so a strict
layering leaves no import circle between rooms; a circle between modules is checked on its own.

What today's code breaks is listed below, one commented entry each: known debt, to shrink to
zero. A NEW import that breaks a rule fails; so does an entry that no longer happens (take it
off the list).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pytest_campaigns_fake"

# Each room and the rooms it may import (besides itself), lowest first. A folder is a room;
# the package's top-level modules are two: the user's surface and the entry points.
MAY_IMPORT: dict[str, frozenset[str]] = {}
for _room, _below in [
    ("botocore_corners", ()),
    ("engine", ("botocore_corners",)),
    ("interception", ("engine",)),
    ("services.campaigns", ("engine",)),
    ("services.connectcampaigns", ("services.campaigns",)),
    ("services.connectcampaignsv2", ("services.campaigns",)),
    # The folder's own modules: the registry of the services a fake serves.
    ("services", ("services.connectcampaigns", "services.connectcampaignsv2")),
    ("surface", ("services", "interception")),
    ("server", ("surface",)),
    ("suite", ("server",)),
    ("entry", ("suite",)),
]:
    # What a room may import, it may import from what that room may import: layers.
    MAY_IMPORT[_room] = frozenset(_below).union(*(MAY_IMPORT[below] for below in _below))

# The top-level modules that are the package's entry points; every other top-level module is
# the user's surface (the fake, mock_campaigns, options, fake.v2).
ENTRY = {"__init__", "__main__", "plugin"}

# Known debt: (importing module, imported module) against the rules above. Shrink to zero.
KNOWN_DEBT: set[tuple[str, str]] = set()

# Known import circles between modules: each a strongly connected component (modules that
# all reach each other through imports). Shrink to zero.
KNOWN_CYCLES: set[frozenset[str]] = set()

# Modules over MAX_LINES lines, today's length in the comment. Shrink to zero.
MAX_LINES = 600
LONG_MODULES: set[str] = set()


def modules() -> dict[str, Path]:
    """Every module of the package, by its dotted name inside the package (``engine._wire``;
    a package is its ``__init__``: ``engine.__init__``, the package itself ``__init__``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        found[".".join(path.relative_to(PACKAGE).with_suffix("").parts)] = path
    return found


MODULES = modules()


def room(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "entry" if module in ENTRY else "surface"
    if parts[0] == "services" and len(parts) > 2:
        return ".".join(parts[:2])
    return parts[0]


def _resolve(name: str) -> str | None:
    """The package module a dotted name (inside the package) is, or is in."""
    while name:
        if name in MODULES:
            return name
        if f"{name}.__init__" in MODULES:
            return f"{name}.__init__"
        name = name.rpartition(".")[0]
    return "__init__"


def imports(module: str) -> Iterator[str]:
    """The package modules ``module`` imports, anywhere in it."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "pytest_campaigns_fake":
                    target = _resolve(alias.name.partition(".")[2])
                    if target:
                        yield target
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                where = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            elif (node.module or "").split(".")[0] == "pytest_campaigns_fake":
                where = (node.module or "").partition(".")[2]
            else:
                continue
            for alias in node.names:
                # `from .engine import _wire` imports the module _wire; `from ._wire import
                # shaped`, the module _wire.
                name = f"{where}.{alias.name}".strip(".")
                if name in MODULES or f"{name}.__init__" in MODULES:
                    yield _resolve(name) or "__init__"
                else:
                    yield _resolve(where) or "__init__"


GRAPH = {module: set(imports(module)) - {module} for module in MODULES}


def test_the_graph_is_read() -> None:
    # A rule checked over an empty graph passes by accident.
    assert "engine._wire" in GRAPH["engine._engine"]
    assert "_fake" in GRAPH["_mock"]
    assert "services.campaigns._snapshot" in GRAPH["server._replay"]
    assert "server._http" in GRAPH["plugin"]  # inside a function
    assert "_fake" in GRAPH["server._replay"]  # under TYPE_CHECKING only
    assert "server._server" in GRAPH["__init__"]
    assert set(MAY_IMPORT) == {room(module) for module in MODULES}


def violations() -> set[tuple[str, str]]:
    return {
        (module, imported)
        for module, targets in GRAPH.items()
        for imported in targets
        if room(imported) != room(module) and room(imported) not in MAY_IMPORT[room(module)]
    }


def test_no_room_imports_one_beside_or_above_it() -> None:
    found = violations()
    new = sorted(found - KNOWN_DEBT)
    assert not new, "imports against the rooms' layers (docs/architecture.md):\n" + "\n".join(
        f"  {module} ({room(module)}) imports {imported} ({room(imported)})"
        for module, imported in new
    )
    paid = sorted(KNOWN_DEBT - found)
    assert not paid, f"no longer imported: take these off KNOWN_DEBT: {paid}"


def cycles() -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[frozenset[str]] = set()

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in GRAPH[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    return found


def test_no_import_circles() -> None:
    found = cycles()
    new = [sorted(cycle) for cycle in found - KNOWN_CYCLES]
    assert not new, f"import circles: {new}"
    gone = [sorted(cycle) for cycle in KNOWN_CYCLES - found]
    assert not gone, f"no longer circles: take these off KNOWN_CYCLES: {gone}"


def test_the_layers_themselves_have_no_circle() -> None:
    # MAY_IMPORT is built bottom up, so a room never may import one that may import it.
    for name, below in MAY_IMPORT.items():
        assert all(name not in MAY_IMPORT[other] for other in below), name


def test_the_engine_names_no_service() -> None:
    # The engine serves any restJson model: host, event and signing names, regions, journal
    # labels and the store come from the descriptions it serves and botocore's data. A word
    # of the campaigns APIs anywhere in it (code, comment, message) is a fact in the wrong room.
    engine = PACKAGE / "engine"
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted(engine.rglob("*"))
        if path.is_file() and path.suffix in (".py", ".pyi", ".json", ".txt")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "campaign" in line.lower()
    ]
    assert len(list(engine.glob("*.py"))) > 10  # the folder is read
    assert not found, "the engine names a service:\n" + "\n".join(found)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_length(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    if module in LONG_MODULES:
        assert lines > MAX_LINES, f"{module} has {lines} lines: take it off LONG_MODULES"
    else:
        assert lines <= MAX_LINES, f"{module} has {lines} lines: split it (at most {MAX_LINES})"


def test_modules_in_rooms_are_private_by_name() -> None:
    # A room's modules are private: users import only what pytest_campaigns_fake.__all__ names.
    public = [
        module
        for module in MODULES
        if "." in module and not module.rpartition(".")[2].startswith("_")
    ]
    assert not public, public


def test_every_module_is_on_the_map() -> None:
    # The rooms table of docs/architecture.md names every module by its path in the package.
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = sorted(
        str(path.relative_to(PACKAGE))
        for module, path in MODULES.items()
        if not module.endswith("__init__")
        and f"`{path.relative_to(PACKAGE).as_posix()}`" not in page
    )
    assert not missing, f"modules docs/architecture.md's rooms table does not name: {missing}"


# -- the fake composes its services (docs/architecture.md, "The fake: a composition") ---------

# CampaignsFake's length, from its `class` line to its last: it holds what every API shares and
# takes the rest from its services (406 lines when it held both APIs' controls itself).
MAX_FAKE_LINES = 200

# The modules that hold the fake's controls: the fake, its activation, and each service's
# controls (which reach the fake through their Context alone).
CONTROLS = (
    "_fake",
    "_activation",
    "services.connectcampaigns._controls",
    "services.connectcampaignsv2._controls",
)

# `x._y` where `x` is not `self`, allowed with the reason: (module, "x._y").
PRIVATE_READS_ALLOWED = {
    # Another active fake: an Activation too, the same class (who made it, for the message
    # that refuses the fixture's fake and mock_campaigns' in one test).
    ("_activation", "active._owner"),
    ("_activation", "active._label"),
}


def _class(module: str, name: str) -> ast.ClassDef:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name]
    assert len(found) == 1, f"{module} should define class {name} once"
    return found[0]


def test_the_fake_is_at_most_200_lines() -> None:
    fake = _class("_fake", "CampaignsFake")
    assert fake.end_lineno is not None
    lines = fake.end_lineno - fake.lineno + 1
    assert 50 < lines <= MAX_FAKE_LINES, (
        f"CampaignsFake has {lines} lines (at most {MAX_FAKE_LINES}): a service's controls "
        "belong in its own package (services/<api>/_controls.py)"
    )


def test_the_fake_takes_its_services_controls_from_their_packages() -> None:
    # v1's controls are inherited from v1's package, v2's are an object v2's package makes;
    # the fake reads no service's description (its rules) itself.
    fake = _class("_fake", "CampaignsFake")
    bases = [ast.unparse(base) for base in fake.bases]
    assert "v1.ConnectCampaignsControls" in bases, bases
    assert "services.connectcampaigns._controls" in GRAPH["_fake"]
    assert "services.connectcampaignsv2._controls" in GRAPH["_fake"]
    descriptions = sorted(m for m in GRAPH["_fake"] if m.endswith("._description"))
    assert not descriptions, f"the fake imports services' rules: {descriptions}"


def private_reads(source: str) -> set[str]:
    """Each `x._y` of ``source`` (attributes and method calls) where ``x`` is not ``self``."""
    tree = ast.parse(source)
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and not (isinstance(node.value, ast.Name) and node.value.id == "self")
        ):
            found.add(f"{ast.unparse(node.value)}.{node.attr}")
    return found


@pytest.mark.parametrize("module", CONTROLS)
def test_the_controls_read_no_private_attribute_of_another_object(module: str) -> None:
    source = MODULES[module].read_text(encoding="utf-8")
    found = {(module, read) for read in private_reads(source)}
    new = sorted(read for _, read in found - PRIVATE_READS_ALLOWED)
    assert not new, f"{module} reads private attributes of other objects: {new}"
    paid = sorted(read for m, read in PRIVATE_READS_ALLOWED - found if m == module)
    assert not paid, f"no longer read: take these off PRIVATE_READS_ALLOWED: {paid}"


def test_private_reads_are_found() -> None:
    # A check over a module it cannot read passes by accident: the old fake read v2's state.
    old = "x = self.v2._service.missing_profiles\ny = self._store.buckets\nz = fake._engine()\n"
    assert private_reads(old) == {"self.v2._service", "fake._engine"}


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return ast.unparse(target)


def test_tests_import_no_fixture_and_no_test_module() -> None:
    # Fixtures are defined in conftest.py, where pytest finds them: a test module that imports
    # one (with a noqa) shadows it silently when it defines the same name. Helpers shared by
    # test modules live in support modules, never in another test module.
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                imported = [node.module or ""]
            else:
                imported = []
            found += [
                f"{path.name} imports {name}" for name in imported if name.startswith("test_")
            ]
        if path.name != "conftest.py" and not path.name.startswith("test_"):
            found += [
                f"{path.name} defines the fixture {node.name}"
                for node in ast.walk(tree)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and any(_decorator_name(d) == "pytest.fixture" for d in node.decorator_list)
            ]
    assert not found, found
