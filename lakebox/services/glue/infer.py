"""Type inference as Glue's crawlers do it: Hive type strings from values and from
file schemas (Arrow, Avro), and widening when two schemas meet.

Types are kept as parsed trees while merging — a string for a primitive, ("array",
element), ("map", key, value) or ("struct", [(name, type), ...]) — and written out as
Hive type strings (`array<struct<a:bigint>>`) at the end.
"""
import re

_INTEGER = re.compile(r"-?\d{1,18}")
_FLOAT = re.compile(r"-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")


def hive(type_) -> str:
    """A type tree as Hive writes it."""
    if isinstance(type_, str):
        return type_
    if type_[0] == "array":
        return f"array<{hive(type_[1])}>"
    if type_[0] == "map":
        return f"map<{hive(type_[1])},{hive(type_[2])}>"
    return "struct<" + ",".join(f"{name}:{hive(t)}" for name, t in type_[1]) + ">"


def widen(a, b):
    """The narrowest type that holds values of both `a` and `b` (None: no value seen)."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    if isinstance(a, str) and isinstance(b, str):
        if {a, b} <= {"bigint", "double", "int", "smallint", "tinyint", "float"}:
            return "double" if {a, b} & {"double", "float"} else "bigint"
        if {a, b} == {"date", "timestamp"}:
            return "timestamp"
        return "string"
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0]:
        if a[0] == "array":
            return ("array", widen(a[1], b[1]) or "string")
        if a[0] == "map":
            return ("map", widen(a[1], b[1]), widen(a[2], b[2]))
        return ("struct", merge_columns(a[1], b[1]))
    return "string"


def merge_columns(a: list, b: list) -> list:
    """Columns of two schemas: `a`'s order, then `b`'s new columns; types widened.
    Names match case-insensitively, as Hive's do."""
    merged = {name.lower(): [name, t] for name, t in a}
    for name, t in b:
        key = name.lower()
        if key in merged:
            merged[key][1] = widen(merged[key][1], t)
        else:
            merged[key] = [name, t]
    return [(name, t) for name, t in merged.values()]


# ---------------------------------------------------------------------------
# Values (CSV cells, JSON documents)


def text_type(cell: str):
    """A CSV cell's type: bigint, double, boolean or string (an empty cell: None)."""
    if cell == "":
        return None
    if _INTEGER.fullmatch(cell):
        return "bigint"
    if _FLOAT.fullmatch(cell):
        return "double"
    if cell.lower() in ("true", "false"):
        return "boolean"
    return "string"


