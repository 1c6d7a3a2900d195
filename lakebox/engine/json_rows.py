"""A JSON table's lines as its SerDe reads them: a line that is not a JSON object fails
the query (HIVE_CURSOR_ERROR), worded as the SerDe words it, unless the table says
`'ignore.malformed.json' = 'true'` (OpenX SerDe only: the line is then a row of NULLs).

The OpenX SerDe parses a line with its copy of org.json, whose errors name the offending
character: `Row is not a valid JSON Object - JSONException: A JSONObject text must
begin with '{' at 1 [character 2 line 1]` (the index after the character read, then
that plus one). `openx_error` follows that parser's steps to find the same words. The
Hive SerDe (org.apache.hive.hcatalog) parses with Jackson: a line cut short is
`JsonParseException: Unexpected end-of-input: expected close marker for OBJECT`
(https://docs.aws.amazon.com/athena/latest/ug/json-serde.html).
"""
import json
import re

_OPENX = "org.openx.data.jsonserde.JsonSerDe"
_STOPS = ",:]}/\\\"[{;=#"       # where org.json's unquoted text ends


def ignores_malformed(serde_library: str, serde: dict) -> bool:
    """Whether the table reads a malformed line as a row of NULLs."""
    return serde_library == _OPENX and str(serde.get("ignore.malformed.json", "")).strip().lower() == "true"


def first_error(lines, serde_library: str) -> str | None:
    """The SerDe's words for the first line of `lines` that is not a JSON object, or None."""
    for line in lines:
        if not line.strip():
            continue                # an empty line is no row
        if serde_library == _OPENX:
            found = openx_error(line)
            if found is not None:
                return f"Row is not a valid JSON Object - JSONException: {found}"
        else:
            found = hive_error(line)
            if found is not None:
                return f"JsonParseException: {found}"
    return None


# Jackson's words for what it expected, by Python's name for what was missing.
_JACKSON_EXPECTED = {
    "Expecting property name enclosed in double quotes": "was expecting double-quote to start field name",
    "Expecting ',' delimiter": "was expecting comma to separate Object entries",
    "Expecting ':' delimiter": "was expecting a colon to separate field name and value",
}
_DECODER = json.JSONDecoder()
_VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"


def hive_error(line: str) -> str | None:
    """Jackson's JsonParseException message for `line`, or None when it is an object."""
    text = line.strip()
    try:
        value, _ = _DECODER.raw_decode(text)         # what follows the object is not read
    except json.JSONDecodeError as error:
        line = text
        if error.msg.startswith("Unterminated string"):
            return "Unexpected end-of-input: was expecting closing quote for a string value"
        if error.pos >= len(text):
            return "Unexpected end-of-input: expected close marker for OBJECT"
        word = re.match(r"[A-Za-z_][A-Za-z0-9_]*", line[error.pos:])
        if word and error.msg == "Expecting value":
            return f"Unrecognized token '{word.group()}': was expecting {_VALUE}"
        char = line[error.pos]
        expected = _JACKSON_EXPECTED.get(error.msg, f"expected a valid value {_VALUE}")
        return f"Unexpected character ('{char}' (code {ord(char)})): {expected}"
    return None if isinstance(value, dict) else "Start token not found where expected"


class _Syntax(Exception):
    pass


class _Tokener:
    """org.json's JSONTokener over one line: `index` counts the characters read (the end
    of the text reads as one more character, 0)."""

    def __init__(self, text: str):
        self.text, self.index = text, 0

    def next(self) -> str:
        char = self.text[self.index] if self.index < len(self.text) else "\0"
        self.index += 1
        return char

    def back(self):
        self.index -= 1

    def next_clean(self) -> str:
        while True:
            char = self.next()
            if char == "\0" or char > " ":
                return char

    def fail(self, message: str):
        raise _Syntax(f"{message} at {self.index} [character {self.index + 1} line 1]")


def openx_error(line: str) -> str | None:
    """org.json's JSONException for `line` read as a JSONObject, or None when it reads."""
    tokener = _Tokener(line)
    try:
        _object(tokener)
    except _Syntax as error:
        return str(error)
    return None


def _object(x: _Tokener):
    if x.next_clean() != "{":
        x.fail("A JSONObject text must begin with '{'")
    keys = set()
    while True:
        char = x.next_clean()
        if char == "\0":
            x.fail("A JSONObject text must end with '}'")
        if char == "}":
            return
        x.back()
        key = str(_value(x))
        char = x.next_clean()
        if char == "=":
            if x.next() != ">":
                x.back()
        elif char != ":":
            x.fail("Expected a ':' after a key")
        if key in keys:
            raise _Syntax(f'Duplicate key "{key}"')
        keys.add(key)
        _value(x)
        char = x.next_clean()
        if char in ";,":
            if x.next_clean() == "}":
                return
            x.back()
        elif char != "}":
            x.fail("Expected a ',' or '}'")
        else:
            return


def _array(x: _Tokener):
    closer = {"[": "]", "(": ")"}.get(x.next_clean())
    if closer is None:
        x.fail("A JSONArray text must start with '['")
    if x.next_clean() == "]":
        return
    x.back()
    while True:
        if x.next_clean() != ",":
            x.back()
            _value(x)
        else:
            x.back()
        char = x.next_clean()
        if char in ";,":
            if x.next_clean() == "]":
                return
            x.back()
        elif char in "])":
            if char != closer:
                x.fail(f"Expected a '{closer}'")
            return
        else:
            x.fail("Expected a ',' or ']'")


def _value(x: _Tokener):
    char = x.next_clean()
    if char in "\"'":
        return _string(x, char)
    if char == "{":
        x.back()
        return _object(x)
    if char in "[(":
        x.back()
        return _array(x)
    text = []
    while char >= " " and char not in _STOPS:
        text.append(char)
        char = x.next()
    x.back()
    if not "".join(text).strip():
        x.fail("Missing value")
    return "".join(text).strip()


def _string(x: _Tokener, quote: str) -> str:
    text = []
    while True:
        char = x.next()
        if char in "\0\n\r":
            x.fail("Unterminated string")
        if char == "\\":
            escaped = x.next()
            if escaped == "u":
                digits = "".join(x.next() for _ in range(4))
                try:
                    text.append(chr(int(digits, 16)))
                except ValueError:
                    x.fail("Illegal escape.")
            elif escaped in "btnfr":
                text.append({"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r"}[escaped])
            elif escaped in "\"'\\/":
                text.append(escaped)
            else:
                x.fail("Illegal escape.")
        elif char == quote:
            return "".join(text)
        else:
            text.append(char)
