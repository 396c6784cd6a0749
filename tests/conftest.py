"""Shared fixtures. Sets matplotlib's Agg backend before anything imports pyplot."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# CI (CI=true) runs the property tests with a fixed seed, so that a run is repeatable; a developer's
# run explores new random examples each time.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHARED = Path(os.environ.get("STATS_LIB_SHARED", ROOT.parent / "shared"))
REALDATA = SHARED / "realdata"


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The committed sample data folder."""
    return SAMPLE


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The folder of real public data in ../shared; skips the test cleanly when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is absent (a clone outside the workplace)")
    return REALDATA


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory):
    """One local[2] Spark session (with a Hive metastore in a temporary folder) for the whole test run.

    Skips cleanly when pyspark or Java is absent; CI installs the ``spark`` extra, so it runs there.
    """
    from stats_lib.clean.spark_session import spark_available

    why = spark_available()
    if why:
        pytest.skip(f"the Spark engine cannot run here: {why}")
    from pyspark.sql import SparkSession

    home = tmp_path_factory.mktemp("spark")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (SparkSession.builder.master("local[2]").appName("stats_lib tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.warehouse.dir", str(home / "warehouse"))
               .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={home}")
               .config("javax.jdo.option.ConnectionURL", f"jdbc:derby:;databaseName={home / 'metastore'};create=true"))
    session = builder.enableHiveSupport().getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
