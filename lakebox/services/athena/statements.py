"""What a query string is: its kind, Athena's StatementType and SubstatementType, and
its parsed form. Parsing happens at submission, so a syntax error is refused by
StartQueryExecution itself.

Queries, CTAS, INSERT and views are Trino SQL (parsed by the engine's dialect); CREATE
EXTERNAL TABLE is Hive DDL; the short utility statements (SHOW, DESCRIBE, MSCK, ALTER
TABLE, DROP, UNLOAD, PREPARE, EXECUTE) are read here.
"""
import re
from dataclasses import dataclass, field

from sqlglot import exp

from lakebox.engine import dialect
from lakebox.engine.dialect import SqlSyntaxError


@dataclass
class Statement:
    kind: str                      # select | explain | ctas | insert | create_table | create_view | ...
    statement_type: str            # DML | DDL | UTILITY
    substatement_type: str
    tree: exp.Expression | None = None
    args: dict = field(default_factory=dict)


_NAME = r"(?:`[^`]+`|\"[^\"]+\"|[\w$]+)(?:\s*\.\s*(?:`[^`]+`|\"[^\"]+\"|[\w$]+))?"


def _simple(pattern: str):
    return re.compile(r"^\s*" + pattern + r"\s*;?\s*$", re.IGNORECASE | re.DOTALL)


_PREPARE = _simple(r"PREPARE\s+(?P<name>\w+)\s+FROM\s+(?P<query>.+)")
_EXECUTE = _simple(r"EXECUTE\s+(?P<name>\w+)(?:\s+USING\s+(?P<using>.+))?")

