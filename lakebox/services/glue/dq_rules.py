"""DQDL, the Data Quality Definition Language of Glue Data Quality: a ruleset read into
rules (`parse`), each rule turned into one SQL query over the catalog table (`plan`), and
the metrics that query answers judged against the rule's condition (`judge`).

The rule types, their parameters and conditions follow the DQDL reference (rule type
reference: RowCount, ColumnCount, Completeness, IsComplete, IsUnique, Uniqueness,
IsPrimaryKey, ColumnValues, ColumnLength, Mean, Sum, StandardDeviation,
DistinctValuesCount, ColumnExists, CustomSql); metric names are the reference's
"Reported Metrics" column. Conditions are those of the DQDL parser: `between` excludes
its bounds, `=`/`in` compare the metric exactly. Refusals use the DQDL parser's words
("Rule Type: X is not valid", "No condition provided for rule with non-boolean rule type:
X", "Unexpected condition for rule of type X with boolean return type", "No rules
provided.")."""
import re
from dataclasses import dataclass, field

NUMBER, BOOLEAN, VALUES, DURATION, NUMBER_OR_BOOLEAN = "NUMBER", "BOOLEAN", "VALUES", "DURATION", "NUMBER|BOOLEAN"
# rule type -> (parameter counts: a tuple, or "+" for one or more; what its condition compares), as the
# DQDL parser's rules-config.json declares them
RULE_TYPES = {
    "RowCount": ((0,), NUMBER), "ColumnCount": ((0,), NUMBER), "Completeness": ((1,), NUMBER),
    "IsComplete": ((1,), BOOLEAN), "IsUnique": ((1,), BOOLEAN), "Uniqueness": ((1,), NUMBER),
    "IsPrimaryKey": ("+", BOOLEAN), "ColumnValues": ((1,), VALUES), "ColumnLength": ((1,), NUMBER),
    "Mean": ((1,), NUMBER), "Sum": ((1,), NUMBER), "StandardDeviation": ((1,), NUMBER),
    "DistinctValuesCount": ((1,), NUMBER), "ColumnExists": ((1,), BOOLEAN), "CustomSql": ((1,), NUMBER_OR_BOOLEAN),
    "Entropy": ((1,), NUMBER), "UniqueValueRatio": ((1,), NUMBER), "ColumnCorrelation": ((2,), NUMBER),
    "ColumnNamesMatchPattern": ((1,), BOOLEAN), "ColumnDataType": ((1,), VALUES), "DataFreshness": ((1,), DURATION),
    "RowCountMatch": ((1,), NUMBER), "ReferentialIntegrity": ((2,), NUMBER), "DatasetMatch": ((2, 3), NUMBER),
    "SchemaMatch": ((1,), NUMBER), "AggregateMatch": ((2,), NUMBER), "DetectAnomalies": ("+", BOOLEAN),
}
ANALYZERS_ONLY = {"AllStatistics"}
_HOURS = {"hour": 1.0, "hours": 1.0, "day": 24.0, "days": 24.0, "minute": 1 / 60, "minutes": 1 / 60}
_TOKEN = re.compile(r'\s*(?:(?P<comment>#[^\n]*)|(?P<str>"(?:[^"\\]|\\.)*")|'
                    r'(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<op>>=|<=|!=|<>|=|>|<)|(?P<punct>[\[\](),+-])|'
                    r'(?P<word>[A-Za-z_][A-Za-z0-9_.]*))')


class Keyword(str):
    """NULL, EMPTY or WHITESPACES_ONLY among a condition's values (the DQDL reference's
    keywords for missing values)."""


KEYWORDS = ("NULL", "EMPTY", "WHITESPACES_ONLY")


class DqdlError(ValueError):
    """A ruleset DQDL refuses; the message is the DQDL parser's."""


@dataclass
class Condition:
    operator: str                     # > >= < <= = != between, not between, in, not in, matches, not matches
    operands: list                    # numbers (float) or strings
    text: list = field(default_factory=list)    # the operands as written

    def formatted(self) -> str:
        if self.operator in ("between", "not between"):
            return f"{self.operator} {self.text[0]} and {self.text[1]}"
        if self.operator in ("in", "not in"):
            return f"{self.operator} [{','.join(self.text)}]"
        return f"{self.operator} {self.text[0]}"

    def holds(self, value) -> bool:
        if value is None:
            return False
        op, args = self.operator, self.operands
        if op == "between":
            return args[0] < value < args[1]
        if op == "not between":
            return not (args[0] < value < args[1])
        if op == "in":
            return value in args
        if op == "not in":
            return value not in args
        return _compare(op, value, args[0])


