"""Maps whose keys Trino refuses, in Trino's words.

Trino builds a map only from distinct, non-NULL keys: `MAP(keys, values)` refuses arrays
of unequal lengths, a NULL key and a repeated one (MapConstructor: `Duplicate map keys (a)
are not allowed`); `map_from_entries` and `transform_keys` read the entries in order and
refuse the first NULL entry, NULL key or repeated key (`Duplicate keys (a) are not
allowed`). DuckDB refuses them too, in its own words and without the key. The keys are
checked by macros (`lakebox_...`) before DuckDB builds the map.
"""
from sqlglot import exp

from lakebox.engine.strict import failure_sql


def _fail(message_sql: str) -> str:
    return failure_sql("INVALID_FUNCTION_ARGUMENT", message_sql)


def _first_repeat(keys: str) -> str:
    """The position of the first key of the list `keys` that an earlier one repeats (NULL
    when none does): the keys sorted with their positions, a key equal to the one before
    it is a repeat (in O(n log n), as constant folding computes every branch)."""
    keyed = f"list_sort(list_transform({keys}, lambda x, i: {{'k': x, 'i': i}}))"
    return (f"list_min(list_transform(list_filter(list_zip(({keyed})[2:], ({keyed})[1:len({keys}) - 1]), "
            "lambda p: struct_extract_at(p, 1).k = struct_extract_at(p, 2).k), "
            "lambda p: struct_extract_at(p, 1).i))")


_KEYS = "list_transform(e, lambda y: struct_extract_at(y, 1))"
# where map_from_entries stops: at a NULL entry, a NULL key or a repeated key, the first of them
_NULL_ENTRY, _NULL_KEY, _REPEAT = "list_position(e, NULL)", f"list_position({_KEYS}, NULL)", _first_repeat(_KEYS)
_STOP = f"least({_NULL_ENTRY}, {_NULL_KEY}, {_REPEAT})"

# name -> (parameters, DuckDB body), created as `lakebox_<name>`
MACROS = [
    ("map_keys_checked", "k, v",
     "CASE WHEN len(k) <> len(v) THEN " + _fail("'Key and value arrays must be the same length'")
     + " WHEN list_position(k, NULL) IS NOT NULL THEN " + _fail("'map key cannot be null'")
     + " WHEN len(list_distinct(k)) < len(k) THEN "
     + _fail(f"'Duplicate map keys (' || CAST(k[{_first_repeat('k')}] AS VARCHAR) || ') are not allowed'")
     + " ELSE k END"),
    # the entries computed once (a macro repeats its argument where the body names it)
    ("map_entries_checked", "entries",
     f"list_transform([entries], lambda e: CASE WHEN e IS NULL OR {_STOP} IS NULL THEN e "
     f"WHEN {_STOP} = {_NULL_ENTRY} THEN " + _fail("'map entry cannot be null'")
     + f" WHEN {_STOP} = {_NULL_KEY} THEN " + _fail("'map key cannot be null'")
     + " ELSE " + _fail(f"'Duplicate keys (' || CAST(struct_extract_at(e[{_STOP}], 1) AS VARCHAR) "
                        "|| ') are not allowed'") + " END)[1]"),
]


def install(db):
    for name, parameters, body in MACROS:
        db.execute(f"CREATE OR REPLACE MACRO lakebox_{name}({parameters}) AS {body}")


def checked(entries: exp.Expression) -> exp.Expression:
    """`entries` (an array of key/value rows) checked as map_from_entries checks them."""
    return exp.Anonymous(this="lakebox_map_entries_checked", expressions=[entries])


def keys_are_checked(tree: exp.Expression) -> exp.Expression:
    """MAP(keys, values) and map_from_entries(entries) written by the query check their keys."""
    for node in list(tree.find_all(exp.Map, exp.MapFromEntries)):
        if isinstance(node, exp.Map) and node.args.get("keys") is not None and node.args.get("values") is not None:
            node.set("keys", exp.Anonymous(this="lakebox_map_keys_checked",
                                           expressions=[node.args["keys"].copy(), node.args["values"].copy()]))
        elif isinstance(node, exp.MapFromEntries) and node.this is not None:
            node.set("this", checked(node.this.copy()))
    return tree
