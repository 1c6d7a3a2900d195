"""DuckDB reads of a catalog table's files, in place: one `read_parquet`/`read_csv`/
`read_json` per partition, each column cast to the catalog's type, partition columns
added from the partition values. Partitions are pruned from the query's WHERE before
any file is opened.
"""
import duckdb
from sqlglot import exp

from lakebox.engine import codecs, dialect, hive_text, hive_times, json_keys, types
from lakebox.engine.sources import DataFile, Part, TableSource

PSEUDO_COLUMNS = ("$path", "$file_size", "$pos")


class UnreadableFormat(ValueError):
    """A table format the engine cannot read (the message names it)."""


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_sql(source: TableSource, file_schema, with_pseudo: bool, register=None) -> str:
    """A SELECT of the whole table (its surviving partitions) with the catalog's columns.
    `register(files) -> name` makes files DuckDB cannot read itself (ORC, Avro) a relation."""
    selects = []
    for part in source.parts:
        if not part.files:
            continue
        for files in _groups(part.files, with_pseudo, file_schema):
            selects.append(_part_select(source, part, files, file_schema, with_pseudo, register))
    if not selects:
        return _empty_select(source, with_pseudo)
    return " UNION ALL ".join(selects)


def compression_of(found: DataFile) -> str:
    """How a text file's bytes on disk are compressed: as its object's name says, unless
    they are a plain copy made for DuckDB (`codecs.plain_copy`)."""
    return found.compression or codecs.compression_of(found.uri)


def _groups(files, one_each: bool, file_schema=None) -> list[list]:
    """Files read by one table function: all of one compression (and JSON files of one
    spelling of their keys), or each alone (for `$path`)."""
    if one_each:
        return [[found] for found in files]
    groups, alone = {}, []
    spelled = isinstance(file_schema, json_keys.Spellings)
    for found in files:
        if found.deletes:           # read with its own row positions
            alone.append([found])
        else:
            columns = tuple(sorted(found.columns.items())) if found.columns is not None else None
            spelling = file_schema.signature(found.path) if spelled else None
            groups.setdefault((compression_of(found), columns, spelling), []).append(found)
    return list(groups.values()) + alone


def _columns(source: TableSource) -> list[tuple[str, str]]:
    return [(name.lower(), kind) for name, kind in source.columns]


def _part_select(source, part: Part, files, file_schema, with_pseudo, register) -> str:
    if isinstance(file_schema, json_keys.Spellings):       # these files' own spellings of the keys
        file_schema = file_schema.of(files[0].path)
    reader, text = _reader(source, files, register, file_schema)
    items = []
    for name, kind in _columns(source):
        duck = types.duck_type(kind)
        if source.format == "json":
            items.append(f"{ident(json_key(file_schema, name))} AS {ident(name)}")
        elif text and duck == "VARCHAR":
            items.append(ident(name))
        elif text and hive_text.is_collection(duck) and source.format == "csv":
            value = hive_text.collection_sql(f"NULLIF({ident(name)}, chr(0))", duck, source.serde) or "NULL"
            items.append(f"{value} AS {ident(name)}")
        elif text and duck in ("TIMESTAMP", "DATE") and source.format in ("csv", "regex") and not _open_csv(source):
            parse = hive_times.timestamp_sql if duck == "TIMESTAMP" else hive_times.date_sql
            items.append(f"{parse(ident(name))} AS {ident(name)}")
        elif text and source.format == "regex" and duck in hive_text.INTEGERS + ("BOOLEAN",):
            value = hive_text.regex_boolean_sql(ident(name)) if duck == "BOOLEAN" else \
                hive_text.regex_integer_sql(ident(name), duck)
            items.append(f"{value} AS {ident(name)}")
        elif text and duck in hive_text.INTEGERS and not _open_csv(source):
            items.append(f"{hive_text.integer_sql(f'NULLIF({ident(name)}, chr(0))', duck)} AS {ident(name)}")
        elif text and duck == "BOOLEAN" and not _open_csv(source):
            items.append(f"{hive_text.boolean_sql(f'NULLIF({ident(name)}, chr(0))', source.serde)} AS {ident(name)}")
        elif text:
            # Hive reads a value that does not parse as NULL. The NULLIF keeps DuckDB from
            # pushing the cast into the CSV reader, which would fail on such a value.
            items.append(f"TRY_CAST(NULLIF({ident(name)}, chr(0)) AS {duck}) AS {ident(name)}")
        elif files[0].columns is not None:        # by field id: the file's own name of the column, if it has it
            spelling = files[0].columns.get(name)
            value = ident(spelling) if spelling is not None and (
                file_schema is None or spelling in _held(file_schema, files)) else "NULL"
            items.append(f"CAST({value} AS {duck}) AS {ident(name)}")
        else:
            spellings = [name] + list(source.aliases.get(name, ()))
            held = [spelling for spelling in spellings if file_schema is None or spelling in _held(file_schema, files)]
            value = f"COALESCE({', '.join(ident(spelling) for spelling in held)})" if len(held) > 1 else \
                ident(held[0]) if held else "NULL"          # NULL: a column the files lack
            items.append(f"CAST({value} AS {duck}) AS {ident(name)}")
    for (name, kind), value in zip(source.partition_keys, part.values):
        items.append(f"TRY_CAST({quote(value)} AS {types.duck_type(kind)}) AS {ident(name.lower())}")
    positions = source.format == "parquet" and (with_pseudo or files[0].deletes)
    if with_pseudo:
        items.append(f"{quote(files[0].uri)} AS {ident('$path')}")
        items.append(f"CAST({files[0].size} AS BIGINT) AS {ident('$file_size')}")
        items.append(f"{'file_row_number' if positions else 'CAST(NULL AS BIGINT)'} AS {ident('$pos')}")
    if positions:
        reader = reader[:-1] + ", file_row_number = true)"
    deleted = ""
    if files[0].deletes and positions:
        paths = "[" + ", ".join(quote(path) for path in files[0].deletes) + "]"
        deleted = (f" WHERE file_row_number NOT IN (SELECT pos FROM read_parquet({paths}) "
                   f"WHERE file_path = {quote(files[0].uri)})")
    return f"SELECT {', '.join(items)} FROM {reader}{deleted}"


