"""The notebook's API: prepare the data once, then build and show one section at a time.

The notebook ``notebooks/briefing.ipynb`` is thin: it calls :func:`prepare` with its parameters,
:func:`collector` for the hand-over to the render process, then :func:`show` on each section
builder (:func:`header`, :func:`overview` … :func:`data_notes`). Everything a reader sees is output
(HTML), never a Markdown cell, because the rendered HTML drops the code.

Example
-------
>>> from stats_lib import briefing as b                                       # doctest: +SKIP
>>> ctx = b.prepare(data=["cleaned/"], start="2023-01-21", end="2023-02-05", baseline="lunar")
>>> print(b.overview(ctx).text)                                              # doctest: +SKIP
"""

from __future__ import annotations

import html
import io
from dataclasses import replace

from stats_lib.briefing.collect import SLIDE_SIZE_IN, Collector
from stats_lib.report.context_types import Context
from stats_lib.report.fonts import setup_fonts
from stats_lib.report.sections import SECTIONS, Section, header, table_html

__all__ = ["collector", "show", "show_all", "build_all"]


def collector(ctx: Context, output_dir: str | None = None) -> Collector:
    """The :class:`stats_lib.collect.Collector` for this briefing (writes nothing when ``output_dir`` is None).

    Also sets up the CJK font for the charts.

    Parameters
    ----------
    ctx : Context
        The briefing's context (its title, ``lang`` and window).
    output_dir : str | None, default None
        The report's output folder, or None to write nothing.

    Returns
    -------
    Collector
        The collector.
    """

    setup_fonts()
    head = header(ctx)
    sub = " ".join(f"{k}：{v}" for k, v in head.fields[:3]) if ctx.lang != "en" \
        else " ".join(f"{k}: {v}" for k, v in head.fields[:3])
    return Collector(output_dir, title=head.title, subtitle=sub, lang=ctx.lang)


def show(section: Section, collect: Collector | None = None) -> None:
    """Display ``section`` in the notebook and register its charts and tables with ``collect``.

    Text and tables are shown as HTML; each chart as a PNG image (embedded in the notebook), then
    the Figure is closed. Returns None (nothing more is printed under the cell).

    Parameters
    ----------
    section : Section
        A section of the briefing.
    collect : Collector | None, default None
        The collector that registers the section's charts and tables, or None.
    """
    from IPython.display import HTML, Image, display

    if section.omit:
        return
    if collect is not None:
        title = collect.section(section.key, section.title, section.paragraphs, section.notes, level=section.level,
                                fields=section.fields)
        section = replace(section, title=title)
    display(HTML(_heading_html(section)))
    for chart in section.charts:
        if chart.figure is None:
            continue
        png = collect.chart(chart.slug, chart.title, chart.figure, native=chart.native) if collect else None
        display(Image(data=png or _png(chart.figure), width=960))
        _close(chart.figure)
    for t in section.tables:
        if not t.workbook_only:
            display(HTML(table_html(t)))
        if collect is not None:
            collect.table(t.slug, t.title, t.frame, data=t.data, formats=t.formats, note=t.note,
                          workbook_only=t.workbook_only)
    if section.notes:
        display(HTML("\n".join(f'<p style="font-size:90%;color:#555">{_esc(n)}</p>' for n in section.notes)))


def _heading_html(section: Section) -> str:
    part = Section(section.key, section.title, section.paragraphs, fields=section.fields, level=section.level,
                   colon=section.colon)
    return part.html()


def _esc(s: str) -> str:

    return html.escape(s)


def _png(fig) -> bytes:


    buf = io.BytesIO()
    fig.set_size_inches(*SLIDE_SIZE_IN)
    fig.savefig(buf, format="png", dpi=80, metadata={"Software": None})
    return buf.getvalue()


def _close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def build_all(ctx: Context) -> list[Section]:
    """Every section of the briefing, header first, in order.

    Parameters
    ----------
    ctx : Context
        The briefing's context (:func:`stats_lib.report.context.prepare`).

    Returns
    -------
    list[Section]
        The sections, header first; omitted sections are left out.
    """
    return [s for s in [header(ctx)] + [f(ctx) for f in SECTIONS] if not s.omit]


def show_all(ctx: Context, collect: Collector | None = None) -> None:
    """Show every section (header first) and register their charts and tables.

    Parameters
    ----------
    ctx : Context
        The briefing's context.
    collect : Collector | None, default None
        The collector, or None.
    """
    for s in build_all(ctx):
        show(s, collect)
