"""Athena's SQL (Trino dialect, engine version 3) translated for DuckDB.

sqlglot does the translation (`read="trino", write="duckdb"`); what it leaves different
from Trino's answers is corrected by lakebox's fixes, listed in `FIXES` (rewrites of
the parsed query) and `SETTINGS` (DuckDB session settings), each with a test in
`tests/unit/engine/`. A construct sqlglot cannot express in DuckDB fails with
`NotSupported`, never a silently different query.
"""
import re

import sqlglot
from sqlglot import ErrorLevel, exp
from sqlglot.dialects.trino import Trino
from sqlglot.errors import ParseError, UnsupportedError
from sqlglot.tokens import TokenType

from lakebox.engine import (arity, date_types, decimals, functions, intervals, iso8601_dates, json_query, listagg,
                            map_keys, map_types, recursion, row_fields, strict, time_zones, timestamp_precision,
                            unnest_order, window_frames)


class SqlSyntaxError(ValueError):
    """The statement does not parse: `message` is `line L:C: ...` as Athena words it."""

    def __init__(self, line: int, column: int, detail: str):
        self.line, self.column, self.detail = line, column, detail
        super().__init__(f"line {line}:{column}: {detail}")


class NotSupported(ValueError):
    """A construct lakebox does not run: Athena's NOT_SUPPORTED, naming it."""


def _as_call(name: str):
    return lambda args: exp.Anonymous(this=name, expressions=args)


class LakeboxTrino(Trino):
    """Trino as sqlglot reads it, except the functions `functions.rewrite` translates
    itself (sqlglot would map them to DuckDB functions that answer differently)."""

    class Parser(json_query.QueryClauses, Trino.Parser):
        FUNCTIONS = arity.wrong_arity_kept(
            {**Trino.Parser.FUNCTIONS, **{name: _as_call(name) for name in functions.PARSED_AS_CALLS}})
        TYPE_LITERAL_PARSERS = {**Trino.Parser.TYPE_LITERAL_PARSERS, exp.DType.DECIMAL: decimals.typed_literal}
        TYPE_CONVERTERS = {**Trino.Parser.TYPE_CONVERTERS, exp.DType.DECIMAL: decimals.of_precision}


def parse(sql: str, read=LakeboxTrino) -> exp.Expression:
    """One statement parsed, or SqlSyntaxError at the offending token."""
    if read is LakeboxTrino:
        _refuse_backquotes(sql)
        _refuse_other_dialects_tokens(sql)
    try:
        statements = sqlglot.parse(sql, read=read, error_level=ErrorLevel.RAISE)
    except ParseError as error:
        raise _syntax_error(sql, error) from None
    statements = [statement for statement in statements if statement is not None]
    if len(statements) != 1:
        raise SqlSyntaxError(1, 1, "Only one sql statement is allowed. Got: " + str(len(statements)))
    statements[0].meta["sql"] = sql         # the text its tokens' offsets point into (errors name places)
    return statements[0]


def _refuse_backquotes(sql: str):
    """Trino quotes identifiers with double quotes only: a backquote outside a text, a
    quoted identifier or a comment is its parser's error (Hive's DDL takes them)."""
    position, quote = 0, None
    while position < len(sql):
        char, pair = sql[position], sql[position:position + 2]
        if quote is not None:
            if sql.startswith(quote, position):
                quote = None if quote != "'" or sql[position + 1:position + 2] != "'" else quote
                position += 1 if quote is None else 2
                continue
        elif char in "'\"":
            quote = char
        elif pair in ("--", "/*"):
            quote = "\n" if pair == "--" else "*/"
        elif char == "`":
            line = sql.count("\n", 0, position) + 1
            raise SqlSyntaxError(line, position - (sql.rfind("\n", 0, position) + 1) + 1,
                                 "backquoted identifiers are not supported; use double quotes to quote identifiers")
        position += 1


