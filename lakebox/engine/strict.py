"""Where Trino fails a query or answers otherwise and DuckDB would answer on quietly.

Trino refuses `CAST('1.5' AS integer)` and an array subscript past the array's end;
it answers Infinity or NaN for a double divided by zero (DuckDB fails) and NULL for a
correlation that is not a number; it has `reverse(array)`, `length(varbinary)` and
`array || element`, which DuckDB names otherwise. Each fix rewrites the parsed (Trino)
query, some to call a macro of `MACROS` (named `lakebox_...`, apart from Trino's
function names), which fails with `FAILURE_PREFIX<ERROR_NAME>:<message>` (`EngineError.from_duckdb` reads it back).
"""
import re

from sqlglot import exp

from lakebox.engine import query_types

FAILURE_PREFIX = "lakebox-failure:"

# The integer and boolean types a text is cast to, by sqlglot type: DuckDB's name, Trino's
# in its message, and the texts Trino reads as one.
# Java's Integer.parseInt / Long.parseLong: an optional sign, then digits, nothing around.
_JAVA_INTEGER = "[+-]?[0-9]+"
# Trino's VarcharOperators.castToBoolean: true, false, t, f, 1 or 0 in any case (DuckDB also
# reads yes, no, y and n).
_TRINO_BOOLEAN = "(?i)true|false|t|f|1|0"
_INTEGER_CASTS = {exp.DataType.Type.TINYINT: ("TINYINT", "TINYINT", _JAVA_INTEGER),
                  exp.DataType.Type.SMALLINT: ("SMALLINT", "SMALLINT", _JAVA_INTEGER),
                  exp.DataType.Type.INT: ("INTEGER", "INT", _JAVA_INTEGER),
                  exp.DataType.Type.BIGINT: ("BIGINT", "BIGINT", _JAVA_INTEGER),
                  exp.DataType.Type.BOOLEAN: ("BOOLEAN", "BOOLEAN", _TRINO_BOOLEAN)}


def failure_sql(name: str, message_sql: str) -> str:
    """DuckDB SQL that fails the query with Trino's error `name` and the text of `message_sql`."""
    return f"error('{FAILURE_PREFIX}{name}:' || {message_sql})"


def _integer_cast_macros():
    for duck_type, trino_name, read in _INTEGER_CASTS.values():
        refused = failure_sql("INVALID_CAST_ARGUMENT",
                              f"'Cannot cast ''' || CAST(x AS VARCHAR) || ''' to {trino_name}'")
        is_text = f"typeof(x) = 'VARCHAR' AND NOT regexp_full_match(CAST(x AS VARCHAR), '{read}')"
        for prefix, cast, failure in (("cast_", "CAST", refused), ("try_cast_", "TRY_CAST", "NULL")):
            # a double is rounded half away from zero (Trino's DoubleOperators), DuckDB's to even
            rounded = "" if duck_type == "BOOLEAN" else \
                f"WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN {cast}(round(TRY_CAST(x AS DOUBLE)) AS {duck_type}) "
            yield (f"{prefix}{duck_type.lower()}", "x",
                   f"CASE WHEN {is_text} THEN {failure} {rounded}ELSE {cast}(x AS {duck_type}) END")


# The texts Trino casts to a date or a timestamp (its DateTimes patterns): a date, then
# for a timestamp a time of day after spaces. DuckDB reads more (`2024-01-01T10:00:00`,
# a zone), which Trino refuses: "Value cannot be cast to timestamp: ...".
_TRINO_DATE_TEXT = r"\s*[+-]?[0-9]{4,}-[0-9]{1,2}-[0-9]{1,2}\s*"
_TRINO_TIMESTAMP_TEXT = r"\s*[+-]?[0-9]{4,}-[0-9]{1,2}-[0-9]{1,2}( +[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}([.][0-9]+)?)?)?\s*"
_TIME_CASTS = {exp.DataType.Type.DATE: ("date", "DATE", _TRINO_DATE_TEXT),
               exp.DataType.Type.TIMESTAMP: ("timestamp", "TIMESTAMP", _TRINO_TIMESTAMP_TEXT)}