def _compare(op, value, other) -> bool:
    return {">": value > other, ">=": value >= other, "<": value < other, "<=": value <= other, "=": value == other,
            "!=": value != other, "<>": value != other}.get(op, False)


@dataclass
class Rule:
    type: str
    parameters: list
    condition: Condition | None = None
    where: str | None = None
    threshold: Condition | None = None
    operator: str | None = None       # "and" / "or" of a composite rule
    parts: list = field(default_factory=list)

    def describe(self) -> str:
        """The rule as Glue writes it back (a result's Description)."""
        if self.operator:
            return f" {self.operator} ".join(f"({part.describe()})" for part in self.parts)
        text = " ".join([self.type] + [f'"{p}"' for p in self.parameters])
        if self.condition is not None:
            text += " " + self.condition.formatted()
        if self.where is not None:
            text += f' where "{self.where}"'
        if self.threshold is not None:
            text += " with threshold " + self.threshold.formatted()
        return text


class _Tokens:
    def __init__(self, text: str):
        self.items, position = [], 0
        while position < len(text):
            if not text[position:].strip():
                break
            found = _TOKEN.match(text, position)
            if found is None:
                raise DqdlError(f"token recognition error at: '{text[position:].strip()[:1]}'")
            kind = found.lastgroup
            value = found.group(kind)
            position = found.end()
            if kind == "comment":
                continue
            self.items.append((kind, value[1:-1].replace('\\"', '"') if kind == "str" else value))
        self.at = 0

    def peek(self, offset=0):
        index = self.at + offset
        return self.items[index] if index < len(self.items) else (None, None)

    def take(self):
        item = self.peek()
        self.at += 1
        return item

    def expect(self, value):
        kind, found = self.take()
        if found != value:
            raise DqdlError(f"mismatched input '{found if found is not None else '<EOF>'}' expecting '{value}'")

    def word(self, value) -> bool:
        kind, found = self.peek()
        if kind == "word" and found.lower() == value:
            self.at += 1
            return True
        return False


def parse(text: str) -> list[Rule]:
    """The ruleset's rules, or DqdlError."""
    tokens = _Tokens(text)
    while tokens.peek()[1] is not None and tokens.peek()[1] != "Rules":      # Metadata / DataSources: skipped
        tokens.take()
    if tokens.peek()[1] != "Rules":
        raise DqdlError("No rules provided.")
    tokens.take()
    tokens.expect("=")
    tokens.expect("[")
    if tokens.peek()[1] == "]":
        raise DqdlError("No rules provided.")
    rules = [_top_rule(tokens)]
    while tokens.peek()[1] == ",":
        tokens.take()
        rules.append(_top_rule(tokens))
    tokens.expect("]")
    if tokens.peek()[1] is not None:
        raise DqdlError(f"extraneous input '{tokens.peek()[1]}' expecting <EOF>")
    return rules


def _top_rule(tokens) -> Rule:
    if tokens.peek()[1] != "(":
        return _rule(tokens)
    parts, operator = [], None
    while True:
        tokens.expect("(")
        parts.append(_top_rule(tokens))
        tokens.expect(")")
        kind, word = tokens.peek()
        if kind == "word" and word.lower() in ("and", "or") and (operator in (None, word.lower())):
            operator = word.lower()
            tokens.take()
            continue
        break
    if len(parts) == 1:
        return parts[0]
    return Rule("Composite", [], operator=operator, parts=parts)


