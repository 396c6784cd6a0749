"""The ledger: what a cleaning run did with every input row, and its summary in words.

In: the counts an engine made. Out: the ledger (``ledger.json``) and :func:`ledger_summary`, a short
summary in Chinese or English.

Ledger invariant: ``rows_read == rows_kept + rows_rejected + duplicates_removed``; for ``long`` and
``wide`` input a "row" is one count cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from stats_lib.errors import ParameterError
from stats_lib.ingest.privacy import PLACEHOLDER, PLACEHOLDER_EN, shorten
from stats_lib.ingest.schema import Schema
from stats_lib.ingest.taxonomy import BLANK_LABEL

__all__ = ["RowCounts", "KindLedger", "Ledger", "ledger_settings", "ledger_summary", "check_kept", "ALLOW_EMPTY_HINT",
           "OVERLAP_SHARE", "overlapping_files"]

#: Two files whose (day, hour, category, district, records) cells are shared at least this much (of the
#: smaller file's distinct cells) are reported as overlapping.
OVERLAP_SHARE = 0.8


@dataclass(frozen=True)
class RowCounts:
    """What happened to the rows (or count cells) of all files, or of one kind.

    Attributes
    ----------
    rows_read, rows_kept, rows_rejected, duplicates_removed : int
        ``rows_read == rows_kept + rows_rejected + duplicates_removed``.
    exact_duplicates : int
        Rows without an id equal to an earlier row (removed only with ``dedupe="exact"``).
    rejected_by_reason : dict
        Reason code -> rows, in the order of :data:`stats_lib.clean.rules.REASONS`.
    masked_cells : int
        Count cells masked or missing (``*``, ``—`` …), never read as zero.
    count_total : int
        Sum of the kept counts (the rows kept, for record-level input).
    normalised_rows : dict
        Kept rows whose category, subcategory or district normalisation changed: ``fullwidth``,
        ``traditional``, ``whitespace``, ``fullwidth_or_space``.
    date_min, date_max : str or None
        First and last statistical day kept (ISO dates).
    """

    rows_read: int
    rows_kept: int
    rows_rejected: int
    duplicates_removed: int
    exact_duplicates: int
    rejected_by_reason: dict
    masked_cells: int
    count_total: int
    normalised_rows: dict
    date_min: str | None
    date_max: str | None

    def to_dict(self) -> dict:
        """The counts as the ledger's JSON holds them (this order).

        Returns
        -------
        dict
            Count name → rows.
        """
        return asdict(self)


@dataclass(frozen=True)
class KindLedger:
    """The ledger of one kind (警情 or 案件): its counts and its unmapped categories (label -> rows).

    Attributes
    ----------
    counts : RowCounts
        Rows read, kept, rejected by reason and removed as duplicates.
    unmapped_categories : dict
        Raw category label → rows that the taxonomy did not know.
    """

    counts: RowCounts
    unmapped_categories: dict

    def to_dict(self) -> dict:
        """The block as the ledger's JSON holds it.

        Returns
        -------
        dict
            The counts' keys then ``unmapped_categories``.
        """
        return {**self.counts.to_dict(), "unmapped_categories": dict(self.unmapped_categories)}


@dataclass(frozen=True)
class Ledger:
    """What a cleaning run did with every input row: the ledger, typed; :meth:`to_dict` is ``ledger.json``.

    Attributes
    ----------
    counts : RowCounts
        All files together.
    unmapped_categories : dict
        Label -> rows counted under 其他, by rows then first appearance.
    total_mismatches : list of dict
        Totals of wide tables that do not match their parts.
    hour_unknown : int
        Kept records without a time of day (not in the hourly table).
    district_unmatched : int
        Rows whose district pattern found nothing in a non-blank value.
    settings : dict
        :func:`ledger_settings`.
    files : list of dict
        One entry per input file (path, sha256, encoding, shape, columns, notes, rows_read …).
    by_kind : dict
        Kind -> :class:`KindLedger`.
    values_redacted : dict
        Role -> records whose value held personal data and became （已屏蔽） (added by
        :func:`stats_lib.clean.egress.apply_egress`; empty before it).
    """

    counts: RowCounts
    unmapped_categories: dict
    total_mismatches: list
    hour_unknown: int
    district_unmatched: int
    settings: dict
    files: list
    by_kind: dict
    values_redacted: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The ledger as ``ledger.json`` holds it: the same keys in the same order as before it was typed.

        Returns
        -------
        dict
            The keys of :class:`RowCounts`, then ``unmapped_categories``, ``total_mismatches``,
            ``hour_unknown``, ``district_unmatched``, the settings, ``files``, ``by_kind`` and, unless
            ``dedupe`` is ``"exact"``, ``exact_duplicates_kept``.
        """
        out = {
            **self.counts.to_dict(),
            "unmapped_categories": dict(self.unmapped_categories),
            "total_mismatches": list(self.total_mismatches),
            "hour_unknown": self.hour_unknown,
            "district_unmatched": self.district_unmatched,
            **self.settings,
            "files": list(self.files),
            "by_kind": {k: v.to_dict() for k, v in self.by_kind.items()},
        }
        if self.settings.get("dedupe") != "exact":
            out["exact_duplicates_kept"] = self.counts.exact_duplicates
        if self.values_redacted:
            out["values_redacted"] = dict(self.values_redacted)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Ledger:
        """The typed ledger of a ``ledger.json`` (as :meth:`to_dict` writes it).

        Parameters
        ----------
        data
            The ledger as a dict.

        Returns
        -------
        Ledger

        Raises
        ------
        KeyError
            A key of the ledger is missing.
        """
        names = list(RowCounts.__dataclass_fields__)
        settings = ("dedupe", "as_of", "day_start", "timezone", "taxonomy", "schema", "engine")
        return cls(
            counts=RowCounts(**{k: data[k] for k in names}),
            unmapped_categories=dict(data["unmapped_categories"]),
            total_mismatches=list(data["total_mismatches"]),
            hour_unknown=data["hour_unknown"],
            district_unmatched=data["district_unmatched"],
            settings={k: data[k] for k in settings},
            files=list(data["files"]),
            by_kind={k: KindLedger(counts=RowCounts(**{n: v[n] for n in names}),
                                   unmapped_categories=dict(v["unmapped_categories"]))
                     for k, v in data["by_kind"].items()},
            values_redacted=dict(data.get("values_redacted", {})),
        )