def _time_cast_macros():
    """`<kind>_text(x)`: a text Trino casts to the kind (`x` as it is), else the cast's
    failure; `<kind>_text_or_null(x)`: NULL for such a text, as TRY_CAST answers. A value
    of another type passes as it is."""
    for name, duck_type, pattern in _TIME_CASTS.values():
        refused = (f"typeof(x) = 'VARCHAR' AND (NOT regexp_full_match(CAST(x AS VARCHAR), '{pattern}') "
                   f"OR TRY_CAST(x AS {duck_type}) IS NULL)")
        failure = failure_sql("INVALID_CAST_ARGUMENT", f"'Value cannot be cast to {name}: ' || CAST(x AS VARCHAR)")
        yield f"{name}_text", "x", f"CASE WHEN {refused} THEN {failure} ELSE x END"
        yield f"{name}_text_or_null", "x", f"CASE WHEN {refused} THEN NULL ELSE x END"


# name -> (parameters, DuckDB body), created as `lakebox_<name>`.
MACROS = [
    # json_parse's text, failing as Trino's does for one that is no JSON (DuckDB's words
    # cut the text short)
    ("json_text", "s", "CASE WHEN s IS NOT NULL AND NOT json_valid(s) THEN " + failure_sql(
        "INVALID_FUNCTION_ARGUMENT", "'Cannot convert value to JSON: ''' || s || ''''") + " ELSE s END"),
    *_integer_cast_macros(),
    *_time_cast_macros(),
    ("array_subscript", "a, i", "CASE WHEN i > len(a) THEN " + failure_sql(
        "INVALID_FUNCTION_ARGUMENT", "'Array subscript must be less than or equal to array length: ' || i || ' > ' "
                                     "|| len(a)")
     + " WHEN i < 0 THEN " + failure_sql("INVALID_FUNCTION_ARGUMENT", "'Array subscript is negative: ' || i")
     + " WHEN i = 0 THEN " + failure_sql("INVALID_FUNCTION_ARGUMENT", "'SQL array indices start at 1'")
     + " ELSE a[i] END"),
    # element_at: NULL past either end (from the end when negative), but no element 0
    ("array_element_at", "a, i", "CASE WHEN i = 0 THEN "
     + failure_sql("INVALID_FUNCTION_ARGUMENT", "'SQL array indices start at 1'") + " ELSE a[i] END"),
    ("map_subscript", "m, k", "CASE WHEN m IS NOT NULL AND k IS NOT NULL AND NOT map_contains(m, k) THEN "
     + failure_sql("INVALID_FUNCTION_ARGUMENT", "'Key not present in map: ' || CAST(k AS VARCHAR)") + " ELSE m[k] END"),
    # IEEE 754, as Java divides doubles: x / 0 is Infinity with x's sign, 0 / 0 is NaN.
    # `//` is what `/` means under `integer_division`, which a macro body, parsed before
    # the setting, would miss (on doubles it is the real quotient).
    ("double_divide", "a, b", "CASE WHEN b <> 0 OR a IS NULL OR b IS NULL THEN CAST(a AS DOUBLE) // b "
                              "WHEN isnan(a) OR a = 0 THEN CAST('NaN' AS DOUBLE) "
                              "WHEN a > 0 THEN CAST('Infinity' AS DOUBLE) ELSE CAST('-Infinity' AS DOUBLE) END"),
]


def install(db):
    for name, parameters, body in MACROS:
        db.execute(f"CREATE OR REPLACE MACRO lakebox_{name}({parameters}) AS {body}")


def _call(name: str, *arguments) -> exp.Expression:
    return exp.Anonymous(this=f"lakebox_{name}", expressions=list(arguments))


def _known_not_text(node, column_types: dict) -> bool:
    """True when `node` surely is no varchar (a number, or a column of a non-text type)."""
    if isinstance(node, (exp.Neg, exp.Paren)):
        return _known_not_text(node.this, column_types)
    if isinstance(node, exp.Literal):
        return not node.is_string
    if isinstance(node, exp.Column):
        kind = column_types.get(node.name.lower(), "").lower()
        return bool(kind) and not kind.startswith(("string", "varchar", "char"))
    return isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Count, exp.Sum))


def _maybe_double(node, column_types: dict) -> bool:
    """Whether a value known to be no text may be a double or a real (not an integer
    literal, nor a column of an integer type)."""
    if isinstance(node, (exp.Neg, exp.Paren)):
        return _maybe_double(node.this, column_types)
    if isinstance(node, exp.Literal):
        return not node.name.isdigit()
    if isinstance(node, exp.Column):
        return column_types.get(node.name.lower(), "").lower() not in ("int", "integer", "bigint", "smallint",
                                                                       "tinyint", "boolean")
    return not isinstance(node, exp.Count)


