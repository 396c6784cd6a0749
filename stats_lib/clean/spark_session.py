"""The Spark session of the Spark engine, taken from the environment.

In order: Spark Connect when ``SPARK_REMOTE`` is set; the active session (a notebook on the platform, or
``spark-submit``, which starts the Python driver with ``PYSPARK_GATEWAY_PORT`` set); otherwise a local
session, ``local[*]`` or ``STATS_LIB_SPARK_MASTER``. Without pyspark or Java the engine stops with one
line (:class:`stats_lib.errors.SetupError`, exit code 1) saying what to install.

The engine needs four SQL settings for the length of a run, set with :func:`run_settings` and put back
afterwards: the session time zone ``UTC`` (timestamps are local wall-clock times, never shifted),
Parquet nanosecond timestamps read as numbers (pandas writes them; Spark does not read them otherwise),
Arrow for pandas conversions, and Java's charset names (GB18030 and Big5 exports).
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from stats_lib.errors import SetupError

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

__all__ = ["INSTALL_HINT", "spark_available", "get_session", "run_settings"]

INSTALL_HINT = "pip install 'stats-lib[spark]' (pyspark) and Java 17 (for example apt install openjdk-17-jre-headless)"

_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.legacy.parquet.nanosAsLong": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.legacy.javaCharsets": "true",   # GB18030 and Big5 exports (Spark 4 allows only UTF/ISO names)
}


def _java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.isfile(os.path.join(home, "bin", "java")):
        return True
    return shutil.which("java") is not None


def spark_available() -> str | None:
    """Why the Spark engine cannot run here, or None when it can (pyspark importable and Java found).

    Returns
    -------
    str or None
        A short reason (``"pyspark is not installed"``, ``"Java was not found"``) or None.
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed"
    if os.environ.get("SPARK_REMOTE"):
        return None  # Spark Connect: Java runs on the server
    if not _java_found():
        return "Java was not found (JAVA_HOME or java on PATH)"
    return None


def get_session(master: str | None = None) -> SparkSession:
    """The Spark session to clean with.

    Parameters
    ----------
    master : str | None, default None
        For a new local session only: the master URL (default ``STATS_LIB_SPARK_MASTER`` or ``local[*]``).
        Ignored under Spark Connect, ``spark-submit`` or an active session.

    Returns
    -------
    pyspark.sql.SparkSession
        The active session, or a new one.

    Raises
    ------
    SetupError
        pyspark or Java missing, or the session could not start (one line, with what to install; exit 1).
    """
    reason = spark_available()
    if reason:
        raise SetupError(f"engine spark: {reason}; install {INSTALL_HINT}")
    from pyspark.sql import SparkSession

    remote = os.environ.get("SPARK_REMOTE")
    try:
        if remote:
            return SparkSession.builder.remote(remote).getOrCreate()
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        builder = SparkSession.builder.appName("stats_lib clean")
        if not os.environ.get("PYSPARK_GATEWAY_PORT"):  # not under spark-submit: a local session
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)   # workers run this interpreter
            builder = (builder.master(master or os.environ.get("STATS_LIB_SPARK_MASTER", "local[*]"))
                       .config("spark.ui.enabled", "false")
                       .config("spark.driver.memory", os.environ.get("STATS_LIB_SPARK_DRIVER_MEMORY", "2g"))
                       .config("spark.sql.shuffle.partitions", os.environ.get("STATS_LIB_SPARK_PARTITIONS", "8")))
        session = builder.getOrCreate()
    except Exception as exc:  # py4j, connection and JVM start-up errors have many types
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise SetupError(f"engine spark: the Spark session did not start ({first}); install {INSTALL_HINT}") \
            from None
    return session


@contextmanager
def run_settings(spark: SparkSession) -> Iterator[None]:
    """Set the engine's SQL settings on ``spark`` for a run and put the previous values back afterwards.

    Parameters
    ----------
    spark : SparkSession
        The Spark session.

    Yields
    ------
    None
        Inside the ``with`` block the settings hold.
    """
    old = {}
    for key, value in _SETTINGS.items():
        try:
            old[key] = spark.conf.get(key)
        except Exception:  # not set and no default
            old[key] = None
        spark.conf.set(key, value)
    try:
        with warnings.catch_warnings():
            # pyspark 4.x warns on every pandas conversion that pandas 3 is not yet fully supported; the
            # engine's tests compare its tables with the embedded engine's, so the warning says nothing here
            warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
            yield
    finally:
        for key, value in old.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)
