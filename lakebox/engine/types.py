"""Types across the three vocabularies a query meets: the Glue catalog's Hive type
strings (`array<struct<a:int>>`), DuckDB's types, and the names Athena reports in a
result's metadata (`varchar`, `integer`, `decimal`, `array`, `row`).
"""
import re

_HIVE_SCALARS = {
    "string": "VARCHAR", "varchar": "VARCHAR", "char": "VARCHAR", "tinyint": "TINYINT", "smallint": "SMALLINT",
    "int": "INTEGER", "integer": "INTEGER", "bigint": "BIGINT", "float": "FLOAT", "real": "FLOAT",
    "double": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP", "binary": "BLOB",
    "varbinary": "BLOB", "json": "VARCHAR",
}


class TypeError_(ValueError):
    """A type string lakebox cannot read."""


def duck_type(hive: str, spellings: dict | None = None, path: str = "") -> str:
    """A Glue/Hive column type as a DuckDB type: `map<string,array<int>>` ->
    `MAP(VARCHAR, INTEGER[])`, `struct<a:int,b:string>` -> `STRUCT("a" INTEGER, "b" VARCHAR)`.
    Struct fields are lower-cased as Hive does, or spelled as `spellings` says: by the
    field's path under column `path` (`resources.arn`), else by its lower-cased name alone.
    DuckDB's JSON reader matches fields case-sensitively."""
    parsed, rest = _parse_hive(hive.strip().lower(), spellings or {}, path)
    if rest.strip():
        raise TypeError_(f"Unknown type: {hive}")
    return parsed


def struct_field_names(duck: str) -> list[str]:
    """The field names, at any depth, of a DuckDB type as DESCRIBE prints it
    (`STRUCT(sku STRUCT(S VARCHAR))` -> sku, S)."""
    return [name[1:-1].replace('""', '"') if name.startswith('"') else name
            for name in _STRUCT_FIELD.findall(duck)]


_STRUCT_FIELD = re.compile(r'(?<=[(,])\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?=\s+[A-Z])')


def _parse_hive(text: str, spellings: dict, path: str = "") -> tuple[str, str]:
    match = re.match(r"\s*([a-z_][a-z0-9_ ]*?)\s*(?=[<(,>:]|$)", text)
    if not match:
        raise TypeError_(f"Unknown type: {text}")
    name, rest = match.group(1), text[match.end():]
    if name == "decimal":
        params = re.match(r"\((\d+)\s*,\s*(\d+)\)", rest) or re.match(r"\((\d+)\)", rest)
        if params is None:
            return "DECIMAL(10,0)", rest        # Hive's default precision and scale
        scale = params.group(2) if params.re.groups == 2 else "0"
        return f"DECIMAL({params.group(1)},{scale})", rest[params.end():]
    if name in ("varchar", "char"):
        rest = re.sub(r"^\(\d+\)", "", rest)
    if name == "timestamp" and (precision := re.match(r"\((\d)\)", rest)):    # Trino's timestamp(p)
        return ("TIMESTAMP_NS" if 3 < int(precision.group(1)) <= 6 else "TIMESTAMP"), rest[precision.end():]
    if name in _HIVE_SCALARS:
        return _HIVE_SCALARS[name], rest
    if name == "array":
        element, rest = _parse_hive(_expect(rest, "<"), spellings, path)
        return f"{element}[]", _expect(rest, ">")
    if name == "map":
        key, rest = _parse_hive(_expect(rest, "<"), spellings, path)
        value, rest = _parse_hive(_expect(rest, ","), spellings, path)
        return f"MAP({key}, {value})", _expect(rest, ">")
    if name == "struct":
        fields, rest = [], _expect(rest, "<")
        while True:
            field = re.match(r"\s*([^:<>,\s]+)\s*:", rest)
            if field is None:
                raise TypeError_(f"Unknown type: {text}")
            inner = f"{path}.{field.group(1)}"
            field_type, rest = _parse_hive(rest[field.end():], spellings, inner)
            name = spellings.get(inner) or spellings.get(field.group(1), field.group(1))
            fields.append(f'"{name}" {field_type}')
            if rest.lstrip().startswith(">"):
                return f"STRUCT({', '.join(fields)})", _expect(rest, ">")
            rest = _expect(rest, ",")
    raise TypeError_(f"Unknown type: {name}")


