"""S3 Select's SQL as DuckDB SQL (Amazon S3 User Guide, "SQL reference for Amazon S3
Select").

S3 Select runs one SELECT over one object, `FROM S3Object [alias]` (JSON documents may
name a path in it: `FROM S3Object[*].Records[*] r`), with WHERE and LIMIT, no GROUP BY,
ORDER BY or joins. A reference is a path from the alias: `s._1` (a CSV field by
position), `s."Name"` (a CSV header, a JSON key, a Parquet column: case-sensitive when
quoted), `s.a.b[0]` (nested JSON or Parquet values).

`parse(expression)` checks the statement and finds its references; the caller says
what each reference is in the relation it built over the object (`Resolved`: DuckDB SQL
and whether its values are text), and `translate` gives the DuckDB query over that
relation (named `s3object`), the names of its output columns and which of them hold
raw JSON. Errors are `SelectSqlError` with S3's code and words; `database()` is where
the queries run, `failure_code` names S3's error for one that fails over the records.
"""
import datetime
import re
from dataclasses import dataclass

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

from lakebox.engine import datetime_patterns

MAX_EXPRESSION_BYTES = 256 * 1024
RELATION = "s3object"

# S3's words for the errors of a SELECT (S3 API reference, "Error responses": List of
# SELECT Object Content error codes).
MESSAGES = {
    "ParseUnexpectedToken": "The SQL expression contains an unexpected token.",
    "ParseSelectMissingFrom": "The SQL expression contains a missing FROM after the SELECT list.",
    "ParseAsteriskIsNotAloneInSelectList":
        "Other expressions are not allowed in the SELECT list when * is used without dot notation in the SQL "
        "expression.",
    "UnsupportedSyntax": "We encountered syntax that is not valid.",
    "UnsupportedFunction": "We encountered an unsupported SQL function.",
    "UnsupportedSqlStructure": "We encountered an unsupported SQL structure. Check the SQL Reference.",
    "InvalidTableAlias": "The SQL expression contains a table alias that is not valid.",
    "ExpressionTooLong": "The SQL expression is too long. The maximum byte-length for an SQL expression is 256 KB.",
    "EvaluatorInvalidArguments": "Incorrect number of arguments in the function call in the SQL expression.",
    "EvaluatorNegativeLimit": "The LIMIT clause in the SQL expression must not be negative.",
    "InvalidKeyPath": "Key path in the SQL expression is invalid.",
    "ExternalEvalException": "The query cannot be evaluated. Check the file and try again.",
    "ParseUnexpectedTerm": "The SQL expression contains an unexpected term.",
    "InvalidDataSource": "The data source type is not valid. Only CSV, JSON, and Parquet are supported.",
}

# S3 Select's type names (SQL reference, "Data types") as DuckDB's.
_TYPES = {"BOOL": "BOOLEAN", "BOOLEAN": "BOOLEAN", "INT": "BIGINT", "INTEGER": "BIGINT", "BIGINT": "BIGINT",
          "SMALLINT": "BIGINT", "TINYINT": "BIGINT", "STRING": "VARCHAR", "TEXT": "VARCHAR", "VARCHAR": "VARCHAR",
          "CHAR": "VARCHAR", "FLOAT": "DOUBLE", "DOUBLE": "DOUBLE", "REAL": "DOUBLE", "DECIMAL": "DECIMAL(38, 9)",
          "NUMERIC": "DECIMAL(38, 9)", "TIMESTAMP": "TIMESTAMPTZ", "TIMESTAMPTZ": "TIMESTAMPTZ"}
_DATE_PARTS = {"year": "years", "month": "months", "day": "days", "hour": "hours", "minute": "minutes",
               "second": "seconds"}
_AGGREGATES = (exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max)
_FUNCTIONS = (*_AGGREGATES, exp.Lower, exp.Upper, exp.Substring, exp.Trim, exp.Length, exp.Coalesce, exp.Nullif,
              exp.Cast, exp.Extract, exp.DateAdd, exp.DateDiff, exp.Case, exp.If)