def _refuse_other_dialects_tokens(sql: str):
    """`SELECT a, FROM t` and `a == 1`, which sqlglot reads (dropping the comma, taking
    `==` for `=`): Trino's parser wants an expression where FROM or the second `=` stands."""
    tokens = LakeboxTrino().tokenize(sql)
    for token, following in zip(tokens, tokens[1:]):
        if token.token_type == TokenType.COMMA and following.token_type == TokenType.FROM:
            raise SqlSyntaxError(following.line, following.col - len(following.text) + 1,
                                 f"mismatched input '{following.text}'. Expecting: <expression>")
        if token.text == "==":
            raise SqlSyntaxError(token.line, token.col, "mismatched input '='. Expecting: <expression>")


def _syntax_error(sql: str, error: ParseError) -> SqlSyntaxError:
    first = error.errors[0] if error.errors else {}
    line, end_col = first.get("line") or 1, first.get("col") or 1
    highlight = first.get("highlight") or ""
    description = first.get("description") or "syntax error"
    if description.startswith("Required keyword") and not (first.get("end_context") or "").strip():
        # an operand missing at the end: Trino's parser finds the end of the text instead
        lines = sql.split("\n")
        return SqlSyntaxError(len(lines), len(lines[-1]) + 1, "mismatched input '<EOF>'. Expecting: <expression>")
    if description.startswith("Required keyword"):
        description = "Expecting: <expression>"
    description = re.sub(r" but got <Token .*", "", description)       # sqlglot's token dump is no user's concern
    column = max(1, end_col - len(highlight) + 1)     # Trino points at the token's first character
    if highlight:
        return SqlSyntaxError(line, column, f"mismatched input '{highlight}'. {description}".strip())
    return SqlSyntaxError(line, column, description)


def table_refs(tree: exp.Expression) -> list[exp.Table]:
    """The catalog tables a query reads (CTE names and table functions left out)."""
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    refs = []
    for table in tree.find_all(exp.Table):
        if not table.name or isinstance(table.this, exp.Func):
            continue
        if not table.db and table.name.lower() in ctes:
            continue
        refs.append(table)
    return refs


def column_names(tree: exp.Expression) -> set[str] | None:
    """Lower-cased names of the columns a query mentions, or None if it selects `*`
    (every column may be read)."""
    if any(isinstance(star, exp.Star) and not isinstance(star.parent, exp.Count) for star in tree.find_all(exp.Star)):
        return None
    return {column.name.lower() for column in tree.find_all(exp.Column)}


# ---------------------------------------------------------------------------
# The fixes: each takes the parsed (Trino) query and returns it rewritten.


def name_unnamed_columns(tree: exp.Expression) -> exp.Expression:
    """Trino names an output column that is not a plain column `_col<position>`, and a
    field of a row (`resources[1].arn`) after the field (DuckDB would name both after
    their expression text)."""
    select = tree if isinstance(tree, exp.Select) else None
    if isinstance(tree, exp.Query) and select is None:
        select = tree.find(exp.Select) if not isinstance(tree, exp.SetOperation) else None
    if select is None:
        return tree
    for position, item in enumerate(list(select.expressions)):
        if isinstance(item, exp.Dot):
            item.replace(exp.alias_(item.copy(), item.name, quoted=True))
        elif not isinstance(item, (exp.Alias, exp.Column, exp.Star)):
            item.replace(exp.alias_(item.copy(), f"_col{position}", quoted=True))
    return tree


def regexp_extract_without_match_is_null(tree: exp.Expression) -> exp.Expression:
    """Trino's `regexp_extract` is NULL when the pattern does not match; DuckDB's is ''."""
    for node in list(tree.find_all(exp.RegexpExtract)):
        matches = exp.RegexpLike(this=node.this.copy(), expression=node.expression.copy())
        node.replace(exp.If(this=matches, true=node.copy()))
    return tree


def reduce_finish(tree: exp.Expression) -> exp.Expression:
    """`reduce(a, init, merge, finish)`: DuckDB's list_reduce takes no finishing function,
    so the finish's body is applied to the reduction (an identity finish is dropped)."""
    for node in list(tree.find_all(exp.Reduce)):
        finish = node.args.get("finish")
        if not (isinstance(finish, exp.Lambda) and len(finish.expressions) == 1):
            continue
        reduced = node.copy()
        reduced.set("finish", None)
        parameter = finish.expressions[0].name
        body = finish.this.copy().transform(
            lambda part: reduced.copy() if isinstance(part, (exp.Identifier, exp.Column)) and part.name == parameter
            and not isinstance(part.parent, exp.Column) and not (isinstance(part, exp.Column) and part.table) else part)
        node.replace(exp.Paren(this=body))
    return tree


