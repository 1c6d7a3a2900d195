"""Calls with a number of arguments no signature of the function takes.

Trino refuses them with FUNCTION_NOT_FOUND at the call: `line 1:8: Unexpected parameters
(varchar(3)) for function substr. Expected: substr(varchar(x), bigint) varchar(x), ...`
(each signature with its return type). sqlglot would refuse some as syntax errors, build
others without a required member (an internal error later) or drop extra arguments; the
dialect's parser keeps such a call as a plain call (`wrong_arity_kept`) and the engine
refuses it in Trino's words (`unexpected_parameters`) once the columns' types are known.
"""
from sqlglot import exp

from lakebox.engine import strict

# Trino's signatures of the everyday functions lakebox translates, as its failure lists them.
SIGNATURES = {
    "substr": ("substr(char(x), bigint) char(x)", "substr(char(x), bigint, bigint) char(x)",
               "substr(varbinary, bigint) varbinary", "substr(varbinary, bigint, bigint) varbinary",
               "substr(varchar(x), bigint) varchar(x)", "substr(varchar(x), bigint, bigint) varchar(x)"),
    "round": ("round(bigint) bigint", "round(bigint, integer) bigint", "round(decimal(p,s)) decimal(rp,0)",
              "round(decimal(p,s), integer) decimal(rp,s)", "round(double) double", "round(double, integer) double",
              "round(integer) integer", "round(integer, integer) integer", "round(real) real",
              "round(real, integer) real", "round(smallint) smallint", "round(smallint, integer) smallint",
              "round(tinyint) tinyint", "round(tinyint, integer) tinyint"),
    "split": ("split(varchar(x), varchar(y)) array(varchar(x))",
              "split(varchar(x), varchar(y), bigint) array(varchar(x))"),
    "split_part": ("split_part(varchar(x), varchar(y), bigint) varchar(x)",),
    "length": ("length(char(x)) bigint", "length(varbinary) bigint", "length(varchar(x)) bigint"),
    "upper": ("upper(char(x)) char(x)", "upper(varchar(x)) varchar(x)"),
    "lower": ("lower(char(x)) char(x)", "lower(varchar(x)) varchar(x)"),
    "ltrim": ("ltrim(char(x)) char(x)", "ltrim(char(x), codepoints) char(x)", "ltrim(varchar(x)) varchar(x)",
              "ltrim(varchar(x), codepoints) varchar(x)"),
    "rtrim": ("rtrim(char(x)) char(x)", "rtrim(char(x), codepoints) char(x)", "rtrim(varchar(x)) varchar(x)",
              "rtrim(varchar(x), codepoints) varchar(x)"),
    "replace": ("replace(varchar(x), varchar(y)) varchar(x)",
                "replace(varchar(x), varchar(y), varchar(z)) varchar(u)"),
    "strpos": ("strpos(varchar(x), varchar(y)) bigint", "strpos(varchar(x), varchar(y), bigint) bigint"),
    "lpad": ("lpad(varbinary, bigint, varbinary) varbinary", "lpad(varchar(x), bigint, varchar(y)) varchar"),
    "rpad": ("rpad(varbinary, bigint, varbinary) varbinary", "rpad(varchar(x), bigint, varchar(y)) varchar"),
    "reverse": ("reverse(array(E)) array(E)", "reverse(varbinary) varbinary", "reverse(varchar(x)) varchar(x)"),
    "starts_with": ("starts_with(varchar(x), varchar(y)) boolean",),
    "abs": ("abs(bigint) bigint", "abs(decimal(p,s)) decimal(p,s)", "abs(double) double", "abs(integer) integer",
            "abs(real) real", "abs(smallint) smallint", "abs(tinyint) tinyint"),
    "mod": ("mod(bigint, bigint) bigint", "mod(decimal(a_precision,a_scale), decimal(b_precision,b_scale)) "
            "decimal(r_precision,r_scale)", "mod(double, double) double", "mod(integer, integer) integer",
            "mod(real, real) real", "mod(smallint, smallint) smallint", "mod(tinyint, tinyint) tinyint"),
    "power": ("power(double, double) double",),
    "sqrt": ("sqrt(double) double",),
    "ln": ("ln(double) double",),
    "date_trunc": ("date_trunc(varchar(x), date) date", "date_trunc(varchar(x), time(p)) time(p)",
                   "date_trunc(varchar(x), time(p) with time zone) time(p) with time zone",
                   "date_trunc(varchar(x), timestamp(p)) timestamp(p)",
                   "date_trunc(varchar(x), timestamp(p) with time zone) timestamp(p) with time zone"),
    "date_add": ("date_add(varchar(x), bigint, date) date", "date_add(varchar(x), bigint, time(p)) time(p)",
                 "date_add(varchar(x), bigint, time(p) with time zone) time(p) with time zone",
                 "date_add(varchar(x), bigint, timestamp(p)) timestamp(p)",
                 "date_add(varchar(x), bigint, timestamp(p) with time zone) timestamp(p) with time zone"),
    "date_diff": ("date_diff(varchar(x), date, date) bigint", "date_diff(varchar(x), time(p), time(p)) bigint",
                  "date_diff(varchar(x), time(p) with time zone, time(p) with time zone) bigint",
                  "date_diff(varchar(x), timestamp(p), timestamp(p)) bigint",
                  "date_diff(varchar(x), timestamp(p) with time zone, timestamp(p) with time zone) bigint"),
    "date_format": ("date_format(timestamp(p), varchar(x)) varchar",
                    "date_format(timestamp(p) with time zone, varchar(x)) varchar"),
    "date_parse": ("date_parse(varchar(x), varchar(y)) timestamp(3)",),
    "from_iso8601_timestamp": ("from_iso8601_timestamp(varchar(x)) timestamp(3) with time zone",),
    "to_unixtime": ("to_unixtime(timestamp(p)) double", "to_unixtime(timestamp(p) with time zone) double"),
    "regexp_like": ("regexp_like(varchar(x), JoniRegExp) boolean",),
    "regexp_extract": ("regexp_extract(varchar(x), JoniRegExp) varchar(x)",
                       "regexp_extract(varchar(x), JoniRegExp, bigint) varchar(x)"),
    "json_extract_scalar": ("json_extract_scalar(json, JsonPath) varchar",
                            "json_extract_scalar(varchar(x), JsonPath) varchar(x)"),
    "json_extract": ("json_extract(json, JsonPath) json", "json_extract(varchar(x), JsonPath) json"),
    "json_parse": ("json_parse(varchar) json",),
    "json_format": ("json_format(json) varchar",),
    "element_at": ("element_at(array(E), bigint) E", "element_at(map(K,V), K) V"),
    "array_join": ("array_join(array(T), varchar) varchar", "array_join(array(T), varchar, varchar) varchar"),
    "md5": ("md5(varbinary) varbinary",),
    "sha256": ("sha256(varbinary) varbinary",),
    "to_hex": ("to_hex(varbinary) varchar",),
    "url_extract_host": ("url_extract_host(varchar(x)) varchar(x)",),
    "url_extract_path": ("url_extract_path(varchar(x)) varchar(x)",),
    "url_extract_parameter": ("url_extract_parameter(varchar(x), varchar(y)) varchar(x)",),
    "year": ("year(date) bigint", "year(interval year to month) bigint", "year(timestamp(p)) bigint",
             "year(timestamp(p) with time zone) bigint"),
}