_NAMED = {"TO_TIMESTAMP", "TO_STRING", "UTCNOW", "CHAR_LENGTH", "CHARACTER_LENGTH", "DATE_ADD", "DATE_DIFF"}
_TEXTUAL = (exp.In, exp.Like, exp.Lower, exp.Upper, exp.Substring, exp.Trim, exp.Length, exp.DPipe)
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_FROM = re.compile(r'\bFROM\s+S3Object((?:\s*\[\s*\*\s*\]|\s*\.\s*(?:"[^"]*"|[A-Za-z_][\w$]*))*)', re.I)
_PATH_STEP = re.compile(r'\s*(?:\[\s*\*\s*\]|\.\s*(?:"([^"]*)"|([A-Za-z_][\w$]*)))')
_PLACEHOLDER = "__lb_ref_"


class SelectSqlError(Exception):
    def __init__(self, code: str, message: str | None = None):
        super().__init__(message or MESSAGES[code])
        self.code = code
        self.message = message or MESSAGES[code]


@dataclass(frozen=True)
class Step:
    """One step of a reference: a key (`quoted`: case-sensitive) or an index."""
    key: str | None = None
    index: int | None = None
    quoted: bool = False


@dataclass
class Resolved:
    """A reference as the caller's relation holds it: DuckDB SQL, whether its values are
    text (CSV fields) or raw JSON (objects, arrays), and the column it reads (if one)."""
    sql: str
    text: bool = False
    json: bool = False
    column: str | None = None
    absent: str | None = None       # SQL true where a record lacks the value (MISSING); else IS NULL


@dataclass
class Query:
    tree: exp.Select
    alias: str | None
    from_path: list            # steps of `FROM S3Object[*].a[*]`: ("key", name) or ("each",)
    references: list           # tuple(Step, ...) per distinct reference, in order of appearance
    star: bool                 # SELECT *


# What a failing statement over the records raises (DuckDB's errors), and S3's code for it.
EngineFailure = duckdb.Error


def failure_code(failed: Exception) -> str:
    """S3's error code for a statement the engine could not run over these records."""
    if isinstance(failed, (duckdb.ConversionException, duckdb.OutOfRangeException)):
        return "CastFailed"
    if isinstance(failed, duckdb.BinderException) and "No function matches" in str(failed):
        return "IncorrectSqlFunctionArgumentType"
    return "UnsupportedSqlStructure"


def database():
    """The engine's database for S3 Select: each query runs on a cursor of its own (its
    own relation `s3object`), in UTC."""
    found = duckdb.connect(":memory:")
    found.execute("SET TimeZone = 'UTC'")
    return found


def parse(expression: str) -> Query:
    if len(expression.encode()) > MAX_EXPRESSION_BYTES:
        raise SelectSqlError("ExpressionTooLong")
    _check_outline(expression)
    found = _FROM.search(expression)
    from_path = _from_path(found.group(1)) if found else []
    text = expression[:found.start(1)] + expression[found.end(1):] if found else expression
    try:
        statements = [statement for statement in sqlglot.parse(text) if statement is not None]
    except sqlglot.errors.ParseError:
        raise SelectSqlError("ParseUnexpectedToken") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Select):
        raise SelectSqlError("UnsupportedSyntax")
    tree = statements[0]
    alias = _check_shape(tree)
    references, star = [], False
    for item in tree.expressions:
        if isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)):
            star = True
    if star and len(tree.expressions) > 1:
        raise SelectSqlError("ParseAsteriskIsNotAloneInSelectList")
    for chain in _chains(tree):
        steps = _steps(chain, alias)
        if steps not in references:
            references.append(steps)
    return Query(tree, alias, from_path, references, star)


def _check_outline(expression: str):
    """S3's first judgement of a statement, by its tokens: one that does not start with
    SELECT, a WHERE or LIMIT with no FROM before it, a FROM naming nothing, or a FROM
    naming a number (S3's answers to those, as MinIO's s3select_testing suite, run
    against S3, records them)."""
    try:
        tokens = sqlglot.tokenize(expression)
    except sqlglot.errors.TokenError:
        raise SelectSqlError("ParseUnexpectedToken") from None
    kinds = [token.token_type for token in tokens]
    if not kinds or kinds[0] != TokenType.SELECT:
        raise SelectSqlError("ParseUnexpectedToken")
    if TokenType.FROM not in kinds:
        if TokenType.WHERE in kinds or TokenType.LIMIT in kinds:    # a clause where FROM was due
            raise SelectSqlError("ParseSelectMissingFrom")
        return
    after = kinds.index(TokenType.FROM) + 1
    if after == len(kinds):
        raise SelectSqlError("ParseUnexpectedTerm")
    if kinds[after] == TokenType.NUMBER:
        raise SelectSqlError("InvalidDataSource")


