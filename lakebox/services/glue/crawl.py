"""One run of a crawler: list each target's objects, classify them, plan tables and
partitions (`layout.py`), and write them into the catalog as the crawler's
SchemaChangePolicy and RecrawlPolicy say. Files that cannot be read are logged in the
crawl's record and the rest is still catalogued.

The reading (`plan_crawl`) runs on the frame's worker facility (`runner.py`), through
its task's read-only connection and the S3 service's `public.py`; the writing
(`apply_crawl`) is the task's commit, on the event loop in one transaction, through the
same functions the API uses. A crawl that is stopped or fails writes no table.
"""
import dataclasses
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from lakebox.kit import calls
from lakebox.services.glue import (
    classify, crawl_iceberg, custom_classifiers, formats, layout, partitions as partitions_mod, store,
    tables as tables_mod,
    trigger_events)
from lakebox.services.glue.catalog import fold, whole_seconds
from lakebox.services.glue.databases import new_database_doc
from lakebox.services.s3 import public as s3

_SCHEMA_FIELDS = ("Columns", "InputFormat", "OutputFormat", "SerdeInfo")
_UNREAD_TARGETS = ("JdbcTargets", "MongoDBTargets", "DynamoDBTargets", "DeltaTargets", "HudiTargets")


@dataclass
class Outcome:
    counts: Counter = field(default_factory=Counter)    # TABLE/PARTITION x ADD/UPDATE/DELETE
    log: list = field(default_factory=list)             # messages, as the crawler's log would hold them
    bytes_read: int = 0
    bytes_stored: int = 0


@dataclass
class Found:
    """What the work read: the tables to write, and where it looked."""
    doc: dict                                   # the crawler, as the crawl began
    tables: list = field(default_factory=list)  # (database, table name, layout.TablePlan, from a catalog target)
    roots: list = field(default_factory=list)   # s3:// include paths read
    iceberg: list = field(default_factory=list)  # crawl_iceberg.IcebergTable, of IcebergTargets
    outcome: Outcome = field(default_factory=Outcome)


# ---------------------------------------------------------------------------
# The work: on a worker thread, reading through the task's read-only connection


def plan_crawl(task, state, account: str, region: str, name: str) -> Found:
    reader = task.reader
    doc = store.get_named(reader, "crawlers", account, region, name)
    found = Found(doc)
    config = json.loads(doc.get("Configuration") or "{}")
    grouping = config.get("Grouping") or {}
    options = {"combine": grouping.get("TableGroupingPolicy") == "CombineCompatibleSchemas",
               "table_level": grouping.get("TableLevelConfiguration")}
    custom = custom_classifiers.load(reader, account, region, doc.get("Classifiers") or [])
    reading = _Reading(task, state, reader, custom, found.outcome)
    targets = doc.get("Targets") or {}
    planned = []
    for target in targets.get("S3Targets") or []:
        root = reading.include_root(target["Path"])
        if root is None:
            found.outcome.log.append(f"Include path {target['Path']} does not exist or is empty.")
            continue
        found.roots.append(root[2])
        files = reading.files(root, target)
        planned += layout.plan_tables(files, *_root_names(root), root_level=_level(root), **options)
    database = fold(doc.get("DatabaseName") or "")
    found.tables = [(database, name, plan, False)
                    for plan, name in zip(planned, _table_names(planned, doc.get("TablePrefix") or ""))]
    for target in targets.get("CatalogTargets") or []:
        found.tables += reading.catalog_target(account, region, target)
    for target in targets.get("IcebergTargets") or []:
        excluded = [glob_to_regex(p) for p in target.get("Exclusions") or []]
        found.iceberg += crawl_iceberg.find_tables(reading, target, reading.include_root, excluded)
        found.roots += [root[2] for root in map(reading.include_root, target.get("Paths") or []) if root]
    for kind in _UNREAD_TARGETS:
        for target in targets.get(kind) or []:
            found.outcome.log.append(f"{kind} are not crawled by lakebox; skipped {target}.")
    task.check()
    return found