def _inside_try(node) -> bool:
    """Within Trino's `try(...)` a failure is NULL; DuckDB's TRY refuses the macros that
    fail (they call the volatile `error`), so there the quiet forms are used."""
    return node.find_ancestor(exp.Try) is not None


def casts_of_text_to_integers(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`CAST('1.5' AS integer)` fails in Trino (INVALID_CAST_ARGUMENT); DuckDB rounds it
    to 2. So does `CAST('yes' AS boolean)`, which DuckDB reads as true. `TRY_CAST` of such
    a text is NULL."""
    for node in list(tree.find_all(exp.Cast, exp.TryCast)):
        found = _INTEGER_CASTS.get(node.to.this)
        if found is None or _known_not_text(node.this, column_types) and not _maybe_double(node.this, column_types):
            continue
        prefix = "try_cast_" if isinstance(node, exp.TryCast) or _inside_try(node) else "cast_"
        node.replace(_call(prefix + found[0].lower(), node.this.copy()))
    return tree


def casts_of_text_to_times(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`CAST('2024-01-01T10:00:00' AS timestamp)` and `CAST('2024-02-30' AS date)` fail in
    Trino (INVALID_CAST_ARGUMENT, "Value cannot be cast to timestamp: ..."); DuckDB reads
    the first and words the second its own way. `TRY_CAST` of such a text is NULL."""
    for node in list(tree.find_all(exp.Cast, exp.TryCast)):
        found = _TIME_CASTS.get(node.to.this)
        if found is None or _known_not_text(node.this, column_types):
            continue
        quiet = isinstance(node, exp.TryCast) or _inside_try(node)
        node.set("this", _call(f"{found[0]}_text" + ("_or_null" if quiet else ""), node.this.copy()))
    return tree


def json_parse_refuses_malformed_text(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`json_parse('not json')` fails INVALID_FUNCTION_ARGUMENT "Cannot convert value to
    JSON: 'not json'" (the whole text, as Trino words it); the JSON it parses has the keys
    of its objects in order (`python_functions.json_sorted`), a JSON literal too."""
    for node in list(tree.find_all(exp.ParseJSON)):
        text = node.this.copy() if _inside_try(node) else _call("json_text", node.this.copy())
        node.set("this", _call("json_sorted", text))
    return tree


# Trino's functions of a JsonPath argument (the second): a path starts with `$`.
_JSON_PATH_FUNCTIONS = {"json_extract", "json_extract_scalar", "json_size"}


def json_path_not_a_path(tree: exp.Expression) -> tuple[str, str] | None:
    """`json_extract_scalar(j, 'a.b')` fails in Trino ("Invalid JSON path: 'a.b'");
    DuckDB reads such a path as a key and answers NULL."""
    for node in tree.find_all(exp.Anonymous):
        if node.name.lower() in _JSON_PATH_FUNCTIONS and len(node.expressions) == 2:
            path = node.expressions[1]
            if isinstance(path, exp.Literal) and path.is_string and not path.this.startswith("$"):
                return "INVALID_FUNCTION_ARGUMENT", f"Invalid JSON path: '{path.this}'"
    return None


def _is_array(node, column_types: dict) -> bool:
    if isinstance(node, exp.Column):
        return column_types.get(node.name.lower(), "").lower().startswith("array")
    if isinstance(node, exp.Cast):      # a cast to an array (regexp_replace's groups given to its lambda)
        return node.to.is_type(exp.DataType.Type.ARRAY)
    return isinstance(node, (exp.Array, exp.Split, exp.ArrayConcat))


def _one_based(index: exp.Expression) -> exp.Expression:
    """sqlglot keeps a Trino subscript 0-based (it adds the offset back when writing)."""
    if isinstance(index, exp.Literal) and not index.is_string and index.this.lstrip("-").isdigit():
        return exp.Literal.number(int(index.this) + 1)
    return exp.Add(this=exp.Paren(this=index.copy()), expression=exp.Literal.number(1))


def _is_map(node, column_types: dict) -> bool:
    if isinstance(node, exp.Column):
        return column_types.get(node.name.lower(), "").lower().startswith("map")
    return isinstance(node, (exp.Map, exp.VarMap, exp.MapFromEntries))


def subscripts_in_bounds(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`a[5]` of a 3-element array and `m['x']` of a map without that key fail in Trino
    (DuckDB: NULL); `element_at` stays NULL, but for element 0 of an array."""
    for node in list(tree.find_all(exp.Bracket)):
        if len(node.expressions) != 1 or _inside_try(node):
            continue            # inside try(...) Trino answers NULL, as DuckDB's subscript does
        if node.args.get("safe"):
            if _is_array(node.this, column_types):
                node.replace(_call("array_element_at", node.this.copy(), node.expressions[0].copy()))
            continue
        if _is_array(node.this, column_types):
            node.replace(_call("array_subscript", node.this.copy(), _one_based(node.expressions[0])))
        elif _is_map(node.this, column_types):
            node.replace(_call("map_subscript", node.this.copy(), node.expressions[0].copy()))
    return tree


def double_division_by_zero(tree: exp.Expression, is_double) -> exp.Expression:
    """A double divided by zero is Infinity or NaN in Trino; DuckDB fails. Done where
    `is_double` knows an operand to be a double (elsewhere the query still fails with
    DIVISION_BY_ZERO: a failure, never a different answer)."""
    for node in list(tree.find_all(exp.Div)):
        if is_double(node.this) or is_double(node.expression):
            node.replace(_call("double_divide", node.this.copy(), node.expression.copy()))
    return tree


def correlation_not_a_number_is_null(tree: exp.Expression) -> exp.Expression:
    """Trino's `corr` is NULL where it is not a finite number (one row, a constant column);
    DuckDB's is NaN."""
    for node in list(tree.find_all(exp.Corr)):
        outer = node
        while isinstance(outer.parent, (exp.Window, exp.Filter)):
            outer = outer.parent
        outer.replace(exp.If(this=exp.Anonymous(this="isfinite", expressions=[outer.copy()]), true=outer.copy()))
    return tree


def _is_binary(node, column_types: dict) -> bool:
    if isinstance(node, exp.Column):
        return column_types.get(node.name.lower(), "").lower() in ("binary", "varbinary")
    return isinstance(node, (exp.Encode, exp.FromBase64, exp.Unhex, exp.MD5Digest))


def _is_scalar(node, column_types: dict) -> bool:
    """True when `node` surely is no array (a literal, or a column of a scalar type)."""
    if isinstance(node, exp.Literal):
        return True
    if isinstance(node, exp.Column):
        kind = column_types.get(node.name.lower(), "").lower()
        return bool(kind) and not kind.startswith(("array", "map", "struct", "row"))
    return False


def array_and_binary_operands(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """Trino's `reverse(array)`, `length(varbinary)` (its bytes), `length(char(n))` (n) and `array || element`
    (`element || array`), which DuckDB has under other names. Done where the operand's
    type is known; elsewhere DuckDB refuses the call (TYPE_MISMATCH), never answers otherwise."""
    for node in list(tree.find_all(exp.Reverse, exp.Length, exp.DPipe)):
        if isinstance(node, exp.Reverse) and _is_array(node.this, column_types):
            node.replace(exp.Anonymous(this="list_reverse", expressions=[node.this.copy()]))
        elif isinstance(node, exp.Length) and _is_binary(node.this, column_types):
            node.replace(exp.Anonymous(this="octet_length", expressions=[node.this.copy()]))
        elif isinstance(node, exp.Length) and _char_length(node.this, column_types):     # padded to its length
            node.replace(exp.Case(ifs=[exp.If(this=exp.Not(this=exp.Is(this=node.this.copy(), expression=exp.Null())),
                                              true=exp.cast(exp.Literal.number(_char_length(node.this, column_types)),
                                                            "BIGINT"))]))
        elif isinstance(node, exp.DPipe):
            left, right = node.this, node.expression
            depths = _array_depth(left, column_types), _array_depth(right, column_types)
            if _is_array(left, column_types) and _is_scalar(right, column_types) or \
                    None not in depths and depths[0] == depths[1] + 1:
                node.replace(exp.Anonymous(this="list_append", expressions=[left.copy(), right.copy()]))
            elif _is_scalar(left, column_types) and _is_array(right, column_types) or \
                    None not in depths and depths[0] + 1 == depths[1]:
                node.replace(exp.Anonymous(this="list_prepend", expressions=[left.copy(), right.copy()]))
    return tree


def _char_length(node, column_types: dict) -> int | None:
    """n, when `node` is known to be a char(n): a CAST to it or a catalog column of it."""
    if isinstance(node, (exp.Cast, exp.TryCast)) and node.to.this == exp.DataType.Type.CHAR:
        params = node.to.expressions
        return int(params[0].this.name) if params and isinstance(params[0].this, exp.Literal) else 1
    kind = column_types.get(node.name.lower(), "").lower().replace(" ", "") if isinstance(node, exp.Column) else ""
    return int(kind[5:-1]) if re.fullmatch(r"char\(\d+\)", kind) else None


def _array_depth(node, column_types: dict) -> int | None:
    """How many arrays deep `node` is (`ARRAY[ARRAY[1]]` 2, a scalar 0), None if unknown:
    `array || array of arrays` puts the first in front of the second's elements."""
    if isinstance(node, exp.Array):
        depths = {_array_depth(element, column_types) for element in node.expressions}
        return 1 + depths.pop() if len(depths) == 1 and None not in depths else (1 if not depths else None)
    if isinstance(node, exp.Column):
        kind = column_types.get(node.name.lower(), "").lower().replace(" ", "")
        depth = 0
        while kind.startswith("array<"):
            depth, kind = depth + 1, kind[len("array<"):]
        return depth if kind else None
    return 0 if isinstance(node, exp.Literal) else None


_OPERATORS = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.EQ: "=", exp.NEQ: "<>",
              exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}
# Trino resolves `a > b` as its operator `<` over (a, b) (`>=` as `<=`, `<>` as `=`), and
# names that operator in the failure: `ts >= current_date` on a text is "Cannot apply
# operator: varchar <= date", as Athena users record it.
_RESOLVED_AS = {">": "<", ">=": "<=", "<>": "="}
_NUMBER_COLUMNS = {"int": "integer", "integer": "integer", "bigint": "bigint", "smallint": "smallint",
                   "tinyint": "tinyint", "double": "double", "float": "real", "real": "real"}
# Other catalog types Trino never compares with a text (`dt = '2024-01-01'` on a date).
_TIME_COLUMNS = {"date": "date", "timestamp": "timestamp(3)", "timestamp(6)": "timestamp(6)"}


def trino_type(node, column_types: dict, ctes: frozenset = frozenset()) -> str | None:
    """Trino's name of a literal's or catalog column's type, when it is a number, a text,
    a date or a timestamp."""
    if isinstance(node, exp.Literal) and node.is_string:
        return f"varchar({len(node.this)})"
    if isinstance(node, exp.Literal):
        text = node.this.lower()
        if "e" in text:
            return "double"
        if "." in text:
            digits = text.replace(".", "").lstrip("-").lstrip("0") or "0"
            scale = len(text.split(".")[1])
            return f"decimal({max(len(digits), scale)},{scale})"
        return "integer" if -2**31 <= int(text) < 2**31 else "bigint"
    if isinstance(node, exp.Column):
        kind = column_types.get(node.name.lower(), "").lower() if _of_a_table(node, ctes) else ""
        if kind == "string" or kind.startswith("varchar"):
            return "varchar" if kind == "string" else kind
        return _NUMBER_COLUMNS.get(kind) or _TIME_COLUMNS.get(kind) or (kind if kind.startswith("decimal") else None)
    if isinstance(node, (exp.Cast, exp.TryCast)) and node.to.this == exp.DataType.Type.DATE:
        return "date"
    return _time_value_type(node, column_types, ctes)


# Trino's types of the clock's values and of the literals of a time.
_CLOCK_TYPES = {exp.CurrentTimestamp: "timestamp(3) with time zone", exp.CurrentDate: "date",
                exp.FromISO8601Timestamp: "timestamp(3) with time zone"}
_LITERAL_TIME_TYPES = {exp.DataType.Type.TIMESTAMP: "timestamp(3)",
                       exp.DataType.Type.TIMESTAMPTZ: "timestamp(3) with time zone"}


def _time_value_type(node, column_types: dict, ctes: frozenset) -> str | None:
    """The type of `now()`, `current_date`, a TIMESTAMP literal, or one of them plus or
    minus an interval (`now() - interval '1' day` is still a timestamp with time zone)."""
    if isinstance(node, (exp.Add, exp.Sub)) and isinstance(node.expression, exp.Interval):
        kind = trino_type(node.this, column_types, ctes)
        return kind if kind in ("date", *_CLOCK_TYPES.values(), *_LITERAL_TIME_TYPES.values()) else None
    if type(node) in _CLOCK_TYPES:
        return _CLOCK_TYPES[type(node)]
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string:
        return _LITERAL_TIME_TYPES.get(node.to.this)
    return None


def _of_a_table(column: exp.Column, ctes: frozenset) -> bool:
    """Whether `column` surely is a table's (so of its catalog type): every relation its
    SELECT reads (or the one it names) is a table, not a subquery or a WITH query, whose
    column of that name may be of any type."""
    relations = query_types.relations_of(column)
    return bool(relations) and all(isinstance(item, exp.Table) and item.name.lower() not in ctes
                                   for item in relations)


def offsets(node, key: str) -> list[int]:
    """Where in the text the tokens of `node` start or end (`key`)."""
    return [found.meta[key] for found in node.walk() if key in found.meta]


# Trino's signatures of concat, as its "Unexpected parameters" failure lists them.
CONCAT_SIGNATURES = ("concat(E, array(E)) E, concat(array(E)) E, concat(array(E), E) E, concat(char(x), char(y)), "
                      "concat(varbinary), concat(varchar)")


def line_and_column(sql: str, offset: int) -> str:
    """`line L:C` of a character of the text, as Trino's messages name places."""
    line = sql.count("\n", 0, offset) + 1
    return f"line {line}:{offset - (sql.rfind(chr(10), 0, offset) + 1) + 1}"


def operator_type_mismatch(tree: exp.Expression, column_types: dict, sql: str) -> tuple[str, str] | None:
    """Trino's error name and words for an operator between a number, date or timestamp
    and a text: arithmetic or a comparison (`TYPE_MISMATCH`, `line 1:10: Cannot apply
    operator: integer + varchar(1)`, `date = varchar(10)`), `||` (`FUNCTION_NOT_FOUND`,
    `Unexpected parameters (varchar(1), integer) for function concat`), at the operator.
    DuckDB refuses these in its own words or answers them (casting the text); None if the
    query has none that lakebox can place."""
    ctes = frozenset(cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE))
    for node in tree.find_all(*_OPERATORS, exp.DPipe):
        left, right = _operand_type(node.this, column_types, ctes), _operand_type(node.expression, column_types, ctes)
        if left is None or right is None or _category(left) == _category(right):
            continue
        ends, starts = offsets(node.this, "end"), offsets(node.expression, "start")
        if not ends:
            continue
        symbol = "||" if isinstance(node, exp.DPipe) else _OPERATORS[type(node)]
        # a right side of no tokens of its own (`current_date`) starts after the operator
        between = sql[max(ends) + 1:min(starts)] if starts else sql[max(ends) + 1:]
        found = [between.find(text) for text in ((symbol, "!=") if symbol == "<>" else (symbol,)) if text in between]
        if not found:
            continue
        place = line_and_column(sql, max(ends) + 1 + min(found))
        if isinstance(node, exp.DPipe):
            return "FUNCTION_NOT_FOUND", f"{place}: Unexpected parameters ({left}, {right}) for function concat. " \
                                         f"Expected: {CONCAT_SIGNATURES}"
        return "TYPE_MISMATCH", f"{place}: Cannot apply operator: {left} {_RESOLVED_AS.get(symbol, symbol)} {right}"
    return _like_of_no_text(tree, column_types, ctes, sql) or _cast_of_a_container_to_text(tree, column_types, sql)


def _category(kind: str) -> str:
    """What Trino's operators take together: texts, numbers, or dates and timestamps (a
    date and a timestamp compare, a number and a date do not: `date + integer`)."""
    return "text" if kind.startswith("varchar") else "time" if kind.startswith(("date", "timestamp")) else "number"


def _like_of_no_text(tree, column_types: dict, ctes: frozenset, sql: str) -> tuple[str, str] | None:
    """`s LIKE 1` (or `1 LIKE 'a'`): Trino's TYPE_MISMATCH `line 1:30: Pattern for LIKE
    expression must evaluate to a varchar (actual: integer)`, at that side; DuckDB's words."""
    for node in tree.find_all(exp.Like):
        for side, words in ((node.this, "Left side of LIKE expression"), (node.expression, "Pattern for LIKE expression")):
            kind, starts = _operand_type(side, column_types, ctes), offsets(side, "start")
            placed = isinstance(side, (exp.Literal, exp.Column)) and starts      # where its first token is
            if kind is not None and not kind.startswith("varchar") and placed:
                return "TYPE_MISMATCH", f"{line_and_column(sql, min(starts))}: {words} must evaluate to a varchar " \
                                        f"(actual: {kind})"
    return None


def _operand_type(node, column_types: dict, ctes: frozenset, depth: int = 0) -> str | None:
    """`trino_type`, or the type the query gives a column of a VALUES list, a WITH query
    or a subquery (`query_types`)."""
    kind = trino_type(node, column_types, ctes)
    if kind is None and isinstance(node, exp.Column):
        return query_types.given_type(node, lambda value, deeper: _operand_type(value, column_types, ctes, deeper),
                                      depth)
    return kind


def value_type(node, tree: exp.Expression, column_types: dict) -> str | None:
    """Trino's type of a literal, a catalog column or a column the query itself types."""
    return _operand_type(node, column_types, frozenset(cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)))


