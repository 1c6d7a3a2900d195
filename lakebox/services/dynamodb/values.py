"""DynamoDB attribute values: checks, number rules, sizes, equality, ordering and the
byte encoding of key values.

An attribute value is a one-entry dict as on the wire: {"S": "x"}, {"N": "1.5"},
{"B": b"..."}, {"SS": [...]}, {"M": {...}}, ... Numbers stay decimal strings in
DynamoDB's normalised form; they are compared as `Decimal`.
"""
import decimal
from decimal import Decimal

from lakebox.services.dynamodb.errors import ValidationException, invalid

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
_TYPE_NAMES = frozenset(TYPES)
_TAKEN_AS_SENT = frozenset(("S", "B", "BOOL"))     # kinds whose value needs no check
SET_OF = {"SS": "S", "NS": "N", "BS": "B"}
MAX_ITEM_BYTES = 400 * 1024
MAX_PARTITION_KEY_BYTES = 2048
MAX_SORT_KEY_BYTES = 1024
MAX_NESTING = 32                 # levels of lists and maps inside an attribute

# 38 significant digits, magnitudes 1E-130 .. 9.99..E+125 (developer guide, "Data types").
_CONTEXT = decimal.Context(prec=60, Emax=200, Emin=-200, traps=[decimal.InvalidOperation])
_MAX_DIGITS = 38
_MAX_EXPONENT = 126       # adjusted exponent + 1 of the largest magnitude
_MIN_EXPONENT = -130


# --- numbers -------------------------------------------------------------------------

def to_decimal(text: str) -> Decimal:
    """The value of a number attribute that passed `normalize_number`."""
    return Decimal(text)


def normalize_number(text: str) -> str:
    """DynamoDB's form of a number: no exponent, no leading or trailing zeros, no '+'."""
    try:
        stripped = text.strip()
        if not stripped or stripped != text or any(c not in "0123456789+-.eE" for c in text):
            raise ValueError
        value = Decimal(text, _CONTEXT)
    except (ValueError, decimal.InvalidOperation, decimal.Overflow):
        raise ValidationException("A value provided cannot be converted into a number") from None
    return format_number(value)


def format_number(value: Decimal) -> str:
    """Check a computed or parsed number against DynamoDB's range and write it out."""
    if not value.is_finite():
        raise ValidationException("A value provided cannot be converted into a number")
    if value.is_zero():
        return "0"
    # Checked on the exact value: normalising a number far outside the range first would
    # round it to infinity or zero in the context.
    significant = "".join(map(str, value.as_tuple().digits)).strip("0")
    if len(significant) > _MAX_DIGITS:
        raise ValidationException("Attempting to store more than 38 significant digits in a Number")
    magnitude = value.adjusted() + 1            # the decimal exponent of the leading digit, + 1
    if magnitude > _MAX_EXPONENT:
        raise ValidationException("Number overflow. Attempting to store a number with magnitude larger "
                                  "than supported range")
    if magnitude - 1 < _MIN_EXPONENT:
        raise ValidationException("Number underflow. Attempting to store a number with magnitude smaller "
                                  "than supported range")
    return format(value.normalize(_CONTEXT), "f")


def add_numbers(left: str, right: str, subtract=False) -> str:
    """SET a = a + :n and ADD: exact decimal arithmetic, then DynamoDB's range checks."""
    with decimal.localcontext(_CONTEXT):
        total = Decimal(left) - Decimal(right) if subtract else Decimal(left) + Decimal(right)
    return format_number(total)


# --- checking values that arrive in requests --------------------------------------------

def check_value(value, *, depth=0) -> dict:
    """Check one attribute value (recursively) and return it with numbers normalised.
    Raises DynamoDB's ValidationException for a value it would refuse."""
    if depth > MAX_NESTING:
        raise ValidationException("Nesting Levels have exceeded supported limits")
    if isinstance(value, dict) and not value.keys() <= _TYPE_NAMES:
        # AttributeValue is a structure: the JSON protocol ignores members it does not model
        value = {kind: body for kind, body in value.items() if kind in TYPES}
    if not isinstance(value, dict) or not value:
        raise ValidationException("Supplied AttributeValue is empty, must contain exactly one of the "
                                  "supported datatypes")
    if len(value) > 1:
        raise ValidationException("Supplied AttributeValue has more than one datatypes set, must contain "
                                  "exactly one of the supported datatypes")
    (kind, body), = value.items()
    if kind in _TAKEN_AS_SENT:
        return value
    if kind == "N":
        return {"N": normalize_number(body)}
    if kind == "NULL" and body is not True:
        raise invalid("Null attribute value types must have the value of true")
    if kind in SET_OF:
        return {kind: _check_set(kind, body)}
    if kind == "M":
        return {"M": {name: check_value(member, depth=depth + 1) for name, member in body.items()}}
    if kind == "L":
        return {"L": [check_value(member, depth=depth + 1) for member in body]}
    return value


