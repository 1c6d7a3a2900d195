"""Text files of a Regex SerDe table (`org.apache.hadoop.hive.serde2.RegexSerDe`), read
as Athena reads them (https://docs.aws.amazon.com/athena/latest/ug/regex-serde.html): each
line must match `input.regex` as a whole; its groups are the table's columns in order,
as text, cast to the columns' types afterwards; a column past the last group is NULL,
and a line that does not match is a row of NULLs.

The expression is Java's syntax; Python's `re` shares what log expressions use (classes,
lazy and possessive quantifiers, lookarounds, non-capturing groups), which RE2 (DuckDB's
engine) lacks in part: the AWS documentation's own CloudFront example starts with `(?!#)`.
"""
import gzip
import re

import cramjam
import pyarrow as pa

from lakebox.engine.base import EngineError

_LINE_END = re.compile(r"\r\n|\r|\n")


def pattern_of(serde: dict) -> re.Pattern:
    regex = serde.get("input.regex")
    if not regex:
        raise EngineError("HIVE_INVALID_METADATA", 'This table does not have serde property "input.regex"!')
    insensitive = (serde.get("input.regex.case.insensitive") or "").lower() == "true"
    try:
        return re.compile(regex, re.IGNORECASE if insensitive else 0)
    except re.error as error:
        raise EngineError("HIVE_INVALID_METADATA", f"Invalid input.regex {regex!r}: {error}") from None


def read_table(path: str, uri: str, compression: str, pattern: re.Pattern, columns: list[str],
               groups: list | None = None) -> pa.Table:
    """The file's rows as text columns named `columns` (`compression`: none, gzip or zstd;
    other codecs are decompressed into a plain copy before). `groups`: the group each
    column takes (a name, or None for none); None: the groups in order."""
    if groups is None:
        groups = [index + 1 if index < pattern.groups else None for index in range(len(columns))]
    values = [[] for _ in columns]
    for line in _lines(path, uri, compression):
        found = pattern.fullmatch(line)
        for group, column in zip(groups, values):
            column.append(found.group(group) if found and group is not None else None)
    return pa.table({name: pa.array(column, pa.string()) for name, column in zip(columns, values)})


def _lines(path: str, uri: str, compression: str) -> list[str]:
    try:
        if compression == "gzip":
            with gzip.open(path, "rb") as plain:
                data = plain.read()
        else:
            with open(path, "rb") as raw:
                data = raw.read()
            if compression == "zstd":
                data = bytes(cramjam.zstd.decompress(data))
    except (OSError, EOFError, cramjam.DecompressionError) as error:
        raise EngineError("HIVE_CURSOR_ERROR", f"Error reading compressed file {uri}: {error}") from None
    lines = _LINE_END.split(data.decode("utf-8", errors="replace"))
    return lines[:-1] if lines and lines[-1] == "" else lines
