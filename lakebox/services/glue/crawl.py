"""One run of a crawler: list each target's objects, classify them, plan tables and
partitions (`layout.py`), and write them into the catalog as the crawler's
SchemaChangePolicy and RecrawlPolicy say. Files that cannot be read are logged in the
crawl's record and the rest is still catalogued.

Runs on a worker thread (`runner.py`); it reads S3 only through the S3 service's
`public.py` and writes the catalog through the same functions the API uses.
"""
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from lakebox.services.glue import (
    classify, custom_classifiers, formats, layout, partitions as partitions_mod, store, tables as tables_mod)
from lakebox.services.glue.catalog import fold
from lakebox.services.glue.databases import new_database_doc
from lakebox.services.s3 import public as s3

_SCHEMA_FIELDS = ("Columns", "InputFormat", "OutputFormat", "SerdeInfo")


@dataclass
class CrawlContext:
    """What the catalog functions need of a request context, for a crawl."""
    state: object
    account: str
    region: str
    caller_arn: str
    operation: str = "StartCrawler"

    @property
    def now(self) -> float:
        return self.state.clock.now()


@dataclass
class Outcome:
    counts: Counter = field(default_factory=Counter)    # TABLE/PARTITION x ADD/UPDATE/DELETE
    log: list = field(default_factory=list)             # messages, as the crawler's log would hold them
    bytes_read: int = 0
    bytes_stored: int = 0


class Stopped(Exception):
    """StopCrawler was called: the crawl ends without writing."""


def run(state, account: str, region: str, name: str, crawl_id: str, stopped):
    doc = store.get_named(state.db, "crawlers", account, region, name)
    if doc is None:
        return
    ctx = CrawlContext(state, account, region, doc.get("Role") or f"arn:aws:iam::{account}:role/glue")
    outcome, status, error = Outcome(), "COMPLETED", None
    try:
        _crawl(ctx, doc, stopped, outcome)
    except Stopped:
        status = "STOPPED"
    except Exception as failed:      # the crawl fails as a whole; the server goes on
        status, error = "FAILED", f"Internal Service Exception: {type(failed).__name__}: {failed}"
    _finish(ctx, name, crawl_id, status, error, outcome)


def _crawl(ctx, doc, stopped, outcome: Outcome):
    config = json.loads(doc.get("Configuration") or "{}")
    grouping = config.get("Grouping") or {}
    options = {"combine": grouping.get("TableGroupingPolicy") == "CombineCompatibleSchemas",
               "table_level": grouping.get("TableLevelConfiguration")}
    custom = custom_classifiers.load(ctx, doc.get("Classifiers") or [])
    database = _ensure_database(ctx, doc["DatabaseName"])
    targets = doc.get("Targets") or {}
    planned, roots = [], []
    for target in targets.get("S3Targets") or []:
        root = _include_root(ctx, target["Path"])
        if root is None:
            outcome.log.append(f"Include path {target['Path']} does not exist or is empty.")
            continue
        roots.append(root[2])
        files = _crawl_files(ctx, root, target, custom, stopped, outcome)
        planned += layout.plan_tables(files, *_root_names(root), **options)
    names = _table_names(planned, doc.get("TablePrefix") or "")
    for target in targets.get("CatalogTargets") or []:
        _crawl_catalog_target(ctx, doc, target, custom, stopped, outcome)
    if stopped():
        raise Stopped()
    policy = doc.get("SchemaChangePolicy") or {}
    new_only = (doc.get("RecrawlPolicy") or {}).get("RecrawlBehavior") == "CRAWL_NEW_FOLDERS_ONLY"
    for plan, table in zip(planned, names):
        _write_table(ctx, doc["Name"], database, table, plan, policy, new_only, outcome)
    _retire_missing(ctx, doc["Name"], database, set(names), roots, policy, outcome)


def _ensure_database(ctx, name: str) -> str:
    """The crawler's database, created if it is not there yet, as Glue's crawlers do."""
    folded = fold(name)
    if store.get_database(ctx.state.db, ctx.account, ctx.region, folded) is None:
        store.put_database(ctx.state.db, ctx.account, ctx.region, folded,
                           new_database_doc(ctx, {"Name": name}, ctx.now))
    return folded


