"""SearchTables: tables of every database whose text matches `SearchText` and whose
attributes (or parameters) pass the `Filters`, sorted by `SortCriteria`.

As the API reference says: a string filter is a fuzzy match (the table's value is split
into tokens on punctuation, and the filter's `Value` must equal the whole value or one
token: `link` finds `customer-link` and `xx-link-yy`, not `xxlinkyy`), the `Comparator`
applies to time fields only, and a `SearchText` in double quotes matches a whole value."""
import re
from lakebox.services.glue import catalog, store
from lakebox.services.glue.catalog import in_catalog
from lakebox.services.glue.errors import InvalidInputException

SEARCH_TABLES_MAX = 1000
_ATTRIBUTES = {"databasename": "DatabaseName", "name": "Name", "tablename": "Name", "description": "Description",
               "tabletype": "TableType", "owner": "Owner", "createtime": "CreateTime", "updatetime": "UpdateTime"}
_COMPARE = {"EQUALS": lambda a, b: a == b, "GREATER_THAN": lambda a, b: a > b, "LESS_THAN": lambda a, b: a < b,
            "GREATER_THAN_EQUALS": lambda a, b: a >= b, "LESS_THAN_EQUALS": lambda a, b: a <= b}


_PUNCTUATION = re.compile(r"[^\w]+")      # '-', ':', '#', '.', '/', spaces ... (not '_')


def _texts_of(table: dict) -> list[str]:
    sd = table.get("StorageDescriptor") or {}
    parts = [table["Name"], table.get("Description") or "", table["DatabaseName"]]
    parts += [c["Name"] for c in (sd.get("Columns") or []) + (table.get("PartitionKeys") or [])]
    parts += [f"{k} {v}" for k, v in (table.get("Parameters") or {}).items()]
    return [part.lower() for part in parts]


def _text_matches(table: dict, text: str) -> bool:
    texts = _texts_of(table)
    if len(text) > 1 and text.startswith('"') and text.endswith('"'):
        return text[1:-1] in texts
    return any(text in part for part in texts)


def _value(table: dict, key: str):
    attribute = _ATTRIBUTES.get(key.lower())
    if attribute:
        return table.get(attribute)
    return (table.get("Parameters") or {}).get(key)


def _passes(table: dict, wanted: dict) -> bool:
    have = _value(table, wanted["Key"]) if wanted.get("Key") else None
    if have is None:
        return False
    value = wanted.get("Value", "")
    if not isinstance(have, float):
        have = str(have)
        return value == have or value in _PUNCTUATION.split(have)
    try:
        value = float(value)
    except ValueError:
        raise InvalidInputException(f"Filter value {value} is not a time") from None
    return _COMPARE[wanted.get("Comparator", "EQUALS")](have, value)


def _sort_key(value):
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value or ""))


def search_tables(ctx, params):
    ctx = in_catalog(ctx, params)
    text = (params.get("SearchText") or "").lower()
    found = [t for t in store.all_tables(ctx.state.db, ctx.account, ctx.region)
             if (not text or _text_matches(t, text)) and all(_passes(t, f) for f in params.get("Filters") or [])]
    for criterion in reversed(params.get("SortCriteria") or []):
        field = _ATTRIBUTES.get((criterion.get("FieldName") or "").lower(), criterion.get("FieldName"))
        found.sort(key=lambda t: _sort_key(t.get(field)), reverse=criterion.get("Sort") == "DESC")
    page, token = catalog.list_page(found, params, SEARCH_TABLES_MAX)
    return {"TableList": page, "NextToken": token}