_UTILITY = [
    ("show_databases", "UTILITY", "SHOW_DATABASES", _simple(r"SHOW\s+(?:DATABASES|SCHEMAS)(?:\s+(?:LIKE\s+)?'(?P<like>[^']*)')?")),
    ("show_tables", "UTILITY", "SHOW_TABLES",
     _simple(rf"SHOW\s+TABLES(?:\s+(?:IN|FROM)\s+(?P<db>{_NAME}))?(?:\s+(?:LIKE\s+)?'(?P<like>[^']*)')?")),
    ("show_views", "UTILITY", "SHOW_VIEWS",
     _simple(rf"SHOW\s+VIEWS(?:\s+(?:IN|FROM)\s+(?P<db>{_NAME}))?(?:\s+(?:LIKE\s+)?'(?P<like>[^']*)')?")),
    ("show_partitions", "UTILITY", "SHOW_PARTITIONS", _simple(rf"SHOW\s+PARTITIONS\s+(?P<table>{_NAME})")),
    ("show_columns", "UTILITY", "SHOW_COLUMNS",
     _simple(rf"SHOW\s+COLUMNS\s+(?:IN|FROM)\s+(?P<table>{_NAME})(?:\s+(?:IN|FROM)\s+(?P<db>{_NAME}))?")),
    ("show_create_table", "UTILITY", "SHOW_CREATE_TABLE", _simple(rf"SHOW\s+CREATE\s+(?P<kind>TABLE)\s+(?P<table>{_NAME})")),
    ("show_create_view", "UTILITY", "SHOW_CREATE_VIEW", _simple(rf"SHOW\s+CREATE\s+(?P<kind>VIEW)\s+(?P<table>{_NAME})")),
    ("show_tblproperties", "UTILITY", "SHOW_TABLE_PROPERTIES",
     _simple(rf"SHOW\s+TBLPROPERTIES\s+(?P<table>{_NAME})(?:\s*\(\s*'(?P<prop>[^']*)'\s*\))?")),
    ("describe", "UTILITY", "DESCRIBE_TABLE",
     _simple(rf"(?:DESCRIBE|DESC)(?:\s+(?:EXTENDED|FORMATTED))?\s+(?P<table>{_NAME})(?:\s+(?P<column>[\w`\"]+))?")),
    ("msck", "DDL", "MSCK_REPAIR", _simple(rf"MSCK\s+REPAIR\s+TABLE\s+(?P<table>{_NAME})")),
    ("drop_table", "DDL", "DROP_TABLE",
     _simple(rf"DROP\s+TABLE\s+(?P<exists>IF\s+EXISTS\s+)?(?P<table>{_NAME})(?:\s+PURGE)?")),
    ("drop_view", "DDL", "DROP_VIEW", _simple(rf"DROP\s+VIEW\s+(?P<exists>IF\s+EXISTS\s+)?(?P<table>{_NAME})")),
    ("drop_database", "DDL", "DROP_DATABASE",
     _simple(r"DROP\s+(?:DATABASE|SCHEMA)\s+(?P<exists>IF\s+EXISTS\s+)?(?P<db>[\w`\"]+)(?P<cascade>\s+CASCADE|\s+RESTRICT)?")),
    ("create_database", "DDL", "CREATE_DATABASE",
     _simple(r"CREATE\s+(?:DATABASE|SCHEMA)\s+(?P<exists>IF\s+NOT\s+EXISTS\s+)?(?P<db>[\w`\"]+)"
             r"(?:\s+COMMENT\s+'(?P<comment>[^']*)')?(?:\s+LOCATION\s+'(?P<location>[^']*)')?"
             r"(?:\s+WITH\s+DBPROPERTIES\s*\((?P<props>.*)\))?")),
    ("alter_add_partition", "DDL", "ALTER_TABLE_ADD_PARTITION",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+ADD\s+(?P<exists>IF\s+NOT\s+EXISTS\s+)?(?P<specs>PARTITION\s*\(.*)")),
    ("alter_drop_partition", "DDL", "ALTER_TABLE_DROP_PARTITION",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+DROP\s+(?P<exists>IF\s+EXISTS\s+)?(?P<specs>PARTITION\s*\(.*)")),
    ("alter_rename_partition", "DDL", "ALTER_TABLE_RENAME_PARTITION",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+PARTITION\s*\((?P<old>[^)]*)\)\s+RENAME\s+TO\s+"
             r"PARTITION\s*\((?P<new>[^)]*)\)")),
    ("alter_rename_table", "DDL", "ALTER_TABLE_RENAME",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+RENAME\s+TO\s+(?P<new>{_NAME})")),
    ("alter_database_properties", "DDL", "ALTER_DATABASE_SET_DBPROPERTIES",
     _simple(r"ALTER\s+(?:DATABASE|SCHEMA)\s+(?P<db>[\w`\"]+)\s+SET\s+DBPROPERTIES\s*\((?P<props>.*)\)")),
    ("alter_partition_location", "DDL", "ALTER_TABLE_SET_LOCATION",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+PARTITION\s*\((?P<spec>[^)]*)\)\s+SET\s+LOCATION\s+"
             r"'(?P<location>[^']*)'")),
    ("alter_set_location", "DDL", "ALTER_TABLE_SET_LOCATION",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+SET\s+LOCATION\s+'(?P<location>[^']*)'")),
    ("alter_set_properties", "DDL", "ALTER_TABLE_SET_TBLPROPERTIES",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+SET\s+TBLPROPERTIES\s*\((?P<props>.*)\)")),
    ("alter_unset_properties", "DDL", "ALTER_TABLE_UNSET_TBLPROPERTIES",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+UNSET\s+TBLPROPERTIES\s*(?P<exists>IF\s+EXISTS\s*)?"
             r"\((?P<keys>[^)]*)\)")),
    ("alter_replace_columns", "DDL", "ALTER_TABLE_REPLACE_COLUMNS",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+REPLACE\s+COLUMNS\s*\((?P<columns>.*)\)")),
    ("alter_add_columns", "DDL", "ALTER_TABLE_ADD_COLUMNS",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+ADD\s+COLUMNS\s*\((?P<columns>.*)\)")),
    ("alter_drop_column", "DDL", "ALTER_TABLE_DROP_COLUMN",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+DROP\s+COLUMN\s+(?P<column>[`\"]?\w+[`\"]?)")),
    ("alter_change_column", "DDL", "ALTER_TABLE_CHANGE_COLUMN",
     _simple(rf"ALTER\s+TABLE\s+(?P<table>{_NAME})\s+CHANGE\s+(?:COLUMN\s+)?(?P<old>[`\"]?\w+[`\"]?)\s+"
             r"(?P<definition>[`\"]?\w+[`\"]?\s+.+?)(?:\s+(?P<position>FIRST|AFTER\s+[`\"]?\w+[`\"]?))?")),
    ("optimize", "DML", "OPTIMIZE",
     _simple(rf"OPTIMIZE\s+(?P<table>{_NAME})\s+REWRITE\s+DATA\s+USING\s+BIN_PACK(?:\s+WHERE\s+(?P<where>.+?))?")),
    ("vacuum", "DDL", "VACUUM", _simple(rf"VACUUM\s+(?P<table>{_NAME})")),
    ("unload", "DML", "UNLOAD",
     _simple(r"UNLOAD\s*\((?P<query>.*)\)\s*TO\s*'(?P<location>[^']*)'\s*(?:WITH\s*\((?P<props>.*)\))?")),
    ("prepare", "UTILITY", "PREPARE", _PREPARE),
    ("execute", "DML", "EXECUTE", _EXECUTE),
    ("deallocate", "UTILITY", "DEALLOCATE", _simple(r"DEALLOCATE\s+PREPARE\s+(?P<name>\w+)")),
]

_EXPLAIN = re.compile(r"^\s*EXPLAIN\s+(?P<analyze>ANALYZE\s+)?(?:\((?P<options>[^)]*)\)\s*)?(?P<query>.+?)\s*;?\s*$",
                      re.IGNORECASE | re.DOTALL)
# A CREATE TABLE whose AS is followed by a query is Trino's CTAS; Trino's lexer skips the
# comments and blanks between AS and the query (awswrangler's CTAS puts a user's query,
# leading comment and all, right after `AS `).
_COMMENT = r"--[^\n]*(?:\n|$)|/\*.*?\*/"   # a line or a block comment, as Trino's lexer reads them
_QUERY_GAP = rf"(?:\s|{_COMMENT})*"
_HIVE_DDL = re.compile(r"^\s*CREATE\s+(?:EXTERNAL\s+)?TABLE\b"
                       rf"(?!.*\bAS\b{_QUERY_GAP}(?:(?:SELECT|WITH|VALUES)\b|\())", re.IGNORECASE | re.DOTALL)


# Trino's CTAS (`CREATE TABLE t [WITH (...)] AS ...`) takes only a query after AS: another
# statement there (awswrangler's CTAS approach wraps whatever it is given, `SHOW TABLES`
# too) is refused at its first word.
_CTAS_BODY = re.compile(rf"\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}\s*"
                        r"(?:WITH\s*\((?:[^()']|'(?:[^']|'')*'|\([^()]*\))*\)\s*)?"
                        rf"AS\b{_QUERY_GAP}(?P<word>[A-Za-z_]\w*)", re.IGNORECASE | re.DOTALL)
_QUERY_WORDS = {"SELECT", "WITH", "VALUES", "TABLE"}


def _refuse_ctas_body(sql: str):
    match = _CTAS_BODY.match(sql)
    if match is None or match.group("word").upper() in _QUERY_WORDS:
        return
    offset = match.start("word")
    line, column = sql[:offset].count("\n") + 1, offset - sql.rfind("\n", 0, offset)
    raise SqlSyntaxError(line, column, f"mismatched input '{match.group('word')}'. "
                                       "Expecting: '(', 'SELECT', 'TABLE', 'VALUES', 'WITH'")


_STARTS = {"SELECT", "WITH", "VALUES", "(", "TABLE", "SHOW", "DESCRIBE", "DESC", "CREATE", "DROP", "ALTER", "MSCK",
           "INSERT", "EXPLAIN", "UNLOAD", "PREPARE", "EXECUTE", "DEALLOCATE", "DELETE", "UPDATE", "MERGE", "OPTIMIZE",
           "VACUUM"}
_EXPECTING = ("Expecting: 'ALTER', 'ANALYZE', 'CALL', 'COMMENT', 'COMMIT', 'CREATE', 'DEALLOCATE', 'DELETE', "
              "'DENY', 'DESC', 'DESCRIBE', 'DROP', 'EXECUTE', 'EXPLAIN', 'GRANT', 'INSERT', 'MERGE', 'PREPARE', "
              "'REFRESH', 'RESET', 'REVOKE', 'ROLLBACK', 'SELECT', 'SET', 'SHOW', 'START', 'TABLE', 'TRUNCATE', "
              "'UPDATE', 'USE', 'VALUES', 'WITH', <query>")


def _check_start(sql: str):
    """Trino refuses an unknown first word at that word, before anything else."""
    match = re.match(r"\s*(\(|[A-Za-z_]+)", sql)
    if match is None or match.group(1).upper() not in _STARTS:
        line = sql[:match.start(1)].count("\n") + 1 if match else 1
        word = match.group(1) if match else sql.strip()[:1] or "<EOF>"
        column = (match.start(1) - sql.rfind("\n", 0, match.start(1))) if match else 1
        raise SqlSyntaxError(line, column, f"mismatched input '{word}'. {_EXPECTING}")


_VIEW_COLUMNS = re.compile(rf"\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+{_NAME}\s*(\()", re.IGNORECASE)


def _refuse_view_columns(sql: str):
    """Trino's CREATE VIEW names no columns (`CREATE VIEW v (a, b) AS ...`): its parser
    stops at the `(`."""
    match = _VIEW_COLUMNS.match(sql)
    offset = match.start(1) if match else 0
    line, column = sql[:offset].count("\n") + 1, offset - sql.rfind("\n", 0, offset)
    raise SqlSyntaxError(line, column, "mismatched input '('. Expecting: '.', 'AS', 'COMMENT', 'SECURITY'")


def is_execute(sql: str) -> bool:
    """EXECUTE of a prepared statement: its `?` are in the prepared text, not in `sql`."""
    return _EXECUTE.match(sql) is not None


# Comments before a statement: Trino's lexer skips them, and so does Athena's routing;
# Hive's older parser knows `--` but not `/* */`, and Athena's Hive DDL fails at the
# `/` (seen with MSCK REPAIR TABLE, DESCRIBE and CREATE EXTERNAL TABLE).
_LEADING_COMMENTS = re.compile(rf"(?:\s*(?:{_COMMENT}))+", re.DOTALL)
_HIVE_PARSED = {"create_table", "msck", "describe"}


def _without_leading_comments(sql: str) -> tuple[str, str | None]:
    """`sql` with its leading comments blanked (lines and columns kept for the errors
    that follow), and Hive's refusal of its first block comment, if it has one."""
    found = _LEADING_COMMENTS.match(sql)
    if found is None:
        return sql, None
    comments = found.group()
    blanked = re.sub(r"[^\n]", " ", comments) + sql[found.end():]
    block = next((c.start() for c in re.finditer(r"--[^\n]*|/\*", comments) if c.group() == "/*"), None)
    if block is None:
        return blanked, None
    after = re.match(r"\s*(\w+|.)", comments[block + 2:], re.DOTALL)
    line, column = comments.count("\n", 0, block) + 1, block - (comments.rfind("\n", 0, block) + 1)
    return blanked, f"FAILED: ParseException line {line}:{column} cannot recognize input near '/' '*' " \
                    f"'{after.group(1) if after else '<EOF>'}'"


def classify(sql: str) -> Statement:
    """The statement, parsed; SqlSyntaxError when it does not parse."""
    sql, hive_refusal = _without_leading_comments(sql)
    statement = _classify(sql)
    if hive_refusal and statement.kind in _HIVE_PARSED:
        statement.args["hive_refusal"] = hive_refusal
    return statement


def _classify(sql: str) -> Statement:
    _check_start(sql)
    for kind, statement_type, substatement, pattern in _UTILITY:
        match = pattern.match(sql)
        if match:
            args = {name: value for name, value in match.groupdict().items()}
            statement = Statement(kind, statement_type, substatement, args=args)
            if kind in ("unload", "prepare"):
                statement.tree = dialect.parse(args["query"])
            if kind == "optimize":      # the WHERE, checked now; the table is its FROM
                where = f" WHERE {args['where']}" if args.get("where") else ""
                statement.tree = dialect.parse(f"SELECT * FROM {args['table']}{where}")
            return statement
    explain = _EXPLAIN.match(sql)
    if explain:
        return Statement("explain", "DML", "EXPLAIN", dialect.parse(explain.group("query")),
                         {"analyze": bool(explain.group("analyze"))})
    _refuse_ctas_body(sql)
    if _HIVE_DDL.match(sql):
        return Statement("create_table", "DDL", "CREATE_TABLE", dialect.parse(_strip_semicolon(sql), read="hive"))
    tree = dialect.parse(sql)
    if isinstance(tree, exp.Command) or any(not select.expressions for select in tree.find_all(exp.Select)):
        raise SqlSyntaxError(1, len(sql.rstrip().rstrip(";")) + 1, "mismatched input '<EOF>'")
    if isinstance(tree, exp.Values):      # a bare VALUES is a query; Trino names its columns _col0, ...
        width = len(tree.expressions[0].expressions) if isinstance(tree.expressions[0], exp.Tuple) else 1
        tree = exp.select("*").from_(exp.Subquery(this=tree, alias=exp.TableAlias(
            this=exp.to_identifier("_values"), columns=[exp.to_identifier(f"_col{i}") for i in range(width)])))
    if isinstance(tree, exp.Create) and tree.kind == "TABLE" and tree.expression is not None:
        return Statement("ctas", "DDL", "CREATE_TABLE_AS_SELECT", tree)
    if isinstance(tree, exp.Create) and tree.kind == "VIEW":
        if isinstance(tree.this, exp.Schema):
            _refuse_view_columns(sql)
        return Statement("create_view", "DDL", "CREATE_VIEW", tree)
    if isinstance(tree, exp.Insert):
        return Statement("insert", "DML", "INSERT", tree)
    if isinstance(tree, exp.Delete):
        return Statement("delete", "DML", "DELETE", tree)
    if isinstance(tree, exp.Update):
        return Statement("update", "DML", "UPDATE", tree)
    if isinstance(tree, exp.Merge):
        return Statement("merge", "DML", "MERGE", tree)
    if isinstance(tree, exp.Query):
        return Statement("select", "DML", "SELECT", tree)
    raise dialect.NotSupported(f"{type(tree).__name__.upper()} statements are not supported")


def _strip_semicolon(sql: str) -> str:
    return sql.strip().rstrip(";")


_PLACEHOLDER_OR_SKIPPED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|\?", re.DOTALL)


def placeholders(sql: str) -> list[int]:
    """Where the `?` placeholders of `sql` are (outside quotes and comments)."""
    return [found.start() for found in _PLACEHOLDER_OR_SKIPPED.finditer(sql) if found.group() == "?"]


def bind_parameters(sql: str, values: list[str]) -> str:
    """Replace the `?` placeholders (outside quotes and comments) with the given SQL
    literals, in order. Raises ValueError with Trino's words when the counts differ."""
    offsets = placeholders(sql)
    if len(offsets) != len(values):
        raise ValueError(f"Incorrect number of parameters: expected {len(offsets)} but found {len(values)}")
    pieces, start = [], 0
    for offset in offsets:
        pieces.append(sql[start:offset])
        start = offset + 1
    return "".join(piece + value for piece, value in zip(pieces, values)) + sql[start:]


def takes_parameters(sql: str) -> bool:
    """Whether the `?` of `sql` are bound at submission: not those of a statement being
    prepared, nor an EXECUTE (its `?` are in the prepared text)."""
    return not (is_execute(sql) or _PREPARE.match(sql))


def split_name(name: str, default_db: str) -> tuple[str, str]:
    """`db.table` (quotes and backticks dropped) -> ("db", "table"), lower-cased."""
    parts = [part.strip().strip('`"') for part in re.split(r"\.(?=(?:[^`\"]*[`\"][^`\"]*[`\"])*[^`\"]*$)", name)]
    if len(parts) == 1:
        return default_db.lower(), parts[0].lower()
    return parts[-2].lower(), parts[-1].lower()