def _held(file_columns: dict, files) -> set:
    """The columns any of `files` holds (read_parquet's union_by_name fills in the rest)."""
    return set().union(*(file_columns.get(found.path, ()) for found in files))


def _empty_select(source, with_pseudo) -> str:
    items = [f"CAST(NULL AS {types.duck_type(kind)}) AS {ident(name.lower())}"
             for name, kind in source.columns + source.partition_keys]
    if with_pseudo:
        items += [f"CAST(NULL AS VARCHAR) AS {ident('$path')}", f"CAST(NULL AS BIGINT) AS {ident('$file_size')}",
                  f"CAST(NULL AS BIGINT) AS {ident('$pos')}"]
    return f"SELECT {', '.join(items)} WHERE false"


def with_json_mappings(source: TableSource, spellings: dict) -> dict:
    """The OpenX SerDe's `mapping.<column>` = `<key>` properties (a column read from a key
    of another name, a reserved word such as `timestamp`), over the files' spellings: the
    key matched case-insensitively unless `case.insensitive` is false."""
    if "openx" not in source.serde_library.lower():
        return spellings
    insensitive = str(source.serde.get("case.insensitive", "true")).strip().lower() != "false"
    mappings = {prop[len("mapping."):].lower(): key for prop, key in source.serde.items()
                if prop.lower().startswith("mapping.") and key}
    return json_keys.mapped(spellings, mappings, insensitive)


def nested_spellings(path: str, duck: str) -> dict:
    """`path.field` (lower-cased, at any depth; arrays and map values pass through) -> how
    the files spell the field, from a DuckDB type as DESCRIBE prints it: the same key may
    be spelled differently at two places (CloudTrail's `userIdentity.arn`, `resources[].ARN`)."""
    try:
        return _spellings_under(path, duckdb.sqltype(duck))
    except (duckdb.Error, ValueError, TypeError):
        return {}


def _spellings_under(path: str, kind) -> dict:
    found = {}
    if kind.id == "struct":
        for name, child in kind.children:
            inner = f"{path}.{name.lower()}"
            found.setdefault(inner, name)
            for key, spelling in _spellings_under(inner, child).items():
                found.setdefault(key, spelling)
    elif kind.id in ("list", "map"):
        found.update(_spellings_under(path, kind.children[-1][1]))
    return found


def json_key(file_schema, name: str) -> str:
    """The key of the JSON files that spells column `name`: the OpenX and Hive JSON SerDes
    match keys case-insensitively (`userId` is column `userid`), and so does DuckDB's
    schema detection, which gives one spelling per key. Nested fields are spelled the same
    way, through the struct types given to the reader."""
    return (file_schema or {}).get(name) or name


