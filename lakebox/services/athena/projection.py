"""Partition projection: a table whose `projection.enabled` property is true has its
partitions computed from its `projection.<key>.*` properties (integer, date, enum,
injected), never read from the catalog; the query's WHERE then prunes them like any
other partitions, before a file is listed.

Locations follow `storage.location.template` (`s3://b/p/${dt}/`), else the table's
location with Hive `key=value/` folders.
"""
import datetime
import re

from sqlglot import exp

from lakebox.engine import EngineError

_MAX_PARTITIONS = 1_000_000
_JAVA_FORMAT = [("yyyy", "%Y"), ("yy", "%y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"), ("ss", "%S")]
_UNITS = {"YEARS": "years", "MONTHS": "months", "WEEKS": "weeks", "DAYS": "days", "HOURS": "hours",
          "MINUTES": "minutes", "SECONDS": "seconds"}


def enabled(parameters: dict) -> bool:
    return (parameters.get("projection.enabled") or "").lower() == "true"


def projected(parameters: dict, keys: list[str], location: str, now: float, tree: exp.Expression,
              alias: str, where: exp.Expression | None = None) -> list[tuple[list[str], str]]:
    """(values, location) of every projected partition; `where`: the WHERE of the query
    that reads the table, whose bounds on a date key narrow its range before the values
    are counted (as Athena projects only the partitions a filter can reach)."""
    value_lists = [_values(parameters, key, now, tree, alias, where) for key in keys]
    count = 1
    for values in value_lists:
        count *= len(values)
    if count > _MAX_PARTITIONS:
        raise EngineError("HIVE_EXCEEDED_PARTITION_LIMIT",
                          f"Partition projection produces {count} partitions, more than {_MAX_PARTITIONS}")
    combos = [[]]
    for values in value_lists:
        combos = [combo + [value] for combo in combos for value in values]
    template = parameters.get("storage.location.template")
    found = []
    for combo in combos:
        if template:
            where = template
            for key, value in zip(keys, combo):
                where = where.replace("${" + key + "}", value)
        else:
            where = location.rstrip("/") + "/" + "/".join(f"{k}={v}" for k, v in zip(keys, combo))
        found.append((combo, where if where.endswith("/") else where + "/"))
    return found


def _values(parameters, key, now, tree, alias, where=None) -> list[str]:
    prefix = f"projection.{key}."
    kind = (parameters.get(prefix + "type") or "").lower()
    if kind == "enum":
        return [value.strip() for value in _required(parameters, key, "values").split(",") if value.strip()]
    if kind == "integer":
        low, high = (int(part) for part in _required(parameters, key, "range").split(","))
        step = int(parameters.get(prefix + "interval") or 1)
        digits = int(parameters.get(prefix + "digits") or 0)
        return [str(value).zfill(digits) for value in range(low, high + 1, step)]
    if kind == "date":
        return _dates(parameters, key, now, _bounds(where, key, alias))
    if kind == "injected":
        return _injected(tree, key, alias)
    raise EngineError("HIVE_METASTORE_ERROR", f"Column {key} has no valid projection type (projection.{key}.type)")


def _required(parameters: dict, key: str, name: str) -> str:
    """A property the projection type cannot do without (enum values, an integer or date
    range, a date format): a table missing it fails the query that reads it."""
    value = parameters.get(f"projection.{key}.{name}")
    if value is None or not value.strip():
        raise EngineError("INVALID_COLUMN_PROPERTY", f"Column projection for column '{key}' failed. "
                          f"Missing required property: 'projection.{key}.{name}'")
    return value


def _dates(parameters, key, now, wanted=(None, None)) -> list[str]:
    prefix = f"projection.{key}."
    java = _required(parameters, key, "format")
    pattern = java
    for token, code in _JAVA_FORMAT:
        pattern = pattern.replace(token, code)
    pattern = re.sub(r"'([^']*)'", r"\1", pattern)
    bounds = _required(parameters, key, "range").split(",")
    low, high = (_date_bound(part.strip(), pattern, now) for part in bounds)
    if re.findall(r"%[A-Za-z]", pattern) == _ORDERED[:len(re.findall(r"%[A-Za-z]", pattern))]:
        # texts of this format sort as their times do: the filter's bounds narrow the range
        # (the WHERE itself still decides which of the values are read)
        low = max([low] + _parsed(wanted[0], pattern))
        high = min([high] + _parsed(wanted[1], pattern))
    step = int(parameters.get(prefix + "interval") or 1)
    unit = _UNITS.get((parameters.get(prefix + "interval.unit") or "").upper()) or \
        ("hours" if "%H" in pattern else "days")
    values, current = [], low
    while current <= high and len(values) <= _MAX_PARTITIONS:
        values.append(current.strftime(pattern))
        current = _add(current, step, unit)
    return values


