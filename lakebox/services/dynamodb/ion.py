"""Items as Amazon Ion text, the way DynamoDB exports them: one `{Item:{...}}` struct a
line; numbers as Ion decimals, binary as blobs, sets as lists annotated
`$dynamodb_SS` / `$dynamodb_NS` / `$dynamodb_BS`."""
import base64
import json


def ion_line(item: dict) -> bytes:
    return b"{Item:" + _struct(item).encode("utf-8") + b"}\n"


def ion_change_line(line: dict) -> bytes:
    """An incremental export's line in Ion: Metadata's write time as an integer, then the
    key and images as items are written (no recorded Ion sample of these lines)."""
    parts = [f"Metadata:{{WriteTimestampMicros:{line['Metadata']['WriteTimestampMicros']['N']}}}"]
    parts += [f"{member}:{_struct(line[member])}" for member in ("Keys", "NewImage", "OldImage") if member in line]
    return ("{" + ",".join(parts) + "}\n").encode("utf-8")


def _struct(members: dict) -> str:
    return "{" + ",".join(f"{json.dumps(name)}:{_value(value)}" for name, value in members.items()) + "}"


def _decimal(text: str) -> str:
    return text if "." in text else text + "."


def _blob(data: bytes) -> str:
    return "{{" + base64.b64encode(data).decode() + "}}"


def _value(value: dict) -> str:
    (kind, body), = value.items()
    if kind == "S":
        return json.dumps(body, ensure_ascii=False)
    if kind == "N":
        return _decimal(body)
    if kind == "B":
        return _blob(body)
    if kind == "BOOL":
        return "true" if body else "false"
    if kind == "NULL":
        return "null"
    if kind == "L":
        return "[" + ",".join(_value(m) for m in body) + "]"
    if kind == "M":
        return _struct(body)
    members = {"SS": lambda m: json.dumps(m, ensure_ascii=False), "NS": _decimal, "BS": _blob}[kind]
    return f"$dynamodb_{kind}::[" + ",".join(members(m) for m in body) + "]"


# --- reading (ImportTable) --------------------------------------------------------------------

_ANNOTATED_SETS = {"$dynamodb_SS": "SS", "$dynamodb_NS": "NS", "$dynamodb_BS": "BS"}


class IonError(ValueError):
    pass


def ion_items(text: str):
    """The items of Ion text holding `{Item:{...}}` structs (as DynamoDB exports write)."""
    reader = _Reader(text)
    while True:
        reader.space()
        if reader.at >= len(text):
            return
        if text.startswith("$ion_1_0", reader.at):
            reader.at += len("$ion_1_0")
            continue
        document = reader.value()
        if "M" not in document or "Item" not in document["M"] or "M" not in document["M"]["Item"]:
            raise IonError("a line is not an {Item:{...}} struct")
        yield document["M"]["Item"]["M"]


class _Reader:
    def __init__(self, text):
        self.text, self.at = text, 0

    def space(self):
        while self.at < len(self.text) and self.text[self.at] in " \t\r\n,":
            self.at += 1

    def peek(self, count=1):
        return self.text[self.at:self.at + count]

    def value(self) -> dict:
        self.space()
        if self.peek(2) == "{{":
            end = self.text.index("}}", self.at)
            data = base64.b64decode(self.text[self.at + 2:end].strip())
            self.at = end + 2
            return {"B": data}
        char = self.peek()
        if char == "{":
            return {"M": self.struct()}
        if char == "[":
            return {"L": self.sequence()}
        if char == '"':
            return {"S": self.string()}
        word = self.word()
        if self.peek(2) == "::":
            self.at += 2
            kind = _ANNOTATED_SETS.get(word)
            if kind is None:
                raise IonError(f"unknown annotation {word}")
            members = self.sequence()
            return {kind: [m[kind[0]] for m in members]}
        return _scalar(word)

    def word(self) -> str:
        start = self.at
        while self.at < len(self.text) and self.text[self.at] not in " \t\r\n,:{}[]\"":
            self.at += 1
        if start == self.at:
            raise IonError(f"unexpected {self.peek()!r}")
        return self.text[start:self.at]

    def string(self) -> str:
        start = self.at
        self.at += 1
        while self.text[self.at] != '"':
            self.at += 2 if self.text[self.at] == "\\" else 1
        self.at += 1
        return json.loads(self.text[start:self.at])

    def struct(self) -> dict:
        self.at += 1
        members = {}
        while True:
            self.space()
            if self.peek() == "}":
                self.at += 1
                return members
            name = self.string() if self.peek() == '"' else self.word()
            self.space()
            if self.peek() != ":":
                raise IonError("a struct field needs a ':'")
            self.at += 1
            members[name] = self.value()

    def sequence(self) -> list:
        self.at += 1
        members = []
        while True:
            self.space()
            if self.peek() == "]":
                self.at += 1
                return members
            members.append(self.value())


def _scalar(word: str) -> dict:
    if word in ("true", "false"):
        return {"BOOL": word == "true"}
    if word.startswith("null"):
        return {"NULL": True}
    text = word.replace("d", "e").replace("D", "e")
    return {"N": text[:-1] if text.endswith(".") else text}
