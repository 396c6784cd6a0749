"""The ``briefing`` command: ``clean``, ``calendar``, ``compare``, ``forecast`` and ``render``.

Every user error ends in one line on stderr naming the file, row or parameter, and exit code 2;
an error inside a notebook cell ends in exit code 1. Never a traceback for a user error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from stats_lib.briefing.render import params_from_cli, render
from stats_lib.calendar.baselines import reporting_window
from stats_lib.calendar.overview import calendar_report, format_calendar
from stats_lib.clean import ledger_summary, load, load_data, write_cleaned
from stats_lib.clean.engine import DEFAULT_ENGINE, ENGINES
from stats_lib.errors import InputError, ParameterError, StatsLibError
from stats_lib.ingest.privacy import redact
from stats_lib.report.comparison_table import comparison_csv, format_table
from stats_lib.report.forecast_text import backtest_csv, forecast_csv, format_backtest, format_forecast
from stats_lib.safe import csv_bytes
from stats_lib.stats.compare import compare
from stats_lib.stats.forecast import forecast
from stats_lib.stats.forecast_backtest import backtest
from stats_lib.windows import as_date

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors raise ParameterError (one line, exit code 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        where = self.prog.removeprefix("briefing").strip()    # the sub-command; the line already says briefing
        raise ParameterError(f"{where}: {message}" if where else message)


def _add_data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", nargs="+", required=True, metavar="PATH",
                   help="a cleaned folder (with daily.parquet) or raw export files")
    p.add_argument("--schema", metavar="FILE", help="schema YAML for raw exports")


def _add_window_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--start", metavar="DATE", help="first day, inclusive (YYYY-MM-DD)")
    p.add_argument("--end", metavar="DATE", help="last day, inclusive (YYYY-MM-DD)")
    p.add_argument("--period", metavar="NAME", help="a named period, Chinese name or slug (since-spring-festival …)")
    p.add_argument("--year", type=int, help="year of the named period")
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help="reference date (default yesterday, the last complete day in Asia/Shanghai)")
    p.add_argument("--baseline", metavar="MODE",
                   help="calendar | lunar | weekday | holiday | previous | avgN (default: lunar within 春运, else calendar)")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``briefing`` command."""
    parser = _Parser(prog="briefing", description="Incident statistics for situation briefings.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("clean", help="clean exports into the canonical daily table and a ledger")
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="export files (CSV, TSV, .csv.gz, Excel, Parquet; with --engine spark also hdfs:// s3a:// …)")
    p.add_argument("--table", dest="tables", action="append", default=[], metavar="DB.TABLE",
                   help="a table of the Spark catalog (Hive metastore), with --engine spark; may be repeated")
    p.add_argument("--schema", metavar="FILE", help="schema YAML (column mapping, shape, encoding …)")
    p.add_argument("--out", default="cleaned", metavar="DIR", help="output folder (default: cleaned)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE", help="dates after this are rejected as future (default today)")
    p.add_argument("--dedupe", choices=["exact", "none"],
                   help="exact: also drop exact duplicate rows when there is no id column; none: keep every row "
                   "(ids that do not identify records)")
    p.add_argument("--engine", choices=list(ENGINES), default=DEFAULT_ENGINE,
                   help="cleaning engine (spark: pip install 'stats-lib[spark]' and Java 17)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the summary")
    p.add_argument("--allow-empty", dest="allow_empty", action="store_true",
                   help="write the result with a warning (exit 0) when no row is kept or most rows are rejected "
                        "for one reason (default: exit 2)")

    p = sub.add_parser("calendar", help="holidays, named periods and make-up working days of a year")
    p.add_argument("year", type=int)
    p.add_argument("--as-of", dest="as_of", metavar="DATE", help="reference date for open-ended periods")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")

    p = sub.add_parser("compare", help="compare a window with its baseline")
    _add_data_args(p)
    _add_window_args(p)
    p.add_argument("--by", metavar="DIM", help="category | subcategory | district | kind, or several joined by ','")
    p.add_argument("--kind", metavar="KIND", help="警情 or 案件 (default: 警情 when both are present), or all")
    p.add_argument("--districts", nargs="+", metavar="NAME", help="only these districts")
    p.add_argument("--categories", nargs="+", metavar="NAME", help="only these categories")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")

    p = sub.add_parser("forecast", help="forecast the coming days (holiday) with prediction intervals, or backtest")
    _add_data_args(p)
    p.add_argument("--start", metavar="DATE", help="first day to forecast, inclusive (YYYY-MM-DD)")
    p.add_argument("--end", metavar="DATE", help="last day to forecast, inclusive (YYYY-MM-DD)")
    p.add_argument("--period", metavar="NAME", help="a named period (春节假期 …) with --year")
    p.add_argument("--year", type=int, help="year of the named period")
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help="forecast origin: only data before this day are used (default: the window's first day)")
    p.add_argument("--by", nargs="+", choices=["category", "district"], default=["category", "district"],
                   help="levels reconciled to the total (default both)")
    p.add_argument("--levels", nargs="+", type=int, default=[80, 95], metavar="PCT", help="interval levels (80 95)")
    p.add_argument("--kind", metavar="KIND", help="警情 or 案件 (default: every kind; backtest: 警情)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--backtest", action="store_true", help="re-run from past festivals and score beside references")
    p.add_argument("--lead-days", dest="lead_days", type=int, default=14, metavar="N",
                   help="backtest: origin N days before each window (default 14)")
    p.add_argument("--region", choices=["CN", "US"], default="CN", help="holiday calendar (US: the holidays library)")
    p.add_argument("--sims", type=int, default=1000, metavar="N", help="simulated paths (default 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lang", choices=["zh", "en"], default="zh")

    p = sub.add_parser("render", help="render the briefing (HTML, charts, PPTX, XLSX) atomically")
    p.add_argument("--data", nargs="+", metavar="PATH", help="a cleaned folder or raw export files")
    p.add_argument("--schema", metavar="FILE")
    p.add_argument("--start", metavar="DATE")
    p.add_argument("--end", metavar="DATE")
    p.add_argument("--period", metavar="NAME")
    p.add_argument("--year", type=int)
    p.add_argument("--as-of", dest="as_of", metavar="DATE")
    p.add_argument("--baseline", metavar="MODE")
    p.add_argument("--lang", choices=["zh", "en"])
    p.add_argument("--districts", nargs="+", metavar="NAME")
    p.add_argument("--categories", nargs="+", metavar="NAME")
    p.add_argument("--mask-below", dest="mask_below", type=int, metavar="K", help="show counts below K as *")
    p.add_argument("--region", metavar="CODE", help="calendar region: CN (default), HK, TW, US, GB …")
    p.add_argument("--template", metavar="FILE.pptx", help="a bureau's PowerPoint template for the deck")
    p.add_argument("--params-file", dest="params_file", metavar="FILE.yaml")
    p.add_argument("--forecast-start", dest="forecast_start", metavar="DATE", help="八、节日预测: first day to forecast")
    p.add_argument("--forecast-end", dest="forecast_end", metavar="DATE", help="八、节日预测: last day to forecast")
    p.add_argument("--forecast-period", dest="forecast_period", metavar="NAME", help="八、节日预测: 春节假期 …")
    p.add_argument("--forecast-year", dest="forecast_year", type=int, metavar="Y", help="year of --forecast-period")
    p.add_argument("--out", default="reports", metavar="DIR")
    p.add_argument("--timeout", type=int, default=600, metavar="SECONDS", help="limit per notebook cell")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for another render of the same report to finish (default: refuse at once)")
    return parser


