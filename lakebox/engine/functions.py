"""Trino's functions on DuckDB: the ones DuckDB lacks, or has with other answers.

- `MACROS` (`function_macros.py`): DuckDB macros named `trino_<name>`, created once in the engine's database
  (`install`); a call to `<name>` in a query is renamed to its macro.
- `RENAMES`: a DuckDB function that answers as the Trino one does under another name.
- `_REWRITES`: calls rewritten in the parsed query (lambdas of two arguments over maps
  and pairs, date patterns converted from a constant, `typeof` in Trino's names).
- `UNSUPPORTED`: Trino functions lakebox does not run: the query fails with
  NOT_SUPPORTED naming the function, never with a different answer.

`PARSED_AS_CALLS` are the names sqlglot would otherwise turn into DuckDB functions
with other answers (`array_distinct` does not keep first-occurrence order there,
`format` is not Java's); the dialect parses them as plain calls for `rewrite`.
"""
import re
import zlib

import sqlglot
from sqlglot import exp

from lakebox.engine import (checksums, datetime_patterns, histograms, intervals, iso8601_dates, json_query,
                            python_functions, regex_fallback, regex_patterns, strict)
from lakebox.engine.function_macros import MACROS
from lakebox.engine.types import trino_type_of_duck

PREFIX = "trino_"
TRINO_TYPE_FUNCTION = "lakebox_trino_type"
CRC32_FUNCTION = "lakebox_crc32"

_MACRO_NAMES = {name for name, _, _ in MACROS}

RENAMES = {"zip": "list_zip", "codepoint": "unicode",
           "is_finite": "isfinite", "is_infinite": "isinf",
           "crc32": CRC32_FUNCTION, **python_functions.RENAMES}

UNSUPPORTED = {
    "murmur3", "spooky_hash_v2_32", "spooky_hash_v2_64", "cardinality_hll", "word_stem", "parse_data_size",
    "array_sort_desc", "classify", "features",
    "learn_classifier", "learn_regressor", "regress", "make_set_digest", "merge_set_digest", "qdigest_agg",
    "tdigest_agg", "value_at_quantile", "values_at_quantiles",
    "evaluate_classifier_predictions", "inverse_beta_cdf", "beta_cdf", "inverse_normal_cdf",
    "normal_cdf", "wilson_interval_lower", "wilson_interval_upper", "from_ieee754_32", "from_ieee754_64",
    "to_ieee754_32", "to_ieee754_64", "hmac_md5", "hmac_sha1", "hmac_sha256", "hmac_sha512", "spooky_hash",
    "from_big_endian_32", "from_big_endian_64", "to_big_endian_32", "to_big_endian_64", "bing_tile",
    "bing_tile_at", "bing_tile_coordinates", "bing_tile_polygon", "bing_tile_quadkey", "bing_tile_zoom_level",
    "bing_tiles_around", "geometry_to_bing_tiles", "convex_hull_agg", "geometry_union_agg",
}


def install(db):
    """The macros and Python functions, created once in the engine's database."""
    for name, parameters, body in MACROS:
        db.execute(f"CREATE OR REPLACE MACRO {PREFIX}{name}({parameters}) AS {body}")
    db.create_function(TRINO_TYPE_FUNCTION, trino_type_of_duck, ["VARCHAR"], "VARCHAR")
    db.create_function(CRC32_FUNCTION, lambda data: zlib.crc32(data), ["BLOB"], "BIGINT")
    histograms.install(db)
    checksums.install(db)
    python_functions.install(db)
    json_query.install(db)
    iso8601_dates.install(db)
    regex_fallback.install(db)


# ---------------------------------------------------------------------------
# The rewrite of a parsed (Trino) query


class FunctionNotSupported(ValueError):
    pass


def rewrite(tree: exp.Expression) -> exp.Expression:
    """Every call to a function of the tables above, made DuckDB's (innermost first)."""
    for node in list(tree.find_all(exp.Anonymous, *_NODES))[::-1]:
        (_NODES.get(type(node)) or _named_call)(node)
    return tree


