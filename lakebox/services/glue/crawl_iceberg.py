"""A crawler's IcebergTargets: each folder under a target path that holds an Iceberg
`metadata/` folder is one table, registered as Glue's crawlers register Iceberg tables
(Developer Guide, "Crawling Iceberg tables" and IcebergTarget in the API reference): an
EXTERNAL_TABLE whose Parameters say `table_type` ICEBERG and point `metadata_location`
at the newest `*.metadata.json`, with the current schema's columns. The data files are
not read: the metadata file says what the table is.
"""
import json
import re
from dataclasses import dataclass

from lakebox.engine.iceberg_types import glue_columns
from lakebox.services.glue import layout
from lakebox.services.s3 import public as s3

_METADATA = re.compile(r"(?:(\d+)-[^/]*|v(\d+))\.metadata\.json")


@dataclass
class IcebergTable:
    name: str
    location: str               # the table's folder, without a trailing '/'
    metadata_location: str
    metadata: dict


def find_tables(reading, target: dict, include_root, exclusions) -> list[IcebergTable]:
    """The Iceberg tables under each of the target's paths (`MaximumTraversalDepth`
    folders deep at most, default 10)."""
    depth = target.get("MaximumTraversalDepth") or 10
    found = []
    for path in target.get("Paths") or []:
        root = include_root(path)
        if root is None:
            reading.outcome.log.append(f"Include path {path} does not exist or is empty.")
            continue
        bucket, prefix, _ = root
        newest = {}             # table folder key -> (version, key, object)
        for index, obj in enumerate(s3.reader_list_objects(reading.state, reading.reader, bucket, prefix)):
            if index % 100 == 0:
                reading.task.check()
            relative = obj.key[len(prefix):]
            parts = relative.split("/")
            if len(parts) < 2 or parts[-2] != "metadata" or any(p.fullmatch(relative) for p in exclusions):
                continue
            match = _METADATA.fullmatch(parts[-1])
            if match is None or len(parts) - 2 > depth:
                continue
            folder = prefix + "/".join(parts[:-2])
            version = int(match.group(1) or match.group(2))
            if folder not in newest or (version, obj.last_modified) > newest[folder][:2]:
                newest[folder] = (version, obj.last_modified, obj)
        for folder, (_, _, obj) in sorted(newest.items()):
            try:
                with open(obj.path, "rb") as handle:
                    metadata = json.loads(handle.read())
                metadata["schemas"], metadata["current-schema-id"]      # noqa: B018 -- both must be there
            except (OSError, TypeError, ValueError, KeyError) as error:
                reading.outcome.log.append(f"Error reading s3://{bucket}/{obj.key}: {error}")
                continue
            reading.outcome.bytes_read += obj.size
            name = folder.rstrip("/").rsplit("/", 1)[-1] or bucket
            found.append(IcebergTable(layout.table_name(name), f"s3://{bucket}/{folder}".rstrip("/"),
                                      f"s3://{bucket}/{obj.key}", metadata))
    return found


def table_input(table: IcebergTable, crawler: str, existing: dict | None) -> dict:
    """The table as the crawler writes it; on a recrawl the metadata file it pointed at
    before becomes `previous_metadata_location`, as Iceberg's Glue catalog keeps it."""
    params = {**((existing or {}).get("Parameters") or {}), "table_type": "ICEBERG",
              "metadata_location": table.metadata_location, "UPDATED_BY_CRAWLER": crawler}
    params.pop("DEPRECATED_BY_CRAWLER", None)
    before = ((existing or {}).get("Parameters") or {}).get("metadata_location")
    if before and before != table.metadata_location:
        params["previous_metadata_location"] = before
    return {"Name": table.name, "TableType": "EXTERNAL_TABLE", "Owner": "owner", "Retention": 0,
            "PartitionKeys": [], "Parameters": params,
            "StorageDescriptor": {"Columns": glue_columns(table.metadata),
                                  "Location": table.location, "Compressed": False, "NumberOfBuckets": -1,
                                  "SerdeInfo": {}, "BucketColumns": [], "SortColumns": [],
                                  "StoredAsSubDirectories": False}}
