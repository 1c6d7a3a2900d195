"""Grok patterns, as Glue's grok classifiers and GrokSerDe read them: `%{NAME}`,
`%{NAME:field}` and `%{NAME:field:type}` over a library of named regular expressions,
plus a classifier's own `CustomPatterns` (one `NAME regex` per line)."""
import re

BUILT_IN = {
    "USERNAME": r"[a-zA-Z0-9._-]+", "USER": r"%{USERNAME}", "INT": r"(?:[+-]?(?:[0-9]+))",
    "BASE10NUM": r"(?<![0-9.+-])[+-]?(?:(?:[0-9]+(?:\.[0-9]+)?)|(?:\.[0-9]+))",
    "NUMBER": r"(?:[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?)|(?:\.[0-9]+)))", "POSINT": r"\b(?:[1-9][0-9]*)\b",
    "NONNEGINT": r"\b(?:[0-9]+)\b", "WORD": r"\b\w+\b", "NOTSPACE": r"\S+", "SPACE": r"\s*", "DATA": r".*?",
    "GREEDYDATA": r".*", "QUOTEDSTRING": r'(?:"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')',
    "UUID": r"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}",
    "IPV4": r"(?<![0-9])(?:(?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2})[.](?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2})[.]"
            r"(?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2})[.](?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2}))(?![0-9])",
    "IPV6": r"[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+", "IP": r"(?:%{IPV6}|%{IPV4})",
    "HOSTNAME": r"\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(\.?|\b)",
    "IPORHOST": r"(?:%{IP}|%{HOSTNAME})", "HOSTPORT": r"%{IPORHOST}:%{POSINT}",
    "PATH": r"(?:/[^\s]*)+", "URIPATHPARAM": r"\S+", "URI": r"\S+",
    "MONTH": r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust)?|"
             r"Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b",
    "MONTHNUM": r"(?:0?[1-9]|1[0-2])", "MONTHDAY": r"(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])",
    "DAY": r"(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)",
    "YEAR": r"(?:\d\d){1,2}", "HOUR": r"(?:2[0123]|[01]?[0-9])", "MINUTE": r"(?:[0-5][0-9])",
    "SECOND": r"(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)", "TIME": r"%{HOUR}:%{MINUTE}(?::%{SECOND})?",
    "ISO8601_TIMEZONE": r"(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))",
    "TIMESTAMP_ISO8601": r"%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?",
    "DATE_US": r"%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}", "DATE_EU": r"%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}",
    "DATE": r"(?:%{DATE_US}|%{DATE_EU})", "HTTPDATE": r"%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}",
    "SYSLOGTIMESTAMP": r"%{MONTH} +%{MONTHDAY} %{TIME}", "PROG": r"[\x21-\x5a\x5c\x5e-\x7e]+",
    "SYSLOGPROG": r"%{PROG:program}(?:\[%{POSINT:pid}\])?", "LOGLEVEL": r"(?:[Aa]lert|ALERT|[Tt]race|TRACE|"
    r"[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo|INFO|[Ww]arn(?:ing)?|WARN(?:ING)?|[Ee]rr(?:or)?|ERR(?:OR)?|"
    r"[Cc]rit(?:ical)?|CRIT(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)",
    "COMMONAPACHELOG": r'%{IPORHOST:clientip} %{USER:ident} %{USER:auth} \[%{HTTPDATE:timestamp}\] '
                       r'"(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})" '
                       r'%{NUMBER:response} (?:%{NUMBER:bytes}|-)',
    "COMBINEDAPACHELOG": r'%{COMMONAPACHELOG} %{QUOTEDSTRING:referrer} %{QUOTEDSTRING:agent}',
    "SYSLOGHOST": r"%{IPORHOST}", "SYSLOGFACILITY": r"<%{NONNEGINT:facility}.%{NONNEGINT:priority}>",
    "SYSLOGBASE": r"%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:logsource} %{SYSLOGPROG}:",
    "SYSLOGLINE": r"%{SYSLOGTIMESTAMP:timestamp} %{SYSLOGHOST:logsource} %{SYSLOGPROG}: %{GREEDYDATA:message}",
}
_REFERENCE = re.compile(r"%\{(\w+)(?::([\w@.\[\]-]+))?(?::(\w+))?\}")
_HIVE_TYPES = {"int": "int", "integer": "int", "long": "bigint", "float": "float", "double": "double",
               "boolean": "boolean", "string": "string", "bigint": "bigint"}


class GrokError(ValueError):
    pass


def custom_patterns(text: str | None) -> dict:
    patterns = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, regex = line.partition(" ")
            patterns[name] = regex.strip()
    return patterns


def compile_grok(pattern: str, extra: dict | None = None,
                 unnamed_fields: bool = False) -> tuple[re.Pattern, list[tuple[str, str]]]:
    """(a compiled regex, [(field, hive type)]) for a grok pattern. `unnamed_fields`: a
    pattern the top level names no field for (`%{SYSLOGBASE}`) is a field of its own
    name too, as the Grok SerDe reads it (the crawler's classifiers make columns only of
    named fields)."""
    library = {**BUILT_IN, **(extra or {})}
    fields = []

    def expand(text: str, depth: int) -> str:
        if depth > 25:
            raise GrokError("grok patterns nest too deep")

        def replace(match):
            name, field, type_ = match.groups()
            if name not in library:
                raise GrokError(f"Unknown grok pattern: {name}")
            inner = expand(library[name], depth + 1)
            if field is None and unnamed_fields and depth == 0:
                field = name
            if field is None:
                return f"(?:{inner})"
            group = f"g{len(fields)}"
            fields.append((field, _HIVE_TYPES.get((type_ or "string").lower(), "string")))
            return f"(?P<{group}>{inner})"

        return _REFERENCE.sub(replace, text)

    regex = expand(pattern, 0)
    try:
        return re.compile(regex), fields
    except re.error as bad:
        raise GrokError(f"Invalid grok pattern: {bad}") from None