def _expect(text: str, token: str) -> str:
    stripped = text.lstrip()
    if not stripped.startswith(token):
        raise TypeError_(f"Unknown type: expected '{token}' in '{text}'")
    return stripped[len(token):]


# ---------------------------------------------------------------------------
# Result metadata: what Athena's GetQueryResults says of each column

_ATHENA_NAMES = {
    "VARCHAR": "varchar", "INTEGER": "integer", "BIGINT": "bigint", "SMALLINT": "smallint",
    "TINYINT": "tinyint", "DOUBLE": "double", "FLOAT": "float", "BOOLEAN": "boolean", "DATE": "date",
    "TIMESTAMP": "timestamp", "TIMESTAMP_NS": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
    "TIME": "time",
    "BLOB": "varbinary", "UUID": "uuid", "INTERVAL": "interval day to second", "JSON": "json",
    "INTERVAL YEAR TO MONTH": "interval year to month",
    '"NULL"': "unknown", "NULL": "unknown",       # SELECT NULL: Trino's type of a bare NULL
}
# Precision Athena reports per type (the JDBC column size of each Trino type).
_PRECISION = {"varchar": 2147483647, "integer": 10, "bigint": 19, "smallint": 5, "tinyint": 3, "double": 17,
              "float": 7, "timestamp": 3, "timestamp with time zone": 3, "varbinary": 1073741824, "json": 0}


def athena_type(duck: str) -> str:
    """The name Athena gives a DuckDB result type: `DECIMAL(38,2)` -> `decimal`,
    `INTEGER[]` -> `array`, `STRUCT(...)` -> `row`, `MAP(...)` -> `map`."""
    duck = duck.upper()
    if duck.endswith("]"):
        return "array"
    for prefix, name in (("DECIMAL", "decimal"), ("STRUCT", "row"), ("TUPLE", "row"), ("MAP", "map"),
                         ("UNION", "row")):
        if duck.startswith(prefix):
            return name
    return _ATHENA_NAMES.get(duck, duck.lower())


def column_info(name: str, duck: str) -> dict:
    """One `ColumnInfo` of `ResultSetMetadata`, as Athena fills it."""
    kind = athena_type(duck)
    precision, scale = (6 if duck.upper() == "TIMESTAMP_NS" else _PRECISION.get(kind, 0)), 0
    decimal = re.match(r"DECIMAL\((\d+),\s*(\d+)\)", duck.upper())
    if decimal:
        precision, scale = int(decimal.group(1)), int(decimal.group(2))
    return {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": name, "Label": name, "Type": kind,
            "Precision": precision, "Scale": scale, "Nullable": "UNKNOWN", "CaseSensitive": kind == "varchar"}


def hive_type(duck: str) -> str:
    """A DuckDB result type as the Glue column type CTAS records: `INTEGER` -> `int`,
    `VARCHAR` -> `string`, `INTEGER[]` -> `array<int>`."""
    duck = duck.strip()
    if duck.endswith("[]"):
        return f"array<{hive_type(duck[:-2])}>"
    upper = duck.upper()
    if upper.startswith("MAP("):
        key, value = _split_top(duck[4:-1])
        return f"map<{hive_type(key)},{hive_type(value)}>"
    if upper.startswith("STRUCT("):
        fields = []
        for part in _split_top(duck[7:-1]):
            name, _, kind = part.strip().partition(" ")
            fields.append(f"{name.strip(chr(34))}:{hive_type(kind)}")
        return f"struct<{','.join(fields)}>"
    if upper.startswith("DECIMAL"):
        return upper.replace(" ", "").lower()
    return {"VARCHAR": "string", "INTEGER": "int", "BIGINT": "bigint", "SMALLINT": "smallint", "TINYINT": "tinyint",
            "DOUBLE": "double", "FLOAT": "float", "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp",
            "TIMESTAMP_NS": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamp", "BLOB": "binary",
            "HUGEINT": "bigint"}.get(upper, "string")