def ledger_settings(schema: Schema, as_of: dt.date, dedupe: str | None, engine: str) -> dict:
    """The settings part of the ledger (the same keys, in the same order, for every engine).

    Parameters
    ----------
    schema
        The schema used (``schema`` is None for the default one, else its source).
    as_of
        The as-of date.
    dedupe
        ``"exact"`` or None.
    engine
        The engine's name (``"duckdb"``).

    Returns
    -------
    dict
        dict with the keys ``dedupe``, ``as_of`` (ISO date), ``day_start``, ``timezone``, ``taxonomy``,
        ``schema`` and ``engine``, in that order.
    """
    return {
        "dedupe": dedupe,
        "as_of": as_of.isoformat(),
        "day_start": schema.day_start,
        "timezone": schema.timezone,
        "taxonomy": schema.taxonomy,
        "schema": None if schema == Schema() else schema.source,
        "engine": engine,
    }




_REASON_ZH = {"bad_date": "日期无法识别", "missing_date": "日期为空", "future_date": "日期晚于基准日",
              "implausible_date": "日期早于下限", "bad_count": "数量无效", "masked_count": "数量被遮蔽或缺失",
              "ragged_row": "字段数与表头不符"}
_REASON_EN = {"bad_date": "unparseable date", "missing_date": "empty date", "future_date": "future date",
              "implausible_date": "date before the lower bound", "bad_count": "invalid count",
              "masked_count": "masked or missing count", "ragged_row": "fields do not match the header"}
#: The column of the rejects table each reason comes from.
#: Dates with a Republic-of-China year (Taiwan): 112/01/21, 112.1.21, 112年1月21日, 民國112年…, 1120121.
_ROC_LIKE = r"(?:民[国國])?\d{2,3}[-/.年]\d{1,2}[-/.月]\d{1,2}[日号]?(?:[ T].*)?|\d{7}"
_REASON_COLUMN = {"bad_date": "time", "missing_date": "time", "future_date": "time", "implausible_date": "time",
                  "bad_count": "count", "masked_count": "count", "ragged_row": "time"}