# ---------------------------------------------------------------------------
# Reading a target


def _include_root(ctx, path: str):
    """(bucket, prefix ending in '/' or naming one object, s3:// location of the root), or None."""
    try:
        bucket, prefix = s3.parse_s3_uri(path)
    except ValueError:
        return None
    if not s3.bucket_exists(ctx.state, bucket):
        return None
    if prefix and not prefix.endswith("/"):
        try:
            s3.object_file(ctx.state, bucket, prefix)
            return bucket, prefix, f"s3://{bucket}/{prefix}"
        except Exception:            # not one object: a folder
            prefix += "/"
    return bucket, prefix, f"s3://{bucket}/{prefix}"


def _root_names(root) -> tuple[str, str]:
    bucket, prefix, location = root
    parts = [p for p in prefix.split("/") if p]
    name = layout.table_name(parts[-1] if parts else bucket)
    if prefix and not prefix.endswith("/"):         # a single file: its folder is the location
        return name, location.rsplit("/", 1)[0] + "/"
    return name, location


def glob_to_regex(pattern: str) -> re.Pattern:
    """Glue's exclude globs: `*` within a folder, `**` across folders, `?`, `[...]`, `{a,b}`."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i)
            out.append(pattern[i:end + 1] if end > i else re.escape(char))
            i = end + 1 if end > i else i + 1
            continue
        elif char == "{":
            end = pattern.find("}", i)
            if end > i:
                out.append("(" + "|".join(re.escape(a) for a in pattern[i + 1:end].split(",")) + ")")
                i = end + 1
                continue
            out.append(re.escape(char))
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out))


def _hidden(relative: str) -> bool:
    """Hive's rule, which Glue follows: names starting with '_' or '.' are not data."""
    return any(part.startswith(("_", ".")) for part in relative.split("/"))


def _crawl_files(ctx, root, target, custom, stopped, outcome: Outcome) -> list:
    bucket, prefix, _ = root
    excluded = [glob_to_regex(p) for p in target.get("Exclusions") or []]
    sample_size = target.get("SampleSize")
    folder_of = prefix.rsplit("/", 1)[0] + "/" if not prefix.endswith("/") else prefix
    found, seen_per_folder, first_in_folder = [], Counter(), {}
    for index, obj in enumerate(s3.list_objects(ctx.state, bucket, prefix)):
        if index % 100 == 0 and stopped():
            raise Stopped()
        relative = obj.key[len(folder_of):]
        if obj.path is None or not relative or _hidden(relative) or any(p.fullmatch(relative) for p in excluded):
            continue
        folders = relative.split("/")[:-1]
        outcome.bytes_stored += obj.size
        folder = "/".join(folders)
        seen_per_folder[folder] += 1
        if sample_size and seen_per_folder[folder] > sample_size and folder in first_in_folder:
            schema = _like(first_in_folder[folder], obj.size)
        else:
            schema = classify.classify_file(obj.path, obj.size, custom)
            outcome.bytes_read += schema.bytes_read
            if schema.error:
                outcome.log.append(f"Error reading s3://{bucket}/{obj.key}: {schema.error}")
            elif schema.classification == "UNKNOWN":
                outcome.log.append(f"No classifier matched s3://{bucket}/{obj.key}; it is not catalogued.")
            else:
                first_in_folder.setdefault(folder, (schema, obj.size))
        found.append(layout.CrawledFile(obj.key, folders, obj.size, schema))
    return found


def _like(first, size: int):
    """A file past the sample size: the schema of its folder's first file, with a
    record count scaled by size."""
    schema, first_size = first
    return classify.FileSchema(schema.classification, schema.columns, schema.compression,
                               int(schema.records * size / first_size) if first_size else 0, dict(schema.details))


