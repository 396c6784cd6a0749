"""Parameters of a render: validation and typing before any kernel starts, and ``--params-file``."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
import yaml

from stats_lib.briefing.params import (
    PARAMETERS,
    load_params_file,
    params_from_cli,
    resolve_plan,
    validate_params,
)
from stats_lib.errors import ParameterError


@pytest.fixture()
def datafile(tmp_path):
    f = tmp_path / "incidents.csv"
    f.write_text("date,count\n2023-01-21,1\n", "utf-8")
    return f


def _base(datafile, **over):
    p = {"data": [str(datafile)], "start": "2023-01-21", "end": "2023-02-05", "as_of": "2023-02-05",
         "baseline": "lunar"}
    p.update(over)
    return p


def _error(params, **kw) -> str:
    with pytest.raises(ParameterError) as info:
        validate_params(params, **kw)
    return str(info.value)


def test_valid_parameters_are_typed_and_plain_json(datafile):
    out = validate_params(_base(datafile, districts="城关区", categories=["刑事", "治安", "刑事"],
                                mask_below=3, lang="EN", baseline="AVG3"))
    assert list(out) == list(PARAMETERS)
    assert out["data"] == [str(datafile.resolve())]
    assert out["districts"] == ["城关区"]                 # one name becomes a list
    assert out["categories"] == ["刑事", "治安"]           # duplicates dropped, order kept
    assert out["mask_below"] == 3 and out["lang"] == "en" and out["baseline"] == "avg3"
    assert out["start"] == "2023-01-21" and out["schema"] is None
    assert json.loads(json.dumps(out)) == out             # only str, int, list of str, None
    for value in out.values():
        assert value is None or type(value) in (str, int, list)


@pytest.mark.parametrize(("key", "value"), [
    ("start", "2023-02-30"), ("start", "21/01/2023"), ("end", "2023-2-5"), ("as_of", "2023-02-05T12"),
    ("start", "2023-01-27T25"), ("start", 20230121), ("year", "2024"), ("year", True), ("year", 1800),
    ("baseline", "avg1"), ("baseline", "yearly"), ("baseline", 3), ("lang", "fr"), ("mask_below", 0),
    ("mask_below", "3"), ("mask_below", 2.5), ("districts", [1, 2]), ("districts", {"a": 1}),
    ("categories", ["ok", ""]), ("districts", ["a\nb"]),
])
def test_bad_value_names_the_parameter(datafile, key, value):
    msg = _error(_base(datafile, **{key: value}))
    assert msg.startswith(f"{key}:"), msg


def test_unknown_parameter_is_named(datafile):
    msg = _error(_base(datafile, output_dir="/tmp/x"))
    assert "'output_dir'" in msg and "unknown parameter" in msg
    assert "'colour'" in _error(_base(datafile, colour="red"))


def test_dashed_names_are_accepted(datafile):
    p = _base(datafile)
    p["as-of"] = p.pop("as_of")
    p["mask-below"] = 5
    out = validate_params(p)
    assert out["as_of"] == "2023-02-05" and out["mask_below"] == 5


def test_hour_suffix_is_kept(datafile):
    out = validate_params(_base(datafile, start="2023-01-27T00", end="2023-02-02 12:00"))
    assert (out["start"], out["end"]) == ("2023-01-27T00", "2023-02-02T12")


def test_data_is_required_and_must_exist(datafile, tmp_path):
    p = _base(datafile)
    del p["data"]
    assert _error(p).startswith("data:")
    missing = tmp_path / "nope.csv"
    msg = _error(_base(datafile, data=[str(missing)]))
    assert msg.startswith("data:") and "nope.csv" in msg
    assert _error(_base(datafile, schema=str(missing))).startswith("schema:")
    assert _error(_base(datafile, data=["bad\x00name"])).startswith("data:")


def test_relative_data_resolved_against_base(datafile):
    out = validate_params(_base(datafile, data=[datafile.name]), base=datafile.parent)
    assert out["data"] == [str(datafile.resolve())]


def test_window_must_be_given_once(datafile):
    assert _error(_base(datafile, period="春节")).startswith("period:")
    p = _base(datafile)
    del p["end"]
    assert _error(p).startswith("end:")
    del p["start"]
    assert _error(p).startswith("start:")


def test_unknown_period_and_reversed_window_are_named(datafile):
    p = _base(datafile, period="no-such-period", year=2023)
    del p["start"], p["end"]
    msg = _error(p)
    assert "period" in msg and "no-such-period" in msg
    msg = _error(_base(datafile, start="2023-02-05", end="2023-01-21"))
    assert "start" in msg or "end" in msg


def test_named_period_resolves(datafile):
    p = _base(datafile, period="lantern", year=2023)
    del p["start"], p["end"]
    assert validate_params(p)["period"] == "lantern"


def test_as_of_defaults_to_the_last_complete_day_in_shanghai(datafile):
    # issue 13: a morning run must not report today's first hours as a whole day: yesterday is the default
    p = _base(datafile)
    del p["as_of"]
    one = dt.timedelta(days=1)
    before = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date() - one
    got = validate_params(p)["as_of"]
    after = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date() - one
    assert got in (before.isoformat(), after.isoformat())


def test_params_file_keeps_dates_as_strings(tmp_path, datafile):
    text = ("data: [incidents.csv]\nstart: 2023-01-21\nend: 2023-02-05\nas-of: 2023-02-05\n"
            "baseline: lunar\nmask_below: 3\n")
    f = tmp_path / "params.yaml"
    f.write_text(text, "utf-8")
    assert isinstance(yaml.safe_load(text)["start"], dt.date)   # what a plain YAML loader would do
    raw = load_params_file(f)
    assert raw["start"] == "2023-01-21" and raw["as_of"] == "2023-02-05"
    assert raw["data"] == [str(tmp_path / "incidents.csv")]      # relative to the YAML file
    out = params_from_cli({"command": "render", "params_file": str(f), "out": "reports", "timeout": 600,
                           "data": None, "start": None, "lang": None, "mask_below": 5})
    assert out["mask_below"] == 5                                 # a flag overrides the file
    assert out["start"] == "2023-01-21" and out["baseline"] == "lunar"
    assert out["data"] == [str(datafile.resolve())]


@pytest.mark.parametrize(("text", "word"), [
    ("start: [2023-01-21\n", "YAML"), ("- a\n- b\n", "mapping"), ("colour: red\n", "'colour'"),
    ("year: '2023'\n", "year:"),
])
def test_bad_params_file(tmp_path, datafile, text, word):
    f = tmp_path / "p.yaml"
    f.write_text(text, "utf-8")
    args = {"params_file": str(f), "data": [str(datafile)], "start": "2023-01-21", "end": "2023-02-05"}
    with pytest.raises(ParameterError) as info:
        params_from_cli(args)
    assert word in str(info.value)


def test_missing_params_file(tmp_path):
    with pytest.raises(ParameterError, match="params_file"):
        load_params_file(tmp_path / "absent.yaml")


def test_resolve_plan_gives_the_reporting_window_and_names_the_parameter():
    plan = resolve_plan({"start": "2023-01-21", "end": "2023-02-05", "baseline": "lunar", "as_of": "2023-03-01"})
    assert (plan.window.start, plan.baseline.mode, plan.as_of) == (dt.date(2023, 1, 21), "lunar", dt.date(2023, 3, 1))
    with pytest.raises(ParameterError, match=r"^baseline: year 1899: the lunar calendar"):
        resolve_plan({"start": "1901-01-21", "end": "1901-02-05", "baseline": "lunar", "as_of": "1901-03-01"})
    with pytest.raises(ParameterError, match=r"^window: end 2023-01-21 is before start"):
        resolve_plan({"start": "2023-02-05", "end": "2023-01-21", "as_of": "2023-03-01"})