def _from_path(text: str) -> list:
    steps = []
    for found in _PATH_STEP.finditer(text):
        name = found.group(1) if found.group(1) is not None else found.group(2)
        steps.append(("each",) if name is None else ("key", name))
    return steps


def _check_shape(tree: exp.Select) -> str | None:
    """The table alias, once the statement is one S3 Select can run."""
    source = tree.args.get("from_") or tree.args.get("from")
    if source is None:
        raise SelectSqlError("ParseSelectMissingFrom")
    for clause in ("joins", "group", "order", "having", "with", "distinct", "offset", "laterals"):
        if tree.args.get(clause):
            raise SelectSqlError("UnsupportedSyntax")
    table = source.this
    if not isinstance(table, exp.Table) or table.name.lower() != RELATION or table.args.get("db"):
        raise SelectSqlError("UnsupportedSyntax")
    if tree.find(exp.Subquery) or len(list(tree.find_all(exp.Select))) > 1:
        raise SelectSqlError("UnsupportedSyntax")
    limit = tree.args.get("limit")
    if limit is not None:
        value = limit.expression
        if isinstance(value, exp.Neg):
            raise SelectSqlError("EvaluatorNegativeLimit")
        if not (isinstance(value, exp.Literal) and not value.is_string):
            raise SelectSqlError("ParseUnexpectedToken")
    return table.alias or None


def _chains(tree: exp.Select):
    """The references of the statement: the outermost Column/Dot/Bracket nodes outside FROM."""
    for node in tree.find_all(exp.Column, exp.Dot, exp.Bracket):
        if isinstance(node, exp.Column) and isinstance(node.this, exp.Star):
            continue
        if isinstance(node.parent, (exp.Dot, exp.Bracket)) and node.arg_key == "this":
            continue
        if node.find_ancestor(exp.From) is not None:
            continue
        if isinstance(node, exp.Column) and node.name.upper() == "MISSING" and isinstance(node.parent, exp.Is):
            continue
        if isinstance(node.parent, (exp.DateAdd, exp.DateDiff)) and node.arg_key == "this":
            continue        # DATE_ADD(year, ...)'s date part, not a reference
        yield node


def _steps(node, alias: str | None) -> tuple:
    """The steps of a reference after its table alias."""
    steps = _node_steps(node)
    first = steps[0]
    if first.key is not None and (
            (alias is not None and first.key.lower() == alias.lower()) or first.key.lower() == RELATION):
        steps = steps[1:]
    elif alias is not None and len(steps) > 1:
        raise SelectSqlError("InvalidTableAlias")
    if not steps:
        raise SelectSqlError("InvalidKeyPath")
    return tuple(steps)


def _node_steps(node) -> list:
    if isinstance(node, exp.Column):
        parts = [part for part in (node.args.get("catalog"), node.args.get("db"), node.args.get("table"), node.this)
                 if part is not None]
        return [Step(key=part.name, quoted=bool(part.args.get("quoted"))) for part in parts]
    if isinstance(node, exp.Dot):
        name = node.expression
        return _node_steps(node.this) + [Step(key=name.name, quoted=bool(name.args.get("quoted")))]
    if isinstance(node, exp.Bracket):
        index = node.expressions[0] if len(node.expressions) == 1 else None
        if not isinstance(index, exp.Literal) or index.is_string:
            raise SelectSqlError("InvalidKeyPath")
        return _node_steps(node.this) + [Step(index=int(index.this))]
    raise SelectSqlError("InvalidKeyPath")


def output_name(item, position: int) -> str:
    """An output column's name in JSON output: its alias, the last key of a plain
    reference, else `_N` by position (1-based)."""
    if isinstance(item, exp.Alias):
        return item.alias
    if isinstance(item, (exp.Column, exp.Dot)):
        return item.name
    return f"_{position}"