def parameters_of(signature: str) -> str:
    """The argument list of a signature: its text up to the parenthesis closing the first."""
    depth = 0
    for position, char in enumerate(signature):
        depth += (char == "(") - (char == ")")
        if char == ")" and depth == 0:
            return signature[signature.index("(") + 1:position]
    return ""


def count_of(parameters: str) -> int:
    depth, count = 0, 1 if parameters.strip() else 0
    for char in parameters:
        depth += (char == "(") - (char == ")")
        count += char == "," and depth == 0
    return count


ARGUMENT_COUNTS = {name: {count_of(parameters_of(signature)) for signature in signatures}
                   for name, signatures in SIGNATURES.items()}


def wrong_arity_kept(builders: dict) -> dict:
    """The parser's function builders, those of `SIGNATURES` keeping a call with a number
    of arguments no signature takes as a plain call (sqlglot's node would refuse it as a
    syntax error, lack a required member or drop the extra arguments)."""
    kept = dict(builders)
    for name in SIGNATURES:
        if name.upper() in builders:
            kept[name.upper()] = _keeping(name, builders[name.upper()])
    return kept


def _keeping(name: str, builder):
    def build(args, **kwargs):
        if len(args) not in ARGUMENT_COUNTS[name]:
            return exp.Anonymous(this=name, expressions=args)
        return builder(args, **kwargs)
    return build


def unexpected_parameters(tree: exp.Expression, column_types: dict, sql: str, type_of) -> tuple[str, str] | None:
    """Trino's error name and words for the first call with a wrong number of arguments;
    `type_of(node)` is the Trino type of an argument lakebox cannot name from the text."""
    for node in tree.find_all(exp.Anonymous, exp.Substring):
        name, arguments = call_of(node)
        if name not in ARGUMENT_COUNTS or len(arguments) in ARGUMENT_COUNTS[name]:
            continue
        types = ", ".join(strict.trino_type(argument, column_types) or type_of(argument) for argument in arguments)
        place = strict.line_and_column(sql, node.meta["start"]) + ": " if "start" in node.meta else ""
        return "FUNCTION_NOT_FOUND", (f"{place}Unexpected parameters ({types}) for function {name}. "
                                      f"Expected: {', '.join(SIGNATURES[name])}")
    return None


def call_of(node: exp.Expression) -> tuple[str, list]:
    """A call's name and arguments; `substring(s)` (sqlglot's own parse, with no start)
    as Trino's substr, of which it is the other name."""
    if isinstance(node, exp.Substring):
        return "substr", [node.args[member] for member in ("this", "start", "length") if node.args.get(member)]
    return node.name.lower(), node.expressions
