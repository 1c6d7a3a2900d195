"""A parser for the PartiQL statements DynamoDB runs: SELECT, INSERT, UPDATE and DELETE.

Conditions come out as the same trees the expression parser makes (`expr_parse`), and
UPDATE's SET/REMOVE as the same update clauses, so evaluation is shared. Literals become
attribute values; `?` takes the next of the request's Parameters."""
import re

from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException

_TOKEN = re.compile(r"""
    (?P<space>\s+|--[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"(?:[^"]|"")*")
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<param>\?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<op><<|>>|<>|!=|<=|>=|[=<>()\[\]{},.:*+;-])
""", re.VERBOSE | re.DOTALL)
COMPARATORS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
STAR_AND_OTHERS = "Other attributes should not be present in the projection when '*' is used."
MAX_IN_OPERANDS = 100
_PATH_FUNCTIONS = ("attribute_exists", "attribute_not_exists", "attribute_type")
FUNCTIONS = ("attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains")


class ParameterFault(ValidationException):
    """A faulty value of the request's Parameters (refused before the statement is read;
    in ExecuteTransaction it is the request's error, not a statement's)."""
    code = "ValidationException"


def _parameter(value) -> dict:
    try:
        return av.check_value(value)
    except ValidationException as error:
        raise ParameterFault(error.message) from None


def column_name(path) -> str:
    """The column a SELECT path answers in: its last named step and the list indexes after
    it (`m.k[0]` is `k[0]`), as a public test suite records DynamoDB's answers."""
    elements = path[1]
    last = max(i for i, element in enumerate(elements) if isinstance(element, str))
    return elements[last] + "".join(f"[{element}]" for element in elements[last + 1:])


def malformed(detail="Unexpected token") -> ValidationException:
    return ValidationException(f"Statement wasn't well formed, can't be processed: {detail}")


class Statement:
    """kind: SELECT/INSERT/UPDATE/DELETE; table, index; where (condition tree or None);
    and per kind: paths (None for *), order (ORDER BY's (path elements, ascending) terms,
    or None), item, clauses, returning."""

    def __init__(self, kind):
        self.kind = kind
        self.table = self.index = self.where = self.paths = self.item = self.order = None
        self.clauses = {}
        self.returning = None


