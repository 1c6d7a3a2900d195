"""What a query reads, as the engine sees it: a table's columns, format and files.

The Athena service fills these from the Glue catalog and S3 (`public.py` of each);
the engine turns them into reads of the files in place. Nothing here knows DuckDB.
"""
from dataclasses import dataclass, field


@dataclass
class DataFile:
    path: str          # the file on disk holding the object's bytes
    uri: str           # s3://bucket/key, for `$path`
    size: int
    compression: str | None = None   # how `path` is compressed; None: as the object's name says
    # files on disk of (file_path, pos) rows: positions of this file's rows that are
    # deleted (Iceberg position delete files); its `$pos` is a row's position
    deletes: list[str] = field(default_factory=list)
    # Iceberg: each table column's name in this file (by field id); a column left out is
    # one the file lacks. None: matched by name.
    columns: dict | None = None


@dataclass
class Part:
    values: list[str]                     # partition values, in key order ([] when unpartitioned)
    files: list[DataFile] = field(default_factory=list)


@dataclass
class TableSource:
    database: str
    name: str
    columns: list[tuple[str, str]]          # (name, Hive type) as in the catalog
    partition_keys: list[tuple[str, str]]
    format: str                              # parquet | csv | json | orc | avro | ...
    serde: dict = field(default_factory=dict)       # SerDe parameters
    properties: dict = field(default_factory=dict)  # table parameters (skip.header.line.count, ...)
    serde_library: str = ""
    parts: list[Part] = field(default_factory=list)
    # column -> older names its files may spell it with (a renamed Iceberg column)
    aliases: dict = field(default_factory=dict)
    # format "regex": the group each column takes (a group name, None for no group);
    # None: the expression's groups in order (the Regex SerDe)
    regex_groups: list | None = None
    # format "json": each file is one object whose `Records` array holds the rows
    # (CloudTrail's log files, read through CloudTrailInputFormat)
    json_records: bool = False

    @property
    def files(self) -> list[DataFile]:
        return [found for part in self.parts for found in part.files]
