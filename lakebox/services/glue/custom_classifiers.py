"""Custom classifiers: the four kinds (Grok, XML, JSON path, CSV), their API, and how a
crawler tries them before the built-ins. Each answers a file sample with a certainty
and a schema: 1.0 when every sampled record fits, 0.0 when none does."""
import csv
import json
import xml.etree.ElementTree as ET

from lakebox.services.glue import catalog, classify, grok, infer, store
from lakebox.services.glue.errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException

KINDS = {"GrokClassifier": "grok", "XMLClassifier": "xml", "JsonClassifier": "json", "CsvClassifier": "csv"}
GET_CLASSIFIERS_MAX = 1000


def _kind_of(params) -> tuple[str, dict]:
    given = [(key, params[key]) for key in KINDS if params.get(key)]
    if len(given) != 1:
        raise InvalidInputException("Exactly one classifier type must be specified")
    return given[0]


def _check(kind: str, spec: dict):
    if kind == "GrokClassifier":
        try:
            grok.compile_grok(spec["GrokPattern"], grok.custom_patterns(spec.get("CustomPatterns")))
        except grok.GrokError as bad:
            raise InvalidInputException(str(bad)) from None
    if kind == "JsonClassifier" and not spec["JsonPath"].startswith("$"):
        raise InvalidInputException(f"Invalid JsonPath: {spec['JsonPath']}")


def create_classifier(ctx, params):
    kind, spec = _kind_of(params)
    _check(kind, spec)
    if store.get_named(ctx.state.db, "classifiers", ctx.account, ctx.region, spec["Name"]) is not None:
        raise AlreadyExistsException(f"Classifier {spec['Name']} already exists. already exists")
    doc = {kind: dict(spec, CreationTime=ctx.now, LastUpdated=ctx.now, Version=1)}
    if kind == "CsvClassifier":
        doc[kind].setdefault("Serde", "None")
    store.put_named(ctx.state.db, "classifiers", ctx.account, ctx.region, spec["Name"], doc)
    return {}


def _classifier_or_error(ctx, name):
    doc = store.get_named(ctx.state.db, "classifiers", ctx.account, ctx.region, name)
    if doc is None:
        raise EntityNotFoundException(f"Classifier {name} not found. not found.")
    return doc


def get_classifier(ctx, params):
    return {"Classifier": _classifier_or_error(ctx, params["Name"])}


def get_classifiers(ctx, params):
    docs = store.all_named(ctx.state.db, "classifiers", ctx.account, ctx.region)
    page, token = catalog.list_page(docs, params, GET_CLASSIFIERS_MAX,
                                    key=lambda doc: next(iter(doc.values()))["Name"])
    return {"Classifiers": page, "NextToken": token}


def update_classifier(ctx, params):
    kind, spec = _kind_of(params)
    doc = _classifier_or_error(ctx, spec["Name"])
    if kind not in doc:
        raise InvalidInputException(f"Classifier {spec['Name']} is not a {kind}")
    merged = dict(doc[kind], **spec)
    if kind == "CsvClassifier":     # Glue replaces a CSV classifier's settings: those left out are gone
        merged = dict(spec, Serde=spec.get("Serde", "None"), CreationTime=doc[kind]["CreationTime"])
    _check(kind, merged)
    # a CSV classifier's LastUpdated stays its creation time (radkawar/stackd
    # testdata/aws/glue/controls_complete.json get-updated-Csv-classifier); the others move
    last = doc[kind]["LastUpdated"] if kind == "CsvClassifier" else ctx.now
    merged.update(LastUpdated=last, Version=doc[kind]["Version"] + 1)
    store.put_named(ctx.state.db, "classifiers", ctx.account, ctx.region, spec["Name"], {kind: merged})
    return {}


def delete_classifier(ctx, params):
    _classifier_or_error(ctx, params["Name"])
    store.delete_named(ctx.state.db, "classifiers", ctx.account, ctx.region, params["Name"])
    return {}


# ---------------------------------------------------------------------------
# Classifying with them


def load(db, account: str, region: str, names: list[str]) -> list:
    """The crawler's classifiers, in its order, as functions (data, lines) -> (certainty,
    schema). `db` is the database or a work task's reader."""
    found = []
    for name in names:
        doc = store.get_named(db, "classifiers", account, region, name)
        if doc is None:
            continue
        kind, spec = next(iter(doc.items()))
        found.append(_BUILDERS[kind](spec))
    return found