def trino_functions(tree: exp.Expression) -> exp.Expression:
    """Trino's functions that DuckDB lacks or answers differently (`functions.py`)."""
    try:
        return functions.rewrite(tree)
    except functions.FunctionNotSupported as error:
        raise NotSupported(str(error)) from None


def time_zones_in_utc(tree: exp.Expression) -> exp.Expression:
    """`AT TIME ZONE`, `at_timezone`, `with_timezone`, `from_unixtime(x, zone)` to UTC as
    Trino answers them; to another zone NOT_SUPPORTED (`time_zones.py`)."""
    try:
        return time_zones.rewrite(tree)
    except time_zones.ZoneNotSupported as error:
        raise NotSupported(str(error)) from None


def row_to_json_names_its_fields(tree: exp.Expression) -> exp.Expression:
    """`CAST(ROW(1, 'a') AS JSON)` is an object whose unnamed fields are named "" in
    Trino (`{"":1,"":"a"}`); DuckDB would invent `_0`, `_1`. A named row stays DuckDB's
    object, as Trino's."""
    for node in list(tree.find_all(exp.Cast)):
        fields = node.this.expressions if isinstance(node.this, exp.Struct) else []
        if node.to.this != exp.DataType.Type.JSON or not fields or \
                any(isinstance(field, (exp.PropertyEQ, exp.Alias)) for field in fields):
            continue
        text = exp.Literal.string("{")
        for position, field in enumerate(fields):
            key = exp.Literal.string(('"":' if position == 0 else ',"":'))
            value = exp.Coalesce(this=exp.Anonymous(this="to_json", expressions=[field.copy()]),
                                 expressions=[exp.Literal.string("null")])
            text = exp.DPipe(this=exp.DPipe(this=text, expression=key), expression=value)
        node.replace(exp.cast(exp.DPipe(this=text, expression=exp.Literal.string("}")), "JSON"))
    return tree


def microsecond_timestamps(tree: exp.Expression) -> exp.Expression:
    """`timestamp(6)` (a cast, or a literal with 4 to 6 fractional digits, which sqlglot
    types so) keeps its microseconds in Trino's text and `typeof`, where a plain
    timestamp is `timestamp(3)`. DuckDB's TIMESTAMP_NS carries the precision through
    the query (`text.py` prints it with 6 digits, `types.py` names it `timestamp(6)`)."""
    for node in list(tree.find_all(exp.DataType)):
        if node.this == exp.DataType.Type.TIMESTAMP and 3 < _precision(node) <= 6:
            node.replace(exp.DataType(this=exp.DataType.Type.TIMESTAMP_NS))
    return tree


def _precision(node: exp.DataType) -> int:
    params = node.expressions
    if len(params) != 1 or not isinstance(params[0].this, exp.Literal):
        return 3
    return int(params[0].this.this)


_JSON_PATH_CALLS = {"json_extract", "json_extract_scalar", "json_size", "json_exists"}
_PATH_MODE = re.compile(r"^\s*(?:lax|strict)\s+", re.IGNORECASE)
_QUOTED_MEMBER = re.compile(r'\["((?:[^"\\]|\\.)*)"\]')


def json_paths_as_duckdb_reads_them(tree: exp.Expression) -> exp.Expression:
    """Trino's JSON paths in DuckDB's words: the SQL/JSON functions' `lax`/`strict` mode
    word (`json_value(j, 'lax $.a')`; DuckDB would match nothing and answer NULL) is
    dropped, and a member named in brackets (`$["a.b"]`) is written `$."a.b"`."""
    for node in list(tree.find_all(exp.JSONValue, exp.JSONExtract, exp.Anonymous)):
        if isinstance(node, exp.Anonymous):
            if node.name.lower() not in _JSON_PATH_CALLS or len(node.expressions) < 2:
                continue
            path = node.expressions[1]
        else:
            path = node.args.get("path") if isinstance(node, exp.JSONValue) else node.args.get("expression")
        if isinstance(path, exp.Literal) and path.is_string:
            path.replace(exp.Literal.string(_QUOTED_MEMBER.sub(r'."\1"', _PATH_MODE.sub("", path.this))))
    return tree