def _cast_of_a_container_to_text(tree: exp.Expression, column_types: dict, sql: str) -> tuple[str, str] | None:
    """`CAST(tags AS varchar)` of an array, map or row column: Trino has no such cast
    (TYPE_MISMATCH `line 1:8: Cannot cast array(varchar) to varchar`, at the CAST; TRY_CAST
    alike); DuckDB prints the value."""
    from lakebox.engine.types import trino_type_of_hive
    ctes = frozenset(cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE))
    for node in tree.find_all(exp.Cast):
        column, target = node.this, node.to
        if not isinstance(column, exp.Column) or target.this not in (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT) \
                or not _of_a_table(column, ctes):
            continue
        kind = column_types.get(column.name.lower(), "").lower()
        starts = offsets(column, "start")
        keyword = [found.start() for found in re.finditer(r"\b(?:try_)?cast\s*\(", sql[:min(starts)], re.IGNORECASE)] \
            if starts else []
        if kind.startswith(("array<", "map<", "struct<")) and keyword:
            return "TYPE_MISMATCH", (f"{line_and_column(sql, keyword[-1])}: Cannot cast {trino_type_of_hive(kind)} to "
                                     f"{target.sql(dialect='trino').lower()}")
    return None


# Trino's signatures of avg, as its "Unexpected parameters" failure lists them (the
# aggregations Trino defines: bigint, decimal, double, real and the two interval types).
_AVG_SIGNATURES = ("avg(bigint) double, avg(decimal(p,s)) decimal(p,s), avg(double) double, "
                   "avg(interval day to second) interval day to second, "
                   "avg(interval year to month) interval year to month, avg(real) real")