def _reader(source: TableSource, files, register, file_schema=None) -> tuple[str, bool]:
    """(the table function reading `files`, whether its columns arrive as text)."""
    paths = "[" + ", ".join(quote(found.path) for found in files) + "]"
    if source.format in ("orc", "avro", "regex") and register is not None:
        return register(files), source.format == "regex"
    if source.format == "parquet":
        return f"read_parquet({paths}, union_by_name = true)", False
    if source.format == "json":
        columns = ", ".join(
            f"{quote(json_key(file_schema, name))}: {quote(types.duck_type(kind, file_schema, name))}"
            for name, kind in _columns(source))
        return (f"read_json({paths}, format = 'newline_delimited', columns = {{{columns}}}, "
                f"ignore_errors = true, compression = {quote(compression_of(files[0]))})"), False
    if source.format == "csv":
        return _csv_reader(source, paths, compression_of(files[0])), True
    raise UnreadableFormat(f"Table format {source.format} of {source.database}.{source.name} is not supported")


def _open_csv(source: TableSource) -> bool:
    return "opencsv" in source.serde_library.lower()


def _csv_reader(source: TableSource, paths: str, compression: str) -> str:
    serde, props = source.serde, source.properties
    skip = int(props.get("skip.header.line.count") or serde.get("skip.header.line.count") or 0)
    columns = ", ".join(f"{quote(name)}: 'VARCHAR'" for name, _ in _columns(source))
    if _open_csv(source):
        delim = serde.get("separatorChar", ",")
        quote_char, escape = serde.get("quoteChar", '"'), serde.get("escapeChar", "\\")
        # OpenCSV has no NULL: an empty field is an empty string (a number's is NULL
        # through TRY_CAST); only a line cut short lacks fields (null_padding)
        null = "\x00"
    else:       # LazySimpleSerDe: no quoting; Hive's default field delimiter is \001
        delim = serde.get("field.delim") or serde.get("serialization.format") or "\x01"
        if delim.isdigit() and len(delim) > 1:
            delim = chr(int(delim))
        quote_char, escape = "", serde.get("escape.delim", "")
        # the table's properties reach the SerDe too (as skip.header.line.count does)
        null = serde.get("serialization.null.format", props.get("serialization.null.format", "\\N"))
    return (f"read_csv({paths}, delim = {quote(delim)}, quote = {quote(quote_char)}, escape = {quote(escape)}, "
            f"header = false, skip = {skip}, columns = {{{columns}}}, nullstr = {quote(null)}, "
            f"auto_detect = false, strict_mode = false, null_padding = true, compression = {quote(compression)})")


# ---------------------------------------------------------------------------
# Partition pruning


def partition_filter(tree: exp.Expression, table: exp.Table, keys: list[str]) -> exp.Expression | None:
    """The conjuncts of the WHERE around `table` that name only its partition keys
    (unqualified, or qualified by the table's alias), as one predicate; None if none."""
    select = table.find_ancestor(exp.Select)
    where = select.args.get("where") if select is not None else None
    if where is None:
        return None
    alias = (table.alias_or_name or "").lower()
    keep = []
    for conjunct in where.this.flatten() if isinstance(where.this, exp.And) else [where.this]:
        columns = list(conjunct.find_all(exp.Column))
        if not columns or conjunct.find(exp.Subquery, exp.AggFunc, exp.Select):
            continue
        if all(column.name.lower() in keys and (not column.table or column.table.lower() == alias)
               for column in columns):
            stripped = conjunct.copy()
            for column in stripped.find_all(exp.Column):
                column.set("table", None)
            keep.append(stripped)
    return exp.and_(*keep) if keep else None


def prune_sql(source: TableSource, predicate: exp.Expression, relation: str) -> str:
    """A DuckDB query giving the indexes of the partitions that satisfy `predicate`, over
    `relation`: the partitions' `__part` index and their values as text, one column per
    key (`partition_values`). A relation, not a VALUES list: tens of thousands of
    projected partitions would make a query text DuckDB takes many seconds to parse."""
    casts = ", ".join(f"TRY_CAST({ident(name.lower())} AS {types.duck_type(kind)}) AS {ident(name.lower())}"
                      for name, kind in source.partition_keys)
    condition = dialect.translate(predicate)
    return f"SELECT {ident('__part')} FROM (SELECT {ident('__part')}, {casts} FROM {relation}) AS p WHERE {condition}"


def partition_values(source: TableSource) -> dict:
    """The columns of `prune_sql`'s relation: `__part` and each key's values as text."""
    columns = {"__part": list(range(len(source.parts)))}
    for index, (name, _) in enumerate(source.partition_keys):
        columns[name.lower()] = [part.values[index] for part in source.parts]
    return columns