def translate(query: Query, resolved: dict, star_columns: list, now: float) -> tuple[str, list, list]:
    """(DuckDB SQL over the relation `s3object`, output names, which outputs are raw JSON).

    `resolved` maps each of `query.references` to its `Resolved`; `star_columns` is the
    relation's [(name, Resolved)] that `SELECT *` gives; `now` (epoch seconds) is UTCNOW().
    """
    tree = query.tree.copy()
    holders = {}
    for chain in list(_chains(tree)):
        steps = _steps(chain, query.alias)
        target = resolved[steps]
        name = f"{_PLACEHOLDER}{len(holders)}"
        holders[name] = target
        chain.replace(exp.column(name))
    for node in reversed(list(tree.walk(bfs=False))):       # each node after what it holds
        rewritten = _rewrite(node, holders, now)
        if rewritten is not node:
            node.replace(rewritten)
    if query.star:
        names = [name for name, _ in star_columns]
        raw = [target.json for _, target in star_columns]
        tree.set("expressions", [exp.column(f"__lb_star_{i}") for i in range(len(star_columns))])
        for index, (_, target) in enumerate(star_columns):
            holders[f"__lb_star_{index}"] = target
    else:
        names = [output_name(item, position) for position, item in enumerate(query.tree.expressions, 1)]
        raw = [_raw_json(item, holders) for item in tree.expressions]
    tree.set("from_", exp.From(this=exp.to_table(RELATION)))
    tree.set("from", None)
    sql = tree.sql(dialect="duckdb")
    sql = re.sub(r"\b(__lb_(?:ref|star|absent)_\d+)\b", lambda found: f"({holders[found.group(1)].sql})", sql)
    return sql, names, raw


def _raw_json(item, holders) -> bool:
    inner = item.this if isinstance(item, exp.Alias) else item
    return isinstance(inner, exp.Column) and inner.name in holders and holders[inner.name].json


def _holder(node, holders) -> Resolved | None:
    if isinstance(node, exp.Column) and node.name in holders:
        return holders[node.name]
    return None


def _as_number(node, holders, kind="DOUBLE"):
    """A text reference (or JSON values of mixed types) read as a number (NULL when it is
    not one), where S3 compares or adds up CSV fields as numbers."""
    target = _holder(node, holders)
    if target is not None and (target.text or target.json):
        return exp.TryCast(this=node.copy(), to=exp.DataType.build(kind, dialect="duckdb"))
    return node


def _csv_field(node, holders) -> bool:
    target = _holder(node, holders)
    return target is not None and target.text


def _as_text(node, holders):
    """JSON values of mixed types compared with a string: their text (a JSON string's
    contents, anything else as written)."""
    target = _holder(node, holders)
    if target is not None and target.json:
        return exp.Anonymous(this="json_extract_string", expressions=[node.copy(), exp.Literal.string("$")])
    return node


def _string(node) -> bool:
    return isinstance(node, exp.Literal) and node.is_string


def _numeric(node) -> bool:
    if isinstance(node, exp.Neg):
        node = node.this
    return isinstance(node, exp.Literal) and not node.is_string


def _rewrite(node, holders, now: float):
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Column) \
            and node.expression.name.upper() == "MISSING":
        # MISSING is a value absent from the record; a JSON null is present (it IS NULL,
        # never MISSING), while a missing value IS NULL too.
        target = _holder(node.this, holders)
        if target is not None and target.absent is not None:
            name = f"__lb_absent_{len(holders)}"
            holders[name] = Resolved(target.absent)
            return exp.column(name)
        return exp.Is(this=node.this, expression=exp.Null())
    if isinstance(node, _COMPARISONS):
        left, right = node.this, node.expression
        if _numeric(right):
            node.set("this", _as_number(left, holders))
        elif _numeric(left):
            node.set("expression", _as_number(right, holders))
        elif _string(right):
            node.set("this", _as_text(left, holders))
        elif _string(left):
            node.set("expression", _as_text(right, holders))
        return node
    if isinstance(node, exp.Between) and _numeric(node.args["low"]) and _numeric(node.args["high"]):
        node.set("this", _as_number(node.this, holders))
        return node
    if isinstance(node, exp.In) and node.expressions and all(_numeric(item) for item in node.expressions):
        node.set("this", _as_number(node.this, holders))
        return node
    if isinstance(node, _TEXTUAL):
        for key in ("this", "expression"):
            if isinstance(node.args.get(key), exp.Expression):
                node.set(key, _as_text(node.args[key], holders))
        return node
    if isinstance(node, _ARITHMETIC):
        node.set("this", _as_number(node.this, holders))
        node.set("expression", _as_number(node.expression, holders))
        return node
    if isinstance(node, (exp.Sum, exp.Avg)) and _csv_field(node.this, holders):
        # A CSV field is a string, which SUM and AVG do not take (SQL reference, "Aggregate
        # functions": INT, FLOAT, DOUBLE, DECIMAL): S3 cannot evaluate the query until
        # the field is CAST.
        raise SelectSqlError("ExternalEvalException")
    if isinstance(node, exp.Sum):        # a sum of whole numbers stays whole
        node.set("this", _as_number(node.this, holders, "DECIMAL(38, 9)"))
        return node
    if isinstance(node, exp.Avg):
        node.set("this", _as_number(node.this, holders))
        return node
    if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast):
        return _cast(node)
    if isinstance(node, exp.DateAdd):
        return _date_add(node)
    if isinstance(node, exp.DateDiff):
        part = _date_part(node.this)
        return exp.Anonymous(this="date_diff", expressions=[exp.Literal.string(part), node.expression, node.unit])
    if isinstance(node, exp.Extract):
        return exp.Anonymous(this="date_part", expressions=[exp.Literal.string(node.this.name.lower()),
                                                            node.expression])
    if isinstance(node, exp.Anonymous):
        return _named_function(node, now)
    if isinstance(node, exp.Func) and not isinstance(node, (*_FUNCTIONS, exp.Connector)):
        raise SelectSqlError("UnsupportedFunction")
    return node


