"""YAML read safely: no aliases (so no "billion laughs" expansion), a size limit, values shown short.

Every YAML the package reads from a user (schema, taxonomy, ``--params-file``, holiday file) goes
through :func:`load_yaml`. Anchors and aliases (``&a`` / ``*a``) are refused: a 700-byte file with
nested aliases expands to billions of nodes, and none of our files needs them.
"""

from __future__ import annotations

import os
import reprlib
import stat
from pathlib import Path

import yaml

__all__ = ["MAX_YAML_BYTES", "YamlLimitError", "load_yaml", "read_yaml_text", "short_repr"]

#: Largest YAML text accepted (characters).
MAX_YAML_BYTES = 1 << 20

_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6
_REPR.maxlevel = 2


class YamlLimitError(yaml.YAMLError):
    """A YAML text uses an alias or is larger than :data:`MAX_YAML_BYTES`.

    Parameters
    ----------
    problem : str
        What is wrong, for the message.
    mark : yaml.Mark | None, default None
        Where in the text (PyYAML's mark), or None.
    """

    def __init__(self, problem: str, mark: yaml.Mark | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases before composing them (so nothing is ever expanded)."""

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML's hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlLimitError("aliases (*name) are not allowed; write the values out", event.start_mark)
        return super().compose_node(parent, index)


class _NoAliasTextDatesLoader(_NoAliasLoader):
    """As :class:`_NoAliasLoader`, with dates kept as text (as papermill reads parameters)."""


_NoAliasTextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str, *, dates_as_text: bool = False) -> object:
    """Parse YAML text safely.

    Parameters
    ----------
    text
        The YAML document.
    dates_as_text
        Keep ``2023-01-21`` as the string, not a ``datetime.date`` (parameters files).

    Returns
    -------
    object
        What ``yaml.safe_load`` returns (dict, list, str, int, …, or None for an empty document).

    Raises
    ------
    YamlLimitError
        (a ``yaml.YAMLError``) the text uses an alias or is longer than :data:`MAX_YAML_BYTES`;
        other ``yaml.YAMLError`` for invalid YAML.
    """
    if len(text) > MAX_YAML_BYTES:
        raise YamlLimitError(f"larger than {MAX_YAML_BYTES // 1024} KiB; a settings file is a few lines")
    loader = _NoAliasTextDatesLoader if dates_as_text else _NoAliasLoader
    return yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader subclasses


def read_yaml_text(path: str | Path) -> str:
    """Read a settings file as UTF-8 text: a regular file of at most :data:`MAX_YAML_BYTES` bytes.

    Parameters
    ----------
    path : str | Path
        The settings file.

    Returns
    -------
    str
        Its text.

    Raises
    ------
    FileNotFoundError, OSError
        Missing or unreadable.
    UnicodeDecodeError
        Not UTF-8.
    YamlLimitError
        Not a regular file (a FIFO, a device such as /dev/zero, a folder) or too large.
    """
    with open(path, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise YamlLimitError("not a regular file")
        data = fh.read(MAX_YAML_BYTES + 1)
    if len(data) > MAX_YAML_BYTES:
        raise YamlLimitError(f"larger than {MAX_YAML_BYTES // 1024} KiB; a settings file is a few lines")
    return data.decode("utf-8")


def short_repr(value: object) -> str:
    """``repr`` of a value for a message: at most about 60 characters and 6 items, nested 2 deep.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    str
        The shortened ``repr``.
    """
    text = _REPR.repr(value)
    return text if len(text) <= 120 else text[:119] + "…"
