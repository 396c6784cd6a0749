"""Static checks of the notebooks: valid nbformat, stripped, one parameters cell, thin code cells.

Running the notebooks end to end is the render tests' (slow) job; these checks read the JSON only.
"""

from __future__ import annotations

import ast
import json

import nbformat
import pytest

BRIEFING_PARAMS = ["data", "schema", "start", "end", "period", "year", "as_of", "baseline", "lang", "districts",
                   "categories", "mask_below", "region", "forecast_start", "forecast_end", "forecast_period",
                   "forecast_year", "output_dir"]
EXPLORE_PARAMS = ["data", "schema", "category", "district", "start", "end", "as_of", "baseline", "lang"]
NOTEBOOKS = {"briefing.ipynb": BRIEFING_PARAMS, "explore.ipynb": EXPLORE_PARAMS}
MAX_LINES = 6


@pytest.fixture(params=sorted(NOTEBOOKS))
def notebook(request, root):
    path = root / "notebooks" / request.param
    return request.param, path, nbformat.read(path, as_version=4)


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _params_cells(nb):
    return [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]


def test_valid_nbformat(notebook):
    _, path, nb = notebook
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_outputs_stripped(notebook):
    _, path, nb = notebook
    raw = json.loads(path.read_text("utf-8"))
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["execution_count"] is None
            assert cell["outputs"] == []
    assert "papermill" not in raw["metadata"]


def test_one_parameters_cell_with_exactly_the_names(notebook):
    name, _, nb = notebook
    cells = _params_cells(nb)
    assert len(cells) == 1, "exactly one cell tagged parameters"
    assert _code(nb)[0] is cells[0], "the parameters cell comes first"
    tree = ast.parse(cells[0].source)
    names = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "typing":
            continue  # Optional / List: annotations that papermill's parser understands
        assert isinstance(node, ast.AnnAssign), f"only typed assignments in the parameters cell: {ast.dump(node)}"
        assert isinstance(node.target, ast.Name)
        names.append(node.target.id)
        # the default is a literal (papermill overrides it by name)
        ast.literal_eval(node.value)
    assert names == NOTEBOOKS[name]


def test_parameters_are_commented(notebook):
    _, _, nb = notebook
    src = _params_cells(nb)[0].source
    lines = src.split("\n")
    for node in ast.parse(src).body:
        if isinstance(node, ast.AnnAssign):
            assert "  # " in lines[node.end_lineno - 1], f"parameter {node.target.id} has no comment"


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_papermill_infers_every_parameter_with_its_type(root, name):
    """papermill's own inference (what `papermill --help-notebook` prints) sees every parameter, typed."""
    import papermill

    found = papermill.inspect_notebook(str(root / "notebooks" / name))
    assert list(found) == NOTEBOOKS[name]
    src = _params_cells(nbformat.read(root / "notebooks" / name, as_version=4)).pop().source
    for node in ast.parse(src).body:
        if isinstance(node, ast.AnnAssign):
            p = found[node.target.id]
            assert p["inferred_type_name"] == ast.unparse(node.annotation), p
            assert p["help"], p


def _defaults(nb) -> dict:
    return {n.target.id: ast.literal_eval(n.value) for n in ast.parse(_params_cells(nb)[0].source).body
            if isinstance(n, ast.AnnAssign)}


def test_briefing_defaults(root):
    nb = nbformat.read(root / "notebooks" / "briefing.ipynb", as_version=4)
    values = _defaults(nb)
    assert values["start"] == "2023-01-21"
    assert values["lang"] == "zh"
    assert values["output_dir"] is None and values["mask_below"] is None
    # the default data is the committed cleaned sample, found from the repository root and from notebooks/
    assert values["data"] == ["data/sample/cleaned"]
    assert (root / "data" / "sample" / "cleaned" / "daily.parquet").is_file()


def test_default_data_is_found_from_the_root_and_from_notebooks(root, monkeypatch):
    from stats_lib.report.context import prepare

    for folder in (root, root / "notebooks"):
        monkeypatch.chdir(folder)
        ctx = prepare(data=["data/sample/cleaned"], start="2023-01-21", end="2023-01-22", as_of="2023-01-22",
                      baseline="lunar")
        assert int(ctx.total.total["current"]) > 0


def _allowed_call(func: ast.expr, stats_names: set[str]) -> bool:
    """A call is allowed when it is a name imported from stats_lib, or an attribute of one."""
    node = func
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id in stats_names


def test_code_cells_are_thin_and_only_call_stats_lib(notebook):
    _, _, nb = notebook
    params = _params_cells(nb)[0]
    stats_names: set[str] = set()
    for cell in _code(nb):
        if cell is params:
            continue
        lines = [ln for ln in cell.source.split("\n") if ln.strip()]
        assert len(lines) <= MAX_LINES, f"cell too long:\n{cell.source}"
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.For | ast.While | ast.If | ast.FunctionDef | ast.Lambda | ast.ClassDef |
                                  ast.ListComp | ast.DictComp | ast.IfExp), f"logic in the notebook: {cell.source}"
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] == "stats_lib" for a in node.names), cell.source
                stats_names |= {(a.asname or a.name).split(".")[0] for a in node.names}
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] == "stats_lib", cell.source
                stats_names |= {a.asname or a.name for a in node.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                assert _allowed_call(node.func, stats_names), f"call outside stats_lib: {ast.unparse(node)}"


def test_briefing_shows_every_section_in_order(root):
    nb = nbformat.read(root / "notebooks" / "briefing.ipynb", as_version=4)
    src = "\n".join(c.source for c in _code(nb))
    order = ["header", "overview", "categories", "daily", "hourly", "districts", "key_days", "anomalies",
             "holiday_forecast", "data_notes"]
    positions = [src.find(f"b.{name}(ctx)") for name in order]
    assert all(p >= 0 for p in positions), dict(zip(order, positions))
    assert positions == sorted(positions)
    assert "b.collector(ctx, output_dir)" in src
    # every section is registered with the collector
    assert src.count(", out)") == len(order)


def test_no_markdown_in_the_briefing(root):
    nb = nbformat.read(root / "notebooks" / "briefing.ipynb", as_version=4)
    # the rendered HTML drops code; every word a reader sees is an output, so no markdown cells at all
    assert all(c.cell_type == "code" for c in nb.cells)


def test_explore_is_guided_and_runs_its_sections_in_order(root):
    nb = nbformat.read(root / "notebooks" / "explore.ipynb", as_version=4)
    assert nb.cells[0].cell_type == "markdown"
    src = "\n".join(c.source for c in _code(nb))
    order = [src.find(f"b.{s}(ctx)") for s in ("header", "focus", "daily", "hourly", "anomalies")]
    assert all(p >= 0 for p in order) and order == sorted(order)


def test_section_functions_exist(root):
    from stats_lib import briefing

    nb = nbformat.read(root / "notebooks" / "briefing.ipynb", as_version=4)
    for cell in _code(nb)[1:]:
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "b":
                assert hasattr(briefing, node.attr), node.attr


def test_briefing_parameters_match_the_render_spec(root):
    """The render validates exactly the notebook's parameters (plus the hidden output_dir it sets itself)."""
    from stats_lib.briefing.params import PARAMETERS

    assert list(PARAMETERS) + ["output_dir"] == BRIEFING_PARAMS


def test_prepare_accepts_every_notebook_parameter():
    import inspect

    from stats_lib.briefing import prepare

    accepted = set(inspect.signature(prepare).parameters)
    assert set(BRIEFING_PARAMS) <= accepted
    assert set(EXPLORE_PARAMS) - {"category", "district"} <= accepted