def _cast(node: exp.Cast):
    name = node.to.this.name if hasattr(node.to.this, "name") else str(node.to.this)
    duck = _TYPES.get(name.upper())
    if duck is None:
        raise SelectSqlError("UnsupportedSyntax")
    return exp.Cast(this=node.this, to=exp.DataType.build(duck, dialect="duckdb"))


def _date_part(node) -> str:
    part = node.name.lower() if isinstance(node, (exp.Column, exp.Var, exp.Identifier)) else ""
    if part not in _DATE_PARTS:
        raise SelectSqlError("EvaluatorInvalidArguments")
    return part


def _date_add(node: exp.DateAdd):
    """DATE_ADD(part, quantity, timestamp), which sqlglot reads as (this, expression, unit)."""
    part = _date_part(node.this)
    amount = exp.Anonymous(this=f"to_{_DATE_PARTS[part]}", expressions=[node.expression])
    return exp.Add(this=node.args["unit"], expression=amount)


def _named_function(node: exp.Anonymous, now: float):
    name = node.name.upper()
    args = node.expressions
    if name not in _NAMED:
        raise SelectSqlError("UnsupportedFunction")
    wanted = {"UTCNOW": 0, "TO_TIMESTAMP": 1, "TO_STRING": 2, "CHAR_LENGTH": 1, "CHARACTER_LENGTH": 1}
    if name in wanted and len(args) != wanted[name]:
        raise SelectSqlError("EvaluatorInvalidArguments")
    if name == "UTCNOW":
        stamp = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).isoformat()
        return exp.Cast(this=exp.Literal.string(stamp), to=exp.DataType.build("TIMESTAMPTZ", dialect="duckdb"))
    if name == "TO_TIMESTAMP":
        return exp.Cast(this=_whole_dates(args[0]), to=exp.DataType.build("TIMESTAMPTZ", dialect="duckdb"))
    if name == "TO_STRING":
        if not isinstance(args[1], exp.Literal) or not args[1].is_string:
            raise SelectSqlError("EvaluatorInvalidArguments")
        try:
            pattern = datetime_patterns.from_joda(args[1].this)
        except datetime_patterns.PatternNotSupported:
            raise SelectSqlError("EvaluatorInvalidArguments") from None
        return exp.Anonymous(this="strftime", expressions=[args[0], exp.Literal.string(pattern)])
    return exp.Length(this=args[0])          # CHAR_LENGTH, CHARACTER_LENGTH


# S3 Select's timestamps name a year, a month or a day alone with a closing `T`
# (SQL reference, "Data types": `2007T`, `2007-02T`, `2007-02-23T`): read as its first instant.
_WHOLE_DATES = [(r"^(\d{4})T$", r"\1-01-01"), (r"^(\d{4}-\d{2})T$", r"\1-01"), (r"^(\d{4}-\d{2}-\d{2})T$", r"\1")]


def _whole_dates(value):
    for pattern, replacement in _WHOLE_DATES:
        value = exp.Anonymous(this="regexp_replace", expressions=[
            value, exp.Literal.string(pattern), exp.Literal.string(replacement)])
    return value


def json_path(steps: tuple) -> str:
    """DuckDB's JSON path for a reference's steps: `$."a"."b"[0]`."""
    out = "$"
    for step in steps:
        out += f'."{step.key}"' if step.key is not None else f"[{step.index}]"
    return out
