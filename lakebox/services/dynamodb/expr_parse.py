"""A recursive-descent parser for DynamoDB's expression languages: condition (also used
for filter and key condition), update and projection expressions.

Names (`#n`) and values (`:v`) are resolved while parsing, and every placeholder used is
recorded, so the caller can refuse unused ones as DynamoDB does. The result is a tree of
tuples:
  path      ("path", [name | index, ...])
  value     ("value", attribute_value)
  size      ("size", path)
  condition ("or", a, b) ("and", a, b) ("not", a) ("cmp", op, left, right)
            ("between", x, low, high) ("in", x, [operands]) ("func", name, [args])
  update    {"SET": [(path, operand)], "REMOVE": [path], "ADD": [(path, value)],
             "DELETE": [(path, value)]}; SET operands may also be ("+"/"-", a, b),
            ("if_not_exists", path, operand), ("list_append", a, b)
"""
import re

from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.dynamodb.expr_eval import path_text
from lakebox.services.dynamodb.reserved import RESERVED_WORDS

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<name>\#[A-Za-z0-9_]+)
  | (?P<value>:[A-Za-z0-9_]+)
  | (?P<number>[0-9]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><>|<=|>=|[=<>()\[\],.+-])
""", re.VERBOSE)

COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
CONDITION_FUNCTIONS = {"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
                       "begins_with": 2, "contains": 2}
ATTRIBUTE_TYPES = ("B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M")
MAX_IN_OPERANDS = 100
MAX_OPERATORS = 300                 # comparators, BETWEEN, IN, AND, OR, NOT; not functions or parentheses
LOGICAL = ("AND", "OR", "NOT", "IN")
UPDATE_CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")
MAX_EXPRESSION_BYTES = 4096
MAX_PATH_LEVELS = 32                # "nested attributes up to 32 levels deep"
UPDATE_FUNCTIONS = ("if_not_exists", "list_append")


class Token:
    __slots__ = ("kind", "text", "start", "end")

    def __init__(self, kind, text, start, end):
        self.kind, self.text, self.start, self.end = kind, text, start, end

    def is_word(self, word: str) -> bool:
        return self.kind == "word" and self.text.upper() == word


def tokenize(text: str, label: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValidationException(f'Invalid {label}: Invalid token; token: "{text[position]}"')
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), match.start(), match.end()))
        position = match.end()
    tokens.append(Token("eof", "<EOF>", len(text), len(text)))
    return tokens


class Parser:
    def __init__(self, text, label, names, values, used_names, used_values):
        if not text.strip():
            raise ValidationException(f"Invalid {label}: The expression can not be empty;")
        size = len(text.encode("utf-8"))
        if size > MAX_EXPRESSION_BYTES:
            raise ValidationException(f"Invalid {label}: Expression size has exceeded the maximum allowed size; "
                                      f"expression size: {size}")
        self.text, self.label = text, label
        self.names, self.values = names or {}, values or {}
        self.used_names, self.used_values = used_names, used_values
        self.tokens = tokenize(text, label)
        self.at = 0
        self.groups = set()         # (first, last) token positions of each parenthesised condition

    # --- helpers ---------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def advance(self) -> Token:
        token = self.tokens[self.at]
        self.at = min(self.at + 1, len(self.tokens) - 1)
        return token

    def accept(self, text: str) -> bool:
        if self.token.kind == "op" and self.token.text == text:
            self.advance()
            return True
        return False

    def expect(self, text: str):
        if not self.accept(text):
            raise self.syntax_error()

    def syntax_error(self) -> ValidationException:
        token = self.token
        first = self.tokens[max(self.at - 1, 0)]
        last = self.tokens[min(self.at + 1, len(self.tokens) - 1)]
        end = last.end if last.kind != "eof" else token.end if token.kind != "eof" else first.end
        near = self.text[first.start:max(end, first.end)]
        return self.error(f'Syntax error; token: "{token.text}", near: "{near}"')

    def error(self, message: str) -> ValidationException:
        return ValidationException(f"Invalid {self.label}: {message}")

    def finish(self):
        if self.token.kind != "eof":
            raise self.syntax_error()

    # --- operands --------------------------------------------------------------------

    def path(self):
        elements = [self.path_name()]
        while True:
            if self.accept("."):
                elements.append(self.path_name())
            elif self.token.kind == "op" and self.token.text == "[":
                self.advance()
                if self.token.kind != "number":
                    raise self.syntax_error()
                elements.append(int(self.advance().text))
                self.expect("]")
            else:
                if len(elements) > MAX_PATH_LEVELS:
                    raise self.error("The document path has too many nesting levels; "
                                     f"nesting levels: {len(elements)}")
                return ("path", elements)

    def path_name(self) -> str:
        token = self.token
        if token.kind == "name":
            self.advance()
            if token.text not in self.names:
                raise self.error("An expression attribute name used in the document path is not defined; "
                                 f"attribute name: {token.text}")
            self.used_names.add(token.text)
            return self.names[token.text]
        if token.kind == "word":
            if token.text.upper() in RESERVED_WORDS:
                raise self.error(f"Attribute name is a reserved keyword; reserved keyword: {token.text}")
            self.advance()
            return token.text
        raise self.syntax_error()

    def value(self):
        token = self.advance()
        if token.text not in self.values:
            raise self.error("An expression attribute value used in expression is not defined; "
                             f"attribute value: {token.text}")
        self.used_values.add(token.text)
        return ("value", self.values[token.text])

    def operand(self):
        """A path, a value, or a function call (which the caller checks for its place)."""
        token = self.token
        if token.kind == "value":
            return self.value()
        if token.kind == "word" and self.tokens[self.at + 1].text == "(" and self.tokens[self.at + 1].kind == "op":
            return self.function_call()
        if token.kind in ("word", "name"):
            return self.path()
        raise self.syntax_error()

    def function_call(self):
        name = self.advance().text
        self.expect("(")
        args = []
        if not (self.token.kind == "op" and self.token.text == ")"):
            args.append(self.operand_or_nested())
            while self.accept(","):
                args.append(self.operand_or_nested())
        self.expect(")")
        return ("call", name, args)

    def operand_or_nested(self):
        """A function's argument: in an update a nested update function too, never arithmetic
        (`if_not_exists(a, :x + :y)` is a syntax error at the "+")."""
        return self.update_operand() if self.label == "UpdateExpression" else self.operand()

    # --- conditions ------------------------------------------------------------------

    def condition(self):
        node = self.conjunction()
        while self.token.is_word("OR"):
            self.advance()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self):
        node = self.negation()
        while self.token.is_word("AND"):
            self.advance()
            node = ("and", node, self.negation())
        return node

    def negation(self):
        if self.token.is_word("NOT"):
            self.advance()
            return ("not", self.negation())
        return self.primary()

    def primary(self):
        if self.accept("("):
            first = self.at
            node = self.condition()
            self.expect(")")
            if (first + 1, self.at - 2) in self.groups:       # ((...)): the inner group is all there is
                raise self.error("The expression has redundant parentheses;")
            self.groups.add((first, self.at - 1))
            return node
        left = self.comparand()
        token = self.token
        if token.kind == "op" and token.text in COMPARATORS:
            self.advance()
            right = self.comparand()
            self.require_distinct(token.text, left, right)
            return ("cmp", token.text, left, right)
        if token.is_word("BETWEEN"):
            self.advance()
            low = self.comparand()
            if not self.token.is_word("AND"):
                raise self.syntax_error()
            self.advance()
            return self.between(left, low, self.comparand())
        if token.is_word("IN"):
            self.advance()
            self.expect("(")
            options = [self.comparand()]
            while self.accept(","):
                options.append(self.comparand())
            self.expect(")")
            if len(options) > MAX_IN_OPERANDS:
                raise self.error("The IN operator is provided with too many operands; number of operands: "
                                 f"{len(options)}")
            return ("in", left, options)
        if left[0] == "func":
            return left
        if left[0] == "size":
            raise self.error("The function is not allowed to be used this way in an expression; function: size")
        raise self.syntax_error()

    def comparand(self):
        """An operand of a comparison: a path, a value, size(path) or a condition function
        (the latter only valid standing alone, which `primary` checks)."""
        node = self.operand()
        if node[0] != "call":
            return node
        _, name, args = node
        if name == "size":
            self.check_arity(name, args, 1)
            self.check_size_operand(args[0])
            return ("size", args[0])
        if name in UPDATE_FUNCTIONS:
            raise self.error(f"The function is not allowed in a condition expression; function: {name}")
        if name not in CONDITION_FUNCTIONS:
            raise self.error(f"Invalid function name; function: {name}")
        self.check_arity(name, args, CONDITION_FUNCTIONS[name])
        if name == "begins_with" and args[0][0] == "value":
            self.check_operand_type(name, args[0][1], ("S", "B"))
        self.require_path(name, args[0])
        self.check_function_operands(name, args)
        if len(args) == 2:
            self.require_distinct(name, args[0], args[1])
        if self.token.kind == "op" and self.token.text in COMPARATORS:
            raise self.error(f"The function is not allowed to be used this way in an expression; function: {name}")
        return ("func", name, args)

    def check_arity(self, name, args, count):
        if len(args) != count:
            raise self.error("Incorrect number of operands for operator or function; "
                             f"operator or function: {name}, number of operands: {len(args)}")

    def require_path(self, name, arg):
        if arg[0] != "path":
            raise self.error(f"Operator or function requires a document path; operator or function: {name}")

    def check_size_operand(self, arg):
        """size() takes a path; an operand without a size (a number, size(...) itself, a
        boolean or null value) is refused for its type first, as DynamoDB does."""
        if arg[0] == "call" and arg[1] == "size":
            self.check_operand_type("size", {"N": "0"}, ())
        elif arg[0] == "value":
            self.check_operand_type("size", arg[1], ("S", "B", "SS", "NS", "BS", "L", "M"))
        self.require_path("size", arg)

    def check_operand_type(self, name, value, allowed):
        kind = av.kind_of(value)
        if kind not in allowed:
            raise self.error("Incorrect operand type for operator or function; "
                             f"operator or function: {name}, operand type: {kind}")

    def require_distinct(self, name, first, other):
        """DynamoDB refuses an operator or function whose first operand is repeated."""
        if first[0] == "path" and first == other:
            raise self.error("The first operand must be distinct from the remaining operands for this operator or "
                             f"function; operator: {name}, first operand: {path_text(first[1])}")

    def check_function_operands(self, name, args):
        if len(args) < 2 or args[1][0] != "value":
            return
        value = args[1][1]
        if name == "begins_with":
            self.check_operand_type(name, value, ("S", "B"))
        if name == "attribute_type":
            self.check_operand_type(name, value, ("S",))
            if value["S"] not in ATTRIBUTE_TYPES:
                raise self.error(f"Invalid attribute type name found; type: {value['S']}, valid types: "
                                 "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}")

    def between(self, node, low, high):
        if low[0] == "value" and high[0] == "value":
            bounds = (f"lower bound operand: AttributeValue: {_shown(low[1])}, "
                      f"upper bound operand: AttributeValue: {_shown(high[1])}")
            if av.kind_of(low[1]) != av.kind_of(high[1]):
                raise self.error(f"The BETWEEN operator requires same data type for lower and upper bounds; {bounds}")
            a, b = av.comparable(low[1]), av.comparable(high[1])
            if a is not None and a > b:
                raise self.error("The BETWEEN operator requires upper bound to be greater than or equal to "
                                 f"lower bound; {bounds}")
        return ("between", node, low, high)

    # --- update expressions ------------------------------------------------------------

    def update(self) -> dict:
        clauses = {}
        while self.token.kind != "eof":
            clause = self.token.text.upper() if self.token.kind == "word" else None
            if clause not in UPDATE_CLAUSES:
                raise self.syntax_error()
            if clause in clauses:
                raise self.error(f'The "{clause}" section can only be used once in an update expression;')
            self.advance()
            clauses[clause] = self.update_actions(clause)
        return clauses

    def update_actions(self, clause):
        actions = [self.update_action(clause)]
        while self.accept(","):
            actions.append(self.update_action(clause))
        return actions

    def update_action(self, clause):
        path = self.path()
        if clause == "REMOVE":
            return path
        if clause == "SET":
            self.expect("=")
            return (path, self.update_value())
        if self.token.kind != "value":
            raise self.syntax_error()
        return (path, self.value())

    def update_value(self):
        left = self.update_operand()
        if self.token.kind == "op" and self.token.text in "+-":
            op = self.advance().text
            return (op, left, self.update_operand())
        return left

    def update_operand(self):
        node = self.operand()
        if node[0] != "call":
            return node
        _, name, args = node
        if name == "if_not_exists":
            self.check_arity(name, args, 2)
            self.require_path(name, args[0])
            return ("if_not_exists", args[0], args[1])
        if name == "list_append":
            self.check_arity(name, args, 2)
            if any(arg[0] == "list_append" for arg in args):
                raise self.error("The function is not allowed to be used this way in an expression; function: "
                                 "list_append")
            return ("list_append", args[0], args[1])
        if name in CONDITION_FUNCTIONS or name == "size":
            raise self.error(f"The function is not allowed in an update expression; function: {name}")
        raise self.error(f"Invalid function name; function: {name}")

    # --- projections -------------------------------------------------------------------

    def projection(self) -> list:
        paths = [self.path()]
        while self.accept(","):
            paths.append(self.path())
        return paths


def _shown(value: dict) -> str:
    (kind, body), = value.items()
    return "{" + f"{kind}:{body}" + "}"


def parse_condition(text, label, names, values, used_names, used_values):
    parser = Parser(text, label, names, values, used_names, used_values)
    if _operator_count(parser.tokens) > MAX_OPERATORS:
        raise parser.error(f"The expression contains too many operators; operator count: {MAX_OPERATORS + 1}")
    try:
        node = parser.condition()
    except RecursionError:
        raise _too_deep(parser) from None
    parser.finish()
    return node


def _too_deep(parser) -> ValidationException:
    """What DynamoDB answers for a nesting deeper than this parser recurses (under 300
    operators, within 4 KB): a group directly inside another is redundant; a name called
    that is not a function; size() of size()."""
    tokens, opened, matched = parser.tokens, [], {}
    for at, token in enumerate(tokens):
        if token.kind == "op" and token.text == "(":
            opened.append(at)
        elif token.kind == "op" and token.text == ")" and opened:
            matched[opened.pop()] = at
    for first, last in matched.items():
        if first == 0 or tokens[first - 1].kind != "word":
            if matched.get(first + 1) == last - 1:
                return parser.error("The expression has redundant parentheses;")
    calls = [token.text for at, token in enumerate(tokens[:-1])
             if token.kind == "word" and tokens[at + 1].text == "("]
    unknown = [name for name in calls if name not in CONDITION_FUNCTIONS and name != "size"]
    if unknown:
        return parser.error(f"Invalid function name; function: {unknown[0]}")
    if calls.count("size") > 1:             # size(size(...)): the inner size is a number
        return parser.error("Incorrect operand type for operator or function; operator or function: size, "
                            "operand type: N")
    return parser.error("The expression is nested too deeply;")  # no recorded AWS reply: a refusal, not a 500


def _operator_count(tokens) -> int:
    """The operators DynamoDB counts against its limit of 300, before parsing (so a deep
    nesting of them is refused, not recursed into): comparators, IN, AND, OR and NOT
    (BETWEEN's own AND standing for it); not functions or parentheses."""
    return sum(1 for token in tokens if (token.kind == "op" and token.text in COMPARATORS)
               or (token.kind == "word" and token.text.upper() in LOGICAL))


def parse_update(text, names, values, used_names, used_values) -> dict:
    parser = Parser(text, "UpdateExpression", names, values, used_names, used_values)
    return parser.update()


def parse_projection(text, names, used_names) -> list:
    parser = Parser(text, "ProjectionExpression", names, {}, used_names, set())
    paths = parser.projection()
    parser.finish()
    return paths