FIXES = [
    ("a recursive WITH query stops at Trino's depth, or fails past it", recursion.recursion_depth_is_limited),
    ("interval literals of several fields as DuckDB's interval text", intervals.spans_as_duckdb),
    ("unnamed columns are _col0, _col1, ...", name_unnamed_columns),
    ("timestamp(6) keeps its microseconds", microsecond_timestamps),
    ("json_query, json_value and json_exists as Trino's SQL/JSON", json_query.json_query_as_trino),
    ("from_iso8601_date as Joda reads ISO 8601 dates", iso8601_dates.iso8601_dates_as_joda_reads_them),
    ("JSON paths as DuckDB reads them", json_paths_as_duckdb_reads_them),
    ("a row of unnamed fields cast to JSON names them \"\"", row_to_json_names_its_fields),
    ("a ROW's fields are unnamed, also when they hold columns", row_fields.unnamed_fields_by_position),
    ("a row's field by its position", row_fields.subscripts_of_rows),
    ("a window frame's offset checked as Trino's", window_frames.offsets_checked),
    ("corr that is not a finite number is NULL", strict.correlation_not_a_number_is_null),
    ("count_if over no rows is 0", strict.count_if_of_no_rows_is_zero),
    ("time zones: UTC as Trino's, any other refused", time_zones_in_utc),
    ("map keys checked in Trino's words", map_keys.keys_are_checked),
    ("Trino's functions", trino_functions),
    ("reduce with a finishing function", reduce_finish),
    ("regexp_extract without a match is NULL", regexp_extract_without_match_is_null),
    ("listagg stops at Trino's output limit", listagg.overflow_as_trino),
]

# DuckDB settings that make it answer as Trino does (set once for every connection).
SETTINGS = [
    ("integer division truncates", "SET GLOBAL integer_division = true"),
    ("the session's time zone is UTC, as Athena's", "SET GLOBAL TimeZone = 'UTC'"),
    ("no extension is downloaded at run time", "SET GLOBAL autoinstall_known_extensions = false"),
    ("no extension is loaded implicitly", "SET GLOBAL autoload_known_extensions = false"),
]