def _named_call(node: exp.Anonymous):
    name = node.name.lower()
    if name in UNSUPPORTED or name.startswith("st_"):
        raise FunctionNotSupported(f"Function '{name}' is not supported")
    if name in _REWRITES:
        node.replace(_REWRITES[name](list(node.expressions)))
    elif name in _MACRO_NAMES:
        node.set("this", PREFIX + name)
    elif name in RENAMES:
        node.set("this", RENAMES[name])


def _extract(node: exp.Extract):
    function = _EXTRACTS.get(node.this.name.upper())
    if function is not None:
        node.replace(_call(function, node.expression))


def _sha1(node: exp.SHA):
    """Trino's sha1 is the digest's bytes, DuckDB's its hex text."""
    node.replace(_call("unhex", _call("sha1", node.this)))


def _date_diff(node: exp.DateDiff):
    """Trino counts whole units (Joda): 00:59 to 01:01 is 0 hours; DuckDB's date_diff
    counts the unit boundaries crossed (1), its date_sub whole units."""
    unit = node.args.get("unit")
    node.replace(_call("date_sub", exp.Literal.string((unit.name if unit else "day").lower()),
                       node.expression, node.this))


def _cardinality(node: exp.ArraySize):
    """Trino's cardinality counts an array's elements or a map's entries (sqlglot makes it
    DuckDB's array_length, which takes no map); a BIGINT, as Trino's."""
    node.replace(exp.cast(_call("cardinality", node.this), "BIGINT"))


def _random(node: exp.Rand):
    """Trino's `random(n)` is a number in [0, n), `random(m, n)` one in [m, n), of the
    bounds' type (sqlglot reads the first as a seed)."""
    low, high = (node.this, node.args.get("lower")) if node.args.get("lower") else (exp.Literal.number(0), node.this)
    if high is None:
        return
    literal = all(isinstance(bound, exp.Literal) and not bound.is_string and bound.this.lstrip("-").isdigit()
                  for bound in (low, high))
    kind = "INTEGER" if literal and all(-2**31 <= int(bound.this) < 2**31 for bound in (low, high)) else "BIGINT"
    span = exp.Sub(this=high.copy(), expression=low.copy())
    offset = _call("floor", exp.Mul(this=_call("random"), expression=exp.Paren(this=span)))
    node.replace(exp.cast(exp.Add(this=low.copy(), expression=offset), kind))


def _from_unixtime(node: exp.UnixToTime):
    """`from_unixtime(x, zone)` is the instant in that zone: its local time (as `AT TIME
    ZONE` gives it), where sqlglot drops the zone and answers in UTC."""
    zone = node.args.get("zone")
    in_utc = isinstance(zone, exp.Literal) and zone.name.upper() == "UTC"
    if zone is None or in_utc or node.args.get("scale") is not None:
        node.set("zone", None)
        return
    node.replace(_call("timezone", zone.copy(), _call("to_timestamp", node.this.copy())))


def _split(node: exp.Split):
    """Trino's split(s, d, limit): sqlglot drops the limit."""
    if node.args.get("limit") is not None:
        node.replace(_call(PREFIX + "split_limit", node.this, node.expression, node.args["limit"]))


def _substring(node: exp.Substring):
    length = node.args.get("length")
    node.replace(_call(PREFIX + "substring_for", node.this, node.args["start"], length) if length is not None
                 else _call(PREFIX + "substring_from", node.this, node.args["start"]))


def _array_position(node: exp.ArrayPosition):
    instance = node.args.get("zero_based")      # sqlglot's name for Trino's third argument, the instance
    if instance is not None and not (isinstance(instance, exp.Literal) and instance.this == "1"):
        raise FunctionNotSupported("Function 'array_position' with an instance is not supported")
    node.replace(_call(PREFIX + "array_position", node.this, node.expression))