def _table_names(planned: list, prefix: str) -> list[str]:
    """Names with the crawler's prefix; a name met twice gets a hash of its location."""
    names, taken = [], set()
    for plan in planned:
        name = fold(prefix + plan.name)
        if name in taken:
            name = f"{name}_{hashlib.md5(plan.location.encode()).hexdigest()[:8]}"
        taken.add(name)
        names.append(name)
    return names


# ---------------------------------------------------------------------------
# Writing the catalog


def _write_table(ctx, crawler, database, name, plan, policy, new_only, outcome: Outcome):
    table_input = formats.table_input(plan, crawler, name)
    existing = store.get_table(ctx.state.db, ctx.account, ctx.region, database, name)
    if existing is None:
        table = tables_mod.insert_table(ctx, database, table_input)
        outcome.counts["TABLE", "ADD"] += 1
        outcome.log.append(f"Created table {name} in database {database}")
    else:
        table = existing
        schema_changed = _schema_of(existing) != _schema_of(table_input)
        if schema_changed and (new_only or policy.get("UpdateBehavior") == "LOG"):
            outcome.log.append(f"Schema change of table {name} not applied (crawler policy)")
        elif existing.get("Parameters") != table_input["Parameters"] or schema_changed:
            table = tables_mod.replace_table(ctx, existing, table_input)
            if schema_changed:
                outcome.counts["TABLE", "UPDATE"] += 1
                outcome.log.append(f"Updated table {name} in database {database}")
    _write_partitions(ctx, table, plan, crawler, policy, new_only, outcome)


def _schema_of(table: dict):
    sd = table.get("StorageDescriptor") or {}
    return ([sd.get(k) for k in _SCHEMA_FIELDS],
            [(k["Name"], k.get("Type")) for k in table.get("PartitionKeys") or []])


def _write_partitions(ctx, table, plan, crawler, policy, new_only, outcome: Outcome):
    if not plan.partition_keys:
        return
    current = {tuple(doc["Values"]): doc for _, doc in partitions_mod.matching_partitions(ctx, table, None)}
    wanted = {tuple(p.values): p for p in plan.partitions}
    new = [formats.partition_input(plan, p, crawler) for values, p in wanted.items() if values not in current]
    if new:
        partitions_mod.add_partitions(ctx, table, new)
        outcome.counts["PARTITION", "ADD"] += len(new)
    if not new_only and policy.get("UpdateBehavior", "UPDATE_IN_DATABASE") == "UPDATE_IN_DATABASE":
        for values, part in wanted.items():
            doc = current.get(values)
            updated = formats.partition_input(plan, part, crawler)
            if doc is not None and doc.get("StorageDescriptor") != updated["StorageDescriptor"]:
                store.replace_partition(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"],
                                        table["Name"], list(values),
                                        partitions_mod.new_partition_doc(ctx, table, updated, doc["CreationTime"]))
                outcome.counts["PARTITION", "UPDATE"] += 1
    gone = [values for values in current if values not in wanted]
    if gone and policy.get("DeleteBehavior") == "DELETE_FROM_DATABASE":
        for values in gone:
            store.delete_partition(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"],
                                   list(values))
        outcome.counts["PARTITION", "DELETE"] += len(gone)


def _retire_missing(ctx, crawler, database, written: set, roots: list, policy, outcome: Outcome):
    """Tables this crawler made under its include paths that it no longer finds."""
    behavior = policy.get("DeleteBehavior", "DEPRECATE_IN_DATABASE")
    if behavior == "LOG" or not roots:
        return
    for table in store.tables_after(ctx.state.db, ctx.account, ctx.region, database, "", 1 << 62):
        params = table.get("Parameters") or {}
        location = (table.get("StorageDescriptor") or {}).get("Location") or ""
        if table["Name"] in written or params.get("UPDATED_BY_CRAWLER") != crawler or \
                not any(location.startswith(root.rsplit("/", 1)[0]) for root in roots):
            continue
        if behavior == "DELETE_FROM_DATABASE":
            tables_mod.remove_table(ctx, database, table["Name"])
            outcome.counts["TABLE", "DELETE"] += 1
            outcome.log.append(f"Deleted table {table['Name']} from database {database}")
        elif params.get("DEPRECATED_BY_CRAWLER") is None:
            table_input = {k: v for k, v in table.items() if k in _TABLE_INPUT_FIELDS}
            table_input["Parameters"] = dict(params, DEPRECATED_BY_CRAWLER="1")
            tables_mod.replace_table(ctx, table, table_input)
            outcome.counts["TABLE", "DELETE"] += 1
            outcome.log.append(f"Deprecated table {table['Name']} in database {database}")