# The units date_add, date_diff and date_trunc take (Trino's DateTimeFunctions: a DATE's
# fields, a TIMESTAMP's); DuckDB also takes plurals and others ('days', 'hours').
_DATE_FIELDS = {"day", "week", "month", "quarter", "year"}
_TIMESTAMP_FIELDS = _DATE_FIELDS | {"millisecond", "second", "minute", "hour"}


def unit_not_a_field(tree: exp.Expression, column_types: dict) -> tuple[str, str] | None:
    """Trino's failure for a unit that is no field of the value's type: `'days' is not a
    valid DATE field` (a date's), `... TIMESTAMP field` (any other's); None if none."""
    ctes = frozenset(cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE))
    for node in tree.find_all(exp.DateAdd, exp.DateDiff, exp.TimestampTrunc, exp.DateTrunc):
        unit = node.args.get("unit")
        if not isinstance(unit, (exp.Var, exp.Literal)):
            continue
        values = [node.this] + ([node.expression] if isinstance(node, exp.DateDiff) else [])
        on_dates = all(trino_type(value, column_types, ctes) == "date" for value in values)
        name = unit.name.lower()
        if name not in (_DATE_FIELDS if on_dates else _TIMESTAMP_FIELDS):
            return "INVALID_FUNCTION_ARGUMENT", f"'{name}' is not a valid {'DATE' if on_dates else 'TIMESTAMP'} field"
    return None


