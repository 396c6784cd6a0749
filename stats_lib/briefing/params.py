"""The parameters of the briefing notebook: their spec, validation and the ``--params-file`` loader.

Every parameter a render accepts is listed in :data:`PARAMETERS`. :func:`validate_params` checks and
types them all *before* a kernel starts, so that a bad value ends in one :class:`ParameterError` naming
the parameter (exit code 2). Only plain JSON values reach the notebook: ``str``, ``int``, a list of
``str``, or ``None``. papermill writes them into the notebook as escaped Python literals, so no value
can run code in the kernel.

Dates stay ISO strings (``YYYY-MM-DD``, optionally with an hour: ``2023-01-27T12``); the notebook and
the render resolve the window from them with :func:`stats_lib.calendar.reporting_window`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from stats_lib.calendar.baselines import reporting_window
from stats_lib.errors import InputError, ParameterError
from stats_lib.ingest.yamlsafe import load_yaml, read_yaml_text, short_repr
from stats_lib.windows import BASELINE_MODES, ReportingWindow, last_complete_day, today_shanghai

__all__ = [
    "PARAMETERS",
    "ParamSpec",
    "validate_params",
    "load_params_file",
    "params_from_cli",
    "resolve_plan",
    "today_shanghai",
]

#: Offset of Asia/Shanghai (China has kept UTC+8 without daylight saving since 1991).


@dataclass(frozen=True)
class ParamSpec:
    """One notebook parameter: its kind (``paths``, ``path``, ``date``, ``str``, ``int``, ``strs``) and help.

    Attributes
    ----------
    kind : str
        How the value is read: ``paths``, ``path``, ``date``, ``str``, ``int`` or ``strs``.
    help : str
        The help text of its ``briefing render`` flag.
    """

    kind: str
    help: str


#: The parameters of ``notebooks/briefing.ipynb`` (the hidden ``output_dir`` is set by the render only).
PARAMETERS: dict[str, ParamSpec] = {
    "data": ParamSpec("paths", "a cleaned folder (with daily.parquet) or raw export files; required"),
    "schema": ParamSpec("path", "schema YAML for raw exports"),
    "start": ParamSpec("date", "first day, inclusive: YYYY-MM-DD, optionally with an hour (2023-01-27T12)"),
    "end": ParamSpec("date", "last day, inclusive: YYYY-MM-DD, optionally with an hour (2023-02-02T12)"),
    "period": ParamSpec("str", "a named period, Chinese name or slug (春节以来, since-spring-festival …)"),
    "year": ParamSpec("int", "year of the named period"),
    "as_of": ParamSpec("date", "reference date YYYY-MM-DD (default: yesterday, the last complete day in Asia/Shanghai)"),
    "baseline": ParamSpec("str", "calendar | lunar | weekday | holiday | previous | avgN (N = 2 … 9)"),
    "lang": ParamSpec("str", "zh or en (default zh)"),
    "districts": ParamSpec("strs", "only these districts"),
    "categories": ParamSpec("strs", "only these categories"),
    "mask_below": ParamSpec("int", "show counts below K as * (K >= 1)"),
    "region": ParamSpec("str", "calendar region: CN (default), HK, TW, US, GB … (holidays and festivals shown)"),
    "forecast_start": ParamSpec("date", "八、节日预测: first day to forecast, YYYY-MM-DD (optional section)"),
    "forecast_end": ParamSpec("date", "八、节日预测: last day to forecast, YYYY-MM-DD"),
    "forecast_period": ParamSpec("str", "八、节日预测: a named period instead (春节假期 …) with forecast_year"),
    "forecast_year": ParamSpec("int", "八、节日预测: year of forecast_period"),
}

_CLI_ONLY = ("out", "timeout", "wait", "params_file", "command", "template")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2})(?::00)?)?$")
_AVG = re.compile(r"^avg[2-9]$")


def _flag(name: str) -> str:
    return f"--{name.replace('_', '-')}"


def _check_str(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise ParameterError(f"{name}: expected text, got {type(value).__name__} {short_repr(value)}")
    value = value.strip()
    if not value:
        raise ParameterError(f"{name}: empty value")
    if any(ord(c) < 32 for c in value):
        raise ParameterError(f"{name}: control characters are not allowed in {short_repr(value)}")
    return value


def _check_date(name: str, value: object, *, hour_ok: bool = True) -> str:
    if isinstance(value, dt.datetime):
        value = value.strftime("%Y-%m-%dT%H") if hour_ok and value.hour else value.date().isoformat()
    elif isinstance(value, dt.date):
        value = value.isoformat()
    text = _check_str(name, value)
    m = _DATE.match(text)
    example = "YYYY-MM-DD or YYYY-MM-DDTHH" if hour_ok else "YYYY-MM-DD"
    if not m or (m.group(2) is not None and not hour_ok):
        raise ParameterError(f"{name}: expected a date as {example}, got {text!r}")
    try:
        dt.date.fromisoformat(m.group(1))
    except ValueError:
        raise ParameterError(f"{name}: {m.group(1)!r} is not a calendar date") from None
    if m.group(2) is not None:
        hour = int(m.group(2))
        if hour > 24:
            raise ParameterError(f"{name}: hour {hour} is outside 0-24 in {text!r}")
        return f"{m.group(1)}T{hour:02d}"
    return m.group(1)


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{name}: expected a whole number, got {type(value).__name__} {short_repr(value)}")
    return value


def _check_path(name: str, value: object, base: Path | None) -> str:
    text = _check_str(name, value)
    path = Path(text).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    try:
        exists = path.exists()
    except (OSError, ValueError):
        exists = False
    if not exists:
        raise ParameterError(f"{name}: no such file or folder: {text}")
    return str(path.resolve())


def _check_strs(name: str, value: object) -> list[str] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ParameterError(f"{name}: expected a list of names, got {type(value).__name__} {short_repr(value)}")
    items = [_check_str(name, v) for v in value]
    return list(dict.fromkeys(items)) or None


def validate_params(params: Mapping[str, object], *, base: str | Path | None = None,
                    require_data: bool = True, check_window: bool = True) -> dict:
    """Check and type every parameter; return the values the notebook will receive.

    Parameters
    ----------
    params : mapping
        Parameter names (as in the notebook, ``as_of``; ``as-of`` is accepted too) to values.
        ``None`` means "not given".
    base : str or Path, optional
        Folder that relative ``data``/``schema`` paths are resolved against (default: the working folder).
    require_data : bool
        Raise when ``data`` is missing (True for a render).
    check_window : bool
        Also resolve the window and baseline with the calendar (see :func:`resolve_plan`).

    Returns
    -------
    dict
        Every name of :data:`PARAMETERS`, in that order, with a plain value: ``data`` a list of absolute
        path strings; ``schema`` an absolute path or None; ``start``/``end``/``as_of`` ISO strings
        (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH``) or None; ``period``/``baseline`` str or None; ``year``/
        ``mask_below`` int or None; ``lang`` ``"zh"`` or ``"en"``; ``districts``/``categories`` a list of
        str or None. ``as_of`` None is replaced by today in Asia/Shanghai, so that the notebook and the
        report folder resolve relative periods the same way.

    Raises
    ------
    ParameterError
        An unknown parameter, a wrong type, a bad date, a missing file, an unknown baseline mode, or a
        window that cannot be resolved (unknown period, end before start); the message names the parameter.
    """
    if not isinstance(params, Mapping):
        raise ParameterError(f"parameters: expected a mapping of names to values, got {type(params).__name__}")
    base_dir = Path(base) if base is not None else None
    raw: dict[str, object] = {}
    for key, value in params.items():
        name = str(key).replace("-", "_")
        if name == "forecast" and isinstance(value, Mapping):  # forecast: {start, end} or {period, year}
            raw.update({f"forecast_{k}": v for k, v in value.items()})
            continue
        if name not in PARAMETERS:
            known = ", ".join(PARAMETERS)
            raise ParameterError(f"unknown parameter {str(key)!r}; known parameters: {known}")
        raw[name] = value

    out: dict[str, object] = dict.fromkeys(PARAMETERS)
    data = raw.get("data")
    if data is not None:
        if isinstance(data, str | Path):
            data = [str(data)]
        if not isinstance(data, list | tuple) or not data:
            raise ParameterError(f"data: expected one or more paths, got {data!r}")
        out["data"] = [_check_path("data", str(p) if isinstance(p, Path) else p, base_dir) for p in data]
    elif require_data:
        raise ParameterError("data: --data is required (a cleaned folder or raw export files)")
    if raw.get("schema") is not None:
        schema = raw["schema"]
        out["schema"] = _check_path("schema", str(schema) if isinstance(schema, Path) else schema, base_dir)
    for name in ("start", "end"):
        if raw.get(name) is not None:
            out[name] = _check_date(name, raw[name])
    out["as_of"] = (_check_date("as_of", raw["as_of"], hour_ok=False) if raw.get("as_of") is not None
                    else last_complete_day().isoformat())
    if raw.get("period") is not None:
        out["period"] = _check_str("period", raw["period"])
    if raw.get("year") is not None:
        year = _check_int("year", raw["year"])
        if not 1950 <= year <= 2099:
            raise ParameterError(f"year: {year} is outside 1950-2099")
        out["year"] = year
    if raw.get("baseline") is not None:
        mode = _check_str("baseline", raw["baseline"]).lower()
        if mode not in BASELINE_MODES and not _AVG.match(mode):
            raise ParameterError(f"baseline: unknown mode {mode!r}; expected one of "
                                 f"{', '.join(BASELINE_MODES)} or avgN (N = 2 … 9)")
        out["baseline"] = mode
    lang = raw.get("lang")
    lang = "zh" if lang is None else _check_str("lang", lang).lower()
    if lang not in ("zh", "en"):
        raise ParameterError(f"lang: expected zh or en, got {lang!r}")
    out["lang"] = lang
    for name in ("districts", "categories"):
        if raw.get(name) is not None:
            out[name] = _check_strs(name, raw[name])
    if raw.get("mask_below") is not None:
        k = _check_int("mask_below", raw["mask_below"])
        if k < 1:
            raise ParameterError(f"mask_below: expected a whole number >= 1, got {k}")
        out["mask_below"] = k
    region = raw.get("region")
    out["region"] = "CN" if region is None else _check_str("region", region).upper()
    if not re.fullmatch(r"[A-Z]{2}", str(out["region"])):
        raise ParameterError(f"region: expected a two-letter country code (CN, HK, US …), got {region!r}")
    for name in ("forecast_start", "forecast_end"):
        if raw.get(name) is not None:
            out[name] = _check_date(name, raw[name], hour_ok=False)
    if raw.get("forecast_period") is not None:
        out["forecast_period"] = _check_str("forecast_period", raw["forecast_period"])
    if raw.get("forecast_year") is not None:
        out["forecast_year"] = _check_int("forecast_year", raw["forecast_year"])
    if (out["forecast_start"] is None) != (out["forecast_end"] is None):
        raise ParameterError("forecast_start: give both --forecast-start and --forecast-end, or --forecast-period")
    if out["forecast_period"] is not None and out["forecast_start"] is not None:
        raise ParameterError("forecast_period: give either --forecast-period or --forecast-start/--forecast-end")
    if out["period"] is None and (out["start"] is None) != (out["end"] is None):
        missing = "end" if out["end"] is None else "start"
        raise ParameterError(f"{missing}: give both --start and --end, or a --period")
    if out["period"] is None and out["start"] is None:
        raise ParameterError("start: give --start and --end, or a --period")
    if out["period"] is not None and (out["start"] is not None or out["end"] is not None):
        raise ParameterError("period: give either --period or --start/--end, not both")
    if check_window:
        resolve_plan(out)
    return out


def resolve_plan(params: Mapping[str, object]) -> ReportingWindow:
    """Resolve the window, baseline and cut-off day of validated parameters.

    Parameters
    ----------
    params : mapping
        Parameters as :func:`validate_params` returns them: ``start``/``end`` or ``period``/``year``,
        ``baseline`` and ``as_of`` (None: the last complete day).

    Returns
    -------
    ReportingWindow
        The window from ``start``/``end`` or ``period``/``year`` (against ``as_of``), the baseline
        windows of ``baseline`` (None: the calendar module's default mode) and ``as_of``; see
        :func:`stats_lib.calendar.reporting_window`.

    Raises
    ------
    ParameterError
        An unknown period, a window that cannot be resolved, or an unknown baseline; the message
        names the parameter.
    """

    what = "period" if params.get("period") is not None else "start/end"
    try:
        return reporting_window(params.get("start"), params.get("end"), params.get("period"), params.get("year"),
                                baseline=params.get("baseline"), as_of=params.get("as_of"))
    except InputError as exc:
        raise _named(exc, exc.parameter or what) from None


def _named(exc: Exception, name: str) -> ParameterError:
    """A ParameterError whose message starts with the parameter's name when it does not name it yet."""
    msg = str(exc)
    names = name.split("/")
    if any(n in msg for n in names + [_flag(n) for n in names]):
        return ParameterError(msg)
    return ParameterError(f"{name}: {msg}")


def load_params_file(path: str | Path) -> dict:
    """Read a ``--params-file`` YAML mapping; dates stay strings; relative paths are made absolute.

    Parameters
    ----------
    path : str | Path
        The YAML file.

    Returns
    -------
    dict
        The mapping as written (keys as in the parameters cell). Relative ``data``/``schema`` paths
        are resolved against the YAML file's folder. Values are not validated here; see
        :func:`validate_params`.

    Raises
    ------
    stats_lib.errors.ParameterError
        The file is missing, unreadable, not valid YAML or not a mapping.
    """
    p = Path(path)
    try:
        text = read_yaml_text(p)
    except FileNotFoundError:
        raise ParameterError(f"params_file: no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"params_file: cannot read {path}: {type(exc).__name__}") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"params_file: {path}: {getattr(exc, 'problem', '')}") from None
    try:
        data = load_yaml(text, dates_as_text=True)  # dates stay text, as papermill reads them
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        raise ParameterError(f"params_file: {path} is not valid YAML{where}" + (f" ({problem})" if problem else "")
                             ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"params_file: {path} must be a mapping of parameter names to values")
    base = p.resolve().parent
    out = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        if name in ("data", "schema") and value is not None:
            items = value if isinstance(value, list) else [value]
            resolved = [str(base / v) if isinstance(v, str) and not Path(v).expanduser().is_absolute() else v
                        for v in items]
            value = resolved if isinstance(value, list) else resolved[0]
        out[name] = value
    return out


def params_from_cli(args: Mapping[str, object]) -> dict:
    """Turn the parsed ``briefing render`` flags (``vars(args)``) into validated parameters.

    Drops ``out``, ``timeout``, ``wait``, ``params_file`` and ``command``; reads ``--params-file`` first, then
    lets every flag that was given override the file's value.

    Parameters
    ----------
    args : Mapping[str, object]
        The parsed flags, name → value (None when not given).

    Returns
    -------
    dict
        The output of :func:`validate_params`.
    """
    merged: dict[str, object] = {}
    if args.get("params_file"):
        merged.update(load_params_file(str(args["params_file"])))
    for key, value in args.items():
        if key in _CLI_ONLY or value is None:
            continue
        merged[key] = value
    return validate_params(merged)
