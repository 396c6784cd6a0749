"""Reading a briefing's output folder (``outputs.json``, ``tables/*.json``) for the deck and the workbook.

The notebook registers what it shows with :class:`stats_lib.briefing.collect.Collector`; after the run the
render process reads the folder back here. Paths in ``outputs.json`` are checked to stay inside the folder.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stats_lib.briefing.collect import Collector
from stats_lib.errors import RenderError

__all__ = ["TEXT", "texts", "inside", "OutputIndex", "load_index", "read_table", "is_missing", "cell_text",
           "has_fractions", "sections"]

_HEX_DIGEST = re.compile(r"^[0-9a-f]{40,128}$")
_ISO_MIDNIGHT = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?$")

#: Words of the deck and the workbook.
TEXT = {
    "zh": {"cont": "（续）", "truncated": "仅显示前{n}行，共{total}行；完整表格见 tables.xlsx。",
           "empty": "（无数据）", "yes": "是", "no": "否", "table": "表{n}", "none": "无表格",
           "key_points": "要点", "about": "说明", "item": "项目", "value": "内容"},
    "en": {"cont": " (cont.)", "truncated": "First {n} of {total} rows shown; the full table is in tables.xlsx.",
           "empty": "(no data)", "yes": "yes", "no": "no", "table": "Table {n}", "none": "No tables",
           "key_points": "Key points", "about": "About", "item": "Item", "value": "Value"},
}


def texts(lang: str) -> dict:
    """The words of :data:`TEXT` in ``lang`` (Chinese for anything but ``en``).

    Parameters
    ----------
    lang : str
        ``zh`` or ``en``.

    Returns
    -------
    dict
        Key → text.
    """
    return TEXT["en" if lang == "en" else "zh"]


def inside(base: Path, rel: str, what: str) -> Path:
    """``base / rel``, refusing a path that leaves ``base`` (absolute or ``..``) or a missing file.

    Parameters
    ----------
    base : Path
        The output folder.
    rel : str
        A path from ``outputs.json``, relative to ``base``.
    what : str
        What the path is (``chart``, ``table``), for the message.

    Returns
    -------
    Path
        The file's path.

    Raises
    ------
    stats_lib.errors.RenderError
        The path leaves ``base`` or names no file.
    """
    path = (base / rel).resolve()
    if not path.is_relative_to(base.resolve()):
        raise RenderError(f"outputs.json: {what} path {rel!r} leaves the output folder {base}")
    if not path.is_file():
        raise RenderError(f"outputs.json: {what} file {rel!r} is missing in {base}")
    return path


@dataclass(frozen=True)
class OutputIndex:
    """A render's ``outputs.json`` as read by :func:`load_index`.

    Attributes
    ----------
    folder : Path
        The output folder; the items' file names are relative to it.
    index : dict
        The parsed ``outputs.json``; ``index["items"]`` lists what the notebook registered.
    """

    folder: Path
    index: dict


def load_index(output_dir: str | Path) -> OutputIndex:
    """Read ``output_dir/outputs.json``.

    Parameters
    ----------
    output_dir : str or Path
        The folder the notebook's :class:`Collector` wrote to.

    Returns
    -------
    OutputIndex
        ``folder`` (``output_dir`` as a Path) and ``index`` (the parsed JSON object, with an ``items`` list).

    Raises
    ------
    stats_lib.errors.RenderError
        The file is missing, not JSON, or has no ``items`` list.
    """
    base = Path(output_dir)
    path = base / "outputs.json"
    try:
        index = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise RenderError(f"{path}: missing; the notebook registered no outputs (Collector)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RenderError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(index, dict) or not isinstance(index.get("items"), list):
        raise RenderError(f"{path}: expected an object with an 'items' list")
    return OutputIndex(base, index)


def read_table(base: Path, item: dict, key: str = "json") -> pd.DataFrame:
    """The table of an ``outputs.json`` item (``key`` ``json``: as shown; ``data``: the numbers behind it).

    Parameters
    ----------
    base : Path
        The output folder.
    item : dict
        A table item of ``outputs.json``.
    key : str, default 'json'
        ``json`` (the table as shown) or ``data`` (the numbers behind it).

    Returns
    -------
    pd.DataFrame
        The table.

    Raises
    ------
    stats_lib.errors.RenderError
        The item's file leaves ``base`` or is missing (:func:`inside`).
    """
    return Collector.read_table(inside(base, str(item.get(key, "")), "table"))


def is_missing(value: object) -> bool:
    """True for None and NaN.

    Parameters
    ----------
    value : object
        A table cell.

    Returns
    -------
    bool
        True when ``value`` is None or a float NaN.
    """
    return value is None or (isinstance(value, float) and math.isnan(value))


def cell_text(value: object, lang: str, *, decimals: bool = False) -> str:
    """A table value as slide text: thousands separators, one decimal, empty for missing.

    ``decimals=True`` (a column that holds fractions) writes whole numbers with one decimal too, so that a
    column of daily means reads 26.0 beside 17.2. A SHA-256 digest is shortened to its first 12 characters
    (the full digest is in tables.xlsx and the manifest); an ISO midnight timestamp to its date.

    Parameters
    ----------
    value : object
        A table cell.
    lang : str
        ``zh`` or ``en``.
    decimals : bool, default False
        The column holds fractions (one decimal on every number).

    Returns
    -------
    str
        The cell's text.
    """
    if is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return texts(lang)["yes" if value else "no"]
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        v = float(value)
        if v.is_integer() and not decimals:
            return f"{int(v):,}"
        return f"{v:,.1f}" if abs(v) >= 1 or decimals else f"{v:.3g}"
    text = str(value)
    if _HEX_DIGEST.match(text):
        return text[:12] + "…"
    return text[:10] if _ISO_MIDNIGHT.match(text) else text


def has_fractions(column: pd.Series) -> bool:
    """True when a column holds floats of which at least one is not a whole number.

    Parameters
    ----------
    column : pd.Series
        A table column.

    Returns
    -------
    bool
        True when it holds a non-whole float.
    """
    values = [float(v) for v in column if isinstance(v, float | np.floating) and not is_missing(v)]
    return any(not v.is_integer() for v in values)


def sections(index: dict) -> list[dict]:
    """The items of ``index`` grouped by section: ``[{"section": item or None, "items": [...]}, ...]``.

    Items registered before the first section item form a group whose ``section`` is None.

    Parameters
    ----------
    index : dict
        The content of ``outputs.json`` (its ``items``).

    Returns
    -------
    list[dict]
        The groups, in order.
    """
    groups: list[dict] = [{"section": None, "items": []}]
    for item in index["items"]:
        if item.get("kind") == "section":
            groups.append({"section": item, "items": []})
        else:
            groups[-1]["items"].append(item)
    return [g for g in groups if g["section"] is not None or g["items"]]
