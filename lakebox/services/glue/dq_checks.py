"""DQDL rules computed over a catalog table: each rule is one SQL query (Athena's engine,
through Athena's `public.plan_select`), its row read into the rule's metrics (named as
the DQDL rule type reference's "Reported Metrics"), and the metrics judged against the
rule's condition as Glue Data Quality (Deequ) judges them: PASS, or FAIL with
"Value: <metric> does not meet the constraint requirement!" (the metric as Java prints a
double, as in Glue's results; ColumnCount's "Dataset has <n> columns and failed to
satisfy constraint", as a Glue result quoted by a data-quality monitoring sample's tests
has it), or ERROR when the metric cannot be computed ("Input data does not include
column <c>!", Deequ's words)."""
import datetime
import math
import re

from lakebox.engine.text import java_double
from lakebox.services.glue import dq_compare
from lakebox.services.glue.dq_rules import Keyword, Moment, Rule

_FAILED = "Value: {} does not meet the constraint requirement!"
# rules whose metrics must all be 1.0 (or meet the rule's threshold)
_COMPLIANCE = {"IsComplete", "IsUnique", "IsPrimaryKey", "ColumnNamesMatchPattern", "DataFreshness", "ColumnDataType"}


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value) -> str:
    if isinstance(value, float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _predicate(op: str, value: str, args: list) -> str:
    """A DQDL condition on one value as SQL (`between` excludes its bounds)."""
    if op in ("matches", "not matches"):
        pattern = _literal("^(?:" + args[0][1:-1].replace("''", "'") + ")$")
        return f"{'NOT ' if op == 'not matches' else ''}regexp_like({value}, {pattern})"
    return {
        "between": lambda: f"{value} > {args[0]} AND {value} < {args[-1]}",
        "not between": lambda: f"{value} <= {args[0]} OR {value} >= {args[-1]}",
        "in": lambda: f"{value} IN ({', '.join(args)})",
        "not in": lambda: f"{value} NOT IN ({', '.join(args)})",
        "!=": lambda: f"{value} <> {args[0]}", "<>": lambda: f"{value} <> {args[0]}",
    }.get(op, lambda: f"{value} {op} {args[0]}")()


def _compliance(op: str, value: str, operands: list) -> str:
    """Whether one row complies with a ColumnValues condition, nulls included: a value
    set (in, =) is met by a present value in it or by a keyword it names; its negation
    (not in, !=) by a missing value too unless NULL is named; a numeric range admits
    nulls (completeness is checked on its own), its negation does not."""
    values = [_literal(v) for v in operands if not isinstance(v, Keyword) and v != "NULL"]
    keywords = {str(v) for v in operands if isinstance(v, Keyword) or v == "NULL"}
    if op in ("matches", "not matches"):
        return f"{value} IS NOT NULL AND ({_predicate(op, value, values)})"
    if op == "between":
        return f"{value} IS NULL OR ({value} > {values[0]} AND {value} < {values[1]})"
    if op == "not between":
        return f"{value} IS NOT NULL AND ({value} <= {values[0]} OR {value} >= {values[1]})"
    if op in ("in", "="):
        parts = [f"{value} IS NULL"] if "NULL" in keywords else []
        parts += [f"{value} = ''"] if "EMPTY" in keywords else []
        parts += [f"(length(trim({value})) = 0 AND length({value}) > 0)"] if "WHITESPACES_ONLY" in keywords else []
        parts += [f"({value} IS NOT NULL AND {value} IN ({', '.join(values)}))"] if values else []
        return " OR ".join(parts) or "false"
    if op in ("not in", "!=", "<>"):
        parts = [f"{value} IS NOT NULL"] if "NULL" in keywords else []
        parts += [f"{value} <> ''"] if "EMPTY" in keywords else []
        parts += [f"(length(trim({value})) > 0 OR length({value}) = 0)"] if "WHITESPACES_ONLY" in keywords else []
        parts += [f"({value} IS NULL OR {value} NOT IN ({', '.join(values)}))"] if values else []
        return " AND ".join(parts) or "true"
    return f"{value} IS NOT NULL AND ({_predicate(op, value, values)})"


def _share(column: str, predicate: str) -> str:
    """The share of all rows whose value is present and meets the predicate."""
    return f"avg(CASE WHEN {column} IS NOT NULL AND ({predicate}) THEN DOUBLE '1' ELSE DOUBLE '0' END)"


class Check:
    """One rule's query and how its answer becomes metrics and an outcome."""

    def __init__(self, rule: Rule, table: dict, now: float = 0.0, references: dict | None = None,
                 pushdown: str | None = None):
        self.rule = rule
        self.pushdown = pushdown
        self.now = now                              # the run's start: DataFreshness measures ages from it
        self.references = references or {}         # AdditionalDataSources: alias -> catalog table
        self.database, self.table = table["DatabaseName"], table["Name"]
        sd = table.get("StorageDescriptor") or {}
        self.columns = {c["Name"].lower(): c.get("Type") or "string"
                        for c in (sd.get("Columns") or []) + (table.get("PartitionKeys") or [])}
        self.sql = None
        self.names = []            # metric names, in the order of the query's columns
        self.error = None          # the rule cannot be computed at all
        self.constant = {}         # metrics known without a query
        if rule.operator is None:
            self._build()

    # -- building the query -------------------------------------------------

    def _from(self) -> str:
        where = f" WHERE ({self.rule.where})" if self.rule.where is not None else ""
        return f"FROM {self._table()}{where}"

    def _column(self, name: str) -> str | None:
        if name.lower() not in self.columns:
            self.error = f"Input data does not include column {name}!"
            return None
        return ident(name.lower())

    def _select(self, names, expressions):
        self.names = names
        self.sql = f"SELECT {', '.join(expressions)} {self._from()}"

    def _build(self):
        rule, kind = self.rule, self.rule.type
        if kind == "RowCount":
            return self._select(["Dataset.*.RowCount"], ["count(*)"])
        if kind == "ColumnCount":
            self.constant = {"Dataset.*.ColumnCount": float(len(self.columns))}
            return None
        if kind == "ColumnExists":
            return None
        if kind == "CustomSql":
            return self._custom_sql()
        if kind in dq_compare.KINDS:
            return dq_compare.build(self)
        if kind == "ColumnNamesMatchPattern":
            pattern = re.compile(rule.parameters[0])
            matched = [name for name in self.columns if pattern.fullmatch(name)]
            self.constant = {"Dataset.*.ColumnNamesPatternMatchRatio": len(matched) / max(len(self.columns), 1)}
            return None
        if kind == "ColumnCorrelation":
            first, second = (self._column(name) for name in rule.parameters)
            if not self.error:
                self._select([f"Multicolumn.{','.join(rule.parameters)}.ColumnCorrelation"],
                             [f"corr(CAST({first} AS double), CAST({second} AS double))"])
            return None
        if kind == "IsPrimaryKey":
            columns = [self._column(name) for name in rule.parameters]
            if self.error:
                return None
            return self._uniqueness(columns, with_completeness=True)
        column = self._column(rule.parameters[0])
        if self.error:
            return None
        name = rule.parameters[0]
        if kind in ("Completeness", "IsComplete"):
            return self._select([f"Column.{name}.Completeness"],
                                [f"CAST(count({column}) AS double) / NULLIF(count(*), 0)"])
        if kind in ("Uniqueness", "IsUnique"):
            return self._uniqueness([column])
        if kind == "Mean":
            return self._select([f"Column.{name}.Mean"], [f"avg(CAST({column} AS double))"])
        if kind == "Sum":
            return self._select([f"Column.{name}.Sum"], [f"sum(CAST({column} AS double))"])
        if kind == "StandardDeviation":
            return self._select([f"Column.{name}.StandardDeviation"], [f"stddev_pop(CAST({column} AS double))"])
        if kind == "DistinctValuesCount":
            return self._select([f"Column.{name}.DistinctValuesCount"], [f"count(DISTINCT {column})"])
        if kind == "ColumnLength":
            return self._select([f"Column.{name}.MaximumLength", f"Column.{name}.MinimumLength"],
                                [f"max(length({column}))", f"min(length({column}))"])
        if kind in ("Entropy", "UniqueValueRatio"):
            return self._frequencies(name, column)
        if kind == "DataFreshness":
            return self._freshness(name, column)
        if kind == "ColumnDataType":
            return self._data_type(name, column)
        return self._values(name, column)

    def _table(self) -> str:
        """The primary dataset: the table, or the rows of the partitions the data source's
        `pushDownPredicate` (or `catalogPartitionPredicate`) keeps."""
        name = f"{ident(self.database)}.{ident(self.table)}"
        if self.pushdown:
            return f"(SELECT * FROM {name} WHERE ({self.pushdown}))"
        return name

    def _custom_sql(self):
        """CustomSql over `primary`: its one value against the condition, or without a
        condition (row-level) the share of the table's rows the statement selects."""
        statement = re.sub(r"\bprimary\b", self._table(), self.rule.parameters[0], flags=re.IGNORECASE)
        if self.rule.condition is not None:
            self.names, self.sql = ["Dataset.*.CustomSQL"], statement
            return None
        self.names = ["Dataset.*.CustomSQL.Compliance"]
        total = f"NULLIF((SELECT count(*) {self._from()}), 0)"
        self.sql = f"SELECT CAST((SELECT count(*) FROM ({statement})) AS double) / {total}"
        return None

    def _frequencies(self, name, column):
        """Deequ's Entropy (-sum p ln p of each value's share of all rows) and
        UniqueValueRatio (values held by one row alone, over distinct values)."""
        where = f"({self.rule.where}) AND " if self.rule.where is not None else ""
        groups = f"(SELECT count(*) AS n FROM {self._table()} WHERE {where}{column} IS NOT NULL GROUP BY {column})"
        if self.rule.type == "Entropy":
            share = f"CAST(n AS double) / (SELECT count(*) {self._from()})"
            self.names, self.sql = [f"Column.{name}.Entropy"], f"SELECT -sum(({share}) * ln({share})) FROM {groups}"
        else:
            self.names = [f"Column.{name}.UniqueValueRatio"]
            self.sql = f"SELECT CAST(count_if(n = 1) AS double) / NULLIF(count(*), 0) FROM {groups}"

    def _freshness(self, name, column):
        """The share of rows whose value is as recent as the condition says: its age in
        hours (rounded to 2 places, from the run's start), as Deequ's DataFreshness."""
        hours = (f"round((DOUBLE '{self.now!r}' - to_unixtime(CAST({column} AS timestamp))) / 3600, 2)")
        args = [repr(v) for v in self.rule.condition.operands]
        predicate = _predicate(self.rule.condition.operator, hours, args)
        self._select([f"Column.{name}.DataFreshness.Compliance"], [_share(column, predicate)])

    def _data_type(self, name, column):
        wanted = str(self.rule.condition.operands[0]).upper()
        target = {"INTEGER": "integer", "LONG": "bigint", "DOUBLE": "double", "FLOAT": "real",
                  "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp"}.get(wanted, "varchar")
        predicate = f"try_cast(CAST({column} AS varchar) AS {target}) IS NOT NULL"
        self._select([f"Column.{name}.ColumnDataType.Compliance"], [_share(column, predicate)])

    def _uniqueness(self, columns, with_completeness=False):
        """Deequ's Uniqueness: the share of all rows whose (non-null) value no other row has."""
        label = ",".join(self.rule.parameters)
        keys = ", ".join(columns)
        present = " AND ".join(f"{c} IS NOT NULL" for c in columns)
        where = f"({self.rule.where}) AND " if self.rule.where is not None else ""
        table = self._table()
        total = f"(SELECT count(*) {self._from()})"
        unique = (f"(SELECT CAST(count_if(n = 1) AS double) FROM (SELECT count(*) AS n FROM {table} "
                  f"WHERE {where}{present} GROUP BY {keys}))")
        names, expressions = [], []
        if with_completeness:
            for name, column in zip(self.rule.parameters, columns):
                names.append(f"Column.{name}.Completeness")
                expressions.append(f"(SELECT CAST(count({column}) AS double) / NULLIF(count(*), 0) {self._from()})")
        prefix = "Column" if len(columns) == 1 else "Multicolumn"
        names.append(f"{prefix}.{label}.Uniqueness")
        expressions.append(f"{unique} / NULLIF({total}, 0)")
        self.names, self.sql = names, "SELECT " + ", ".join(expressions)

    def _values(self, name, column):
        """ColumnValues as Deequ's ColumnValuesRule checks it: a comparison is the column's
        minimum or maximum (and the column complete), the other operators the share of
        rows that comply, with its own treatment of nulls and the NULL/EMPTY/
        WHITESPACES_ONLY keywords."""
        condition = self.rule.condition
        op, operands = condition.operator, condition.operands
        if any(isinstance(v, Moment) for v in operands) or (
                op in ("between", "not between", ">", ">=", "<", "<=") and any(isinstance(v, str) for v in operands)):
            return self._dates(name, column, op, operands)
        numeric = op not in ("matches", "not matches") and \
            all(isinstance(v, float) or v == "NULL" for v in operands) and any(isinstance(v, float) for v in operands)
        complete = f"CAST(count({column}) AS double) / NULLIF(count(*), 0)"
        number = f"TRY_CAST({column} AS double)"
        if numeric and op in (">", ">=") and "NULL" not in operands:
            return self._select([f"Column.{name}.Minimum", "_completeness"], [f"min({number})", complete])
        if numeric and op in ("<", "<=") and "NULL" not in operands:
            return self._select([f"Column.{name}.Maximum", "_completeness"], [f"max({number})", complete])
        if numeric and op == "=" and "NULL" not in operands:
            return self._select([f"Column.{name}.Maximum", f"Column.{name}.Minimum", "_completeness"],
                                [f"max({number})", f"min({number})", complete])
        metric = f"Column.{name}.PatternMatch" if op.endswith("matches") else f"Column.{name}.ColumnValues.Compliance"
        predicate = _compliance(op, number if numeric else f"CAST({column} AS varchar)", operands)
        names, expressions = [metric], [f"avg(CASE WHEN {predicate} THEN DOUBLE '1' ELSE DOUBLE '0' END)"]
        if numeric and op == "between":                 # Deequ adds isComplete to a numeric range
            names.append("_completeness")
            expressions.append(complete)
        return self._select(names, expressions)

    def _dates(self, name, column, op, operands):
        """A date condition (quoted dates, now() and (now() - N days)): the share of rows
        whose value, as a date, meets it (Deequ's ColumnValuesDateRule; a null meets none
        but `!=`)."""
        day = f"TRY_CAST(substr(CAST({column} AS varchar), 1, 10) AS date)"
        dates = []
        for value in operands:
            if isinstance(value, Moment):
                moment = datetime.datetime.fromtimestamp(self.now + value * 3600, datetime.timezone.utc)
                dates.append(f"DATE '{moment.date().isoformat()}'")
            else:
                dates.append(f"DATE '{str(value)[:10]}'")
        if op == "!=":
            predicate = f"{column} IS NULL OR {day} <> {dates[0]}"
        else:
            predicate = _predicate(op, day, dates)
        self._select([f"Column.{name}.ColumnValues.Compliance"],
                     [f"avg(CASE WHEN {predicate} THEN DOUBLE '1' ELSE DOUBLE '0' END)"])

    # -- judging ------------------------------------------------------------

    def metrics(self, row) -> dict:
        found = dict(self.constant)
        for name, value in zip(self.names, row or ()):
            value = None if value is None else float(value)
            found[name] = None if value is None or math.isnan(value) or math.isinf(value) else value
        return found

    def judge(self, found: dict) -> tuple[str, str | None]:
        """(PASS | FAIL | ERROR, the evaluation message) from the rule's metrics."""
        rule, kind = self.rule, self.rule.type
        if kind == "ColumnExists":
            present = rule.parameters[0].lower() in self.columns
            return ("PASS", None) if present else ("FAIL", f"Input data does not include column {rule.parameters[0]}!")
        shown = {k: v for k, v in found.items() if not k.startswith("_")}
        if found.get("_keys_suitable") == 0.0:
            return "ERROR", "Provided key map not suitable for given data frames"
        if any(v is None for v in shown.values()):
            return "ERROR", "Metric could not be computed: the data has no rows to compute it over"
        if kind in _COMPLIANCE or (kind == "CustomSql" and rule.condition is None):
            for value in shown.values():
                if not (rule.threshold.holds(value) if rule.threshold is not None else value == 1.0):
                    return "FAIL", _FAILED.format(java_double(value))
            return "PASS", None
        if kind == "ColumnLength":
            name = rule.parameters[0]
            low, high = found[f"Column.{name}.MinimumLength"], found[f"Column.{name}.MaximumLength"]
            op = rule.condition.operator
            checked = [low] if op in (">", ">=") else [high] if op in ("<", "<=") else [low, high]
            for value in checked:
                if not rule.condition.holds(value):
                    return "FAIL", _FAILED.format(java_double(value))
            return "PASS", None
        if kind == "ColumnValues":
            return self._judge_values(found)
        value = next(iter(shown.values()))
        if rule.condition.holds(value):
            return "PASS", None
        if kind == "ColumnCount":
            return "FAIL", f"Dataset has {java_double(value)} columns and failed to satisfy constraint"
        return "FAIL", _FAILED.format(java_double(value))

    def _judge_values(self, found):
        rule = self.rule
        shown = [(k, v) for k, v in found.items() if not k.startswith("_")]
        if any(k.endswith(("ColumnValues.Compliance", "PatternMatch")) for k, _ in shown):
            value = shown[0][1]
            passed = rule.threshold.holds(value) if rule.threshold is not None else value == 1.0
            if not passed:
                return "FAIL", _FAILED.format(java_double(value))
            completeness = found.get("_completeness")
            if completeness is not None and completeness != 1.0:
                return "FAIL", _FAILED.format(java_double(completeness))
            return "PASS", None
        for _, value in shown:
            if not rule.condition.holds(value):
                return "FAIL", _FAILED.format(java_double(value))
        completeness = found.get("_completeness")
        if completeness is not None and completeness != 1.0:
            return "FAIL", _FAILED.format(java_double(completeness))
        return "PASS", None


def shown_metrics(found: dict) -> dict:
    return {k: v for k, v in found.items() if not k.startswith("_") and v is not None}
