"""S3 Select's output: result rows as CSV or JSON records (API reference, CSVOutput and
JSONOutput), in the chunks the Records events carry.

JSON: one object per row, keyed by the output names (a value that is missing, NULL
here, is left out, as S3 leaves out MISSING); `SELECT *` over JSON input gives each
record as it is. CSV: the values joined by the FieldDelimiter, quoted ALWAYS or
ASNEEDED (when a value holds the delimiter, the quote character or a record delimiter).
"""
import datetime
import decimal
import json

CHUNK_BYTES = 64 << 10          # about this many bytes of records per Records event
CSV_DEFAULTS = {"FieldDelimiter": ",", "RecordDelimiter": "\n", "QuoteCharacter": '"',
                "QuoteEscapeCharacter": '"', "QuoteFields": "ASNEEDED"}


def writer(output: dict, names: list, raw: list, whole_records: bool):
    """`write(row) -> str`, one record with its delimiter."""
    if "JSON" in output:
        delimiter = (output["JSON"] or {}).get("RecordDelimiter") or "\n"
        if whole_records:
            return lambda row: _compact(json.loads(row[0])) + delimiter
        return lambda row: _compact({name: (json.loads(value) if is_raw else _json_value(value))
                                     for name, value, is_raw in zip(names, row, raw)
                                     if value is not None}) + delimiter
    options = {**CSV_DEFAULTS, **{k: v for k, v in (output.get("CSV") or {}).items() if v}}
    quote_field = _csv_quoter(options)
    field, record = options["FieldDelimiter"], options["RecordDelimiter"]
    if whole_records:
        return lambda row: field.join(quote_field(_csv_text(value))
                                      for value in json.loads(row[0]).values()) + record
    return lambda row: field.join(quote_field(_csv_text(value, is_raw)) for value, is_raw in zip(row, raw)) + record


def _compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _json_value(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return _timestamp_text(value)
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return value


def _csv_text(value, raw_json=False) -> str:
    if value is None:
        return ""
    if raw_json:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return _compact(_json_value(value))
    return str(_json_value(value))


def _timestamp_text(value) -> str:
    if isinstance(value, datetime.datetime) and value.tzinfo is not None and not value.utcoffset():
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()


def _csv_quoter(options: dict):
    quote, escape = options["QuoteCharacter"], options["QuoteEscapeCharacter"]
    always = options["QuoteFields"] == "ALWAYS"
    specials = (options["FieldDelimiter"], options["RecordDelimiter"], quote, "\n", "\r")

    def quote_field(text: str) -> str:
        if not quote or not (always or any(special and special in text for special in specials)):
            return text
        return quote + text.replace(quote, escape + quote) + quote
    return quote_field


def chunks(cursor, write):
    """The query's records as Records payloads of about CHUNK_BYTES, each ending at a
    record's end, and (after the last) the number of bytes they made."""
    pending, size = [], 0
    while rows := cursor.fetchmany(1024):
        for row in rows:
            text = write(row).encode()
            pending.append(text)
            size += len(text)
            if size >= CHUNK_BYTES:
                yield b"".join(pending)
                pending, size = [], 0
    if pending:
        yield b"".join(pending)