def _weighted_percentile(node: exp.ApproxQuantile):
    """approx_percentile(x, w, p): the smallest x whose cumulative weight (values in
    order) reaches p of the total, for one percentage or an array of them (sqlglot
    drops the weight). Without a weight, DuckDB's approx_quantile answers."""
    weight = node.args.get("weight")
    if weight is None:
        return
    if node.args.get("accuracy") is not None:
        raise FunctionNotSupported("Function 'approx_percentile' with an accuracy is not supported")
    percentages = node.args["quantile"]
    pairs = ("list_sort(list({'x': __x, 'w': CAST(__w AS DOUBLE)}) FILTER (WHERE __x IS NOT NULL AND __w IS NOT NULL "
             "AND __w > 0))")
    pick = f"{pairs}[{python_functions.WEIGHTED_INDEX_FUNCTION}(list_transform({pairs}, lambda __e: __e.w), __p)].x"
    if isinstance(percentages, exp.Array):
        node.replace(exp.Array(expressions=[template(pick, x=node.this, w=weight, p=item)
                                            for item in percentages.expressions]))
    else:
        node.replace(template(pick, x=node.this, w=weight, p=percentages))


def _as_macro(name: str, *members: str):
    """A handler replacing a sqlglot node by a call of the macro `name` on its `members`."""
    return lambda node: node.replace(_call(PREFIX + name, *(node.args[member] for member in members)))


def _array_sort(node: exp.ArraySort):
    """array_sort(a, (x, y) -> ...): a stable insertion of each element before the first
    one the comparator puts after it (DuckDB's list_sort takes no comparator). A
    comparison answering other than -1, 0 or 1 (or NULL) fails, as Trino's does."""
    comparator = node.args.get("expression")
    if comparator is None:
        return
    body = _lambda_body(comparator, "__x", "__e")
    position = "coalesce(list_position(list_transform(__s, lambda __e: (__body) < 0), true), len(__s) + 1)"
    broken = ("len(list_filter(list_transform(__s, lambda __e: __body), "
              "lambda __r: __r IS NULL OR __r NOT IN (-1, 0, 1)))")
    failure = strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'Lambda comparator must return either -1, 0, or 1'")
    node.replace(template(f"list_reduce(__a, lambda __s, __x: CASE WHEN {broken} > 0 THEN {failure} ELSE "
                          f"list_concat(list_concat(__s[1:{position} - 1], [__x]), __s[{position}:]) END, (__a)[1:0])",
                          a=node.this, body=body))


def _approx_distinct(node: exp.ApproxDistinct):
    """Trino's HyperLogLog starts sparse: on the few thousand values of a test's tables it
    counts every distinct value exactly, where DuckDB's sketch is off by a few percent
    (101 values give 103). The exact count is what Trino answers there, and within
    Trino's standard error (2.3%, or the accuracy asked for) everywhere else."""
    node.replace(exp.Count(this=exp.Distinct(expressions=[node.this.copy()])))


def _normalize_node(node: exp.Normalize):
    """sqlglot's own parse of normalize()."""
    form = node.args.get("form")
    node.replace(_normalize([node.this] + ([form] if isinstance(form, exp.Expression) else [])))


# EXTRACT fields whose DuckDB meaning differs (DuckDB's dow is 0 for Sunday; Trino's is
# ISO's, 7) or that DuckDB does not know.
_EXTRACTS = {"DOW": "isodow", "DAY_OF_WEEK": "isodow", "YOW": "isoyear", "YEAR_OF_WEEK": "isoyear",
             "DAY_OF_MONTH": "dayofmonth", "DAY_OF_YEAR": "dayofyear"}