def _rule(tokens) -> Rule:
    kind, name = tokens.take()
    if kind != "word":
        raise DqdlError(f"mismatched input '{name if name is not None else '<EOF>'}' expecting RULE_TYPE")
    parameters = []
    while tokens.peek()[0] == "str":
        parameters.append(tokens.take()[1])
    if name in ANALYZERS_ONLY:
        raise DqdlError(f"Type {name} is not supported in rules section")
    if name not in RULE_TYPES:
        raise DqdlError(f"Rule Type: {name} is not valid")
    counts, returns = RULE_TYPES[name]
    if (counts == "+" and not parameters) or (counts != "+" and len(parameters) not in counts):
        raise DqdlError(f"Rule Type: {name} is not valid")
    rule = Rule(name, parameters)
    condition = _condition(tokens, returns)
    if returns == BOOLEAN and condition is not None:
        raise DqdlError(f"Unexpected condition for rule of type {name} with boolean return type")
    if returns not in (BOOLEAN, NUMBER_OR_BOOLEAN) and condition is None:
        raise DqdlError(f"No condition provided for rule with non-boolean rule type: {name}")
    rule.condition = condition
    if tokens.word("where"):
        kind, clause = tokens.take()
        if kind != "str":
            raise DqdlError(f"mismatched input '{clause}' expecting QUOTED_STRING")
        rule.where = clause
    if tokens.word("with"):
        if not tokens.word("threshold"):
            raise DqdlError(f"mismatched input '{tokens.peek()[1]}' expecting 'threshold'")
        rule.threshold = _condition(tokens, NUMBER)
        if rule.threshold is None or name not in ("ColumnValues", "CustomSql", "ColumnDataType"):
            raise DqdlError(f"Threshold condition not supported for rule type: {name}")
    return rule


def _condition(tokens, returns) -> Condition | None:
    kind, value = tokens.peek()
    negated = False
    if kind == "word" and value.lower() == "not" and tokens.peek(1)[0] == "word":
        negated = True
        tokens.take()
        kind, value = tokens.peek()
    if kind == "op":
        tokens.take()
        operand = _operand(tokens, returns)
        return Condition(value, [operand[0]], [operand[1]])
    if kind != "word" or value.lower() not in ("between", "in", "matches"):
        return None
    tokens.take()
    word = value.lower()
    operator = f"not {word}" if negated else word
    if word == "between":
        low = _operand(tokens, returns if returns in (VALUES, DURATION) else NUMBER)
        if not tokens.word("and"):
            raise DqdlError(f"mismatched input '{tokens.peek()[1]}' expecting 'and'")
        high = _operand(tokens, returns if returns in (VALUES, DURATION) else NUMBER)
        return Condition(operator, [low[0], high[0]], [low[1], high[1]])
    if word == "matches":
        kind, pattern = tokens.take()
        if kind != "str":
            raise DqdlError(f"mismatched input '{pattern}' expecting QUOTED_STRING")
        return Condition(operator, [pattern], [f'"{pattern}"'])
    tokens.expect("[")
    values, texts = [], []
    while True:
        operand = _operand(tokens, returns)
        values.append(operand[0])
        texts.append(operand[1])
        if tokens.peek()[1] != ",":
            break
        tokens.take()
    tokens.expect("]")
    return Condition(operator, values, texts)


class Moment(float):
    """A date operand `now()` or `(now() - 3 days)`: hours from the run's start (the
    DQDL reference's date expressions)."""


def _now_expression(tokens, parenthesized: bool):
    if parenthesized:
        tokens.expect("now")
    tokens.expect("(")
    tokens.expect(")")
    hours, text = 0.0, "now()"
    if parenthesized:
        kind, sign = tokens.peek()
        if sign in ("+", "-"):
            tokens.take()
            amount, written = _operand(tokens, DURATION)
            hours = amount if sign == "+" else -amount
            text = f"(now() {sign} {written})"
        tokens.expect(")")
    return Moment(hours), text


def _operand(tokens, returns):
    kind, value = tokens.take()
    if kind == "num" and returns == DURATION:
        unit = tokens.peek()
        if unit[0] != "word" or unit[1].lower() not in _HOURS:
            raise DqdlError(f"mismatched input '{unit[1]}' expecting {{'days', 'hours', 'minutes'}}")
        tokens.take()
        return float(value) * _HOURS[unit[1].lower()], f"{value} {unit[1].lower()}"
    if kind == "num":
        return float(value), value
    if kind == "str" and returns == VALUES:
        return value, f'"{value}"'
    if kind == "word" and value.upper() in KEYWORDS and returns == VALUES:
        return Keyword(value.upper()), value.upper()
    if returns == VALUES and (value == "(" or (kind == "word" and value.lower() == "now")):
        return _now_expression(tokens, value == "(")
    raise DqdlError(f"mismatched input '{value if value is not None else '<EOF>'}' expecting NUMBER")