def _is_date(node, column_types: dict) -> bool:
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.DATE
    if isinstance(node, exp.Column):
        return column_types.get(node.name.lower(), "").lower() == "date"
    return isinstance(node, exp.CurrentDate)


def avg_of_a_date(tree: exp.Expression, column_types: dict, sql: str) -> tuple[str, str] | None:
    """`avg(date)` has no signature in Trino (FUNCTION_NOT_FOUND, at the call); DuckDB
    answers a timestamp. None if the query has no such call lakebox can place."""
    calls = [found.start() for found in re.finditer(r"\bavg\s*\(", sql, re.IGNORECASE)]
    nodes = list(tree.find_all(exp.Avg))
    for node in nodes:
        argument = node.this.expressions[0] if isinstance(node.this, exp.Distinct) else node.this
        if not _is_date(argument, column_types):
            continue
        starts = offsets(argument, "start")
        before = [call for call in calls if starts and call < min(starts)]
        # `current_date` has no place of its own: the one avg call of the text is it
        call = before[-1] if before else (calls[0] if len(calls) == len(nodes) == 1 else None)
        if call is not None:
            return "FUNCTION_NOT_FOUND", (f"{line_and_column(sql, call)}: Unexpected parameters (date) for function "
                                          f"avg. Expected: {_AVG_SIGNATURES}")
    return None


