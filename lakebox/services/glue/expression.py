"""Glue's partition `Expression` language, compiled to an SQLite condition.

The language is the SQL WHERE subset Glue documents for GetPartitions: comparisons
(=, <>, !=, <, >, <=, >=), AND, OR, NOT, BETWEEN, IN, LIKE, IS [NOT] NULL and
parentheses over partition-key names, 'string' literals ('' escapes a quote) and
numbers. A key whose type is numeric compares as a number, every other key as text,
as Glue does. Partition values are stored as a JSON array in the `vals` column, so a
key is `json_extract(vals, '$[i]')` and the whole filter runs inside SQLite.

Glue parses an integer key's value to compare it, and a value that is no integer (a
partition `n=null` written by Spark or Hive) fails the whole call rather than matching
or not: the compiled filter names those keys (`Filter.integer_keys`) and the caller
refuses a partition whose value there is not an integer (`not_an_integer`).
"""
import re
from dataclasses import dataclass

INTEGER_TYPES = {"tinyint", "smallint", "int", "integer", "bigint"}
NUMERIC_TYPES = INTEGER_TYPES | {"float", "double", "decimal", "real"}
KEYWORDS = {"AND", "OR", "NOT", "BETWEEN", "IN", "LIKE", "IS", "NULL"}
COMPARISONS = {"=", "<>", "!=", "<", ">", "<=", ">="}

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<op><>|!=|<=|>=|=|<|>|\(|\)|,)
    | (?P<quoted>`[^`]+`|"[^"]+")
    | (?P<word>[A-Za-z_][A-Za-z0-9_$.]*)
    )""", re.VERBOSE)


_INTEGER = re.compile(r"[-+]?[0-9]+")


class ExpressionError(ValueError):
    """The expression cannot be read; the message says where."""


@dataclass
class Filter:
    sql: str                  # the SQL condition
    args: list                # its arguments
    integer_keys: list[int]   # positions of the integer keys it compares as numbers
    column: str = "vals"

    def sql_with_suspects(self) -> str:
        """The condition, also true where an integer key holds no integer, so that such
        partitions reach the caller's check instead of being compared as 0."""
        if not self.integer_keys:
            return self.sql
        suspects = []
        for index in self.integer_keys:
            value = f"json_extract({self.column}, '$[{index}]')"
            digits = f"substr({value}, 1 + (substr({value}, 1, 1) IN ('+', '-')))"
            suspects.append(f"{digits} = '' OR {digits} GLOB '*[^0-9]*'")
        return f"({self.sql} OR " + " OR ".join(suspects) + ")"


@dataclass
class Token:
    kind: str        # string, number, op, name, keyword, end
    text: str


def tokenize(text: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"Unsupported expression near '{text[position:].strip()[:20]}'")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "word" and value.upper() in KEYWORDS:
            tokens.append(Token("keyword", value.upper()))
        elif kind in ("word", "quoted"):
            tokens.append(Token("name", value.strip('`"')))
        elif kind == "string":
            tokens.append(Token("string", value[1:-1].replace("''", "'")))
        else:
            tokens.append(Token(kind, value))
        position = match.end()
    tokens.append(Token("end", ""))
    return tokens


