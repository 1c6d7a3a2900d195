"""What CTAS, INSERT and UNLOAD do to the files DuckDB wrote (`duck.DuckQuery.write_files`):
Parquet field ids in DuckDB's option syntax, Parquet rewritten as ORC or Avro, and the
files of a bucketed write renamed as Hive names its buckets.
"""
import os

import pyarrow.orc as orc
import pyarrow.parquet as pq

from lakebox.engine import avro_write, bucketing as hive_buckets, duck_read


def field_ids_text(field_ids: dict) -> str:
    """DuckDB's FIELD_IDS option: `{name: id, nested: {__duckdb_field_id: id, part: ...}}`."""
    return "{" + ", ".join(f"{duck_read.quote(name)}: " + (field_ids_text(number) if isinstance(number, dict)
                                                            else str(int(number)))
                           for name, number in field_ids.items()) + "}"


def parquet_to_orc(path: str, compression: str | None):
    """The Parquet file at `path` rewritten in place as ORC (`compression`: zlib, snappy,
    zstd, lz4 or None)."""
    table = pq.read_table(path)
    orc.write_table(table, path, compression=compression or "uncompressed")


CONVERTED = {"orc": parquet_to_orc, "avro": avro_write.parquet_to_avro}


def bucket_files(directory: str, written: list[str], query_id: str, suffix: str) -> list[str]:
    """Each `__lakebox_bucket=N/` folder's file becomes the bucket's file beside it,
    named as Hive names bucket N (a second file of one bucket is Hive's `_copy_K`)."""
    found, copies = [], {}
    for relative in sorted(written):
        folder = os.path.dirname(relative)
        parent, bucket_folder = os.path.split(folder)
        base = os.path.join(parent, hive_buckets.file_name(int(bucket_folder.split("=", 1)[1]), query_id, ""))
        copy = copies[base] = copies.get(base, -1) + 1
        target = base + (f"_copy_{copy}" if copy else "") + suffix
        os.rename(os.path.join(directory, relative), os.path.join(directory, target))
        if not os.listdir(os.path.join(directory, folder)):
            os.rmdir(os.path.join(directory, folder))
        found.append(target)
    return found