def overlapping_files(keys: pd.DataFrame, paths: list[str], min_tuples: int = 5) -> list[dict]:
    """Find pairs of files that hold mostly the same records (the same export saved twice).

    Parameters
    ----------
    keys : one row per kept record: ``fi`` (file index) and ``key`` (a hash of its time, category,
        district and count).
    paths
        The file paths, by index.
    min_tuples
        Files with fewer distinct tuples are not compared.

    Returns
    -------
    list
        list of dict ``{"files": [path_a, path_b], "shared": n, "share": fraction}``, one per pair whose
        shared distinct tuples are at least :data:`OVERLAP_SHARE` of the smaller file's.
    """
    sets = {int(fi): set(g) for fi, g in keys.groupby("fi")["key"]}
    out = []
    order = sorted(sets)
    for i, a in enumerate(order):
        for b in order[i + 1:]:
            small = min(len(sets[a]), len(sets[b]))
            if small < min_tuples:
                continue
            shared = len(sets[a] & sets[b])
            if shared >= OVERLAP_SHARE * small:
                out.append({"files": [paths[a], paths[b]], "shared": shared, "share": round(shared / small, 4)})
    return out


#: The end of a :func:`check_kept` message; left out of the warning of a run that passed ``--allow-empty``.
ALLOW_EMPTY_HINT = "(or pass --allow-empty to keep the result)"


def check_kept(ledger: dict, rejects: pd.DataFrame) -> str | None:
    """Return why a cleaning run must not pass as a success, or None when it may.

    A run fails when it keeps no row, or when more than half of the rows read are rejected (for one reason or
    several). The message names the reasons, then for the commonest one the column it came from (the file's
    mapped column) and two raw example values, shortened and screened for personal data
    (:func:`stats_lib.ingest.privacy.shorten`).

    Parameters
    ----------
    ledger
        The ledger of the run (``rows_read``, ``rows_kept``, ``rejected_by_reason``, ``files``).
    rejects
        The rejects table (``file``, ``line``, ``reason`` and the raw ``time``, ``count`` … values).

    Returns
    -------
    str
        str or None
    """
    read, kept = ledger.get("rows_read", 0), ledger.get("rows_kept", 0)
    reasons = ledger.get("rejected_by_reason", {})
    top = max(reasons.items(), key=lambda kv: kv[1], default=(None, 0))
    # masked cells (a desk sheet's suppressed small numbers) are missing by design: they stop a run only alone
    rejected = max(top[1], sum(n for r, n in reasons.items() if r != "masked_count"))
    if read == 0 or (kept > 0 and rejected * 2 <= read):
        return None
    if top[0] is None:
        return f"no row kept out of {read:,} (every row a duplicate)"
    reason, n = top
    if kept and n < rejected:  # several reasons together: describe the commonest one that is not a masked cell
        reason, n = max(((r, c) for r, c in reasons.items() if r != "masked_count"), key=lambda kv: kv[1])
    role = _REASON_COLUMN.get(reason, "time")
    sel = rejects[rejects["reason"] == reason] if "reason" in rejects else rejects.iloc[:0]
    files = {str(f.get("path")): f for f in ledger.get("files", [])}
    first = sel.iloc[0] if len(sel) else None
    path = str(first["file"]) if first is not None else next(iter(files), "")
    info = files.get(path, {})
    column = info.get("time_column") if role == "time" else info.get("columns", {}).get(role, "the count columns")
    examples = []
    if role in sel:
        for v in sel[role].astype(str).drop_duplicates():
            if v.strip():
                examples.append(f"'{shorten(v, 30)}'")
            if len(examples) == 2:
                break
    shown = f" (such as {', '.join(examples)})" if examples else ""
    if kept == 0:
        head = "no row kept"
    elif n == rejected:
        head = f"{n:,} of {read:,} rows rejected for one reason"
    else:
        head = (f"{rejected:,} of {read:,} rows rejected (" + ", ".join(
            f"{r} {c:,}" for r, c in sorted(reasons.items(), key=lambda kv: -kv[1]) if r != "masked_count") + ")")
    keep = ALLOW_EMPTY_HINT
    if reason == "ragged_row":
        return (f"{path}: {head}: {n:,} rows whose fields do not match the header; check the delimiter and the "
                f"quoting of fields that hold the delimiter or a line break {keep}")
    hint = ("the column mapping, 'date_format' or 'dayfirst' in the schema" if role == "time"
            else "the column mapping and the count columns in the schema")
    raw = sel[role].astype(str).str.strip().drop_duplicates().head(50) if role in sel else pd.Series([], dtype=str)
    if role == "time" and len(raw) and raw.str.fullmatch(_ROC_LIKE).mean() > 0.5:
        hint = ("the column mapping, 'date_format', 'dayfirst' or 'calendar: roc' (Republic-of-China years, "
                "112/01/21 = 2023-01-21) in the schema")
    if reason == "future_date":
        hint = (f"--as-of (the data's cut-off day, {ledger.get('as_of')}: rows after it are future dates), then "
                + hint)
    return f"{path}: {head}: {n:,} rejected as {reason} from column '{column}'{shown}; check {hint} {keep}"


