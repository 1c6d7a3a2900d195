"""Where in the text a query with parameters fails: in the text the user wrote.

Athena binds ExecutionParameters, and EXECUTE binds its USING values, into the statement
Trino analyses with each `?` standing for its value's expression: a failure names the place
of an operator or a call in that text (`SELECT ? * 2` with 'x': `line 1:10: Cannot apply
operator: varchar(1) * integer`), and the `?` itself for a failure of the value. lakebox
binds the values into the text, so the engine's places are moved back (`original`).
"""
import re

from lakebox.engine.strict import line_and_column

_PLACE = re.compile(r"\bline (\d+):(\d+):")


class Places:
    """The text with `?` placeholders, where they are, and the values bound in their place."""

    def __init__(self, text: str, offsets: list[int], values: list[str]):
        self.text, self.offsets, self.lengths = text, offsets, [len(value) for value in values]
        pieces, start = [], 0
        for offset, value in zip(offsets, values):
            pieces.append(text[start:offset] + value)
            start = offset + 1
        self.bound = "".join(pieces) + text[start:]

    def original(self, message: str | None) -> str | None:
        """`message` with its first `line L:C` (a place in the bound text) moved to the
        same place in the text with placeholders (a place inside a value: its `?`)."""
        found = _PLACE.search(message or "")
        if found is None or not self.offsets:
            return message
        line_start = 0
        for _ in range(int(found.group(1)) - 1):
            line_start = self.bound.find("\n", line_start) + 1
        offset = self._original_offset(line_start + int(found.group(2)) - 1)
        return message[:found.start()] + line_and_column(self.text, offset) + ":" + message[found.end():]

    def _original_offset(self, bound: int) -> int:
        shift = 0
        for offset, length in zip(self.offsets, self.lengths):
            if bound < offset + shift:
                break
            if bound < offset + shift + length:
                return offset
            shift += length - 1
        return bound - shift
