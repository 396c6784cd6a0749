"""Collect the charts and tables a briefing notebook shows, for the slides and the spreadsheet.

The notebook runs in a kernel; the PPTX deck and the XLSX workbook are written afterwards by the
render process. A :class:`Collector` is the hand-over between the two: the notebook registers each
chart and table with it, and it writes them into ``output_dir``:

- ``charts/NN-slug.png`` (1920x1080) and ``charts/NN-slug.svg``;
- ``tables/NN-slug.json`` (pandas ``orient="split"``: columns, index, data);
- ``outputs.json``: ``{"title", "subtitle", "lang", "items": [{"kind": "chart"|"table", "n", "slug",
  "title", "png", "svg", "native", "json"}, ...]}`` in the order registered.

``native`` is optional data for an editable PowerPoint chart:
``{"type": "bar"|"line", "categories": [str, ...], "series": {name: [float|None, ...]}}``.
With ``output_dir=None`` (an analyst running the notebook by hand) nothing is written.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd

__all__ = ["Collector", "SLIDE_SIZE_IN", "SLIDE_DPI"]

#: Figure size (inches) and DPI that give a 1920x1080 PNG.
SLIDE_SIZE_IN = (16.0, 9.0)
SLIDE_DPI = 120

_SLUG = re.compile(r"[^a-z0-9-]+")


def _safe_slug(slug: str) -> str:
    s = _SLUG.sub("-", slug.lower()).strip("-")
    return s or "item"


class Collector:
    """Register charts and tables of a briefing; write them to ``output_dir`` (or nowhere when None)."""

    def __init__(self, output_dir: str | Path | None, *, title: str = "", subtitle: str = "", lang: str = "zh"):
        self.output_dir = Path(output_dir) if output_dir else None
        self.index: dict = {"title": title, "subtitle": subtitle, "lang": lang, "items": []}
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

    def chart(self, slug: str, title: str, fig, native: dict | None = None) -> bytes | None:
        """Register a matplotlib Figure; save it as ``charts/NN-slug.png`` (1920x1080) and ``.svg``.

        Returns the PNG's bytes (so that the notebook can show the same image without drawing the
        figure again), or None when nothing is written (``output_dir=None``).
        """
        n = self._next()
        name = f"{n:02d}-{_safe_slug(slug)}"
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

    def table(self, slug: str, title: str, df: pd.DataFrame) -> None:
        """Register a table as shown to the reader (headers in the report language)."""
        n = self._next()
        name = f"{n:02d}-{_safe_slug(slug)}"
        item = {"kind": "table", "n": n, "slug": _safe_slug(slug), "title": title, "json": f"tables/{name}.json"}
        if self.output_dir is not None:
            frame = df.reset_index(drop=True)
            frame.columns = [str(c) for c in frame.columns]
            (self.output_dir / item["json"]).write_text(
                frame.to_json(orient="split", force_ascii=False, date_format="iso", index=False), "utf-8")
        self.index["items"].append(item)
        if self.output_dir is not None:
            self._save_index()

    @staticmethod
    def read_table(path: str | Path) -> pd.DataFrame:
        """Read a table written by :meth:`table` back into a DataFrame (columns in order)."""
        data = json.loads(Path(path).read_text("utf-8"))
        return pd.DataFrame(data["data"], columns=data["columns"])