class _Reading:
    """Listing and classifying a target's objects for one crawl."""

    def __init__(self, task, state, reader, custom, outcome: Outcome):
        self.task, self.state, self.reader, self.custom, self.outcome = task, state, reader, custom, outcome

    def include_root(self, path: str):
        """(bucket, prefix ending in '/' or naming one object, s3:// location of the root), or None."""
        try:
            bucket, prefix = s3.parse_s3_uri(path)
        except ValueError:
            return None
        if not s3.reader_bucket_exists(self.reader, bucket):
            return None
        if prefix and not prefix.endswith("/"):
            if s3.reader_object_file(self.state, self.reader, bucket, prefix) is not None:
                return bucket, prefix, f"s3://{bucket}/{prefix}"
            prefix += "/"
        return bucket, prefix, f"s3://{bucket}/{prefix}"

    def files(self, root, target) -> list:
        bucket, prefix, _ = root
        excluded = [glob_to_regex(p) for p in target.get("Exclusions") or []]
        sample_size = target.get("SampleSize")
        folder_of = prefix[:prefix.rfind("/") + 1]      # "" at the bucket's root
        found, seen_per_folder, first_in_folder = [], Counter(), {}
        for index, obj in enumerate(s3.reader_list_objects(self.state, self.reader, bucket, prefix)):
            if index % 100 == 0:
                self.task.check()
            relative = obj.key[len(folder_of):]
            if obj.path is None or not relative or _hidden(relative) or any(p.fullmatch(relative) for p in excluded):
                continue
            folders = relative.split("/")[:-1]
            self.outcome.bytes_stored += obj.size
            folder = "/".join(folders)
            seen_per_folder[folder] += 1
            if sample_size and seen_per_folder[folder] > sample_size and folder in first_in_folder:
                schema = _like(first_in_folder[folder], obj.size)
            else:
                schema = self._classify(bucket, obj)
                if schema.classification != "UNKNOWN":
                    first_in_folder.setdefault(folder, (schema, obj.size))
            found.append(layout.CrawledFile(obj.key, folders, obj.size, schema))
        return found

    def _classify(self, bucket, obj):
        schema = classify.classify_file(obj.path, obj.size, self.custom)
        self.outcome.bytes_read += schema.bytes_read
        if schema.error:
            self.outcome.log.append(f"Error reading s3://{bucket}/{obj.key}: {schema.error}")
        elif schema.classification == "UNKNOWN":
            self.outcome.log.append(f"No classifier matched s3://{bucket}/{obj.key}; it is not catalogued.")
        return schema

    def catalog_target(self, account, region, target) -> list:
        """Re-read the data behind existing tables, to update them in place."""
        database = fold(target["DatabaseName"])
        tables = []
        for name in target.get("Tables") or []:
            table = store.get_table(self.reader, account, region, database, fold(name))
            location = ((table or {}).get("StorageDescriptor") or {}).get("Location")
            root = self.include_root(location) if location else None
            if root is None:
                self.outcome.log.append(f"Table {name} in {database} has no readable location; skipped.")
                continue
            files = self.files(root, {})
            root_name, root_location = _root_names(root)
            level = _level(root)
            for plan in layout.plan_tables(files, root_name, root_location, table_level=level, root_level=level):
                tables.append((database, table["Name"], plan, True))
        return tables


def _root_names(root) -> tuple[str, str]:
    bucket, prefix, location = root
    parts = [p for p in prefix.split("/") if p]
    name = layout.table_name(parts[-1] if parts else bucket)
    if prefix and not prefix.endswith("/"):         # a single file: its folder is the location
        return name, location.rsplit("/", 1)[0] + "/"
    return name, location


def _level(root) -> int:
    """The include path's level in its S3 path: the bucket is level 1 (a single file's
    level is its folder's)."""
    _, prefix, _ = root
    folders = prefix.split("/")[:-1]
    return 1 + len([f for f in folders if f])