def _regexp_replacement(node: exp.RegexpReplace):
    """Trino's replacement text is Java's (`$1` a group, `${name}` a named one, `\\$` a
    dollar sign); RE2's (DuckDB's) is `\\1` and `\\\\`. A function as the replacement is
    called on each match's groups (`_regexp_replace_with_function`)."""
    names = regex_patterns.rewrite_pattern(node)
    replacement, pattern = node.args.get("replacement"), node.expression
    refused = isinstance(replacement, exp.Literal) and replacement.is_string and isinstance(pattern, exp.Literal) \
        and regex_patterns.refused_replacement(replacement.this, pattern.this)
    if refused:         # Trino reads the replacement at a match: no match, no failure
        node.replace(template("CASE WHEN regexp_matches(__s, __p) THEN " + regex_patterns.failure(refused)
                              + " ELSE __s END", s=node.this, p=pattern))
        return
    if regex_fallback.in_python(node):
        return
    if isinstance(replacement, exp.Lambda):
        node.replace(_regexp_replace_with_function(node.this, node.expression, replacement))
        return
    if not (isinstance(replacement, exp.Literal) and replacement.is_string):
        return
    text, out, position = regex_patterns.numbered_replacement(replacement.this, names) or replacement.this, [], 0
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            following = text[position + 1]
            out.append("\\\\" if following == "\\" else following)
            position += 2
        elif char == "$" and position + 1 < len(text) and text[position + 1].isdigit():
            out.append("\\" + text[position + 1])
            position += 2
        elif char == "$":
            raise FunctionNotSupported("Function 'regexp_replace' with a named group in the replacement "
                                       "is not supported")
        else:
            out.append("\\\\" if char == "\\" else char)
            position += 1
    node.set("replacement", exp.Literal.string("".join(out)))


def _regexp_replace_with_function(text, pattern, function) -> exp.Expression:
    """regexp_replace(s, p, x -> ...): each match replaced by the function of the array of
    its capturing groups; the text between matches (regexp_split_to_array) kept."""
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise FunctionNotSupported("Function 'regexp_replace' with a lambda expression and a pattern that is not "
                                   "a constant is not supported")
    groups = ", ".join(f"regexp_extract_all(__s, __p, {group})[__i]"
                       for group in range(1, regex_patterns.group_count(pattern.this) + 1))
    replaced = template("CASE WHEN __s IS NOT NULL THEN regexp_split_to_array(__s, __p)[1] || array_to_string("
                        "list_transform(range(1, len(regexp_extract_all(__s, __p)) + 1), "
                        "lambda __i: (__body) || regexp_split_to_array(__s, __p)[__i + 1]), '') END",
                        s=text, p=pattern, body=_lambda_body(function, "__g"))
    captured = template(f"[{groups}]::VARCHAR[]", s=text, p=pattern)
    for column in list(replaced.find_all(exp.Column)):
        if column.name == "__g":
            column.replace(captured.copy())
    return replaced


def _call(name: str, *arguments) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(arguments))


