"""Public functions have type hints and numpydoc docstrings (STYLE.md), checked on the whole public API.

What is checked: every function and class named in the ``__all__`` of ``stats_lib`` and of each module and
sub-package under it, and the public methods and properties of those classes. An object is checked once, in
the module that defines it (a re-export is skipped by ``obj.__module__``); names starting with ``_`` are
private and not checked.

1. numpydoc's validator (:func:`numpydoc.validate.validate`) reports none of the codes in ``CODES``:

   - GL08: there is a docstring at all.
   - SS01, SS03: it starts with a one-line summary that ends with a period.
   - GL06, GL07: the sections are numpydoc's (``Raises``, ``Notes``, ``References`` …, not ``Columns:``) and
     in numpydoc's order, so that a reader and Sphinx find them.
   - PR01, PR02: every parameter is documented and every documented parameter exists (a renamed argument
     whose docstring kept the old name fails).
   - PR07: a documented parameter has a description: the place for its unit (days, counts, hours).
   - RT01, RT03: a function that returns something has a described ``Returns`` section: the place for a
     frame's columns. numpydoc's RT01 looks for a ``return <value>`` in the source, so a property and a
     function returning None are excused.
   - YD01: a generator has a ``Yields`` section.

   For a class, PR01/PR02 are checked against ``Parameters`` and ``Attributes`` together: the fields of a
   result object (a dataclass, a plain holder) read best as ``Attributes``, as scipy documents its results.

   Left out on purpose: ES01, SA01, EX01 (an extended summary, See Also and Examples on every small helper
   would be noise; the modules' docstrings carry the overview); PR04 (the type is in the annotation, checked
   below); PR03 (keyword-only options are documented in reading order); PR08, PR09, RT04, RT05, SS02, SS05,
   SS06 (capitals, final periods and verb mood: text that starts with a ````code```` value or Chinese trips
   them without being worse); RT02, GL01-GL03 (layout).

2. Type hints: every parameter (but ``self``/``cls``) and the return of each public function and method is
   annotated (:func:`inspect.signature`); ``__init__`` of a non-dataclass class is checked for its parameters.

3. Raises: an exception of :mod:`stats_lib.errors` that a public function raises in its own body
   (``raise ParameterError(...)``) is named in its ``Raises`` section. What a helper raises for it is not seen.

Each check proves on a made-up function that it notices a missing parameter, a missing hint and an
unlisted exception before it is trusted on the package.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import textwrap

import pytest
from numpydoc.docscrape import NumpyDocString
from numpydoc.validate import validate

import stats_lib
import stats_lib.errors

CODES = frozenset({"GL08", "SS01", "SS03", "GL06", "GL07", "PR01", "PR02", "PR07", "RT01", "RT03", "YD01"})

ERRORS = frozenset(stats_lib.errors.__all__)


def _members(cls: type) -> list[str]:
    out = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if inspect.isfunction(member) or isinstance(member, property | staticmethod | classmethod):
            out.append(name)
    return out


def public_api() -> list[str]:
    """Import paths of the public functions, classes and their public methods, each once, in its home module."""
    names = ["stats_lib"] + [m.name for m in pkgutil.walk_packages(stats_lib.__path__, "stats_lib.")]
    paths = []
    for name in names:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            if attr.startswith("_"):
                continue
            obj = getattr(module, attr)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)) or obj.__module__ != name:
                continue
            paths.append(f"{name}.{attr}")
            if inspect.isclass(obj):
                paths.extend(f"{name}.{attr}.{m}" for m in _members(obj))
    return paths


def load(path: str) -> object:
    """The object at an import path, a property or static method as written in its class."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for j, attr in enumerate(parts[i:]):
            owner, obj = obj, getattr(obj, attr)
            if inspect.isclass(owner) and j == len(parts) - i - 1:
                obj = inspect.getattr_static(owner, attr)
        return obj
    raise ImportError(path)


def _split(items: list) -> set[str]:
    return {n.strip() for item in items for n in item.name.split(",") if n.strip()}


def _init_parameters(cls: type) -> set[str]:
    """The constructor's parameters: a dataclass's init fields, else those of the signature."""
    if dataclasses.is_dataclass(cls):
        return {f.name for f in dataclasses.fields(cls) if f.init}
    if getattr(cls, "_is_protocol", False):  # a typing.Protocol is not constructed
        return set()
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):  # a builtin's constructor (exceptions): nothing to document
        return set()
    return {("*" * (p.kind == p.VAR_POSITIONAL) + "**" * (p.kind == p.VAR_KEYWORD)) + p.name
            for p in sig.parameters.values()}


