"""The package's shape: stages import only the stages before them, no cycles, no private names across modules.

The stages, lowest first (``stats_lib/__init__.py`` says what each holds)::

    base (errors, windows, tables, gaps, safe, version) < ingest < clean < calendar < stats < report < briefing < cli

``tables`` (the canonical daily and hourly tables) sits in the base layer: it is the contract that clean writes
and every later stage reads, and it imports nothing but ``errors``.

The checks read the source with :mod:`ast`, so they see imports inside functions too, and each proves that it
notices a violation on a made-up module before it is trusted on the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "stats_lib"
STAGES = ("base", "ingest", "clean", "calendar", "stats", "report", "briefing", "cli")
BASE = {"errors", "windows", "tables", "gaps", "safe", "version", "__init__"}
#: Third-party libraries that may be imported inside a function: heavy, optional for most callers.
HEAVY = {"matplotlib", "pptx", "openpyxl", "duckdb", "opencc", "IPython", "papermill", "nbconvert", "nbformat",
         "nbclient", "jupyter_client", "bs4", "python_calamine", "xlrd", "pyspark", "statsmodels", "lxml",
         "traitlets", "PIL", "ipykernel", "pyarrow", "jinja2", "zmq"}
MAX_LINES = 500


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def stage(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return 0
    head = parts[1]
    if head in BASE or head == "data":
        return 0
    if head == "cli":
        return STAGES.index("cli")
    return STAGES.index(head)


def resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(path: Path, source: str | None = None) -> list[tuple[str, list[str], bool, int]]:
    """Every import of ``path``: (module imported, names, inside a function?, line)."""
    tree = ast.parse(source if source is not None else path.read_text("utf-8"))
    me = module_name(path)
    out = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                out.extend((a.name, [], in_function, child.lineno) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                target = resolve(me, child, path.name == "__init__.py")
                names = [a.name for a in child.names]
                out.append((target, names, in_function, child.lineno))
                for a in child.names:  # `from stats_lib.report import charts` imports a module
                    out.append((f"{target}.{a.name}", [], in_function, child.lineno))
            visit(child, inside)

    visit(tree, False)
    return out


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)


def known(name: str) -> set[str]:
    return {module_name(p) for p in modules()} if name else set()


MODULES = {module_name(p) for p in modules()}


def own(target: str) -> str | None:
    """The package module an import refers to, or None for a third-party or standard one."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


def layer_violations(path: Path, source: str | None = None) -> list[str]:
    me = module_name(path)
    if me == "stats_lib":  # the package's lazy re-exports (load, compare, render) sit above every stage
        return []
    bad = []
    for target, _, _, line in imports(path, source):
        mod = own(target)
        if mod and mod != "stats_lib" and stage(mod) > stage(me):
            bad.append(f"{me}:{line} imports {mod} (stage {STAGES[stage(mod)]} > {STAGES[stage(me)]})")
    return bad


def private_violations(path: Path, source: str | None = None) -> list[str]:
    me = module_name(path)
    return [f"{me}:{line} imports {n} from {target}"
            for target, names, _, line in imports(path, source) if own(target) and own(target) != me
            for n in names if n.startswith("_") and not n.startswith("__")]


def local_import_violations(path: Path, source: str | None = None) -> list[str]:
    me = module_name(path)
    if me == "stats_lib":  # lazy re-exports keep `import stats_lib` fast: the one allowed exception
        return []
    bad = []
    for target, _, inside, line in imports(path, source):
        if not inside or target.startswith("__future__"):
            continue
        if own(target) or target.split(".")[0] not in HEAVY:
            bad.append(f"{me}:{line} imports {target} inside a function")
    return bad


def graph() -> dict[str, set[str]]:
    g: dict[str, set[str]] = {}
    for p in modules():
        me = module_name(p)
        ancestors = {me.rsplit(".", k)[0] for k in range(1, me.count(".") + 1)}
        # importing a sibling module runs its package's __init__ first; that is not a dependency on it
        g[me] = {own(t) for t, _, inside, _ in imports(p) if not inside and own(t)} - {me, "stats_lib"} - ancestors
    return g


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def dfs(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(g.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                dfs(nxt, stack + [nxt])
        state[node] = 2

    for n in sorted(g):
        if n not in state:
            dfs(n, [n])
    return found


# ---------------------------------------------------------------------------------- the checks notice


def test_checks_notice_a_back_import_a_private_name_and_a_local_import():
    clean = PACKAGE / "clean" / "made_up.py"
    assert layer_violations(clean, "from stats_lib.report.charts_time import daily_trend\n")
    assert layer_violations(clean, "def f():\n    from stats_lib.briefing import render\n")
    assert not layer_violations(clean, "from stats_lib.ingest.schema import Schema\n")
    assert private_violations(clean, "from stats_lib.ingest.readers import _sniff_delimiter\n")
    assert local_import_violations(clean, "def f():\n    from stats_lib.tables import Cleaned\n")
    assert not local_import_violations(clean, "def f():\n    import duckdb\n")
    assert cycles({"a": {"b"}, "b": {"a"}}) and not cycles({"a": {"b"}, "b": set()})


# ---------------------------------------------------------------------------------- on the package

#: Known violations still to remove, each listed by the module it is in. The list may only shrink.
KNOWN_LOCAL: set[str] = set()
KNOWN_PRIVATE: set[str] = set()
KNOWN_LONG: set[str] = set()


@pytest.mark.parametrize("path", modules(), ids=module_name)
def test_no_stage_imports_a_later_stage(path):
    assert layer_violations(path) == []


@pytest.mark.parametrize("path", modules(), ids=module_name)
def test_no_private_name_across_modules(path):
    bad = private_violations(path)
    if module_name(path) in KNOWN_PRIVATE:
        assert bad, f"{module_name(path)} is clean now: remove it from KNOWN_PRIVATE"
    else:
        assert bad == []


@pytest.mark.parametrize("path", modules(), ids=module_name)
def test_imports_at_the_top_except_heavy_libraries(path):
    bad = local_import_violations(path)
    if module_name(path) in KNOWN_LOCAL:
        assert bad, f"{module_name(path)} is clean now: remove it from KNOWN_LOCAL"
    else:
        assert bad == []


def test_no_import_cycle():
    assert cycles(graph()) == []


@pytest.mark.parametrize("path", modules(), ids=module_name)
def test_modules_stay_short(path):
    n = len(path.read_text("utf-8").splitlines())
    if module_name(path) in KNOWN_LONG:
        assert n > MAX_LINES, f"{module_name(path)} has {n} lines now: remove it from KNOWN_LONG"
    else:
        assert n <= MAX_LINES, f"{module_name(path)} has {n} lines"


def test_no_package_reexports_a_name_that_shadows_its_submodule():
    # `import stats_lib.stats.compare as m` must give the module, not a function re-exported under its name
    for init in PACKAGE.rglob("__init__.py"):
        subs = {p.stem for p in init.parent.glob("*.py")} - {"__init__"}
        tree = ast.parse(init.read_text("utf-8"))
        names = {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}
        assert not (names & subs), f"{init}: {sorted(names & subs)}"