def template(sql: str, **parts) -> exp.Expression:
    """DuckDB SQL with `__<name>` placeholders replaced by `parts`."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for column in list(tree.find_all(exp.Column)):
        part = parts.get(column.name.lstrip("_"))
        if column.name.startswith("__") and part is not None:
            column.replace(part.copy())
    return tree


def _lambda_body(function: exp.Expression, *replacements: str) -> exp.Expression:
    """The body of a Trino lambda with its parameters replaced by DuckDB expressions."""
    if not isinstance(function, exp.Lambda) or len(function.expressions) != len(replacements):
        raise FunctionNotSupported("This function needs a lambda expression with "
                                   f"{len(replacements)} argument(s)")
    mapping = {parameter.name: sqlglot.parse_one(text, read="duckdb")
               for parameter, text in zip(function.expressions, replacements)}
    body = function.this.copy()

    def substitute(node):
        if isinstance(node, (exp.Identifier, exp.Column)) and not isinstance(node.parent, exp.Column) \
                and node.name in mapping and not (isinstance(node, exp.Column) and node.table):
            return mapping[node.name].copy()
        return node
    return body.transform(substitute)


def _arity(arguments, count: int, name: str):
    if len(arguments) != count:
        raise FunctionNotSupported(f"Function '{name}' with {len(arguments)} arguments is not supported")


def _zip_with(arguments):
    _arity(arguments, 3, "zip_with")
    body = _lambda_body(arguments[2], "struct_extract(__p, 1)", "struct_extract(__p, 2)")
    return template("list_transform(list_zip(__a, __b), lambda __p: __body)",
                     a=arguments[0], b=arguments[1], body=body)


def _map_entries_with(shape: str, name: str):
    """map_filter / transform_values / transform_keys over map_entries."""
    def build(arguments):
        _arity(arguments, 2, name)
        body = _lambda_body(arguments[1], "__e.key", "__e.value")
        return template(shape, m=arguments[0], body=body)
    return build


def _match(kind: str):
    """any_match / all_match / none_match: true, false, or NULL when a NULL decides."""
    deciding = {"any": ("__b", "true", "false"), "all": ("NOT __b", "false", "true"),
                "none": ("__b", "false", "true")}[kind]
    found, when_found, otherwise = deciding

    def build(arguments):
        _arity(arguments, 2, f"{kind}_match")
        return template(f"CASE WHEN __a IS NULL THEN NULL "
                         f"WHEN len(list_filter(list_transform(__a, __f), lambda __b: {found})) > 0 "
                         f"THEN {when_found} WHEN list_position(list_transform(__a, __f), NULL) IS NOT NULL "
                         f"THEN NULL ELSE {otherwise} END", a=arguments[0], f=arguments[1])
    return build


def _reduce_agg(arguments):
    """reduce_agg(x, initial, (state, x) -> state, combine): the input function folded over
    the group's non-NULL values from `initial` (DuckDB's aggregate is one fold, so the
    combining function is not called); NULL when there is none."""
    _arity(arguments, 4, "reduce_agg")
    body = _lambda_body(arguments[2], "__s", "__x")
    return template("CASE WHEN count(__v) > 0 THEN list_reduce(list(__v) FILTER (WHERE __v IS NOT NULL), "
                     "lambda __s, __x: __body, __init) END", v=arguments[0], init=arguments[1], body=body)


def _map_zip_with(arguments):
    """map_zip_with(m1, m2, (k, v1, v2) -> v): over the keys of m1, then those only m2
    has; a value a map lacks is NULL."""
    _arity(arguments, 3, "map_zip_with")
    body = _lambda_body(arguments[2], "__e.k", "__e.v1", "__e.v2")
    return template("map_from_entries(list_transform(list_transform(trino_array_distinct(list_concat("
                    "map_keys(__m1), map_keys(__m2))), lambda __k: {'k': __k, 'v1': map_extract_value(__m1, __k), "
                    "'v2': map_extract_value(__m2, __k)}), lambda __e: {'key': __e.k, 'value': __body}))",
                    m1=arguments[0], m2=arguments[1], body=body)


_MOST_COMBINED = 5


def _combinations(arguments):
    """combinations(a, n): the n-element groups of a's elements by position, in order
    (`[[a1, a2], [a1, a3], [a2, a3]]`), n a constant from 0 to 5 as Trino allows."""
    _arity(arguments, 2, "combinations")
    size = arguments[1]
    if not (isinstance(size, exp.Literal) and not size.is_string and size.this.isdigit()):
        if isinstance(size, exp.Neg) and isinstance(size.this, exp.Literal):
            return exp.Anonymous(this="error", expressions=[exp.Literal.string(
                f"{strict.FAILURE_PREFIX}INVALID_FUNCTION_ARGUMENT:combination size must not be negative: "
                f"-{size.this.this}")])
        raise FunctionNotSupported("Function 'combinations' with a size that is not a constant is not supported")
    if int(size.this) > _MOST_COMBINED:
        return exp.Anonymous(this="error", expressions=[exp.Literal.string(
            f"{strict.FAILURE_PREFIX}INVALID_FUNCTION_ARGUMENT:combination size must not exceed {_MOST_COMBINED}: "
            f"{size.this}")])
    count = int(size.this)
    if count == 0:
        return template("CASE WHEN __a IS NOT NULL THEN [[]] END", a=arguments[0])
    indexes = [f"__i{level}" for level in range(count)]
    body = "[" + ", ".join(f"__a[{index}]" for index in indexes) + "]"
    for level in reversed(range(count)):
        start = "1" if level == 0 else f"{indexes[level - 1]} + 1"
        inner = f"lambda {indexes[level]}: {body}"
        body = f"list_transform(range({start}, len(__a) + 1), {inner})"
        if level < count - 1:
            body = f"flatten({body})"
    return template(body, a=arguments[0])


def _pattern_call(name: str, duck_function: str, convert, result_type: str | None = None):
    """A date function whose pattern is converted to DuckDB's strftime/strptime form."""
    def build(arguments):
        _arity(arguments, 2, name)
        pattern = arguments[1]
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise FunctionNotSupported(f"Function '{name}' with a pattern that is not a constant is not supported")
        try:
            converted = convert(pattern.this, parsing=duck_function == "strptime")
        except datetime_patterns.PatternNotSupported as error:
            raise FunctionNotSupported(f"Function '{name}': {error}") from None
        except datetime_patterns.PatternRefused as error:       # as Trino fails: on a row
            return exp.cast(template(strict.failure_sql("INVALID_FUNCTION_ARGUMENT", f"'{error}'")),
                            result_type or ("VARCHAR" if duck_function == "strftime" else "TIMESTAMP"))
        call = _call(duck_function, arguments[0], exp.Literal.string(converted))
        if duck_function == "strftime":
            call = template(datetime_patterns.printed_as_trino(name, pattern.this, converted), x=arguments[0], c=call)
        return exp.cast(call, result_type) if result_type else call
    return build