# DuckDB's type of Trino's sign(x), by Trino's type of an integer x (DuckDB's sign is a
# TINYINT; a double's is `dialect.sign_of_a_double_is_a_double`).
_SIGN_TYPES = {"tinyint": "TINYINT", "smallint": "SMALLINT", "integer": "INTEGER", "bigint": "BIGINT"}
_SIGN_TYPES_OF_CASTS = {exp.DataType.Type.TINYINT: "tinyint", exp.DataType.Type.SMALLINT: "smallint",
                        exp.DataType.Type.INT: "integer", exp.DataType.Type.BIGINT: "bigint",
                        exp.DataType.Type.DECIMAL: "decimal"}


def _exact_type(node, column_types: dict) -> str | None:
    if isinstance(node, (exp.Neg, exp.Paren)):
        return _exact_type(node.this, column_types)
    if isinstance(node, exp.Cast):
        return _SIGN_TYPES_OF_CASTS.get(node.to.this)
    return trino_type(node, column_types)


def sign_of_an_integer_keeps_its_type(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """Trino's sign(x) of an integer is of x's type (`typeof(sign(-3))` is integer), of a
    decimal a decimal(1,0); DuckDB's a TINYINT. Done where x's type is known."""
    for node in list(tree.find_all(exp.Sign)):
        kind = _exact_type(node.this, column_types) or ""
        if kind.startswith("decimal"):
            node.replace(exp.cast(node.copy(), "DECIMAL(1, 0)"))
        elif kind in _SIGN_TYPES:
            node.replace(exp.cast(node.copy(), _SIGN_TYPES[kind]))
    return tree


def integer_sequences(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`sequence(5, 1)` counts down in Trino (a step of -1 when the stop is below the
    start; DuckDB's generate_series answers []), and a step of 0, a step away from the
    stop or more than 10000 entries fail. Done for sequences of numbers: not of a date
    or timestamp (their own fix), nor stepped by an interval."""
    ctes = frozenset(cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE))
    for node in list(tree.find_all(exp.GenerateSeries)):
        start, stop, step = node.args.get("start"), node.args.get("end"), node.args.get("step")
        kind = trino_type(start, column_types, ctes) or ""
        if kind.startswith(("date", "timestamp")) or isinstance(step, exp.Interval) or start is None or stop is None:
            continue
        if step is None:
            step = exp.Case(ifs=[exp.If(this=exp.LTE(this=start.copy(), expression=stop.copy()),
                                        true=exp.Literal.number(1))], default=exp.Literal.number(-1))
        node.replace(exp.Anonymous(this="trino_sequence", expressions=[start.copy(), stop.copy(), step.copy()]))
    return tree


def count_if_of_no_rows_is_zero(tree: exp.Expression) -> exp.Expression:
    """Trino's count_if over no rows is 0, as count's; DuckDB's is NULL. The coalesce
    wraps the whole call, its FILTER and OVER clauses with it."""
    for node in list(tree.find_all(exp.CountIf)):
        while isinstance(node.parent, (exp.Window, exp.Filter)) and node.arg_key == "this":
            node = node.parent
        node.replace(exp.Coalesce(this=node.copy(), expressions=[exp.Literal.number(0)]))
    return tree