def _cmd_clean(args: argparse.Namespace) -> int:

    cleaned = load(args.inputs, schema=args.schema, as_of=args.as_of, dedupe=args.dedupe, engine=args.engine,
                   allow_empty=args.allow_empty, tables=args.tables)
    write_cleaned(cleaned, args.out)
    print(_one_text(ledger_summary(cleaned.ledger, lang=args.lang)))
    return 0


def _cmd_calendar(args: argparse.Namespace) -> int:

    report = calendar_report(args.year, as_of=args.as_of, lang=args.lang)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_calendar(report, lang=args.lang))
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:

    # without --as-of, the last complete day: a day still running is never reported as whole
    as_of = as_date(args.as_of, what="--as-of") if args.as_of else None
    reporting = reporting_window(args.start, args.end, args.period, args.year, baseline=args.baseline, as_of=as_of)
    window, baseline = reporting.window, reporting.baseline
    if args.as_of and window.end > reporting.as_of:
        raise ParameterError(f"--as-of {args.as_of}: the window ends {window.end}, after the data's cut-off; end the "
                             "window by that day or leave --as-of out")
    data = load_data(args.data, schema=args.schema, as_of=args.as_of)
    by = [b.strip() for b in args.by.split(",")] if args.by else None
    result = compare(data.daily, window, baseline, by=by, hourly=data.hourly, kind=args.kind,
                     districts=args.districts, categories=args.categories, ledger=data.ledger)
    if args.format == "json":
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif args.format == "csv":
        _write_csv(comparison_csv(result, lang=args.lang))
    else:
        print(format_table(result, lang=args.lang))
    return 0