def glob_to_regex(pattern: str) -> re.Pattern:
    """Glue's exclude globs, as its crawler documentation defines them: `*` within a
    folder, `**` across folders, `?` one character, `\\` escapes the next character,
    `[...]` one character of a set or range (`[!...]` negated; `*`, `?` and `\\` are
    themselves inside), `{a,b}` any of its subpatterns (not nested)."""
    return re.compile(_glob(pattern, in_group=False)[0])


def _glob(pattern: str, in_group: bool, i: int = 0) -> tuple:
    """The regular expression of `pattern` from `i`, up to the end (or, in a group, up
    to the `,` or `}` that ends the subpattern); returns it and where it stopped."""
    out = []
    while i < len(pattern):
        char = pattern[i]
        if in_group and char in ",}":
            break
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and pattern.find("]", i + 2) > i:
            end = pattern.find("]", i + 2)
            body = pattern[i + 1:end]
            negated = body.startswith("!")
            body = body[1:] if negated else body
            members = "".join(re.escape(c) if c != "-" else "-" for c in body)
            out.append(f"[^/{members}]" if negated else f"[{members}]")
            i = end + 1
            continue
        elif char == "{" and not in_group and pattern.find("}", i) > i:
            options, i = [], i + 1
            while True:
                option, i = _glob(pattern, True, i)
                options.append(option)
                if i >= len(pattern) or pattern[i] == "}":
                    break
                i += 1                                  # past the ','
            out.append("(?:" + "|".join(options) + ")")
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out), i


def _hidden(relative: str) -> bool:
    """Hive's rule, which Glue follows: names starting with '_' or '.' are not data."""
    return any(part.startswith(("_", ".")) for part in relative.split("/"))


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
# The commit: on the event loop, inside one transaction


def apply_crawl(state, account: str, region: str, name: str, crawl_id: str, found: Found):
    doc = found.doc
    ctx = dataclasses.replace(calls.system_context(state, "glue", "StartCrawler", account, region),
                              caller_arn=_crawler_session(account, doc.get("Role") or "AWSGlueServiceRole"))
    outcome = found.outcome
    rules = WriteRules.of(doc)
    if rules.table_threshold is not None and len(found.tables) + len(found.iceberg) > rules.table_threshold:
        # the crawl fails and writes nothing; the words are those the Developer Guide's
        # "maximum number of tables" page shows the crawler logging
        _finish(ctx, name, crawl_id, "FAILED",
                f"Table Threshold value = {rules.table_threshold}, Tables detected - "
                f"{len(found.tables) + len(found.iceberg)}", outcome)
        return
    database = _ensure_database(ctx, doc["DatabaseName"]) if doc.get("DatabaseName") else None
    written = set()
    for table_database, table, plan, from_catalog in found.tables:
        if from_catalog and store.get_table(state.db, account, region, table_database, table) is None:
            continue             # dropped while the crawl read its data
        table_rules = dataclasses.replace(rules, new_only=False) if from_catalog else rules
        _write_table(ctx, doc["Name"], table_database, table, plan, table_rules, outcome)
        written.add(table)
    for table in found.iceberg:
        _write_iceberg_table(ctx, doc["Name"], database, table, rules, outcome)
        written.add(table.name)
    if database:
        _retire_missing(ctx, doc["Name"], database, written, found.roots, rules, outcome)
    _finish(ctx, name, crawl_id, "COMPLETED", None, outcome)


def end_crawl(state, account: str, region: str, name: str, crawl_id: str, status: str, error: str | None = None):
    """A crawl that ends without its commit: STOPPED or FAILED (nothing of it written)."""
    ctx = calls.system_context(state, "glue", "StartCrawler", account, region)
    _finish(ctx, name, crawl_id, status, error, Outcome())