class Parser:
    def __init__(self, text, parameters):
        self.tokens = []
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None:
                raise malformed(f"Unexpected character: {text[position]}")
            if match.lastgroup != "space":
                self.tokens.append((match.lastgroup, match.group()))
            position = match.end()
        self.tokens.append(("eof", ""))
        self.at = 0
        self.parameters = [_parameter(value) for value in parameters or []]
        self.used = 0

    # --- helpers -----------------------------------------------------------------------

    def peek(self, offset=0):
        return self.tokens[min(self.at + offset, len(self.tokens) - 1)]

    def advance(self):
        token = self.tokens[self.at]
        self.at = min(self.at + 1, len(self.tokens) - 1)
        return token

    def word(self, *words) -> bool:
        kind, text = self.peek()
        return kind == "word" and text.upper() in words

    def take_word(self, word):
        if not self.word(word):
            raise malformed(f"Expected {word}")
        self.advance()

    def accept(self, op) -> bool:
        if self.peek() == ("op", op):
            self.advance()
            return True
        return False

    def expect(self, op):
        if not self.accept(op):
            raise malformed(f"Expected {op}")

    # --- statements ----------------------------------------------------------------------

    def statement(self, in_transaction=False) -> Statement:
        if self.word("EXISTS") and self.peek(1) == ("op", "("):
            if not in_transaction:
                raise ValidationException("EXISTS can only be used in ExecuteTransaction write requests.")
            statement = self.exists()
        elif self.word("SELECT"):
            statement = self.select()
        elif self.word("INSERT"):
            statement = self.insert()
        elif self.word("UPDATE"):
            statement = self.update()
        elif self.word("DELETE"):
            statement = self.delete()
        else:
            raise malformed()
        if self.word("RETURNING") and statement.kind == "INSERT":
            raise ValidationException("RETURNING is not supported in INSERT")
        self.accept(";")
        if self.peek()[0] != "eof":
            raise malformed("Unexpected token after expression")
        if statement.index and statement.kind in ("INSERT", "UPDATE", "DELETE"):
            raise ValidationException("This operation is not supported on an index")
        if self.used != len(self.parameters):
            raise ValidationException("Number of parameters in request and statement don't match.")
        return statement

    def target(self, statement):
        """FROM's table and index (DynamoDB's words for a longer or an empty path, as public
        records of its answers and DynamoDB Local give them)."""
        statement.table = self.name()
        if statement.kind == "SELECT" and self.peek() in (("op", "-"), ("op", "+"), ("op", "*")):
            raise ValidationException("Unexpected from source")     # an unquoted my-table reads as arithmetic
        if self.accept("."):
            statement.index = self.name()
            if self.peek() == ("op", "."):
                raise ValidationException("A path may contain at most 2 components in the FROM clause")
        if "" in (statement.table, statement.index):
            raise ValidationException("Path component cannot be an empty string")

    def name(self) -> str:
        kind, text = self.advance()
        if kind == "quoted":
            return text[1:-1].replace('""', '"')
        if kind == "word":
            return text
        raise malformed()

    def exists(self):
        """EXISTS(SELECT ...): a transaction's condition check on one item."""
        self.advance()
        self.expect("(")
        if not self.word("SELECT"):
            raise malformed()
        statement = self.select()
        self.expect(")")
        statement.kind = "EXISTS"
        return statement

    def select(self):
        self.advance()
        statement = Statement("SELECT")
        if not self.accept("*"):
            statement.paths = [self.selected()]
            while self.accept(","):
                if self.peek() == ("op", "*"):
                    raise ValidationException(STAR_AND_OTHERS)
                path = self.selected()
                name = column_name(path)
                if any(column_name(other) == name for other in statement.paths):
                    raise ValidationException(f"Duplicate identifiers in select clause: {name}")
                statement.paths.append(path)
        elif self.accept(","):
            raise ValidationException(STAR_AND_OTHERS)
        self.take_word("FROM")
        self.target(statement)
        if self.word("WHERE"):
            self.advance()
            statement.where = self.condition()
        if self.word("ORDER"):
            self.advance()
            self.take_word("BY")
            statement.order = [self.order_term()]
            while self.accept(","):
                statement.order.append(self.order_term())
        return statement

    def selected(self):
        """One path of SELECT's list; DynamoDB names no column (an alias is refused in its
        words, as DynamoDB Local gives them)."""
        path = self.path()
        if self.word("AS"):
            raise ValidationException("Aliasing is not supported")
        return path

    def order_term(self):
        """One `key [ASC|DESC]` of ORDER BY: (its path, ascending)."""
        path = self.path()
        ascending = self.advance()[1].upper() == "ASC" if self.word("ASC", "DESC") else True
        return path[1], ascending

    def insert(self):
        self.advance()
        self.take_word("INTO")
        statement = Statement("INSERT")
        self.target(statement)
        self.take_word("VALUE")
        item = self.literal()
        if "M" not in item:
            raise malformed("INSERT takes a tuple value")
        statement.item = item["M"]
        return statement

    def update(self):
        self.advance()
        statement = Statement("UPDATE")
        self.target(statement)
        while self.word("SET", "REMOVE"):
            clause = self.advance()[1].upper()
            self.update_action(statement.clauses, clause)
            while self.accept(","):
                self.update_action(statement.clauses, clause)
        if not statement.clauses:
            raise malformed("Expected SET or REMOVE")
        self.where_and_returning(statement)
        return statement

    def update_action(self, clauses, clause):
        path = self.path()
        if clause == "REMOVE":
            clauses.setdefault("REMOVE", []).append(path)
            return
        self.expect("=")
        value = self.set_value()
        if value[0] in ("set_add", "set_delete"):
            clauses.setdefault("ADD" if value[0] == "set_add" else "DELETE", []).append((path, value[2]))
        else:
            clauses.setdefault("SET", []).append((path, value))

    def set_value(self):
        left = self.set_operand()
        if self.peek() in (("op", "+"), ("op", "-")):
            op = self.advance()[1]
            right = self.set_operand()
            for operand in (left, right):       # a literal that is no number, refused before any item is read
                if operand[0] == "value" and "N" not in operand[1]:
                    raise ValidationException("Incorrect operand type for operator or function; operator or "
                                              f"function: {op}, operand type: {av.kind_of(operand[1])}")
            return (op, left, right)
        return left

    def set_operand(self):
        kind, text = self.peek()
        if kind == "word" and self.peek(1) == ("op", "(") and text.lower() in ("list_append", "set_add",
                                                                                "set_delete", "if_not_exists"):
            self.advance()
            self.expect("(")
            first = self.set_value()
            self.expect(",")
            second = self.set_value()
            self.expect(")")
            return (text.lower(), first, second)
        return self.operand()

    def delete(self):
        self.advance()
        self.take_word("FROM")
        statement = Statement("DELETE")
        self.target(statement)
        self.where_and_returning(statement)
        if statement.returning not in (None, "ALL_OLD"):
            which, age = statement.returning.replace("UPDATED", "MODIFIED").split("_")
            raise ValidationException(f"Invalid returning clause: RETURNING {which} {age} *. Only RETURNING ALL OLD * "
                                      "is allowed in DELETE statements.")
        return statement

    def where_and_returning(self, statement):
        if self.word("WHERE"):
            self.advance()
            statement.where = self.condition()
        if self.word("RETURNING"):
            self.advance()
            which = self.advance()[1].upper()
            age = self.advance()[1].upper()
            self.expect("*")
            statement.returning = f"{'ALL' if which == 'ALL' else 'UPDATED'}_{age}"

    # --- conditions -------------------------------------------------------------------------

    def condition(self):
        node = self.conjunction()
        while self.word("OR"):
            self.advance()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self):
        node = self.negation()
        while self.word("AND"):
            self.advance()
            node = ("and", node, self.negation())
        return node

    def negation(self):
        if self.word("NOT"):
            self.advance()
            return ("not", self.negation())
        return self.primary()

    def primary(self):
        if self.peek() == ("op", "("):
            self.advance()
            node = self.condition()
            self.expect(")")
            return node
        kind, text = self.peek()
        if kind == "word" and text.lower() in FUNCTIONS and self.peek(1) == ("op", "("):
            self.advance()
            self.expect("(")
            args = [self.operand()]
            while self.accept(","):
                args.append(self.operand())
            self.expect(")")
            if text.lower() in _PATH_FUNCTIONS and args[0][0] != "path":
                raise ValidationException("Operator or function requires a document path; operator or function: "
                                          f"{text.lower()}")
            return ("func", text.lower(), args)
        left = self.operand()
        kind, text = self.peek()
        if kind == "op" and text in COMPARATORS:
            self.advance()
            node = ("cmp", COMPARATORS[text], left, self.operand())
            if node[1] not in ("=", "<>"):       # an order needs a string, a number or a binary
                for operand in node[2:]:
                    if operand[0] == "value" and av.kind_of(operand[1]) not in ("S", "N", "B"):
                        raise ValidationException("Incorrect operand type for operator or function; operator or "
                                                  f"function: {node[1]}, operand type: {av.kind_of(operand[1])}")
            return node
        if self.word("BETWEEN"):
            self.advance()
            low = self.operand()
            self.take_word("AND")
            return ("between", left, low, self.operand())
        if self.word("IN"):
            self.advance()
            opener, closer = ("[", "]") if self.peek() == ("op", "[") else ("(", ")")
            self.expect(opener)
            options = [self.operand()]
            while self.accept(","):
                options.append(self.operand())
            self.expect(closer)
            if len(options) > MAX_IN_OPERANDS:
                raise ValidationException("The IN operator is provided with too many operands; number of operands: "
                                          f"{len(options)}")
            return ("in", left, options)
        if self.word("IS"):
            self.advance()
            negated = self.word("NOT") and self.advance()
            kind_word = self.advance()[1].upper()
            if kind_word == "MISSING":
                return ("func", "attribute_exists" if negated else "attribute_not_exists", [left])
            node = ("func", "attribute_type", [left, ("value", {"S": "NULL"})])
            return ("not", node) if negated else node
        raise malformed()

    def operand(self):
        kind, text = self.peek()
        if kind == "word" and text.lower() == "size" and self.peek(1) == ("op", "("):
            self.advance()
            self.expect("(")
            path = self.path()
            self.expect(")")
            return ("size", path)
        if kind in ("word", "quoted") and text.upper() not in ("TRUE", "FALSE", "NULL", "MISSING"):
            return self.path()
        return ("value", self.literal())

    def path(self):
        elements = [self.name()]
        while True:
            if self.accept("."):
                elements.append(self.name())
            elif self.accept("["):
                kind, text = self.advance()
                if kind != "number" or not text.isdigit():
                    raise malformed()
                elements.append(int(text))
                self.expect("]")
            else:
                return ("path", elements)

    # --- literals ------------------------------------------------------------------------------

    def literal(self) -> dict:
        kind, text = self.advance()
        if (kind, text) in (("op", "-"), ("op", "+")):       # a sign, of a number only
            if self.peek()[0] not in ("number", "op"):
                raise malformed()
            value = self.literal()
            if "N" not in value:
                raise malformed()
            negative = (text == "-") != value["N"].startswith("-")
            return {"N": av.normalize_number(("-" if negative else "") + value["N"].lstrip("-"))}
        if kind == "param":
            if self.used >= len(self.parameters):
                raise ValidationException("Number of parameters in request and statement don't match.")
            self.used += 1
            return self.parameters[self.used - 1]
        if kind == "string":
            return {"S": text[1:-1].replace("''", "'")}
        if kind == "number":
            return {"N": av.normalize_number(text)}
        if kind == "word" and text.upper() in ("TRUE", "FALSE"):
            return {"BOOL": text.upper() == "TRUE"}
        if kind == "word" and text.upper() == "NULL":
            return {"NULL": True}
        if (kind, text) == ("op", "["):
            members = []
            if not self.accept("]"):
                members.append(self.literal())
                while self.accept(","):
                    members.append(self.literal())
                self.expect("]")
            return {"L": members}
        if (kind, text) == ("op", "{"):
            return {"M": self.tuple_members()}
        if (kind, text) == ("op", "<<"):
            return self.set_literal()
        raise malformed()

    def tuple_members(self) -> dict:
        members = {}
        if self.accept("}"):
            return members
        while True:
            key = self.literal()
            if "S" not in key:
                raise malformed("Tuple keys must be strings")
            self.expect(":")
            members[key["S"]] = self.literal()
            if self.accept("}"):
                return members
            self.expect(",")

    def set_literal(self) -> dict:
        """A bag <<...>>: a string or number set (DynamoDB's words for the others, as DynamoDB
        Local and public records of DynamoDB's answers give them)."""
        if self.accept(">>"):
            raise ValidationException("Empty bags are not supported")
        members = [self.literal()]
        while self.accept(","):
            members.append(self.literal())
        self.expect(">>")
        kinds = {av.kind_of(m) for m in members}
        if len(kinds) != 1 or next(iter(kinds)) not in ("S", "N"):
            raise ValidationException("Unsupported data type in Bag. DynamoDB only supports either numbers or strings "
                                      "in bags")
        kind = kinds.pop()
        return av.check_value({kind + "S": [m[kind] for m in members]})


def parse(text: str, parameters, in_transaction=False) -> Statement:
    """The statement; EXISTS(...) only where `in_transaction` (ExecuteTransaction)."""
    return Parser(text, parameters).statement(in_transaction)