class _Compiler:
    """Recursive descent over the tokens, writing SQL text and its arguments."""

    def __init__(self, tokens, keys: list[tuple[str, str]], column: str):
        self.tokens, self.at = tokens, 0
        self.keys = {name.lower(): (index, type_.lower()) for index, (name, type_) in enumerate(keys)}
        self.column = column
        self.args = []
        self.integer_keys = set()

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def accept(self, kind, text=None) -> bool:
        token = self.peek()
        if token.kind == kind and (text is None or token.text == text):
            self.at += 1
            return True
        return False

    def expect(self, kind, text=None):
        if not self.accept(kind, text):
            found = self.peek().text or "end of expression"
            raise ExpressionError(f"Expected {text or kind} but found '{found}'")

    def expression(self) -> str:
        parts = [self.conjunction()]
        while self.accept("keyword", "OR"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def conjunction(self) -> str:
        parts = [self.negation()]
        while self.accept("keyword", "AND"):
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def negation(self) -> str:
        if self.accept("keyword", "NOT"):
            return f"(NOT COALESCE({self.negation()}, 0))"
        return self.predicate()

    def predicate(self) -> str:
        if self.accept("op", "("):
            inner = self.expression()
            self.expect("op", ")")
            return inner
        left = self.operand()
        token = self.take()
        if token.kind == "op" and token.text in COMPARISONS:
            right = self.operand()
            operator = "<>" if token.text == "!=" else token.text
            return self._compare(left, operator, right)
        negated = token.kind == "keyword" and token.text == "NOT"
        if negated:
            token = self.take()
        if token.kind == "keyword" and token.text == "BETWEEN":
            low = self.operand()
            self.expect("keyword", "AND")
            high = self.operand()
            sql = f"({self._compare(left, '>=', low)} AND {self._compare(left, '<=', high)})"
        elif token.kind == "keyword" and token.text == "IN":
            sql = self._in_list(left)
        elif token.kind == "keyword" and token.text == "LIKE":
            pattern = self.operand()
            if pattern[0] != "literal" or not isinstance(pattern[1], str):
                raise ExpressionError("LIKE needs a string pattern")
            self.args.append(_like_to_glob(pattern[1]))
            sql = f"(CAST({self._key_sql(left, as_text=True)} AS TEXT) GLOB ?)"
        elif token.kind == "keyword" and token.text == "IS" and not negated:
            is_not = self.accept("keyword", "NOT")
            self.expect("keyword", "NULL")
            return f"({self._key_sql(left)} IS {'NOT ' if is_not else ''}NULL)"
        else:
            raise ExpressionError(f"Unexpected '{token.text or 'end of expression'}'")
        return f"(NOT COALESCE({sql}, 0))" if negated else sql

    def _in_list(self, left) -> str:
        self.expect("op", "(")
        items = [self.operand()]
        while self.accept("op", ","):
            items.append(self.operand())
        self.expect("op", ")")
        return "(" + " OR ".join(self._compare(left, "=", item) for item in items) + ")"

    def operand(self):
        token = self.take()
        if token.kind == "name":
            if token.text.lower() not in self.keys:
                # AWS's own words for a column that is not a partition key.
                raise ExpressionError("Invalid partition expression!")
            return ("key", token.text.lower())
        if token.kind == "string":
            return ("literal", token.text)
        if token.kind == "number":
            return ("literal", float(token.text) if any(c in token.text for c in ".eE") else int(token.text))
        raise ExpressionError(f"Unexpected '{token.text or 'end of expression'}'")

    def _numeric(self, operand) -> bool:
        return operand[0] == "key" and self.keys[operand[1]][1].split("(")[0] in NUMERIC_TYPES

    def _key_sql(self, operand, as_text=False) -> str:
        index = self.keys[operand[1]][0]
        raw = f"json_extract({self.column}, '$[{index}]')"
        return raw if as_text or not self._numeric(operand) else f"CAST({raw} AS REAL)"

    def _side(self, operand, numeric: bool) -> str:
        if operand[0] == "key":
            return self._key_sql(operand)
        value = operand[1]
        if numeric:
            try:
                value = float(value)
            except ValueError:
                raise ExpressionError(f"'{value}' is not a number") from None
        else:
            value = str(value)
        self.args.append(value)
        return "?"

    def _compare(self, left, operator, right) -> str:
        numeric = self._numeric(left) or self._numeric(right)
        for operand in (left, right):
            if operand[0] == "key" and self.keys[operand[1]][1].split("(")[0] in INTEGER_TYPES:
                self.integer_keys.add(self.keys[operand[1]][0])
        return f"({self._side(left, numeric)} {operator} {self._side(right, numeric)})"


def _like_to_glob(pattern: str) -> str:
    """SQL LIKE (% and _) as a case-sensitive GLOB, with GLOB's own wildcards escaped."""
    out = []
    for char in pattern:
        if char == "%":
            out.append("*")
        elif char == "_":
            out.append("?")
        elif char in "*?[":
            out.append(f"[{char}]")
        else:
            out.append(char)
    return "".join(out)


def compile_filter(text: str, keys: list[tuple[str, str]], column: str = "vals") -> Filter:
    """`text` over partition keys [(name, type)] -> its Filter."""
    compiler = _Compiler(tokenize(text), keys, column)
    if compiler.peek().kind == "end":
        raise ExpressionError("Empty expression")
    sql = compiler.expression()
    if compiler.peek().kind != "end":
        raise ExpressionError(f"Unexpected '{compiler.peek().text}'")
    return Filter(sql, compiler.args, sorted(compiler.integer_keys), column)


def not_an_integer(values: list, integer_keys: list[int]) -> str | None:
    """The first of `values` at `integer_keys` that Glue cannot read as an integer."""
    for index in integer_keys:
        value = values[index] if index < len(values) else None
        if value is not None and not _INTEGER.fullmatch(value):
            return value
    return None


def leading_equalities(text: str, keys: list[tuple[str, str]]) -> list[str]:
    """The values that a valid expression pins its first string keys to: each top-level
    AND term `key = 'value'`, for keys 0, 1, ... in order while they are pinned. A
    lookup can then seek to those partitions instead of testing every one. Anything
    else (an OR at the top, a numeric key, a gap) stops the run; the full filter is
    still applied, so this only narrows."""
    tokens = tokenize(text)[:-1]
    terms, depth, current = [], 0, []
    for token in tokens:
        if token.kind == "op" and token.text in "()":
            depth += 1 if token.text == "(" else -1
        if depth == 0 and token.kind == "keyword" and token.text == "OR":
            return []
        if depth == 0 and token.kind == "keyword" and token.text == "AND":
            terms.append(current)
            current = []
        else:
            current.append(token)
    terms.append(current)
    pinned = {}
    for term in terms:
        if len(term) == 3 and term[1].kind == "op" and term[1].text == "=":
            name, value = (term[0], term[2]) if term[0].kind == "name" else (term[2], term[0])
            if name.kind == "name" and value.kind == "string":
                pinned.setdefault(name.text.lower(), value.text)
    values = []
    for name, type_ in keys:
        if name.lower() not in pinned or type_.lower().split("(")[0] in NUMERIC_TYPES:
            break
        values.append(pinned[name.lower()])
    return values