@dataclass(frozen=True)
class WriteRules:
    """How a crawl may change the catalog, from the crawler's settings."""
    update: str            # SchemaChangePolicy.UpdateBehavior: UPDATE_IN_DATABASE | LOG
    delete: str            # SchemaChangePolicy.DeleteBehavior: DEPRECATE_IN_DATABASE | DELETE_FROM_DATABASE | LOG
    new_only: bool         # RecrawlPolicy CRAWL_NEW_FOLDERS_ONLY: add partitions, change no schema
    inherit: bool          # Configuration CrawlerOutput.Partitions.AddOrUpdateBehavior = InheritFromTable
    index: bool            # Configuration CreatePartitionIndex (default true): index the tables it makes
    merge: bool            # Configuration CrawlerOutput.Tables.AddOrUpdateBehavior = MergeNewColumns
    table_threshold: int | None     # Configuration CrawlerOutput.Tables.TableThreshold: most tables a crawl may find

    @classmethod
    def of(cls, doc: dict) -> "WriteRules":
        policy = doc.get("SchemaChangePolicy") or {}
        config = json.loads(doc.get("Configuration") or "{}")
        output = config.get("CrawlerOutput") or {}
        behavior = (output.get("Partitions") or {}).get("AddOrUpdateBehavior")
        return cls(policy.get("UpdateBehavior", "UPDATE_IN_DATABASE"),
                   policy.get("DeleteBehavior", "DEPRECATE_IN_DATABASE"),
                   (doc.get("RecrawlPolicy") or {}).get("RecrawlBehavior") == "CRAWL_NEW_FOLDERS_ONLY",
                   behavior == "InheritFromTable",
                   config.get("CreatePartitionIndex", True) is not False,
                   (output.get("Tables") or {}).get("AddOrUpdateBehavior") == "MergeNewColumns",
                   _positive_int((output.get("Tables") or {}).get("TableThreshold")))


def _positive_int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _crawler_session(account: str, role: str) -> str:
    """Who a crawler's writes are made by: its role's session, as Glue records it."""
    return f"arn:aws:sts::{account}:assumed-role/{role.rsplit('/', 1)[-1]}/AWS-Crawler"


def _ensure_database(ctx, name: str) -> str:
    """The crawler's database, created if it is not there yet, as Glue's crawlers do."""
    folded = fold(name)
    if store.get_database(ctx.state.db, ctx.account, ctx.region, folded) is None:
        store.put_database(ctx.state.db, ctx.account, ctx.region, folded,
                           new_database_doc(ctx, {"Name": name}, ctx.now))
    return folded


# ---------------------------------------------------------------------------
# Writing the catalog


def _write_table(ctx, crawler, database, name, plan, rules: WriteRules, outcome: Outcome):
    table_input = formats.table_input(plan, crawler, name)
    existing = store.get_table(ctx.state.db, ctx.account, ctx.region, database, name)
    # Glue's crawled tables carry LastAccessTime, set when the crawler made them (public
    # GetTables records of crawled tables show it equal to CreateTime)
    table_input["LastAccessTime"] = (existing or {}).get("LastAccessTime", whole_seconds(ctx.now))
    if existing is None:
        table = tables_mod.insert_table(ctx, database, table_input, _crawler_index(table_input, rules))
        outcome.counts["TABLE", "ADD"] += 1
        outcome.log.append(f"Created table {name} in database {database}")
    else:
        table = existing
        if rules.merge:
            table_input = _with_new_columns_only(existing, table_input)
        schema_changed = _schema_of(existing) != _schema_of(table_input)
        if schema_changed and (rules.new_only or rules.update == "LOG"):
            outcome.log.append(f"Schema change of table {name} not applied (crawler policy)")
        elif existing.get("Parameters") != table_input["Parameters"] or schema_changed:
            table = tables_mod.replace_table(ctx, existing, table_input)
            if schema_changed:
                outcome.counts["TABLE", "UPDATE"] += 1
                outcome.log.append(f"Updated table {name} in database {database}")
    _write_partitions(ctx, table, plan, crawler, rules, outcome)