def _check_set(kind, members):
    if not members:
        raise invalid({"SS": "An string set  may not be empty", "NS": "An number set  may not be empty",
                       "BS": "Binary sets should not be empty"}[kind])
    if kind == "NS":
        members = [normalize_number(m) for m in members]
        distinct = {Decimal(m) for m in members}
    else:
        distinct = set(members)
    if len(distinct) != len(members):
        shown = ", ".join(_set_member_text(kind, m) for m in members)
        of_type = "of type BS " if kind == "BS" else " "     # DynamoDB's words, missing space and all
        raise invalid(f"Input collection [{shown}]{of_type}contains duplicates.")
    return members


def _set_member_text(kind, member):
    if kind == "BS":
        import base64
        return base64.b64encode(member).decode()
    return member


def check_item(item: dict) -> dict:
    return {name: check_value(value) for name, value in item.items()}


# --- sizes (developer guide, "Item sizes and formats") ---------------------------------

def number_size(text: str) -> int:
    """1 byte per two significant digits, plus 1 byte (plus 1 for a negative number)."""
    if text == "0":
        return 1
    sign, digits, _ = Decimal(text).as_tuple()
    return (len(digits) + 1) // 2 + 1 + sign


def value_size(value: dict) -> int:
    (kind, body), = value.items()
    if kind == "S":
        return len(body.encode("utf-8"))
    if kind == "N":
        return number_size(body)
    if kind == "B":
        return len(body)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(m.encode("utf-8")) for m in body)
    if kind == "NS":
        return sum(number_size(m) for m in body)
    if kind == "BS":
        return sum(len(m) for m in body)
    if kind == "L":
        return 3 + sum(1 + value_size(m) for m in body)
    return 3 + sum(1 + len(name.encode("utf-8")) + value_size(m) for name, m in body.items())


def item_size(item: dict) -> int:
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


# --- equality and order ---------------------------------------------------------------

def kind_of(value: dict) -> str:
    return next(iter(value))


def equal(a: dict, b: dict) -> bool:
    kind = kind_of(a)
    if kind != kind_of(b):
        return False
    left, right = a[kind], b[kind]
    if kind == "N":
        return Decimal(left) == Decimal(right)
    if kind == "NS":
        return {Decimal(m) for m in left} == {Decimal(m) for m in right}
    if kind in ("SS", "BS"):
        return set(left) == set(right)
    if kind == "L":
        return len(left) == len(right) and all(equal(x, y) for x, y in zip(left, right))
    if kind == "M":
        return left.keys() == right.keys() and all(equal(left[k], right[k]) for k in left)
    return left == right


def comparable(value: dict):
    """A Python value ordered as DynamoDB orders S, N and B; None for other types."""
    kind = kind_of(value)
    if kind == "N":
        return Decimal(value["N"])
    if kind == "S":
        return value["S"].encode("utf-8")
    if kind == "B":
        return bytes(value["B"])
    return None


# --- key encoding: byte order equals DynamoDB's order ----------------------------------

def encode_key(value: dict) -> bytes:
    """S as UTF-8 and B as is (DynamoDB orders both bytewise); N in an order-preserving
    form: a sign byte, the exponent (inverted for negatives), then the digits (inverted
    and terminated for negatives, so a longer negative sorts lower)."""
    kind = kind_of(value)
    if kind == "S":
        return value["S"].encode("utf-8")
    if kind == "B":
        return bytes(value["B"])
    return encode_number(value["N"])


def encode_number(text: str) -> bytes:
    number = Decimal(text)
    if number.is_zero():
        return b"\x80"
    sign, digits, exponent = number.normalize(_CONTEXT).as_tuple()
    magnitude = len(digits) + exponent + 512       # always positive, fits two bytes
    if not sign:
        return b"\x81" + magnitude.to_bytes(2, "big") + bytes(0x30 + d for d in digits)
    return (b"\x7f" + (0xFFFF - magnitude).to_bytes(2, "big") + bytes(0x39 - d for d in digits) + b"\xff")