def docstring_problems(path: str) -> list[str]:
    """numpydoc's errors among CODES (for a class, its constructor's parameters may be Attributes)."""
    obj = load(path)
    errors = [(code, msg) for code, msg in validate(path)["errors"] if code in CODES]
    if inspect.isclass(obj) and inspect.getdoc(obj):
        errors = [(c, m) for c, m in errors if c not in {"PR01", "PR02"}]
        doc = NumpyDocString(inspect.getdoc(obj))
        documented = _split(doc["Parameters"]) | _split(doc["Attributes"])
        fields = _init_parameters(obj)
        if fields - documented:
            errors.append(("PR01", f"Fields {sorted(fields - documented)} not documented"))
        if _split(doc["Parameters"]) - fields:
            errors.append(("PR02", f"Unknown parameters {sorted(_split(doc['Parameters']) - fields)}"))
    return [f"{code} {msg}" for code, msg in errors]


def _function(obj: object) -> object | None:
    if isinstance(obj, property):
        return obj.fget
    if isinstance(obj, staticmethod | classmethod):
        return obj.__func__
    if inspect.isclass(obj):
        if dataclasses.is_dataclass(obj) or "__init__" not in vars(obj) or getattr(obj, "_is_protocol", False):
            return None
        return vars(obj)["__init__"]
    return obj if inspect.isfunction(obj) else None


def hint_problems(obj: object) -> list[str]:
    """Parameters and return of a function (or a class's own ``__init__``) without a type hint."""
    func = _function(obj)
    if func is None:
        return []
    sig = inspect.signature(func)
    out = [f"parameter {p} has no type hint" for p in sig.parameters.values()
           if p.name not in {"self", "cls"} and p.annotation is inspect.Parameter.empty]
    if func.__name__ != "__init__" and sig.return_annotation is inspect.Signature.empty:
        out.append("the return has no type hint")
    return out


def raised(func: object) -> set[str]:
    """Names of stats_lib.errors exceptions raised by a ``raise`` statement in the function's own body."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id in ERRORS:
                out.add(exc.id)
    return out


def raises_problems(obj: object) -> list[str]:
    """Our exceptions raised in the body but not named in the ``Raises`` section."""
    func = _function(obj)
    if func is None or not inspect.getdoc(func):
        return []
    listed = {n.strip() for item in NumpyDocString(inspect.getdoc(func))["Raises"]
              for n in (item.type or item.name).split(",")}
    listed = {n.rpartition(".")[2] for n in listed}
    return [f"raises {name} without saying so in Raises" for name in sorted(raised(func) - listed)]


def problems(path: str) -> list[str]:
    obj = load(path)
    return docstring_problems(path) + hint_problems(obj) + raises_problems(obj)


# ---- the checks notice a violation before they are trusted -------------------------------------------------


def _made_up(days: int, count) -> float:
    """Return the daily rate of a count.

    Parameters
    ----------
    days : int
        Length of the window in days.

    Returns
    -------
    float
        Events a day.
    """
    if days <= 0:
        raise stats_lib.errors.ParameterError("days must be positive")
    if count < 0:
        raise ParameterError("count must be >= 0")  # noqa: F821 - never reached in the test
    return count / days


def test_the_checks_notice_a_missing_parameter_a_missing_hint_and_an_unlisted_error():
    found = problems(f"{__name__}._made_up")
    assert any(p.startswith("PR01") and "count" in p for p in found), found
    assert "parameter count has no type hint" in found
    assert "raises ParameterError without saying so in Raises" in found
    assert not any("days" in p for p in found), found


def test_the_walk_finds_the_api_once_and_skips_re_exports():
    paths = public_api()
    assert len(paths) == len(set(paths))
    assert "stats_lib.stats.ratetest.rate_test" in paths
    assert "stats_lib.windows.Window.contains" in paths
    assert "stats_lib.stats.rate_test" not in paths  # re-exported by the sub-package
    assert "stats_lib.compare" not in paths  # lazily re-exported by the package
    assert not any(p.rpartition(".")[2].startswith("_") for p in paths)


CHECKED = public_api()


@pytest.mark.parametrize("path", CHECKED)
def test_public_object_is_documented_and_typed(path):
    assert problems(path) == []