def _numeric_histogram(arguments):
    """numeric_histogram(buckets, value[, weight]) over the group's non-NULL values
    (`histograms.py`); fewer than 2 buckets fail as Trino fails them."""
    if len(arguments) not in (2, 3):
        raise FunctionNotSupported(f"Function 'numeric_histogram' with {len(arguments)} arguments is not supported")
    weight = arguments[2] if len(arguments) == 3 else exp.Literal.number(1)
    refused = strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'numeric_histogram bucket count must be greater "
                                                              "than one'")
    return template(f"CASE WHEN min(__n) < 2 THEN {refused} ELSE {histograms.FUNCTION}(min(__n), "
                    "list(CAST(__x AS DOUBLE)) FILTER (WHERE __x IS NOT NULL AND __w IS NOT NULL), "
                    "list(CAST(__w AS DOUBLE)) FILTER (WHERE __x IS NOT NULL AND __w IS NOT NULL)) END",
                    n=arguments[0], x=arguments[1], w=weight)


def _typeof(arguments):
    _arity(arguments, 1, "typeof")
    if isinstance(arguments[0], exp.Literal) and arguments[0].is_string:     # Trino types it by its length
        return exp.Literal.string(f"varchar({len(arguments[0].this)})")
    if intervals.is_year_month(arguments[0]):           # DuckDB has one interval type
        return exp.Literal.string("interval year to month")
    return _call(TRINO_TYPE_FUNCTION, _call("typeof", arguments[0]))


def _normalize(arguments):
    form = arguments[1].name.upper() if len(arguments) == 2 else "NFC"
    if form == "NFC":
        return _call("nfc_normalize", arguments[0])
    if form not in ("NFD", "NFKC", "NFKD"):
        raise FunctionNotSupported(f"Function 'normalize' with form {arguments[1].name} is not supported")
    return _call(python_functions.RENAMES["normalize_form"], arguments[0], exp.Literal.string(form))


def _bigint_operands(node: exp.Expression):
    """Trino's bitwise functions and their aggregates take and answer BIGINTs (DuckDB's
    keep their operands' type: an INTEGER column's bitwise_and was an integer)."""
    for key in ("this", "expression"):
        operand = node.args.get(key)
        if isinstance(operand, exp.Expression):
            node.set(key, exp.cast(operand.copy(), "BIGINT"))