_TABLE_INPUT_FIELDS = ("Name", "Description", "Owner", "LastAccessTime", "LastAnalyzedTime", "Retention",
                       "StorageDescriptor", "PartitionKeys", "ViewOriginalText", "ViewExpandedText", "TableType",
                       "Parameters", "TargetTable")


def _crawl_catalog_target(ctx, doc, target, custom, stopped, outcome: Outcome):
    """Re-read the data behind existing tables and update them in place."""
    database = fold(target["DatabaseName"])
    policy = doc.get("SchemaChangePolicy") or {}
    for name in target.get("Tables") or []:
        table = store.get_table(ctx.state.db, ctx.account, ctx.region, database, fold(name))
        location = ((table or {}).get("StorageDescriptor") or {}).get("Location")
        root = _include_root(ctx, location) if location else None
        if root is None:
            outcome.log.append(f"Table {name} in {database} has no readable location; skipped.")
            continue
        files = _crawl_files(ctx, root, {}, custom, stopped, outcome)
        root_name, root_location = _root_names(root)
        level = 1 + len([p for p in root[1].split("/") if p])
        for plan in layout.plan_tables(files, root_name, root_location, table_level=level, root_level=level):
            _write_table(ctx, doc["Name"], database, table["Name"], plan, policy, False, outcome)


# ---------------------------------------------------------------------------
# Ending a crawl


_LAST_CRAWL = {"COMPLETED": "SUCCEEDED", "STOPPED": "CANCELLED", "FAILED": "FAILED"}


def summary(outcome: Outcome) -> str:
    parts = {}
    for (kind, change), count in sorted(outcome.counts.items()):
        parts.setdefault(kind, {})[change] = {"Count": count}
    return json.dumps(parts)


def _finish(ctx, name, crawl_id, status, error, outcome: Outcome):
    db = ctx.state.db
    now = ctx.now
    with db.transaction():
        doc = store.get_named(db, "crawlers", ctx.account, ctx.region, name)
        if doc is None or (doc.get("_crawl") or {}).get("CrawlId") != crawl_id:
            return                   # deleted, or reset, while the crawl ran
        started = doc["_crawl"]["StartTime"]
        metrics = doc["_metrics"]
        metrics["TablesCreated"] += outcome.counts["TABLE", "ADD"]
        metrics["TablesUpdated"] += outcome.counts["TABLE", "UPDATE"]
        metrics["TablesDeleted"] += outcome.counts["TABLE", "DELETE"]
        metrics["Runtimes"] = (metrics["Runtimes"] + [max(now - started, 0.0)])[-20:]
        doc.update(State="READY", CrawlElapsedTime=0, LastCrawl={
            "Status": _LAST_CRAWL[status], "StartTime": started, "LogGroup": "/aws-glue/crawlers",
            "LogStream": name, "MessagePrefix": crawl_id, **({"ErrorMessage": error} if error else {})})
        doc.pop("_crawl")
        store.put_named(db, "crawlers", ctx.account, ctx.region, name, doc)
        record = {"CrawlId": crawl_id, "State": status, "StartTime": started, "EndTime": now,
                  "Summary": summary(outcome), "LogGroup": "/aws-glue/crawlers", "LogStream": name,
                  "MessagePrefix": crawl_id, "DPUHour": 0.0,
                  "_log": outcome.log, "_bytes_read": outcome.bytes_read, "_bytes_stored": outcome.bytes_stored}
        if error:
            record["ErrorMessage"] = error
        store.put_crawl(db, ctx.account, ctx.region, name, crawl_id, record)

