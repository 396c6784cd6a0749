"""Exception types of stats_lib.

Every error a user can cause (a bad file, a bad schema, a bad date or parameter) is an
:class:`InputError`; the CLI turns it into one readable line on stderr and exit code 2.
Anything else that goes wrong while rendering is a :class:`RenderError` (exit code 1); a machine that lacks what a
requested part needs (pyspark, Java) raises :class:`SetupError` (exit code 1).
"""

from __future__ import annotations

__all__ = [
    "StatsLibError",
    "InputError",
    "SchemaError",
    "ParameterError",
    "CalendarError",
    "HistoryError",
    "RenderError",
    "LockError",
    "SetupError",
]


class StatsLibError(Exception):
    """Base class of every error stats_lib raises on purpose."""

    exit_code: int = 1


class InputError(StatsLibError):
    """A user error: a bad or unreadable input file, a missing column, an empty input.

    The message names the file (and the row or column where it helps) and says what was expected.
    """

    exit_code = 2
    #: The parameter the error is about when the raiser knows it and the message may not say (``"baseline"``).
    parameter: str = ""


class SchemaError(InputError):
    """A schema YAML with an unknown key or a value of the wrong type; the message names the key."""


class ParameterError(InputError):
    """An unknown parameter, a bad date, an unknown period or baseline mode."""


class CalendarError(InputError):
    """A calendar question that cannot be answered honestly (for example an uncovered year)."""


class HistoryError(InputError):
    """Too few days of history before a window to fit a model of it (anomaly detection).

    Parameters
    ----------
    message : str
        The error message (English, for logs and the CLI).
    need, have : int
        Days of history needed and days the data has before ``start``.
    start : str
        The window's first day (ISO date).

    Attributes
    ----------
    need, have : int
        Days of history needed and days the data has before ``start``.
    start : str
        The window's first day (ISO date).
    """

    def __init__(self, message: str, *, need: int, have: int, start: str) -> None:
        super().__init__(message)
        self.need, self.have, self.start = need, have, start


class RenderError(StatsLibError):
    """A briefing render failed inside the notebook (a cell raised) or the kernel died or timed out."""

    exit_code = 1


class LockError(StatsLibError):
    """Another render of the same report is running."""

    exit_code = 2


class SetupError(StatsLibError):
    """The machine lacks what a requested part needs (an optional library such as pyspark, or Java): an
    environment failure, not the user's input."""

    exit_code = 1
