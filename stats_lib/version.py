"""The package version (one place; the package and the manifest of every report read it)."""

__version__ = "0.1.0"