def json_type(value):
    """A JSON value's type tree (None for null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):          # Glue's JSON classifier: int while it fits 32 bits
        if -(1 << 31) <= value < (1 << 31):
            return "int"
        return "bigint" if -(1 << 63) <= value < (1 << 63) else "double"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        element = None
        for item in value:
            element = widen(element, json_type(item))
        return ("array", element or "string")
    return ("struct", [(key, json_type(item)) for key, item in value.items()])


def finish(type_):
    """A merged type with no value ever seen becomes string, as Glue writes it."""
    if type_ is None:
        return "string"
    if isinstance(type_, str):
        return type_
    if type_[0] == "array":
        return ("array", finish(type_[1]))
    if type_[0] == "map":
        return ("map", finish(type_[1]), finish(type_[2]))
    return ("struct", [(name, finish(t)) for name, t in type_[1]])


# ---------------------------------------------------------------------------
# File schemas


def arrow_type(t):
    """A pyarrow DataType as a type tree."""
    import pyarrow as pa
    import pyarrow.types as pt

    if pt.is_boolean(t):
        return "boolean"
    if pt.is_int8(t) or pt.is_uint8(t):
        return "tinyint"
    if pt.is_int16(t) or pt.is_uint16(t):
        return "smallint"
    if pt.is_int32(t) or pt.is_uint32(t):
        return "int"
    if pt.is_integer(t):
        return "bigint"
    if pt.is_float16(t) or pt.is_float32(t):
        return "float"
    if pt.is_float64(t):
        return "double"
    if pt.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pt.is_timestamp(t):
        return "timestamp"
    if pt.is_date(t):
        return "date"
    if pt.is_binary(t) or pt.is_large_binary(t) or pt.is_fixed_size_binary(t):
        return "binary"
    if pt.is_list(t) or pt.is_large_list(t) or pt.is_fixed_size_list(t):
        return ("array", arrow_type(t.value_type))
    if pt.is_map(t):
        return ("map", arrow_type(t.key_type), arrow_type(t.item_type))
    if pt.is_struct(t):
        return ("struct", [(t.field(i).name, arrow_type(t.field(i).type)) for i in range(t.num_fields)])
    if pt.is_dictionary(t):
        return arrow_type(t.value_type)
    if isinstance(t, pa.DataType):
        return "string"
    raise TypeError(t)


_AVRO_PRIMITIVES = {"null": None, "boolean": "boolean", "int": "int", "long": "bigint", "float": "float",
                    "double": "double", "bytes": "binary", "string": "string"}
_AVRO_LOGICAL = {"date": "date", "timestamp-millis": "timestamp", "timestamp-micros": "timestamp"}


def avro_type(schema, named=None):
    """An Avro schema (parsed JSON) as a type tree; named types are resolved."""
    named = {} if named is None else named
    if isinstance(schema, str):
        return _AVRO_PRIMITIVES.get(schema, named.get(schema, "string"))
    if isinstance(schema, list):            # a union: its non-null branches widened
        found = None
        for branch in schema:
            found = widen(found, avro_type(branch, named))
        return found or "string"
    kind = schema.get("type")
    logical = schema.get("logicalType")
    if logical in _AVRO_LOGICAL:
        return _AVRO_LOGICAL[logical]
    if logical == "decimal":
        return f"decimal({schema.get('precision', 38)},{schema.get('scale', 0)})"
    if kind == "record":
        fields = [(f["name"], avro_type(f["type"], named) or "string") for f in schema.get("fields", [])]
        result = ("struct", fields)
        named[schema.get("name", "")] = result
        return result
    if kind == "array":
        return ("array", avro_type(schema["items"], named) or "string")
    if kind == "map":
        return ("map", "string", avro_type(schema["values"], named) or "string")
    if kind == "enum":
        return "string"
    if kind == "fixed":
        return "binary"
    return avro_type(kind, named)


# ---------------------------------------------------------------------------
# Type strings given by clients (CreateTable's columns)


_PRIMITIVE_NAMES = {"boolean", "tinyint", "smallint", "int", "integer", "bigint", "float", "double",
                    "string", "binary", "timestamp", "date", "interval"}
_TYPE_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|\d+|[<>(),:])")


def parse_hive(text: str):
    """A Hive type string as a type tree; ValueError when it is not one."""
    tokens = [m.group(1) for m in _TYPE_TOKEN.finditer(text)]
    if "".join(tokens) != re.sub(r"\s+", "", text):
        raise ValueError(text)
    position = 0

    def take():
        nonlocal position
        if position >= len(tokens):
            raise ValueError(text)
        position += 1
        return tokens[position - 1]

    def parse():
        word = take().lower()
        if word in ("decimal", "char", "varchar"):
            if position < len(tokens) and tokens[position] == "(":
                take()
                args = [take()]
                if tokens[position] == ",":
                    take()
                    args.append(take())
                if take() != ")" or not all(a.isdigit() for a in args):
                    raise ValueError(text)
                return f"{word}({','.join(args)})"
            return word
        if word in _PRIMITIVE_NAMES:
            return word
        if word not in ("array", "map", "struct") or take() != "<":
            raise ValueError(text)
        if word == "array":
            inner = ("array", parse())
        elif word == "map":
            key = parse()
            if take() != ",":
                raise ValueError(text)
            inner = ("map", key, parse())
        else:
            fields = []
            while True:
                name = take()
                if take() != ":":
                    raise ValueError(text)
                fields.append((name, parse()))
                if tokens[position] != ",":
                    break
                take()
            inner = ("struct", fields)
        if take() != ">":
            raise ValueError(text)
        return inner

    tree = parse()
    if position != len(tokens):
        raise ValueError(text)
    return tree
