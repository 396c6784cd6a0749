"""Ingest: read any export into a raw table of text cells.

In: file paths (CSV/TSV/TXT, optionally gzip, in UTF-8, GB18030 or Big5; Excel; Parquet) and an optional
schema YAML. Out: :class:`RawTable` (headers, cells as text, line numbers), the validated :class:`Schema`,
the column mapping, and the category taxonomy (one loader, used by every later stage).
"""

from stats_lib.ingest.columns import detect_kind, map_columns
from stats_lib.ingest.encodings import detect_encoding
from stats_lib.ingest.readers import RawTable, file_sha256, read_table, to_text
from stats_lib.ingest.schema import Schema, is_sensitive, is_total, load_schema
from stats_lib.ingest.taxonomy import load_taxonomy, map_categories, normalise_text, normalise_values

__all__ = ["RawTable", "read_table", "detect_encoding", "file_sha256", "to_text", "Schema", "load_schema",
           "map_columns", "detect_kind", "is_sensitive", "is_total", "load_taxonomy", "map_categories",
           "normalise_text", "normalise_values"]
