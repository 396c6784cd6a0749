"""What a section of the briefing is made of: :class:`Section`, :class:`Table`, :class:`Chart`, and their HTML.

A section has a heading in the report language, paragraphs of plain text, tables (what the reader sees and
the numbers behind it) and charts (matplotlib Figures with ``native`` data for an editable slide chart).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stats_lib.safe import md_cell

__all__ = ["Section", "Table", "Chart", "table_html", "display_cell", "markdown_table"]


@dataclass(frozen=True)
class Table:
    """A table as the reader sees it, and the numbers behind it.

    Attributes
    ----------
    slug, title : str
        File name (``categories``) and title in the report language.
    frame : DataFrame
        What the reader sees (headers in the report language; counts as numbers, changes as printed text).
    note : str
        The footnote.
    data : DataFrame, optional
        The same rows for the workbook: counts, changes and rates as numbers (a rate as a fraction, 0.031
        for 3.1%), the wording of a change in its own column, dates as dates; None when ``frame`` is that.
    formats : dict
        Excel number format of the columns of ``data`` (``#,##0``, ``+0.0%;-0.0%;0.0%`` …).
    workbook_only : bool
        A series for the analyst's own charts (daily, hourly): in the workbook, not in the HTML or slides.
    """

    slug: str
    title: str
    frame: pd.DataFrame
    note: str = ""
    data: pd.DataFrame | None = None
    formats: dict = field(default_factory=dict)
    workbook_only: bool = False


@dataclass(frozen=True)
class Chart:
    """A chart: the matplotlib Figure, and ``native`` data for an editable PowerPoint chart (or None).

    Attributes
    ----------
    slug : str
        The file name stem (stable across reports).
    title : str
        The chart's title.
    figure : object
        The matplotlib Figure.
    native : dict | None, default None
        Data for an editable PowerPoint chart (:mod:`stats_lib.report.chart_native`), or None.
    """

    slug: str
    title: str
    figure: object
    native: dict | None = None


@dataclass(frozen=True)
class Section:
    """One section of the briefing.

    Attributes
    ----------
    key : str
        Short English key (``overview``, ``categories`` …).
    title : str
        Heading in the report language (``一、总体情况``).
    paragraphs : tuple of str
        Plain-text paragraphs, in order.
    tables, charts : tuple
        :class:`Table` and :class:`Chart` objects, in the order shown.
    fields : tuple of (label, value)
        Labelled lines (the report header: 统计时段, 对比时段 …), shown before the paragraphs.
    level : int
        Heading level (1 for the report title, 2 for a section).
    notes : tuple of str
        Notes after the tables and charts (sources, definitions).
    colon : str
        The colon between a field's label and value (``：`` in Chinese, ``: `` in English).
    omit : bool
        Nothing to show for this briefing (the lunar key days of a US report): the section is not shown.
    """

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    level: int = 2
    notes: tuple[str, ...] = field(default=())
    colon: str = "："
    omit: bool = False  # nothing to show for this briefing (the lunar key days of a US report): not shown

    @property
    def text(self) -> str:
        """All the words of the section (title, fields, paragraphs, notes) as plain text."""
        parts = [self.title] + [f"{k}{self.colon}{v}" for k, v in self.fields] + list(self.paragraphs) + list(self.notes)
        for t in self.tables:
            parts += [t.title, t.note]
        return "\n".join(p for p in parts if p)

    def markdown(self) -> str:
        """The section as Markdown (charts named, not embedded).

        Returns
        -------
        str
            The Markdown, ending in a newline.
        """
        out = ["#" * (self.level + 1) + " " + self.title, ""]
        if self.fields:
            out += [" ".join(f"**{k}**{self.colon}{v}" for k, v in self.fields), ""]
        out += [p + "\n" for p in self.paragraphs]
        for t in (t for t in self.tables if not t.workbook_only):
            out += [f"**{t.title}**", "", markdown_table(t.frame), ""]
            if t.note:
                out += [t.note, ""]
        out += [f"*{c.title}*\n" for c in self.charts]
        out += [n + "\n" for n in self.notes]
        return "\n".join(out).rstrip() + "\n"

    def html(self) -> str:
        """The section as HTML (text escaped; tables with class ``dataframe``; no charts).

        Returns
        -------
        str
            The HTML fragment.
        """
        tag = f"h{min(max(self.level, 1), 6)}"
        out = [f"<{tag}>{html.escape(self.title)}</{tag}>"]
        if self.fields:
            out.append("<p>" + "".join(f"<b>{html.escape(k)}</b>{html.escape(self.colon)}{html.escape(v)}<br>"
                                       for k, v in self.fields) + "</p>")
        out += [f"<p>{html.escape(p)}</p>" for p in self.paragraphs]
        for t in (t for t in self.tables if not t.workbook_only):
            out.append(table_html(t))
        out += [f'<p style="font-size:90%;color:#555">{html.escape(n)}</p>' for n in self.notes]
        return "\n".join(out)


def table_html(t: Table) -> str:
    """Return ``t`` as an HTML table with its title and note; counts get thousands separators.

    Parameters
    ----------
    t : Table
        The table.

    Returns
    -------
    str
        The HTML fragment.
    """
    frame = t.frame.copy()
    for col in frame.columns:
        frame[col] = frame[col].map(display_cell)
    body = frame.to_html(index=False, classes="dataframe briefing-table", escape=True, na_rep="—", border=0)
    parts = [f"<p><b>{html.escape(t.title)}</b></p>", body]
    if t.note:
        parts.append(f'<p style="font-size:90%;color:#555">{html.escape(t.note)}</p>')
    return "\n".join(parts)


def display_cell(v: object) -> str:
    """A table cell as text: counts with thousands separators, floats with one decimal, ``—`` when missing.

    Parameters
    ----------
    v : object
        The cell's value.

    Returns
    -------
    str
        The text.
    """
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "—"
    if isinstance(v, bool | np.bool_):
        return str(v)
    if isinstance(v, int | np.integer):
        return f"{int(v):,}"
    if isinstance(v, float | np.floating):
        return f"{float(v):,.1f}"
    return str(v)


def markdown_table(frame: pd.DataFrame) -> str:
    """A frame as a Markdown table, cells as :func:`display_cell` writes them.

    Parameters
    ----------
    frame : pd.DataFrame
        The table; its columns are the header.

    Returns
    -------
    str
        The table, one line a row.
    """
    head = "| " + " | ".join(md_cell(c) for c in frame.columns) + " |"
    sep = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(md_cell(display_cell(v)) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, sep, *rows])