def _write_iceberg_table(ctx, crawler, database, table, rules: WriteRules, outcome: Outcome):
    existing = store.get_table(ctx.state.db, ctx.account, ctx.region, database, table.name)
    table_input = crawl_iceberg.table_input(table, crawler, existing)
    if existing is None:
        table_input["LastAccessTime"] = whole_seconds(ctx.now)
        tables_mod.insert_table(ctx, database, table_input, ())
        outcome.counts["TABLE", "ADD"] += 1
        outcome.log.append(f"Created table {table.name} in database {database}")
        return
    table_input["LastAccessTime"] = existing.get("LastAccessTime", whole_seconds(ctx.now))
    if (existing.get("Parameters") or {}).get("metadata_location") == table.metadata_location:
        return
    if rules.new_only or rules.update == "LOG":
        outcome.log.append(f"Schema change of table {table.name} not applied (crawler policy)")
        return
    tables_mod.replace_table(ctx, existing, table_input)
    outcome.counts["TABLE", "UPDATE"] += 1
    outcome.log.append(f"Updated table {table.name} in database {database}")


def _with_new_columns_only(existing: dict, table_input: dict) -> dict:
    """MergeNewColumns ("Preventing a crawler from changing an existing schema", Glue
    Developer Guide): the table keeps its storage descriptor, columns and partition
    keys as they are, and the crawled columns it lacks are added after its own."""
    sd = existing.get("StorageDescriptor") or {}
    known = {column["Name"].lower() for column in sd.get("Columns") or []}
    added = [column for column in table_input["StorageDescriptor"].get("Columns") or []
             if column["Name"].lower() not in known]
    return {**table_input, "PartitionKeys": existing.get("PartitionKeys") or [],
            "StorageDescriptor": {**sd, "Columns": [*(sd.get("Columns") or []), *added]}}


def _crawler_index(table_input: dict, rules: WriteRules) -> list:
    """The partition index Glue's crawlers add to a partitioned table they create
    (docs: crawler-configure-partition-indexes; its name as AWS gives it)."""
    keys = [key["Name"] for key in table_input.get("PartitionKeys") or ()]
    return [{"IndexName": "crawler_partition_index", "Keys": keys}] if keys and rules.index else []


def _schema_of(table: dict):
    sd = table.get("StorageDescriptor") or {}
    return ([sd.get(k) for k in _SCHEMA_FIELDS],
            [(k["Name"], k.get("Type")) for k in table.get("PartitionKeys") or []])


def _write_partitions(ctx, table, plan, crawler, rules: WriteRules, outcome: Outcome):
    if not plan.partition_keys:
        return
    current = {tuple(doc["Values"]): doc for _, doc in partitions_mod.matching_partitions(ctx, table, None)}
    wanted = {tuple(p.values): p for p in plan.partitions}
    new = [formats.partition_input(plan, p, crawler, rules.inherit) for values, p in wanted.items()
           if values not in current]
    if new:
        partitions_mod.add_partitions(ctx, table, new)
        outcome.counts["PARTITION", "ADD"] += len(new)
    if not rules.new_only and rules.update == "UPDATE_IN_DATABASE":
        for values, part in wanted.items():
            doc = current.get(values)
            updated = formats.partition_input(plan, part, crawler, rules.inherit)
            if doc is not None and doc.get("StorageDescriptor") != updated["StorageDescriptor"]:
                store.replace_partition(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"],
                                        table["Name"], list(values),
                                        partitions_mod.new_partition_doc(ctx, table, updated, doc["CreationTime"]))
                outcome.counts["PARTITION", "UPDATE"] += 1
    gone = [values for values in current if values not in wanted]
    if gone and rules.delete == "DELETE_FROM_DATABASE":
        for values in gone:
            store.delete_partition(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"],
                                   list(values))
        outcome.counts["PARTITION", "DELETE"] += len(gone)


