"""Collect the charts and tables a briefing notebook shows, for the slides and the spreadsheet.

The notebook runs in a kernel; the PPTX deck and the XLSX workbook are written afterwards by the
render process. A :class:`Collector` is the hand-over between the two: the notebook registers each
chart and table with it, and it writes them into ``output_dir``:

- ``charts/<slug>.png`` (1920x1080) and ``charts/<slug>.svg``, named by what they show (``daily.png``,
  ``hourly.png``, ``chuxi-night.png``, ``districts.png``), so a name means the same chart in every report;
- ``tables/<slug>.json`` (pandas ``orient="split"``: columns, index, data);
- ``outputs.json``: ``{"title", "subtitle", "lang", "items": [{"kind": "section"|"chart"|"table", "n",
  "slug", "title", ...}, ...]}`` in the order registered. A ``section`` item (``key``, ``title``,
  ``paragraphs``, ``notes``) opens the charts and tables that follow it; the slides use its words as the
  speaker notes of those slides.

Sections are numbered in the order they are shown (一、二、三 … / 1. 2. 3.), whatever their builder's
default number, so a notebook that shows a subset (``explore.ipynb``) or adds a section reads in order.

``native`` is optional data for an editable PowerPoint chart:
``{"type": "bar"|"line", "categories": [str, ...], "series": {name: [float|None, ...]}}``.
With ``output_dir=None`` (an analyst running the notebook by hand) nothing is written.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from matplotlib.figure import Figure

__all__ = ["Collector", "SLIDE_SIZE_IN", "SLIDE_DPI", "numbered", "section_number"]

#: Figure size (inches) and DPI that give a 1920x1080 PNG.
SLIDE_SIZE_IN = (16.0, 9.0)
SLIDE_DPI = 120

_SLUG = re.compile(r"[^a-z0-9-]+")
_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+\.\s)")
_ZH_NUMBERS = "一二三四五六七八九十"


def section_number(n: int, lang: str = "zh") -> str:
    """The heading prefix of the ``n``-th section: ``一、`` … ``十九、`` / ``1. ``.

    Parameters
    ----------
    n : int
        The section's number (1-based).
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The prefix.
    """
    if lang == "en":
        return f"{n}. "
    if n <= 10:
        return _ZH_NUMBERS[n - 1] + "、"
    tens, ones = divmod(n, 10)
    return (_ZH_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (_ZH_NUMBERS[ones - 1] if ones else "") + "、"


def numbered(title: str, n: int, lang: str = "zh") -> str:
    """``title`` with its number replaced by the ``n``-th (``三、每日走势`` as the 2nd → ``二、每日走势``).

    Parameters
    ----------
    title : str
        A section title, numbered or not (``三、每日走势``, ``3. Daily trend``).
    n : int
        The section's number in the order shown (1-based).
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The title with the ``n``-th prefix.
    """
    return section_number(n, lang) + _NUMBER.sub("", title, count=1)


def _safe_slug(slug: str) -> str:
    s = _SLUG.sub("-", slug.lower()).strip("-")
    return s or "item"


class Collector:
    """Register charts and tables of a briefing; write them to ``output_dir`` (or nowhere when None).

    Parameters
    ----------
    output_dir : str | Path | None
        The report's output folder (``charts/``, ``tables/`` and ``outputs.json`` are written there); None
        writes nothing.
    title, subtitle : str, default ''
        The report's title and subtitle, kept in ``outputs.json``.
    lang : str, default 'zh'
        ``zh`` or ``en`` (how sections are numbered).

    Attributes
    ----------
    index : dict
        What ``outputs.json`` holds: ``title``, ``subtitle``, ``lang`` and the registered ``items``.
    sections : int
        Sections (level 2) registered so far.
    """

    def __init__(self, output_dir: str | Path | None, *, title: str = "", subtitle: str = "", lang: str = "zh"):
        self.output_dir = Path(output_dir) if output_dir else None
        self.index: dict = {"title": title, "subtitle": subtitle, "lang": lang, "items": []}
        self.lang = lang
        self.sections = 0
        self._names: dict[str, set[str]] = {"chart": set(), "table": set()}
        if self.output_dir is not None:
            (self.output_dir / "charts").mkdir(parents=True, exist_ok=True)
            (self.output_dir / "tables").mkdir(parents=True, exist_ok=True)
            self._save_index()

    def _next(self) -> int:
        return len(self.index["items"]) + 1

    def _save_index(self) -> None:
        assert self.output_dir is not None
        tmp = self.output_dir / "outputs.json.tmp"
        tmp.write_text(json.dumps(self.index, ensure_ascii=False, indent=1), "utf-8")
        tmp.replace(self.output_dir / "outputs.json")

    def _name(self, slug: str, kind: str) -> str:
        """A file name for ``slug``, unique among this report's charts (or tables): ``daily``, then ``daily-2``."""
        base = _safe_slug(slug)
        name, k = base, 2
        taken = self._names[kind]
        while name in taken:
            name, k = f"{base}-{k}", k + 1
        taken.add(name)
        return name

    def section(self, key: str, title: str, paragraphs: Sequence[str] = (), notes: Sequence[str] = (), *,
                level: int = 2, fields: Sequence[tuple[object, object]] = ()) -> str:
        """Register a section heading and its words; return its title numbered in the order shown.

        The report's title (``level`` 1) is not numbered.

        Parameters
        ----------
        key : str
            The section's key (``overview`` …), its slug.
        title : str
            The title, as numbered by the builder (renumbered here).
        paragraphs : Sequence[str], default ()
            The section's paragraphs.
        notes : Sequence[str], default ()
            Its notes.
        level : int, default 2
            1 for the report's title, 2 for a section.
        fields : Sequence[tuple[object, object]], default ()
            (label, value) lines of the report header.

        Returns
        -------
        str
            The title as shown.
        """
        if level == 2:
            self.sections += 1
            title = numbered(title, self.sections, self.lang)
        self.index["items"].append({"kind": "section", "n": self._next(), "slug": _safe_slug(key), "title": title,
                                    "level": level, "paragraphs": list(paragraphs), "notes": list(notes),
                                    "fields": [[str(k), str(v)] for k, v in fields]})
        if self.output_dir is not None:
            self._save_index()
        return title

    def chart(self, slug: str, title: str, fig: Figure, native: dict | None = None) -> bytes | None:
        """Register a matplotlib Figure; save it as ``charts/<slug>.png`` (1920x1080) and ``.svg``.

        Parameters
        ----------
        slug : str
            The file name stem (made safe and unique in this report).
        title : str
            The chart's title.
        fig : Figure
            The figure.
        native : dict | None, default None
            Data for an editable PowerPoint chart (:mod:`stats_lib.report.chart_native`), or None.

        Returns
        -------
        bytes | None
            The PNG's bytes (so that the notebook can show the same image without drawing the figure again), or
            None when nothing is written (``output_dir=None``).
        """
        n = self._next()
        name = self._name(slug, "chart")
        item = {"kind": "chart", "n": n, "slug": _safe_slug(slug), "title": title, "native": native,
                "png": f"charts/{name}.png", "svg": f"charts/{name}.svg"}
        png = None
        if self.output_dir is not None:
            fig.set_size_inches(*SLIDE_SIZE_IN)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=SLIDE_DPI, metadata={"Software": None})
            png = buf.getvalue()
            (self.output_dir / item["png"]).write_bytes(png)
            fig.savefig(self.output_dir / item["svg"], metadata={"Creator": None, "Date": None})
        self.index["items"].append(item)
        if self.output_dir is not None:
            self._save_index()
        return png

    def table(self, slug: str, title: str, df: pd.DataFrame, *, data: pd.DataFrame | None = None,
              formats: dict | None = None, note: str = "", workbook_only: bool = False) -> None:
        """Register a table as shown to the reader (headers in the report language).

        ``data`` is the numbers behind it for the workbook (same rows; counts and rates as numbers, dates as
        dates), written to ``tables/<slug>.data.json`` with ``formats`` (column → Excel number format).
        ``workbook_only`` tables (the daily and hourly series) go to the workbook, not to the slides.

        Parameters
        ----------
        slug : str
            The file name stem (made safe and unique in this report).
        title : str
            The table's title.
        df : pd.DataFrame
            The table as shown.
        data : pd.DataFrame | None, default None
            The numbers behind it (same rows), or None.
        formats : dict | None, default None
            Column of ``data`` → Excel number format, or None.
        note : str, default ''
            The note under the table.
        workbook_only : bool, default False
            Only in the workbook, not on the slides.
        """
        n = self._next()
        name = self._name(slug, "table")
        item = {"kind": "table", "n": n, "slug": _safe_slug(slug), "title": title, "json": f"tables/{name}.json"}
        if note:
            item["note"] = note
        if workbook_only:
            item["workbook_only"] = True
        if data is not None:
            item["data"] = f"tables/{name}.data.json"
            item["formats"] = dict(formats or {})
        if self.output_dir is not None:
            for key, frame in (("json", df), ("data", data)):
                if frame is None:
                    continue
                frame = frame.reset_index(drop=True)
                frame.columns = [str(c) for c in frame.columns]
                (self.output_dir / item[key]).write_text(
                    frame.to_json(orient="split", force_ascii=False, date_format="iso", index=False), "utf-8")
        self.index["items"].append(item)
        if self.output_dir is not None:
            self._save_index()

    @staticmethod
    def read_table(path: str | Path) -> pd.DataFrame:
        """Read a table written by :meth:`table` back into a DataFrame (columns in order).

        Parameters
        ----------
        path : str | Path
            A ``tables/<slug>.json`` file.

        Returns
        -------
        pd.DataFrame
            The table, its columns in the order written.
        """
        data = json.loads(Path(path).read_text("utf-8"))
        return pd.DataFrame(data["data"], columns=data["columns"])
