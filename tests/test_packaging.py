"""Packaging checks: environment.yml mirrors pyproject.toml; the Makefile and CI script are as promised."""

from __future__ import annotations

import re
import tomllib

import yaml

# conda-forge names that differ from the PyPI name of the same package.
CONDA_NAMES = {"duckdb": "python-duckdb", "matplotlib": "matplotlib-base"}


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[; ]", req.strip(), maxsplit=1)[0].lower()


def _pyproject(root) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text("utf-8"))


def _env_names(root) -> set[str]:
    env = yaml.safe_load((root / "environment.yml").read_text("utf-8"))
    names: set[str] = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names.update(_name(p) for p in dep.get("pip", []) if not p.startswith("-"))
        else:
            names.add(_name(dep))
    return names


def test_every_runtime_dependency_is_in_environment_yml(root):
    env = _env_names(root)
    deps = [_name(d) for d in _pyproject(root)["project"]["dependencies"]]
    missing = [d for d in deps if d not in env and CONDA_NAMES.get(d) not in env]
    assert missing == []


def test_dev_extra_is_in_environment_yml(root):
    env = _env_names(root)
    dev = [_name(d) for d in _pyproject(root)["project"]["optional-dependencies"]["dev"]]
    assert [d for d in dev if d not in env] == []


def test_the_check_itself_notices_a_missing_dependency(root, tmp_path):
    # Copy the project files with one dependency removed from environment.yml: the check must see it.
    text = (root / "environment.yml").read_text("utf-8")
    (tmp_path / "environment.yml").write_text(re.sub(r"(?m)^\s*- lunardate.*\n", "", text), "utf-8")
    (tmp_path / "pyproject.toml").write_text((root / "pyproject.toml").read_text("utf-8"), "utf-8")
    env = _env_names(tmp_path)
    assert "lunardate" not in env
    assert "lunardate" in [_name(d) for d in _pyproject(tmp_path)["project"]["dependencies"]]


def test_console_script_and_python_floor(root):
    project = _pyproject(root)["project"]
    assert project["name"] == "stats-lib"
    assert project["scripts"]["briefing"] == "stats_lib.cli:main"
    assert project["requires-python"] == ">=3.11"
    assert "chinese-calendar" not in [_name(d) for d in project["dependencies"]]


def test_ci_script_runs_make_test(root):
    lines = (root / ".ci" / "run").read_text("utf-8").splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    assert "make test" in lines


def test_readme_starts_with_the_two_commands(root):
    text = (root / "README.md").read_text("utf-8")
    commands = re.findall(r"(?m)^make [a-z]+$", text)
    assert commands[:2] == ["make briefing", "make test"]
    # …and they come before the first section heading of the README.
    first_heading = text.find("\n## ")
    assert first_heading == -1 or text.index("make briefing") < first_heading


def test_gitignore_keeps_reports_readme(root):
    ignore = (root / ".gitignore").read_text("utf-8").splitlines()
    assert ".venv/" in ignore and "reports/*" in ignore and "!reports/README.md" in ignore


def test_spark_extra_is_in_environment_yml(root):
    env = _env_names(root)
    spark = [_name(d) for d in _pyproject(root)["project"]["optional-dependencies"]["spark"]]
    assert spark == ["pyspark"]
    assert [d for d in spark if d not in env] == []


def test_ci_installs_the_spark_extra(root):
    text = (root / ".ci" / "run").read_text("utf-8")
    assert "'.[dev,spark]'" in text
    assert text.index("[dev,spark]") < text.index("make test")