def _offset_checked(node: exp.Expression):
    """lag and lead with an offset: a negative one fails the query, as Trino's (DuckDB's
    looks the other way); nth_value's below 1 likewise (Trino's NthValueFunction, where
    DuckDB answers NULL); the check wraps the whole window call."""
    offset, least = node.args.get("offset"), 1 if isinstance(node, exp.NthValue) else 0
    window = node
    while isinstance(window.parent, (exp.IgnoreNulls, exp.RespectNulls, exp.Window)) and window.arg_key == "this":
        window = window.parent
    if offset is None or not isinstance(window, exp.Window) or \
            isinstance(offset, exp.Literal) and (least == 0 or offset.name.isdigit() and int(offset.name) >= least):
        return
    failure = template(strict.failure_sql("INVALID_FUNCTION_ARGUMENT", f"'Offset must be at least {least}'"))
    window.replace(exp.Case(ifs=[exp.If(this=exp.LT(this=offset.copy(), expression=exp.Literal.number(least)),
                                        true=failure)], default=window.copy()))


_FORMAT_SPEC = re.compile(r"%(?:(\d+)\$)?[-#+ 0,(<]*\d*(?:\.\d+)?([a-zA-Z%])")


def _format(arguments):
    """Trino's format is Java's String.format: `%s` (and `%b`) print any value as its text
    (`format('%s', 1.5e0)` is 1.5); DuckDB's printf takes `%s` of a text only. Those
    arguments are cast to varchar (in Trino's text of their type), the rest is printf's."""
    if not arguments or not (isinstance(arguments[0], exp.Literal) and arguments[0].is_string):
        return _call("printf", *arguments)
    values, pattern, following = list(arguments[1:]), arguments[0].this, 0
    for found in _FORMAT_SPEC.finditer(pattern):
        if found.group(2) in "%n":
            continue
        index = int(found.group(1)) - 1 if found.group(1) else following
        following = index + 1 if not found.group(1) else following
        if found.group(2) in "sSbB" and index < len(values):
            values[index] = exp.cast(values[index].copy(), "VARCHAR")
    pattern = _FORMAT_SPEC.sub(lambda found: found.group(0)[:-1] + "s" if found.group(2) in "bB" else found.group(0),
                               pattern)
    return _call("printf", exp.Literal.string(pattern), *values)


def _strpos(node: exp.StrPosition):
    """strpos(string, substring, instance): the instance-th occurrence (DuckDB's strpos
    takes no instance)."""
    instance = node.args.get("occurrence")
    if instance is not None:
        node.replace(_call(python_functions.RENAMES["strpos_instance"], node.this, node.args["substr"], instance))


def _shift(name: str):
    """Trino's shifts answer the value's type (the macro a BIGINT): kept where the text
    shows it, an integer literal or a CAST to a narrower integer type."""
    def rewrite(arguments):
        call, value = _call(PREFIX + name, *arguments), arguments[0] if arguments else None
        number = value.this if isinstance(value, exp.Neg) else value
        if isinstance(number, exp.Literal) and not number.is_string and number.name.isdigit() and \
                int(number.name) < 2 ** 31:       # Trino's -2147483648 negates a bigint
            return exp.cast(call, "INTEGER")
        narrow = (exp.DataType.Type.TINYINT, exp.DataType.Type.SMALLINT, exp.DataType.Type.INT)
        return exp.cast(call, value.to.copy()) if isinstance(value, exp.Cast) and value.to.this in narrow else call
    return rewrite