def _grok(spec):
    regex, fields = grok.compile_grok(spec["GrokPattern"], grok.custom_patterns(spec.get("CustomPatterns")))

    def classify_sample(data, lines):
        if not lines or not all(regex.fullmatch(line) for line in lines):
            return 0.0, None
        return 1.0, classify.FileSchema(spec["Classification"], [(n, t) for n, t in fields], records=len(lines),
                                        details={"pattern": spec["GrokPattern"],
                                                 "custom": spec.get("CustomPatterns") or ""})
    return classify_sample


def _xml(spec):
    tag = spec["RowTag"]

    def classify_sample(data, lines):
        try:
            root = ET.fromstring(data.decode("utf-8", errors="replace"))
        except ET.ParseError:
            return 0.0, None
        rows = root.iter(tag)
        columns, count = [], 0
        for row in rows:
            count += 1
            columns = infer.merge_columns(columns, classify.xml_columns(row))
        if not count:
            return 0.0, None
        return 1.0, classify.FileSchema(spec["Classification"], [(n, infer.finish(t)) for n, t in columns],
                                        records=count, details={"rowTag": tag})
    return classify_sample


def _json_path(spec):
    path = spec["JsonPath"]

    def classify_sample(data, lines):
        try:
            document = json.loads(data.decode("utf-8", errors="replace"))
        except ValueError:
            return 0.0, None
        records = [r for r in select(document, path) if isinstance(r, dict)]
        if not records:
            return 0.0, None
        columns = []
        for record in records:
            columns = infer.merge_columns(columns, infer.json_type(record)[1])
        return 1.0, classify.FileSchema("json", [(n, infer.finish(t)) for n, t in columns], records=len(records),
                                        details={"jsonPath": path})
    return classify_sample


def select(document, path: str) -> list:
    """The values a JSON path (`$`, `.name`, `['name']`, `[n]`, `[*]`) points at."""
    values = [document]
    rest = path[1:]
    while rest:
        if rest.startswith("[*]") or rest.startswith(".*"):
            values = [v for value in values for v in (value if isinstance(value, list) else
                                                      value.values() if isinstance(value, dict) else [])]
            rest = rest[3 if rest.startswith("[*]") else 2:]
        elif rest.startswith("['"):
            end = rest.index("']")
            values = [v[rest[2:end]] for v in values if isinstance(v, dict) and rest[2:end] in v]
            rest = rest[end + 2:]
        elif rest.startswith("["):
            end = rest.index("]")
            index = int(rest[1:end])
            values = [v[index] for v in values if isinstance(v, list) and -len(v) <= index < len(v)]
            rest = rest[end + 1:]
        elif rest.startswith("."):
            name = rest[1:].split(".")[0].split("[")[0]
            values = [v[name] for v in values if isinstance(v, dict) and name in v]
            rest = rest[1 + len(name):]
        else:
            return []
    return values


def _csv(spec):
    delimiter = spec.get("Delimiter") or ","
    quote = spec.get("QuoteSymbol") or '"'

    def classify_sample(data, lines):
        rows = list(csv.reader(lines, delimiter=delimiter, quotechar=quote))
        if spec.get("DisableValueTrimming") is False:     # values are trimmed before their type is judged
            rows = [[cell.strip() for cell in row] for row in rows]
        if not rows or len({len(r) for r in rows}) != 1 or (len(rows[0]) < 2 and not spec.get("AllowSingleColumn")):
            return 0.0, None
        has_header = spec.get("ContainsHeader", "UNKNOWN")
        quoted = quote in "".join(lines[:50])
        found = classify._csv_schema(rows, delimiter, quoted=quoted)
        if has_header == "PRESENT" or spec.get("Header"):
            names = spec.get("Header") or [c.strip().lower() for c in rows[0]]
            found = _with_names(rows[1:] if has_header == "PRESENT" else rows, names, delimiter, quoted)
            found.details["header"] = has_header == "PRESENT"
        elif has_header == "ABSENT" and found.details["header"]:
            found = _with_names(rows, [f"col{i}" for i in range(len(rows[0]))], delimiter, quoted)
            found.details["header"] = False
        found.details["serde"] = spec.get("Serde") or ""
        found.details["quote"] = quote        # the table's OpenCSVSerde reads fields quoted with it
        return 1.0, found
    return classify_sample


def _with_names(rows, names, delimiter, quoted):
    types = [None] * len(names)
    for row in rows:
        for i, cell in enumerate(row[:len(names)]):
            types[i] = infer.widen(types[i], infer.text_type(cell))
    return classify.FileSchema("csv", [(n, infer.finish(t)) for n, t in zip(names, types)], records=len(rows),
                               details={"delimiter": delimiter, "header": False, "quoted": quoted})


_BUILDERS = {"GrokClassifier": _grok, "XMLClassifier": _xml, "JsonClassifier": _json_path, "CsvClassifier": _csv}