#: Records of one value from which its redaction is named in the summary as possibly a place or a word.
MANY_REDACTED = 10
_COLUMN_ZH = {"category": "类别", "subcategory": "细类", "district": "辖区", "kind": "类型"}


def _redaction_lines(ledger: dict, zh: bool) -> list[str]:
    """The summary line of values replaced by the placeholder, by column; a column where one value covers
    :data:`MANY_REDACTED` records or more is flagged, since a place or a word taken for a name merges there."""
    done = {k: int(v) for k, v in (ledger.get("values_redacted") or {}).items() if v}
    if not done:
        return []
    largest = ledger.get("values_redacted_largest") or {}
    sep = "，" if zh else ", "
    shown = sep.join(f"{_COLUMN_ZH.get(k, k) if zh else k} {n:,}" for k, n in done.items())
    many = [(k, int(n)) for k, n in largest.items() if int(n) >= MANY_REDACTED]
    if zh:
        line = f"含个人信息的取值已整格替换为“{PLACEHOLDER}”：{shown} 条记录。"
        for k, n in many:
            line += (f"{_COLUMN_ZH.get(k, k)}中单个取值就有 {n:,} 条被屏蔽（各被屏蔽取值已合并为一项）；"
                     "若它是地名或普通词而非人名，请核对原始数据。")
        return [line]
    line = f"Values holding personal data replaced whole by {PLACEHOLDER_EN}: {shown} records."
    for k, n in many:
        line += (f" In {k}, one value alone accounts for {n:,} redacted records (the redacted values are merged "
                 "into one); if it is a place or an ordinary word, not a name, check the source.")
    return [line]