_REWRITES = {
    **{name: _shift(name) for name in ("bitwise_left_shift", "bitwise_right_shift", "bitwise_right_shift_arithmetic")},
    "zip_with": _zip_with,
    "map_filter": _map_entries_with(
        "map_from_entries(list_filter(map_entries(__m), lambda __e: __body))", "map_filter"),
    "transform_values": _map_entries_with(
        "map_from_entries(list_transform(map_entries(__m), lambda __e: {'key': __e.key, 'value': __body}))",
        "transform_values"),
    "transform_keys": _map_entries_with(
        "map_from_entries(lakebox_map_entries_checked(list_transform(map_entries(__m), "
        "lambda __e: {'key': __body, 'value': __e.value})))",
        "transform_keys"),
    "any_match": _match("any"), "all_match": _match("all"), "none_match": _match("none"),
    "date_format": _pattern_call("date_format", "strftime", datetime_patterns.from_mysql),
    "date_parse": _pattern_call("date_parse", "strptime", datetime_patterns.from_mysql),
    "format_datetime": _pattern_call("format_datetime", "strftime", datetime_patterns.from_joda),
    "parse_datetime": _pattern_call("parse_datetime", "strptime", datetime_patterns.from_joda,
                                    "TIMESTAMP WITH TIME ZONE"),
    "typeof": _typeof,
    "reduce_agg": _reduce_agg,
    "checksum": lambda arguments: _arity(arguments, 1, "checksum") or template(checksums.SQL, v=arguments[0]),
    "numeric_histogram": _numeric_histogram,
    "map_zip_with": _map_zip_with,
    "combinations": _combinations,
    "normalize": _normalize,
    "format": _format,
}

# Calls sqlglot parses into nodes of their own, by node type.
_NODES = {exp.Extract: _extract, exp.SHA: _sha1, exp.DateDiff: _date_diff, exp.ArraySort: _array_sort,
          exp.Normalize: _normalize_node, exp.RegexpReplace: _regexp_replacement, exp.ArraySize: _cardinality,
          exp.Rand: _random, exp.ApproxDistinct: _approx_distinct, exp.ApproxQuantile: _weighted_percentile,
          exp.ArraySlice: _as_macro("slice", "this", "start", "end"), exp.Split: _split,
          exp.FromBase: _as_macro("from_base", "this", "expression"), exp.UnixToTime: _from_unixtime,
          exp.Substring: _substring, exp.StrPosition: _strpos,
          exp.Decode: lambda node: node.replace(_call(*python_functions.from_utf8_call(node.this,
                                                                                     node.args.get("replace")))),
          exp.Pad: lambda node: node.replace(_call(PREFIX + ("lpad" if node.args.get("is_left") else "rpad"),
                                                   node.this, node.expression, node.args["fill_pattern"])),
          exp.ArrayPosition: _array_position, exp.Cbrt: _as_macro("cbrt", "this"),
          exp.JSONArrayContains: _as_macro("json_array_contains", "this", "expression"),
          exp.ArrayContains: _as_macro("contains", "this", "expression"),
          exp.ArrayMax: _as_macro("array_max", "this"), exp.ArrayMin: _as_macro("array_min", "this"),
          exp.ArrayRemove: _as_macro("array_remove", "this", "expression"),
          exp.Lag: _offset_checked, exp.Lead: _offset_checked, exp.NthValue: _offset_checked,
          **dict.fromkeys((exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseXor, exp.BitwiseNot, exp.BitwiseAndAgg,
                           exp.BitwiseOrAgg, exp.BitwiseXorAgg), _bigint_operands),
          **dict.fromkeys((exp.RegexpLike, exp.RegexpSplit, exp.RegexpCount), regex_patterns.checked_pattern),
          **dict.fromkeys((exp.RegexpExtract, exp.RegexpExtractAll), regex_patterns.group_checked)}
NODE_TYPES = set(_NODES)

PARSED_AS_CALLS = ["ARRAY_DISTINCT", "ARRAY_INTERSECT", "ARRAY_EXCEPT", "FORMAT", "DATE_FORMAT", "DATE_PARSE",
                   "PARSE_DATETIME", "TYPEOF", "REPEAT", "SHUFFLE", "CURRENT_TIMEZONE", "WIDTH_BUCKET",
                   "URL_ENCODE", "URL_DECODE", "SPLIT_TO_MAP", "JSON_EXTRACT_SCALAR", "JSON_EXTRACT",
                   "SPLIT_PART", "SOUNDEX"]