_ORDERED = ["%Y", "%m", "%d", "%H", "%M", "%S"]


def _parsed(text: str | None, pattern: str) -> list[datetime.datetime]:
    """The time of a bound written exactly as the format writes its values (only then
    does its place among the texts match its place in time), else none."""
    try:
        moment = datetime.datetime.strptime(text, pattern) if text is not None else None
    except ValueError:
        return []
    return [moment] if moment is not None and moment.strftime(pattern) == text else []


def _bounds(where: exp.Expression | None, key: str, alias: str) -> tuple[str | None, str | None]:
    """The lowest and highest text the WHERE's top-level conditions let `key` take
    (=, IN, BETWEEN, <, <=, >, >= against string constants), None where unbounded."""
    low = high = None
    conditions = list(where.this.flatten() if isinstance(where.this, exp.And) else [where.this]) if where else []
    for condition in conditions:
        column = condition.this
        if not isinstance(column, exp.Column) or column.name.lower() != key.lower() or \
                (column.table and column.table.lower() != alias):
            continue
        if isinstance(condition, exp.Between):
            found = (condition.args.get("low"), condition.args.get("high"))
        elif isinstance(condition, exp.In) and condition.expressions:
            texts = sorted(e.name for e in condition.expressions if isinstance(e, exp.Literal) and e.is_string)
            if len(texts) != len(condition.expressions):
                continue
            found = (exp.Literal.string(texts[0]), exp.Literal.string(texts[-1]))
        elif isinstance(condition, exp.EQ):
            found = (condition.expression, condition.expression)
        elif isinstance(condition, (exp.GT, exp.GTE)):
            found = (condition.expression, None)
        elif isinstance(condition, (exp.LT, exp.LTE)):
            found = (None, condition.expression)
        else:
            continue
        lower, upper = (e.name if isinstance(e, exp.Literal) and e.is_string else None for e in found)
        low = lower if lower is not None and (low is None or lower > low) else low
        high = upper if upper is not None and (high is None or upper < high) else high
    return low, high


def _date_bound(text: str, pattern: str, now: float) -> datetime.datetime:
    relative = re.fullmatch(r"NOW(?:([+-])(\d+)(YEARS?|MONTHS?|WEEKS?|DAYS?|HOURS?|MINUTES?|SECONDS?))?", text.upper())
    if relative:
        moment = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).replace(tzinfo=None)
        if relative.group(1):
            amount = int(relative.group(2)) * (1 if relative.group(1) == "+" else -1)
            unit = relative.group(3) if relative.group(3).endswith("S") else relative.group(3) + "S"
            moment = _add(moment, amount, _UNITS[unit])
        return moment
    return datetime.datetime.strptime(text, pattern)


def _add(moment: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
    if unit in ("years", "months"):
        months = moment.month - 1 + amount * (12 if unit == "years" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        return moment.replace(year=year, month=month, day=min(moment.day, 28))
    return moment + datetime.timedelta(**{unit: amount})


def _injected(tree, key, alias) -> list[str]:
    """Values of an injected key come from the query: `key = 'v'` or `key IN ('a', 'b')`."""
    values = []
    for node in tree.find_all(exp.EQ, exp.In):
        column = node.this
        if not isinstance(column, exp.Column) or column.name.lower() != key.lower() or \
                (column.table and column.table.lower() != alias):
            continue
        literals = [node.expression] if isinstance(node, exp.EQ) else node.expressions
        values += [literal.name for literal in literals if isinstance(literal, exp.Literal)]
    if not values:
        raise EngineError("CONSTRAINT_VIOLATION",
                          f"For the injected projected partition column {key}, the WHERE clause must contain only "
                          "static equality conditions, and at least one such condition must be present.")
    return sorted(set(values))
