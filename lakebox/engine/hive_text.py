"""Arrays, maps and structs in LazySimpleSerDe text (`COLLECTION ITEMS TERMINATED BY`,
`MAP KEYS TERMINATED BY`): a field's items split on the collection delimiter (`\\002`
unless the table says), a map entry's key and value on the map-key one (`\\003`), a
struct's fields on the collection delimiter, each item cast to its type as a scalar
field is (NULL when it does not parse); an empty field is NULL. Collections of
collections are not split (they read as NULL)."""
import duckdb

INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT")


def integer_sql(column: str, duck: str) -> str:
    """DuckDB SQL reading the text `column` as the integer type `duck` as Hive's text
    reader does (Trino's LongEncoding): an optional sign, digits, and a decimal part that
    must be digits but is dropped (`0.002` is 0, `1.7` is 1: DuckDB's cast rounds); any
    other text (` 5`, `1e3`, `0x10`, `1_000`, `-`) and a value out of the type's range are NULL."""
    whole = f"regexp_extract({column}, '^[+-]?([0-9]*)', 1)"
    sign = f"CASE WHEN starts_with({column}, '-') THEN '-' ELSE '' END"
    return (f"CASE WHEN regexp_full_match({column}, '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]*)') "
            f"THEN TRY_CAST({sign} || CASE WHEN {whole} = '' THEN '0' ELSE {whole} END AS {duck}) END")


def regex_integer_sql(column: str, duck: str) -> str:
    """An integer group of a Regex SerDe table, read as Trino's RegexDeserializer reads it
    (Java's Long/Integer.parseLong): an optional sign and digits, else NULL (`1.7` too)."""
    return f"CASE WHEN regexp_full_match({column}, '[+-]?[0-9]+') THEN TRY_CAST({column} AS {duck}) END"


def regex_boolean_sql(column: str) -> str:
    """A boolean group of a Regex SerDe table (Java's Boolean.parseBoolean): `true` in any
    case is true, any other text false."""
    return f"CASE WHEN {column} IS NOT NULL THEN lower({column}) = 'true' END"


def boolean_sql(column: str, serde: dict) -> str:
    """DuckDB SQL reading the text `column` as BOOLEAN as Hive's text reader does (Trino's
    BooleanEncoding): `true` or `false` in any case; with the SerDe property
    `hive.lazysimple.extended_boolean_literal` also T, F, 1 and 0; anything else NULL
    (DuckDB's cast reads 1, t, y and yes as true)."""
    extended = (serde.get("hive.lazysimple.extended_boolean_literal") or "").lower() == "true"
    true, false = ("'TRUE', 'T', '1'", "'FALSE', 'F', '0'") if extended else ("'TRUE'", "'FALSE'")
    return f"CASE WHEN upper({column}) IN ({true}) THEN true WHEN upper({column}) IN ({false}) THEN false END"


def is_collection(duck: str) -> bool:
    return duckdb.sqltype(duck).id in ("list", "map", "struct")


def collection_sql(column: str, duck: str, serde: dict) -> str | None:
    """DuckDB SQL reading the text `column` as `duck`, or None for a nested collection."""
    kind = duckdb.sqltype(duck)
    items = _chars(serde.get("collection.delim") or "\x02")
    key_end = _chars(serde.get("mapkey.delim") or "\x03")
    children = [(name, str(child)) for name, child in kind.children]
    if any(is_collection(child) for _, child in children):
        return None
    if kind.id == "list":
        value = f"string_split({column}, {items})"
    elif kind.id == "map":
        value = (f"map_from_entries(list_transform(string_split({column}, {items}), lambda entry: struct_pack("
                 f"k := split_part(entry, {key_end}, 1), v := split_part(entry, {key_end}, 2))))")
    else:
        fields = ", ".join(f"NULLIF(split_part({column}, {items}, {number}), '')"
                           for number in range(1, len(children) + 1))
        value = f"row({fields})"          # cast to the struct type by position
    return f"CASE WHEN {column} IS NULL OR {column} = '' THEN NULL ELSE TRY_CAST({value} AS {duck}) END"


def _chars(delimiter: str) -> str:
    """A delimiter as SQL: its characters by code (no quoting to get wrong)."""
    return "(" + " || ".join(f"chr({ord(char)})" for char in delimiter) + ")"
