"""IAM policy conditions, evaluated as the IAM User Guide describes them ("IAM JSON policy
elements: Condition operators", "Single-valued vs. multivalued context keys").

A `Condition` block is `{operator: {key: value | [values]}}`. Every operator must hold
and, within one, every key (AND); a key holds when the request's value matches any of
the policy's values (OR). A negated operator (`StringNotEquals`, `NotIpAddress`, ...)
holds when the request's value matches none of them, and holds when the key is absent
(that is what makes "deny unless the upload says it is encrypted" work). `...IfExists`
holds when the key is absent; `Null` asks whether it is. `ForAllValues:` holds when
every value of a multivalued key matches (and when there is none); `ForAnyValue:` when
at least one does.

Key names are case-insensitive: `lookup` is asked for the lower-cased name and answers
a string, a list of strings, or None when the request has no such key.
"""
import datetime
import functools
import ipaddress
import re

SET_QUALIFIERS = ("forallvalues:", "foranyvalue:")


def holds(conditions: dict, lookup) -> bool:
    for operator, block in conditions.items():
        test = operator_test(operator)
        if test is None or not isinstance(block, dict):
            return False        # an operator IAM does not know never matches
        if not all(test(lookup(key.lower()), _strings(wanted)) for key, wanted in block.items()):
            return False
    return True


def is_known(operator: str) -> bool:
    return operator_test(operator) is not None


@functools.lru_cache(maxsize=256)
def operator_test(operator: str):
    """A function (request value or None, policy values) -> bool, or None when IAM knows
    no such operator."""
    name, qualifier = operator, None
    for prefix in SET_QUALIFIERS:
        if name.lower().startswith(prefix):
            qualifier, name = prefix, name[len(prefix):]
    if_exists = name.endswith("IfExists")
    name = name.removesuffix("IfExists")
    if name == "Null":
        return None if qualifier or if_exists else _null
    if name in NEGATED:
        compare, negated = COMPARISONS[NEGATED[name]], True
    elif name in COMPARISONS:
        compare, negated = COMPARISONS[name], False
    else:
        return None
    return functools.partial(_test, compare, negated, qualifier, if_exists)


def _test(compare, negated, qualifier, if_exists, value, wanted) -> bool:
    values = [value] if isinstance(value, str) else list(value or ())
    if not values:
        if if_exists or qualifier == "forallvalues:":
            return True
        return negated and qualifier is None

    def fits(one):
        matched = any(compare(one, w) for w in wanted)
        return not matched if negated else matched

    if qualifier == "forallvalues:":
        return all(fits(v) for v in values)
    if qualifier == "foranyvalue:" or not negated:
        return any(fits(v) for v in values)
    return all(fits(v) for v in values)       # a negated test: no request value matches


def _null(value, wanted) -> bool:
    absent = value is None or value == [] or value == ""
    return any((w.lower() == "true") == absent for w in wanted)


def _strings(value) -> list:
    values = value if isinstance(value, list) else [value]
    return [("true" if v else "false") if isinstance(v, bool) else str(v) for v in values]


@functools.lru_cache(maxsize=4096)
def glob(pattern: str, ignore_case: bool = False):
    """IAM's wildcards: `*` any run of characters, `?` any one; nothing else is special."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _like(value, pattern) -> bool:
    return glob(pattern).fullmatch(value) is not None


def _number(text):
    try:
        return float(text)
    except ValueError:
        return None


def _numeric(op):
    def compare(value, wanted):
        a, b = _number(value), _number(wanted)
        return a is not None and b is not None and op(a, b)
    return compare


def date_value(text: str):
    """Seconds since the epoch of an ISO 8601 date or time, or of an epoch number."""
    number = _number(text)
    if number is not None:
        return number
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def _date(op):
    def compare(value, wanted):
        a, b = date_value(value), date_value(wanted)
        return a is not None and b is not None and op(a, b)
    return compare


def _in_network(value, wanted) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(wanted, strict=False)
    except ValueError:
        return False


COMPARISONS = {
    "StringEquals": lambda a, b: a == b,
    "StringEqualsIgnoreCase": lambda a, b: a.lower() == b.lower(),
    "StringLike": _like,
    "NumericEquals": _numeric(lambda a, b: a == b),
    "NumericLessThan": _numeric(lambda a, b: a < b),
    "NumericLessThanEquals": _numeric(lambda a, b: a <= b),
    "NumericGreaterThan": _numeric(lambda a, b: a > b),
    "NumericGreaterThanEquals": _numeric(lambda a, b: a >= b),
    "DateEquals": _date(lambda a, b: a == b),
    "DateLessThan": _date(lambda a, b: a < b),
    "DateLessThanEquals": _date(lambda a, b: a <= b),
    "DateGreaterThan": _date(lambda a, b: a > b),
    "DateGreaterThanEquals": _date(lambda a, b: a >= b),
    "Bool": lambda a, b: a.lower() == b.lower(),
    "BinaryEquals": lambda a, b: a == b,
    "IpAddress": _in_network,
    "ArnEquals": _like,          # IAM compares ARNs with wildcards under either name
    "ArnLike": _like,
}
NEGATED = {
    "StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike", "NumericNotEquals": "NumericEquals", "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike",
}