def _write_csv(frame) -> None:
    """A CSV on standard output as Excel reads it: UTF-8 with a byte-order mark (bytes when stdout has them)."""
    data = csv_bytes(frame)
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text stream (tests, notebooks): the BOM as its character
        sys.stdout.write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def _cmd_forecast(args: argparse.Namespace) -> int:
    data = load_data(args.data, schema=args.schema)
    if args.backtest:
        if any(v not in (None, "") for v in (args.start, args.end, args.period)):
            raise ParameterError("forecast --backtest chooses its windows from the data: drop --start/--end/--period")
        bt = backtest(data, kind=args.kind, by=tuple(args.by), lead_days=args.lead_days, levels=tuple(args.levels),
                      n_sims=args.sims, seed=args.seed, region=args.region)
        if args.format == "json":
            print(json.dumps({"windows": [[w.start.isoformat(), w.end.isoformat()] for w in bt.windows],
                              "summary": bt.summary.round(3).to_dict("records")}, ensure_ascii=False, indent=1))
        elif args.format == "csv":
            _write_csv(backtest_csv(bt, lang=args.lang))
        else:
            print(format_backtest(bt, lang=args.lang))
        return 0
    fc = forecast(data, args.start, args.end, period=args.period, year=args.year, as_of=args.as_of,
                  by=tuple(args.by), levels=tuple(args.levels), kinds=(args.kind,) if args.kind else None,
                  n_sims=args.sims, seed=args.seed, region=args.region, lang=args.lang)
    if args.format == "csv":
        _write_csv(forecast_csv(fc, lang=args.lang))
        return 0
    text = format_forecast(fc, args.format, lang=args.lang)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    # nbformat imports jsonschema, whose optional IRI format checker (rfc3987_syntax) compiles a grammar
    # on import (about 1 s); notebooks never hold IRIs to check, so this command process does without it.
    sys.modules.setdefault("rfc3987_syntax", None)

    params = params_from_cli(vars(args))
    path = render(params, out=args.out, timeout=args.timeout, lock_wait=args.wait, template=args.template)
    print(path)
    return 0


_COMMANDS = {"clean": _cmd_clean, "calendar": _cmd_calendar, "compare": _cmd_compare, "forecast": _cmd_forecast,
             "render": _cmd_render}


def _one_text(text: str) -> str:
    """Text as it may reach a terminal or a cron log: personal data redacted
    (:func:`stats_lib.ingest.privacy.redact`), and bytes of undecodable file names shown as ``\\xNN``."""
    return redact(text).encode("utf-8", "backslashreplace").decode("utf-8")


def _error(message: str) -> None:
    """Print one error line on stderr (line breaks inside the message become spaces)."""
    print("briefing: error: " + " ".join(_one_text(message).split()), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``briefing`` command; return its exit code (0 ok, 1 render error or environment failure,
    2 user error). Every error is one line on stderr, with personal data redacted.

    Parameters
    ----------
    argv : Sequence[str] | None, default None
        The arguments (without the program's name); None reads ``sys.argv``.

    Returns
    -------
    int
        The exit code.
    """
    try:
        args = build_parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except StatsLibError as exc:
        _error(str(exc))
        return exc.exit_code
    except (FileNotFoundError, IsADirectoryError, PermissionError, NotADirectoryError) as exc:
        _error(str(InputError(str(exc))))
        return 2
    except BrokenPipeError:  # `briefing compare … | head`: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except UnicodeError as exc:
        _error(f"text that cannot be decoded or encoded ({type(exc).__name__}: {str(exc)[:120]}); check the "
               "file's encoding ('encoding:' in the schema) and the names given on the command line")
        return 2
    except MemoryError:
        _error("out of memory; clean fewer files at a time, use a machine with more memory, or --engine spark on a cluster")
        return 1
    except OSError as exc:  # a full or read-only disk, an I/O error: the environment, not the input
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        _error(f"{where}{exc.strerror or type(exc).__name__}; free disk space or check permissions and run again")
        return 1
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