def sequence_of_dates_is_dates(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`sequence(date, date[, interval])` is an array of dates in Trino, a day apart (back
    when the stop comes first) without a step, the n-th being start + n * step (Jan 31
    plus two months is Mar 31); DuckDB's generate_series takes no dates without a step,
    makes timestamps of them, and adds a month step to the previous element. Sequences of
    timestamps likewise; both check their step and length (`function_macros`)."""
    for node in list(tree.find_all(exp.GenerateSeries)):
        start, stop, step = node.args.get("start"), node.args.get("end"), node.args.get("step")
        if date_types.is_date(start, column_types) or strict.value_type(start, tree, column_types) == "date":
            if step is None:
                step = functions.template("CASE WHEN __a <= __b THEN INTERVAL 1 DAY ELSE INTERVAL (-1) DAY END",
                                          a=start, b=stop)
            node.replace(exp.Anonymous(this="trino_date_sequence", expressions=[start.copy(), stop.copy(), step]))
        elif step is not None and text_kind(start, column_types) in ("timestamp", "timestamp6"):
            node.replace(exp.Anonymous(this="trino_timestamp_sequence",
                                       expressions=[start.copy(), stop.copy(), step.copy()]))
    return tree


def sign_of_a_double_is_a_double(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """Trino's `sign(double)` is a double (`-1.0`, NaN for NaN); DuckDB's a TINYINT (0 for
    NaN). Done where the operand is known to be a double or a real."""
    for node in list(tree.find_all(exp.Sign)):
        kind = text_kind(node.this, column_types)
        if kind in ("double", "real"):
            node.replace(exp.If(this=exp.Anonymous(this="isnan", expressions=[node.this.copy()]),
                                true=node.this.copy(),
                                false=exp.cast(node.copy(), "DOUBLE" if kind == "double" else "FLOAT")))
    return tree


_TEXT_KINDS = {"double": "double", "float": "real", "real": "real", "timestamp": "timestamp",
               "timestamp(6)": "timestamp6"}
_TEXT_KINDS_OF_CASTS = {exp.DataType.Type.DOUBLE: "double", exp.DataType.Type.FLOAT: "real",
                        exp.DataType.Type.TIMESTAMP: "timestamp", exp.DataType.Type.TIMESTAMP_NS: "timestamp6",
                        exp.DataType.Type.TIMESTAMPTZ: "timestamptz", exp.DataType.Type.JSON: "json"}


# Calls that are doubles, as Trino names them or as `functions` has renamed them.
_DOUBLE_CALLS = {prefix + name for prefix in ("", functions.PREFIX) for name in ("nan", "infinity", "e")}
_JSON_CALLS = {prefix + name for prefix in ("", functions.PREFIX) for name in ("json_extract", "json_array_get")}


def text_kind(node, column_types: dict) -> str | None:
    """"double", "real", "timestamp", "timestamp6" (Trino's timestamp(6)) or "timestamptz"
    (with time zone, which lakebox's are in UTC) when `node` is known to be one (a catalog
    column, a literal, a cast, a call, arithmetic or an aggregate over one), else None."""
    if isinstance(node, (exp.Paren, exp.Neg)):
        return text_kind(node.this, column_types)
    if isinstance(node, exp.Column):
        return _TEXT_KINDS.get(column_types.get(node.name.lower(), "").lower())
    if isinstance(node, exp.Literal) and not node.is_string:
        return "double" if "e" in node.this.lower() else None
    if isinstance(node, (exp.Rand, exp.Pi)) or (isinstance(node, exp.Anonymous) and node.name.lower() in _DOUBLE_CALLS):
        return "double"
    if isinstance(node, (exp.UnixToTime, exp.CurrentTimestamp)) or (
            isinstance(node, exp.Anonymous) and node.name.lower() in time_zones.INSTANT_CALLS):
        return "timestamptz"
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return _TEXT_KINDS_OF_CASTS.get(node.to.this)
    if isinstance(node, (exp.ParseJSON, exp.JSONExtract)) or (
            isinstance(node, exp.Anonymous) and node.name.lower() in _JSON_CALLS):
        return "json"
    if isinstance(node, (exp.Sum, exp.Min, exp.Max, exp.Abs)):
        return text_kind(node.this, column_types)
    if isinstance(node, exp.Avg):
        return "double" if decimals.decimal_type(node.this, column_types) is None else None
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        kinds = {text_kind(node.this, column_types), text_kind(node.expression, column_types)}
        return "double" if "double" in kinds else ("real" if "real" in kinds else None)
    return None


def cast_to_varchar_as_trino(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`CAST(x AS varchar)` is Trino's text: a double Java's (`1.0E10`, DuckDB's
    `10000000000.0`), a timestamp with 3 fractional digits (DuckDB drops the zeros), a JSON
    string its text (unquoted; JSON null is NULL). Done where the operand's type is known."""
    for node in list(tree.find_all(exp.Cast, exp.TryCast)):
        if node.to.this not in (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT):
            continue
        kind = text_kind(node.this, column_types)
        if kind is not None:
            node.replace(exp.Anonymous(this=f"{functions.PREFIX}{kind}_text", expressions=[node.this.copy()]))
    return tree


def unnest_of_several_arrays_or_a_map(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`UNNEST(a, b) AS t(x, y)` zips arrays (padding the shorter with NULLs),
    `UNNEST(m) AS t(k, v)` gives a map's keys and values and `UNNEST(rows) AS t(k, v)` an
    array of rows' fields; DuckDB's UNNEST takes one list.
    Both become a (lateral) subquery of one `unnest` per column, which DuckDB zips the
    same way (WITH ORDINALITY: one more, of the positions, also for one array: in array order)."""
    for node in list(tree.find_all(exp.Unnest)):
        alone = isinstance(node.parent, exp.From) and not (node.parent.parent and node.parent.parent.args.get("joins"))
        several = len(node.expressions) > 1 or node.args.get("offset") or \
            (node.expressions and map_types.is_map(node.expressions[0], column_types))
        if isinstance(node.parent, (exp.From, exp.Join)) and (alone or several):
            _name_unnamed_fields(node, column_types)     # beside other tables, `_colN` counts their columns too
        alias = node.args.get("alias")
        if not isinstance(node.parent, (exp.From, exp.Join)) or alias is None or not alias.columns:
            continue
        lists = list(node.expressions)
        if len(lists) == 1 and map_types.is_map(lists[0], column_types):
            lists = [exp.Anonymous(this="map_keys", expressions=[lists[0].copy()]),
                     exp.Anonymous(this="map_values", expressions=[lists[0].copy()])]
        elif len(lists) == 1 and len(alias.columns) > 1 and \
                unnest_order.row_fields(lists[0], column_types) == len(alias.columns):     # a column per field
            lists = [functions.template(f"list_transform(__a, lambda __e: struct_extract_at(__e, {field}))",
                                        a=lists[0]) for field in range(1, len(alias.columns) + 1)]
        offset = node.args.get("offset")       # WITH ORDINALITY: its column's name (sqlglot keeps it apart)
        if len(lists) < 2 and not offset:      # DuckDB's own gives one array's rows last first, joined
            continue
        names = [column.name for column in alias.columns]
        if offset:
            longest = exp.Anonymous(this="greatest", expressions=[
                exp.Anonymous(this="len", expressions=[item.copy()]) for item in lists])
            lists.append(exp.Anonymous(this="range", expressions=[exp.Literal.number(1), exp.Add(
                this=longest, expression=exp.Literal.number(1))]))
            names.append(offset.name if isinstance(offset, exp.Expression) else "ordinality")
        if len(names) != len(lists):
            continue
        items = [exp.alias_(exp.Anonymous(this="unnest", expressions=[item.copy()]), name, quoted=True)
                 for item, name in zip(lists, names)]
        node.replace(exp.Subquery(this=exp.select(*items), alias=exp.TableAlias(this=alias.this.copy())))
    return tree


def _name_unnamed_fields(node: exp.Unnest, column_types: dict):
    """An UNNEST without an alias gives unnamed fields, which Trino's result names `_col0`,
    `_col1`, ... (one per array, a map's key and value or a row's fields, the ordinality).
    One with a name but no column names (`UNNEST(tags) AS tag`) is left to DuckDB, which
    names its column after it (Trino cannot refer to the field: it is no stricter here)."""
    alias = node.args.get("alias")
    if alias is not None:
        return
    lists = list(node.expressions)
    fields = unnest_order.row_fields(lists[0], column_types) if len(lists) == 1 else None
    count = fields or (2 if len(lists) == 1 and map_types.is_map(lists[0], column_types) else len(lists))
    if node.args.get("offset"):             # WITH ORDINALITY: sqlglot keeps its name apart
        node.set("offset", exp.to_identifier(f"_col{count}"))
    node.set("alias", exp.TableAlias(this=exp.to_identifier("_unnest"),
                                     columns=[exp.to_identifier(f"_col{i}") for i in range(count)]))


def cast_of_text_to_varchar_n_truncates(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`CAST('abc' AS varchar(2))` is 'ab' in Trino (a text is cut to the length; DuckDB
    keeps it whole). Done where the operand is known to be a text."""
    for node in list(tree.find_all(exp.Cast, exp.TryCast)):
        params = node.to.expressions
        if node.to.this != exp.DataType.Type.VARCHAR or len(params) != 1 or \
                not isinstance(params[0].this, exp.Literal) or not _is_text(node.this, column_types):
            continue
        node.to.set("expressions", [])
        node.replace(exp.Anonymous(this="left", expressions=[node.copy(), params[0].this]))
    return tree


def cast_of_text_to_json_is_a_json_string(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`CAST('x' AS JSON)` is the JSON string "x" in Trino (json_parse parses a text);
    DuckDB parses it. Done where the operand is known to be a text."""
    for node in list(tree.find_all(exp.Cast)):
        if node.to.this == exp.DataType.Type.JSON and _is_text(node.this, column_types):
            node.replace(exp.Anonymous(this="to_json", expressions=[node.this.copy()]))
    return tree


def cast_of_a_map_to_json_sorts_its_keys(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`CAST(map AS JSON)` is an object with its keys in order (as texts) in Trino;
    DuckDB keeps the map's order. Done where the operand is known to be a map."""
    for node in list(tree.find_all(exp.Cast)):
        if node.to.this == exp.DataType.Type.JSON and map_types.is_map(node.this, column_types):
            node.replace(functions.template(
                "to_json(map_from_entries(list_sort(list_transform(map_entries(__m), "
                "lambda __e: {'key': CAST(__e.key AS VARCHAR), 'value': __e.value}))))", m=node.this))
    return tree


def _is_text(node, column_types: dict) -> bool:
    if isinstance(node, exp.Literal):
        return node.is_string
    if isinstance(node, exp.Column):
        kind = column_types.get(node.name.lower(), "").lower()
        return kind == "string" or kind.startswith("varchar")
    return False


def double_division_by_zero(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """A double divided by zero is Infinity or NaN (`strict.double_division_by_zero`)."""
    return strict.double_division_by_zero(tree, lambda node: text_kind(node, column_types) == "double")


# Fixes that need the catalog types of the columns a query reads.
TYPED_FIXES = [
    ("CAST(text AS an integer type) refuses a text that is no integer", strict.casts_of_text_to_integers),
    ("CAST(text AS date or timestamp) refuses a text Trino does not read", strict.casts_of_text_to_times),
    ("json_parse refuses a text that is no JSON", strict.json_parse_refuses_malformed_text),
    ("an array subscript past the end, a map key not there fail", strict.subscripts_in_bounds),
    ("reverse(array), length(varbinary), array || element", strict.array_and_binary_operands),
    ("UNNEST keeps the array's order through a filter", unnest_order.unnest_keeps_the_array_order),
    ("UNNEST of several arrays or of a map", unnest_of_several_arrays_or_a_map),
    ("CAST(text AS varchar(n)) keeps n characters", cast_of_text_to_varchar_n_truncates),
    ("CAST(text AS JSON) is a JSON string", cast_of_text_to_json_is_a_json_string),
    ("CAST(map AS JSON) has its keys in order", cast_of_a_map_to_json_sorts_its_keys),
    ("CAST(double or timestamp AS varchar) is Trino's text", cast_to_varchar_as_trino),
    ("date - date is an interval", date_types.date_minus_date_is_an_interval),
    ("date + interval stays a date", date_types.date_plus_interval_stays_date),
    ("sequence of dates is dates", sequence_of_dates_is_dates),
    ("sequence of integers counts down, checks its step", strict.integer_sequences),
    ("sign of a double is a double", sign_of_a_double_is_a_double),
    ("date_add on a date stays a date", date_types.date_add_on_a_date_stays_date),
    ("date_trunc of a date stays a date", date_types.date_trunc_on_a_date_stays_date),
    ("date_trunc of a timestamp(6) column stays timestamp(6)", timestamp_precision.date_trunc_keeps_the_precision),
    ("decimal / decimal is a decimal", decimals.decimal_division_stays_decimal),
    ("double / 0 is Infinity or NaN", double_division_by_zero),
    ("avg of a decimal stays a decimal of its scale", decimals.avg_of_a_decimal_keeps_its_type),
    ("round and truncate of a decimal keep its scale", decimals.rounding_keeps_the_scale),
    ("a decimal cast to fewer whole digits fails in Trino's words", decimals.decimal_casts_that_overflow_fail),
    ("sign of an integer or a decimal is of its type", strict.sign_of_an_integer_keeps_its_type),
]


# The node types a fix acts on (no fix adds a node of a type another fix acts on).
_TRIGGERS = {
    recursion.recursion_depth_is_limited: {exp.With},
    intervals.spans_as_duckdb: {exp.Interval},
    map_keys.keys_are_checked: {exp.Map, exp.MapFromEntries},
    trino_functions: {exp.Anonymous, *functions.NODE_TYPES},
    time_zones_in_utc: time_zones.NODE_TYPES,
    microsecond_timestamps: {exp.DataType},
    json_query.json_query_as_trino: {exp.JSONExtract, exp.JSONValue, exp.JSONExists},
    iso8601_dates.iso8601_dates_as_joda_reads_them: {exp.FromISO8601Date},
    timestamp_precision.date_trunc_keeps_the_precision: {exp.TimestampTrunc},
    json_paths_as_duckdb_reads_them: {exp.JSONValue, exp.JSONExtract, exp.Anonymous},
    cast_of_text_to_varchar_n_truncates: {exp.Cast, exp.TryCast},
    cast_of_text_to_json_is_a_json_string: {exp.Cast},
    cast_of_a_map_to_json_sorts_its_keys: {exp.Cast},
    reduce_finish: {exp.Reduce},
    regexp_extract_without_match_is_null: {exp.RegexpExtract},
    listagg.overflow_as_trino: {exp.GroupConcat},
    date_types.date_plus_interval_stays_date: {exp.Add, exp.Sub},
    date_types.date_add_on_a_date_stays_date: {exp.DateAdd},
    date_types.date_trunc_on_a_date_stays_date: {exp.TimestampTrunc, exp.DateTrunc},
    sequence_of_dates_is_dates: {exp.GenerateSeries},
    strict.integer_sequences: {exp.GenerateSeries},
    sign_of_a_double_is_a_double: {exp.Sign},
    date_types.date_minus_date_is_an_interval: {exp.Sub},
    decimals.decimal_division_stays_decimal: {exp.Div},
    decimals.avg_of_a_decimal_keeps_its_type: {exp.Avg},
    decimals.rounding_keeps_the_scale: {exp.Round, exp.Trunc},
    decimals.decimal_casts_that_overflow_fail: {exp.Cast},
    cast_to_varchar_as_trino: {exp.Cast, exp.TryCast},
    unnest_of_several_arrays_or_a_map: {exp.Unnest},
    unnest_order.unnest_keeps_the_array_order: {exp.Unnest},
    row_to_json_names_its_fields: {exp.Cast},
    row_fields.unnamed_fields_by_position: {exp.Struct},
    row_fields.subscripts_of_rows: {exp.Bracket},
    window_frames.offsets_checked: {exp.WindowSpec},
    strict.correlation_not_a_number_is_null: {exp.Corr},
    strict.count_if_of_no_rows_is_zero: {exp.CountIf},
    strict.casts_of_text_to_integers: {exp.Cast, exp.TryCast},
    strict.casts_of_text_to_times: {exp.Cast, exp.TryCast},
    strict.json_parse_refuses_malformed_text: {exp.ParseJSON},
    strict.subscripts_in_bounds: {exp.Bracket},
    strict.sign_of_an_integer_keeps_its_type: {exp.Sign},
    strict.array_and_binary_operands: {exp.Reverse, exp.Length, exp.DPipe},
    double_division_by_zero: {exp.Div},
}


def translate(tree: exp.Expression, column_types: dict | None = None, copy: bool = True) -> str:
    """The DuckDB SQL of a parsed Trino query, fixes applied (to `tree` itself when the
    caller gives up its tree: `copy=False`)."""
    if copy:
        tree = tree.copy()
    present = {type(node) for node in tree.walk()}      # one walk, so a fix with nothing to fix is skipped
    for _, fix in FIXES:
        if _TRIGGERS.get(fix, present) & present:
            tree = fix(tree)
    column_types = map_types.with_aliases(tree, decimals.with_aliases(tree, column_types or {}))
    for _, fix in TYPED_FIXES:
        if _TRIGGERS[fix] & present:
            tree = fix(tree, column_types)
    try:
        return tree.sql(dialect="duckdb", unsupported_level=ErrorLevel.RAISE, copy=False)     # tree is ours
    except UnsupportedError as error:
        raise NotSupported(str(error).strip().splitlines()[0].replace(" in DuckDB", "")) from None
