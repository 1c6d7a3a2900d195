"""From classified files to tables: which folder is a table, which folders below it
are partitions, and each table's merged schema, as Glue's crawlers decide it.

A folder is one table when everything below it is alike: the same format and
settings, schemas that share most of their columns, and files all at the same depth.
Folders below a table's root become partition keys: `key=value` folders give the
key's name, others `partition_0`, `partition_1`, ... When a folder is not alike
throughout, each of its subfolders is looked at on its own. The crawler's
`Configuration` may ask to combine every compatible schema (`CombineCompatibleSchemas`)
or to put tables at a fixed level of the S3 path (`TableLevelConfiguration`).
"""
import re
from collections import Counter
from dataclasses import dataclass, field

from lakebox.services.glue import infer

SIMILARITY = 0.7          # share of columns two schemas must have in common to be one table


@dataclass
class CrawledFile:
    key: str                  # the object key
    folders: list[str]        # the folders between the include path and the file
    size: int
    schema: object            # classify.FileSchema


@dataclass
class PartitionPlan:
    values: list[str]
    location: str
    files: list[CrawledFile]

    def columns(self) -> list:
        """The merged schema of this partition's own files."""
        merged = []
        for crawled in self.files:
            merged = infer.merge_columns(merged, crawled.schema.columns)
        return [(n, infer.finish(t)) for n, t in merged]


@dataclass
class TablePlan:
    name: str
    location: str
    files: list[CrawledFile]
    columns: list = field(default_factory=list)
    partition_keys: list[str] = field(default_factory=list)
    partitions: list[PartitionPlan] = field(default_factory=list)

    @property
    def sample(self):
        """The schema of the table's first file: its format and settings."""
        return self.files[0].schema


def table_name(text: str) -> str:
    """A folder or file name as Glue names a table after it."""
    return re.sub(r"[^a-z0-9_]", "_", text.lower()) or "_"


def similar(a: list, b: list) -> bool:
    names_a, names_b = {n.lower() for n, _ in a}, {n.lower() for n, _ in b}
    if not names_a or not names_b:
        return names_a == names_b
    if names_a <= names_b or names_b <= names_a:
        return True
    return len(names_a & names_b) / len(names_a | names_b) >= SIMILARITY


@dataclass
class _Folder:
    files: list = field(default_factory=list)
    children: dict = field(default_factory=dict)

    def all_files(self) -> list:
        found = list(self.files)
        for child in self.children.values():
            found.extend(child.all_files())
        return found


def _tree(files: list[CrawledFile]) -> _Folder:
    root = _Folder()
    for crawled in files:
        node = root
        for folder in crawled.folders:
            node = node.children.setdefault(folder, _Folder())
        node.files.append(crawled)
    return root


def _alike(files: list[CrawledFile], combine: bool) -> bool:
    """Whether `files` make one table: one format, one depth, similar schemas."""
    if len({f.schema.signature() for f in files}) != 1 or len({len(f.folders) for f in files}) != 1:
        return False
    if combine:
        return True
    merged = []
    for crawled in files:
        if merged and not similar(merged, crawled.schema.columns):
            return False
        merged = infer.merge_columns(merged, crawled.schema.columns)
    return True


def plan_tables(files: list[CrawledFile], root_name: str, root_location: str, *, combine: bool = False,
                table_level: int | None = None, root_level: int = 1) -> list[TablePlan]:
    """Tables for the files under one include path. `root_location` ends with '/';
    `root_level` is the include path's level in its S3 path (the bucket is level 1)."""
    readable = [f for f in files if f.schema.classification != "UNKNOWN"]
    if not readable:
        return []
    root = _tree(readable)
    plans = []
    if table_level is not None and table_level > root_level:
        _plan_at_level(root, root_location, table_level - root_level, plans)
    elif table_level is not None:
        plans.append(_table(root_name, root_location, _majority(root.all_files()), depth=0))
    else:
        _plan_folder(root, root_name, root_location, combine, plans, depth=0)
    return plans


def _plan_folder(node: _Folder, name: str, location: str, combine: bool, plans: list, depth: int):
    everything = node.all_files()
    if _alike(everything, combine):
        plans.append(_table(name, location, everything, depth))
        return
    by_signature = {}
    for crawled in node.files:
        by_signature.setdefault(crawled.schema.signature(), []).append(crawled)
    for group in by_signature.values():
        if len(by_signature) == 1 and _alike(group, combine):
            plans.append(_table(name, location, group, depth))
        else:
            for crawled in group:        # files that fit with nothing: a table each
                file_name = crawled.key.rsplit("/", 1)[-1]
                plans.append(_table(table_name(file_name), location, [crawled], depth))
    for folder, child in sorted(node.children.items()):
        _plan_folder(child, table_name(folder), f"{location}{folder}/", combine, plans, depth + 1)


def _plan_at_level(node: _Folder, location: str, levels_down: int, plans: list, depth: int = 0):
    for folder, child in sorted(node.children.items()):
        if levels_down == 1:
            files = _majority(child.all_files())
            if files:
                plans.append(_table(table_name(folder), f"{location}{folder}/", files, depth + 1))
        else:
            _plan_at_level(child, f"{location}{folder}/", levels_down - 1, plans, depth + 1)


def _majority(files: list[CrawledFile]) -> list[CrawledFile]:
    """The files of the most common format and depth: a forced table holds only those."""
    if not files:
        return []
    counts = Counter((f.schema.signature(), len(f.folders)) for f in files)
    best = counts.most_common(1)[0][0]
    return [f for f in files if (f.schema.signature(), len(f.folders)) == best]


def _table(name: str, location: str, files: list[CrawledFile], depth: int) -> TablePlan:
    plan = TablePlan(name, location, files)
    for crawled in files:
        plan.columns = infer.merge_columns(plan.columns, crawled.schema.columns)
    plan.columns = [(n, infer.finish(t)) for n, t in plan.columns]
    levels = len(files[0].folders) - depth
    if levels <= 0:
        return plan
    folder_sets = [[f.folders[depth + i] for f in files] for i in range(levels)]
    plan.partition_keys = [_key_name(names, i) for i, names in enumerate(folder_sets)]
    taken = {n.lower() for n, _ in plan.columns}
    plan.partition_keys = [k if k not in taken else f"partition_{i}" for i, k in enumerate(plan.partition_keys)]
    by_values = {}
    for crawled in files:
        folders = crawled.folders[depth:]
        values = tuple(_value(folder, key) for folder, key in zip(folders, plan.partition_keys))
        part = by_values.get(values)
        if part is None:
            part = by_values[values] = PartitionPlan(list(values), location + "/".join(folders) + "/", [])
        part.files.append(crawled)
    plan.partitions = list(by_values.values())
    return plan


def _key_name(folders: list[str], index: int) -> str:
    keys = {folder.split("=", 1)[0] for folder in folders if "=" in folder}
    if len(keys) == 1 and all("=" in folder for folder in folders):
        return keys.pop().lower()
    return f"partition_{index}"


def _value(folder: str, key: str) -> str:
    if not key.startswith("partition_") and "=" in folder:
        return folder.split("=", 1)[1]
    return folder
