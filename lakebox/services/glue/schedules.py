"""Crawler schedules: AWS's `cron(Minutes Hours Day-of-month Month Day-of-week Year)`,
in UTC, no more often than every 5 minutes, and the next time one fires."""
import calendar
import datetime as dt
import re
from dataclasses import dataclass

from lakebox.services.glue.errors import InvalidInputException

MIN_INTERVAL_MINUTES = 5
_MONTHS = {name: i for i, name in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}
_DAYS = {name: i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}
_CRON = re.compile(r"cron\((.*)\)", re.IGNORECASE)


@dataclass
class Cron:
    minutes: set
    hours: set
    days: set | None           # None: '?' (day of week decides)
    last_day: bool             # 'L' in day of month
    months: set
    weekdays: set | None       # 1 = Sunday ... 7 = Saturday; None: '?'
    years: set


def _invalid(expression: str):
    return InvalidInputException(f"Schedule expression is invalid: {expression}")


def _field(text: str, low: int, high: int, names: dict, expression: str) -> set:
    values = set()
    for part in text.upper().split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise _invalid(expression)
            step = int(step_text)
        if part in ("*", ""):
            start, end = low, high
        elif "-" in part:
            start, end = (_number(p, names, expression) for p in part.split("-", 1))
        else:
            start = _number(part, names, expression)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high):
            raise _invalid(expression)
        values.update(range(start, end + 1, step) if start <= end else
                      list(range(start, high + 1, step)) + list(range(low, end + 1, step)))
    return values


def _number(text: str, names: dict, expression: str) -> int:
    if text in names:
        return names[text]
    if not text.isdigit():
        raise _invalid(expression)
    return int(text)


def parse(expression: str) -> Cron:
    match = _CRON.fullmatch(expression.strip())
    fields = match.group(1).split() if match else []
    if len(fields) != 6:
        raise _invalid(expression)
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise _invalid(expression)          # exactly one of the day fields is '?'
    cron = Cron(_field(minute, 0, 59, {}, expression), _field(hour, 0, 23, {}, expression),
                None if dom in ("?", "L") else _field(dom, 1, 31, {}, expression), dom == "L",
                _field(month, 1, 12, _MONTHS, expression),
                None if dow == "?" else _field(dow, 1, 7, _DAYS, expression),
                _field(year, 1970, 2199, {}, expression))
    _check_interval(cron, expression)
    return cron


def _check_interval(cron: Cron, expression: str):
    if len(cron.hours) > 1 or len(cron.minutes) > 1:
        minutes = sorted(cron.minutes)
        gaps = [b - a for a, b in zip(minutes, minutes[1:])] + [60 - minutes[-1] + minutes[0]]
        if len(cron.hours) == 1:
            gaps = gaps[:-1]
        if gaps and min(gaps) < MIN_INTERVAL_MINUTES:
            raise InvalidInputException(
                f"Schedule expression is invalid: {expression}. Schedules may run no more often than every "
                f"{MIN_INTERVAL_MINUTES} minutes.")


def _day_matches(cron: Cron, day: dt.date) -> bool:
    if cron.weekdays is not None:
        return (day.isoweekday() % 7) + 1 in cron.weekdays
    if cron.last_day:
        return day.day == calendar.monthrange(day.year, day.month)[1]
    return day.day in cron.days


def next_fire(expression: str, after: float) -> float | None:
    """The first firing time strictly after `after` (epoch seconds), or None."""
    cron = parse(expression)
    start = dt.datetime.fromtimestamp(after, dt.timezone.utc).replace(second=0, microsecond=0)
    start += dt.timedelta(minutes=1)
    day = start.date()
    for _ in range(366 * 5):
        if day.year > max(cron.years):
            return None
        if day.year in cron.years and day.month in cron.months and _day_matches(cron, day):
            for hour in sorted(cron.hours):
                for minute in sorted(cron.minutes):
                    moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.timezone.utc)
                    if moment >= start:
                        return moment.timestamp()
        day += dt.timedelta(days=1)
    return None


def due(expression: str, since: float, now: float) -> tuple[bool, float | None]:
    """(whether the schedule fired between `since` and `now`, when it fires next after
    that): a firing the clock jumped over counts once."""
    first = next_fire(expression, since)
    if first is None or first > now:
        return False, first
    return True, next_fire(expression, now)