def ledger_summary(ledger: dict, lang: str = "zh") -> str:
    """Return a short human summary of a cleaning ledger (Chinese by default, ``lang="en"`` for English).

    Example (zh): ``读入 1,000 行，保留 950 行，剔除 30 行（日期无法识别 20，日期为空 10），去除重复 20 行。``

    Parameters
    ----------
    ledger
        A cleaning ledger (``Cleaned.ledger`` or ``ledger.json``).
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        One line per fact (rows read, kept, rejected; files and dates; runs of days without any record
        (``gaps``); exact duplicates; unmapped categories;
        values redacted as personal data, by column, naming a column where one value covers many records;
        masked cells; total mismatches; records without a time of day), the empty ones left out.

    Raises
    ------
    ParameterError
        ``lang`` is neither ``zh`` nor ``en``.
    """
    if lang not in ("zh", "en"):
        raise ParameterError(f"lang: expected zh or en, got {lang!r}")
    zh = lang == "zh"
    names = _REASON_ZH if zh else _REASON_EN
    reasons = ledger.get("rejected_by_reason", {})
    sep = "，" if zh else ", "
    detail = sep.join(f"{names.get(r, r)} {n:,}" for r, n in reasons.items())
    read, kept, rej, dup = (ledger.get(k, 0) for k in ("rows_read", "rows_kept", "rows_rejected", "duplicates_removed"))
    if zh:
        line = f"读入 {read:,} 行，保留 {kept:,} 行，剔除 {rej:,} 行" + (f"（{detail}）" if detail else "") \
            + f"，去除重复 {dup:,} 行。"
    else:
        line = f"Read {read:,} rows, kept {kept:,}, rejected {rej:,}" + (f" ({detail})" if detail else "") \
            + f", removed {dup:,} duplicates."
    lines = [line]
    files = ledger.get("files", [])
    if ledger.get("date_min"):
        span = f"{ledger['date_min']} ~ {ledger['date_max']}"
        lines.append(f"文件 {len(files)} 个，日期范围 {span}。" if zh else f"{len(files)} file(s), dates {span}.")
    gaps = ledger.get("gaps", [])
    if gaps:
        runs = sep.join(f"{g['start']} ~ {g['end']}" + (f"（{g['days']}天）" if zh else f" ({g['days']} days)")
                        for g in gaps[:5])
        lines.append(f"其中 {len(gaps)} 段日期没有任何记录（可能缺少导出文件）：{runs}；这些日期不按 0 计，"
                     "落在其中的时段不作比较。" if zh else
                     f"{len(gaps)} run(s) of days without any record (a missing export?): {runs}; those days "
                     "are not counted as zeros and periods in them are not compared.")
    for f in files:  # a workbook read sheet by sheet (stats_lib.ingest.sheets): each sheet and its rows
        if f.get("sheets"):
            each = sep.join(f"{s['sheet']} {int(s['rows']):,}" for s in f["sheets"])
            lines.append(f"{Path(str(f['path'])).name} 读入 {len(f['sheets'])} 个工作表（表头相同）：{each} 行。" if zh
                         else f"{Path(str(f['path'])).name}: {len(f['sheets'])} sheets with the same header read: "
                         f"{each} rows.")
    exact = ledger.get("exact_duplicates_kept", 0)
    if exact:
        lines.append(f"完全相同的行 {exact:,} 行（无编号列，已保留；--dedupe exact 可去除）。" if zh
                     else f"{exact:,} exact duplicate rows kept (no id column; --dedupe exact removes them).")
    sci = sum(int(f.get("ids_unusable", 0)) for f in files)
    if sci:
        lines.append(f"编号为科学计数法的 {sci:,} 行（如 3.2E+19，Excel 已丢失末位数字），编号无法用于去重，未按编号去重。" if zh
                     else f"{sci:,} ids in scientific notation (such as 3.2E+19, digits lost by Excel): the ids "
                     "cannot tell records apart, so no duplicates were removed by id.")
    unmapped = ledger.get("unmapped_categories", {})
    if unmapped:
        english = {PLACEHOLDER: PLACEHOLDER_EN, BLANK_LABEL: "(blank)"}
        shown = sep.join(f"{k if zh else english.get(k, k)} {v:,}" for k, v in list(unmapped.items())[:8])
        lines.append(f"未识别的类别计入“其他”：{shown}。" if zh else f"Unmapped categories counted as Other: {shown}.")
    lines += _redaction_lines(ledger, zh)
    if ledger.get("masked_cells"):
        n = ledger["masked_cells"]
        lines.append(f"遮蔽或缺失的数量 {n:,} 格（按缺失处理，不计为 0）。" if zh
                     else f"{n:,} masked or missing count cells (missing, not zero).")
    mism = ledger.get("total_mismatches", [])
    if mism:
        first = sep.join(f"{m.get('date') or m.get('category')}: {m['expected']}≠{m['found']}" for m in mism[:5])
        lines.append(f"合计核对不符 {len(mism)} 处：{first}。" if zh else f"{len(mism)} total mismatch(es): {first}.")
    for o in ledger.get("overlapping_files", []):
        a, b = (Path(str(x)).name for x in o["files"])
        lines.append(f"文件 {a} 与 {b} 的记录有 {o['share']:.0%} 相同（时间、类别、辖区），可能是同一导出重复，已分别计数。"
                     if zh else f"Files {a} and {b} share {o['share']:.0%} of their records (time, category, "
                     "district): probably the same export twice; both were counted.")
    if ledger.get("warning"):
        lines.append(("警告：" if zh else "Warning: ") + ledger["warning"])
    if ledger.get("hour_unknown"):
        n = ledger["hour_unknown"]
        lines.append(f"无具体时刻的记录 {n:,} 条（不计入分时表）。" if zh
                     else f"{n:,} records without a time of day (not in the hourly table).")
    return "\n".join(lines)