def _split_top(text: str) -> list[str]:
    """Split on commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


# ---------------------------------------------------------------------------
# Trino's type names: information_schema.columns' data_type, and typeof()

_TRINO_FROM_HIVE = {"string": "varchar", "int": "integer", "float": "real", "binary": "varbinary",
                    "timestamp": "timestamp(3)"}
_TRINO_FROM_DUCK = {
    "VARCHAR": "varchar", "INTEGER": "integer", "BIGINT": "bigint", "SMALLINT": "smallint", "TINYINT": "tinyint",
    "HUGEINT": "bigint", "UBIGINT": "bigint", "UINTEGER": "bigint", "USMALLINT": "integer", "UTINYINT": "smallint",
    "DOUBLE": "double", "FLOAT": "real", "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp(3)",
    "TIMESTAMP_NS": "timestamp(6)", "TIMESTAMP_MS": "timestamp(3)", "TIMESTAMP_S": "timestamp(3)",
    "TIMESTAMP WITH TIME ZONE": "timestamp(3) with time zone", "TIMESTAMPTZ_NS": "timestamp(3) with time zone",
    "TIME": "time(3)", "BLOB": "varbinary",
    "UUID": "uuid", "JSON": "json", "INTERVAL": "interval day to second", '"NULL"': "unknown", "NULL": "unknown",
}


def trino_type_of_hive(hive: str) -> str:
    """A Glue column type as Trino names it: `array<struct<a:int>>` -> `array(row(a integer))`
    (a type string it cannot read is given as it is)."""
    try:
        parsed, rest = _trino_of_hive(hive.strip().lower())
    except TypeError_:
        return hive
    return parsed if not rest.strip() else hive


def _trino_of_hive(text: str) -> tuple[str, str]:
    match = re.match(r"\s*([a-z_][a-z0-9_ ]*?)\s*(?=[<(,>:]|$)", text)
    if not match:
        return text, ""
    name, rest = match.group(1), text[match.end():]
    params = re.match(r"\(\s*\d+\s*(?:,\s*\d+\s*)?\)", rest)
    if params:
        return name + params.group(0).replace(" ", ""), rest[params.end():]
    if name == "array":
        element, rest = _trino_of_hive(_expect(rest, "<"))
        return f"array({element})", _expect(rest, ">")
    if name == "map":
        key, rest = _trino_of_hive(_expect(rest, "<"))
        value, rest = _trino_of_hive(_expect(rest, ","))
        return f"map({key}, {value})", _expect(rest, ">")
    if name == "struct":
        fields, rest = [], _expect(rest, "<")
        while True:
            field = re.match(r"\s*([^:<>,\s]+)\s*:", rest)
            if field is None:
                raise TypeError_(f"Unknown type: {text}")
            field_type, rest = _trino_of_hive(rest[field.end():])
            fields.append(f"{field.group(1)} {field_type}")
            if rest.lstrip().startswith(">"):
                return f"row({', '.join(fields)})", _expect(rest, ">")
            rest = _expect(rest, ",")
    return _TRINO_FROM_HIVE.get(name, name), rest


def trino_type_of_duck(duck: str) -> str:
    """A DuckDB type (as DuckDB prints it) as Trino names it: `INTEGER[]` -> `array(integer)`,
    `STRUCT(a INTEGER)` -> `row(a integer)`, `DECIMAL(10,2)` -> `decimal(10,2)`."""
    duck = duck.strip()
    if duck.endswith("]"):
        return f"array({trino_type_of_duck(duck[:duck.rindex('[')])})"
    upper = duck.upper()
    if upper.startswith("MAP("):
        key, value = _split_top(duck[4:-1])
        return f"map({trino_type_of_duck(key)}, {trino_type_of_duck(value)})"
    if upper.startswith(("STRUCT(", "TUPLE(")):
        fields = []
        for part in _split_top(duck[duck.index("(") + 1:-1]):
            found = re.match(r'\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s+(.+)', part)
            if found is None or upper.startswith("TUPLE("):
                fields.append(trino_type_of_duck(part))
                continue
            name = found.group(1).strip('"').lower()
            kind = trino_type_of_duck(found.group(2))
            if re.fullmatch(r"_\d+", name):         # sqlglot's names for an anonymous ROW's fields
                fields.append(kind)
            else:
                quoted = name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else '"' + name + '"'
                fields.append(f"{quoted} {kind}")
        return f"row({', '.join(fields)})"
    if upper.startswith("DECIMAL"):
        return upper.replace(" ", "").lower()
    return _TRINO_FROM_DUCK.get(upper, duck.lower())
