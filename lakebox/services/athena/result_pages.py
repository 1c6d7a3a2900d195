"""GetQueryResults' rows from the result file's bytes straight to their JSON wire form.

Most pages of a result file (every value quoted, NULL as nothing) are plain: no value
holds a quote, a backslash, a newline or another control character. A quoted value of
such a page is already its JSON string, so the page's `Rows` member is its bytes with
what lies between the values (commas, newlines and the NULLs they enclose) replaced by
the JSON around them, each distinct run of separators worked out once. Other pages are
parsed value by value (`results.parse_athena_csv`). Either way the bytes are those the
model-driven serializer writes for the same rows (tests/unit/athena compares them), and
they reach the body as a `JsonFragment`.
"""
from lakebox.aws.serialize import JsonFragment, json_bytes

# The bytes of a plain page: none that JSON escapes (control characters, backslashes)
# but the newline, which ends rows (one inside a value is found by counting them).
_PLAIN_BYTES = bytes(byte for byte in range(256) if byte == 0x0A or (byte >= 0x20 and byte != 0x5C))
_OPEN_VALUE, _CLOSE_VALUE, _NULL = b'{"VarCharValue":"', b'"}', b"{}"
_ROW_START, _ROW_END = b'{"Data":[', b"]}"
# The serializer writes text without escaping beyond JSON's own (orjson does; the json
# module's ASCII escapes would not): only then is a plain value its own JSON string.
_PROBE = "é\x7f\u2028/<>&'"
_VERBATIM = json_bytes(_PROBE) == b'"' + _PROBE.encode() + b'"'


def rows_fragment(rows: list[list[str | None]]) -> JsonFragment:
    """The `Rows` member of these rows (lists of values, None for NULL)."""
    return JsonFragment(json_bytes([{"Data": [{} if value is None else {"VarCharValue": value} for value in row]}
                                    for row in rows]))


def end_of_rows(data: bytes, count: int) -> int | None:
    """Where the `count`-th line of `data` ends (after its newline), or None when `data`
    holds fewer lines. A line is a row when no value holds a newline."""
    parts = data.split(b"\n", count)
    return len(data) - len(parts[-1]) if len(parts) > count else None


def plain_rows(page: bytes) -> bytes | None:
    """The `Rows` JSON of whole rows (`page` ends with a newline), or None when the page
    is not plain."""
    if not _VERBATIM or not page.endswith(b"\n") or page.translate(None, _PLAIN_BYTES):
        return None
    pieces = page.split(b'"')
    if len(pieces) % 2 == 0:
        return None
    # The runs between values, each ended by a NUL (which a plain page never holds). Only
    # commas and newlines may be there, and every newline; and between two values there
    # is always a comma or a newline: an empty run is the doubled quote of a value.
    runs = b"\0".join(pieces[0::2])
    if runs.translate(None, b",\n\0") or b"\0\0" in runs or runs.count(b"\n") != page.count(b"\n"):
        return None
    try:
        page.decode("utf-8")
    except UnicodeDecodeError:
        return None
    last = len(pieces) - 1
    between = _Between()
    pieces[2:last:2] = map(between.__getitem__, pieces[2:last:2])
    if last:
        pieces[last] = _separator_json(pieces[last], first=False, last=True)
    pieces[0] = _separator_json(pieces[0], first=True, last=not last)
    return b"[" + b"".join(pieces) + b"]"


class _Between(dict):
    """Runs of separators between two values and their JSON, each worked out once."""

    def __missing__(self, run: bytes) -> bytes:
        made = self[run] = _separator_json(run, first=False, last=False)
        return made


def _separator_json(run: bytes, first: bool, last: bool) -> bytes:
    """The JSON for a run of commas and newlines: from the value before it (or the page's
    start) to the value after it (or the page's end). An empty field, one that a comma
    or newline ends before anything else, is a NULL."""
    out = [_ROW_START] if first else [_CLOSE_VALUE]
    at_field_start = first
    for position, byte in enumerate(run):
        if at_field_start:
            out.append(_NULL)
        if byte == 0x2C:                       # ,
            out.append(b",")
        else:                                   # \n: the row ends
            out.append(_ROW_END)
            if not (last and position == len(run) - 1):
                out.append(b"," + _ROW_START)
        at_field_start = True
    if not last:
        out.append(_OPEN_VALUE)
    return b"".join(out)
