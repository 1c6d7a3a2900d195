"""How a JSON table's files spell its columns' keys. The OpenX and Hive JSON SerDes match a
key to a column ignoring case, line by line; DuckDB's reader matches a key by its exact
spelling. So each file of a sample is asked (its schema, as DuckDB detects it) how it
spells each key, and files that spell them differently (`userId` in one producer's files,
`USERID` in another's) are read apart, each with its own spellings."""
import duckdb

from lakebox.engine import types

SAMPLE_FILES = 8           # files whose keys are read to match columns case-insensitively


class Spellings(dict):
    """Lower-cased key (or `path.field` of a nested one) -> the first spelling the files
    use; `by_file[path]` -> the same of one file of the sample."""

    def __init__(self, merged=(), by_file=None):
        super().__init__(merged)
        self.by_file = by_file or {}

    def of(self, path: str) -> dict:
        """The spellings to read the file at `path` with: its own if it was sampled."""
        return self.by_file.get(path, self)

    def signature(self, path: str) -> tuple:
        """Equal for files read with the same spellings."""
        return tuple(sorted(self.of(path).items()))


def read(cursor, files, compression_of, quote, nested_spellings) -> Spellings:
    """The spellings of the first SAMPLE_FILES of `files`, merged and per file."""
    merged, by_file = {}, {}
    for found in files[:SAMPLE_FILES]:
        reader = (f"read_json({quote(found.path)}, format = 'newline_delimited', "
                  f"ignore_errors = true, compression = {quote(compression_of(found))})")
        try:
            rows = cursor.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
        except duckdb.Error:         # an empty or unreadable file says nothing about keys
            continue
        own = {}
        for row in rows:
            own.setdefault(row[0].lower(), row[0])
            for field in types.struct_field_names(row[1]):
                own.setdefault(field.lower(), field)
            for path, field in nested_spellings(row[0].lower(), row[1]).items():
                own.setdefault(path, field)
        by_file[found.path] = own
        for key, spelling in own.items():
            merged.setdefault(key, spelling)
    return Spellings(merged, by_file)


def mapped(spellings: dict, mappings: dict, insensitive: bool) -> dict:
    """`spellings` (and each file's) with the OpenX `mapping.<column>` = `<key>` entries:
    the key matched case-insensitively unless `case.insensitive` is false."""
    def one(found: dict) -> dict:
        result = dict(found)
        for column, key in mappings.items():
            result[column] = found.get(key.lower(), key) if insensitive else key
        return result
    if isinstance(spellings, Spellings):
        return Spellings(one(spellings), {path: one(own) for path, own in spellings.by_file.items()})
    return one(spellings)