def _retire_missing(ctx, crawler, database, written: set, roots: list, rules: WriteRules, outcome: Outcome):
    """Tables this crawler made under its include paths that it no longer finds."""
    if rules.delete == "LOG" or not roots:
        return
    for table in store.tables_after(ctx.state.db, ctx.account, ctx.region, database, "", 1 << 62):
        params = table.get("Parameters") or {}
        location = (table.get("StorageDescriptor") or {}).get("Location") or ""
        if table["Name"] in written or params.get("UPDATED_BY_CRAWLER") != crawler or \
                not any(location.startswith(_folder_of(root)) for root in roots):
            continue
        if rules.delete == "DELETE_FROM_DATABASE":
            tables_mod.remove_table(ctx, database, table["Name"])
            outcome.counts["TABLE", "DELETE"] += 1
            outcome.log.append(f"Deleted table {table['Name']} from database {database}")
        elif params.get("DEPRECATED_BY_CRAWLER") is None:
            table_input = {k: v for k, v in table.items() if k in _TABLE_INPUT_FIELDS}
            # the time of deprecation in epoch milliseconds, as Glue writes it
            table_input["Parameters"] = dict(params, DEPRECATED_BY_CRAWLER=str(int(ctx.now * 1000)))
            tables_mod.replace_table(ctx, table, table_input)
            outcome.counts["TABLE", "DELETE"] += 1
            outcome.log.append(f"Deprecated table {table['Name']} in database {database}")


def _folder_of(root: str) -> str:
    """An include path's folder, ending in '/' (a single file's is the folder it is in)."""
    return root if root.endswith("/") else root.rsplit("/", 1)[0] + "/"


_TABLE_INPUT_FIELDS = ("Name", "Description", "Owner", "LastAccessTime", "LastAnalyzedTime", "Retention",
                       "StorageDescriptor", "PartitionKeys", "ViewOriginalText", "ViewExpandedText", "TableType",
                       "Parameters", "TargetTable")


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
        # the table changes of this crawl alone: the console's "Tables changes from last run"
        metrics["TablesCreated"] = outcome.counts["TABLE", "ADD"]
        metrics["TablesUpdated"] = outcome.counts["TABLE", "UPDATE"]
        metrics["TablesDeleted"] = outcome.counts["TABLE", "DELETE"]
        metrics["Runtimes"] = (metrics["Runtimes"] + [max(now - started, 0.0)])[-20:]
        delay = ctx.state.config.transition_delay
        doc.pop("_ready_at", None)
        if delay:               # no delay, no STOPPING: not even when a test moves the clock back
            doc["_ready_at"] = now + delay
        doc.update(State="READY", CrawlElapsedTime=0, LastCrawl={
            "Status": _LAST_CRAWL[status], "StartTime": started, "LogGroup": "/aws-glue/crawlers",
            "LogStream": name, "MessagePrefix": crawl_id, **({"ErrorMessage": error} if error else {})})
        marks = {key: value for key, value in doc.pop("_crawl").items() if key not in ("CrawlId", "StartTime")}
        store.put_named(db, "crawlers", ctx.account, ctx.region, name, doc)
        record = {"CrawlId": crawl_id, "State": status, "StartTime": started, "EndTime": now,
                  "Summary": summary(outcome), "LogGroup": "/aws-glue/crawlers", "LogStream": name,
                  "MessagePrefix": crawl_id, "DPUHour": 0.0,
                  "_log": outcome.log, "_bytes_read": outcome.bytes_read, "_bytes_stored": outcome.bytes_stored}
        if error:
            record["ErrorMessage"] = error
        store.put_crawl(db, ctx.account, ctx.region, name, crawl_id, record)
    trigger_events.on_crawl(ctx.state, ctx.account, ctx.region, name, crawl_id, _LAST_CRAWL[status], marks)

