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


# the first key of `k` that an earlier one repeats
_REPEATED = "CAST(list_filter(k, lambda x, i: list_position(k, x) < i)[1] AS VARCHAR)"
# each entry's fault, in order: 1 a NULL entry, 2 a NULL key, 3 a key an earlier entry has
_FAULTS = ("list_transform(e, lambda x, i: CASE WHEN x IS NULL THEN 1 WHEN struct_extract_at(x, 1) IS NULL THEN 2 "
           "WHEN list_position(list_transform(e, lambda y: struct_extract_at(y, 1)), struct_extract_at(x, 1)) < i "
           "THEN 3 ELSE 0 END)")
_FIRST_FAULT = f"list_filter({_FAULTS}, lambda f: f > 0)[1]"

# name -> (parameters, DuckDB body), created as `lakebox_<name>`
MACROS = [
    ("map_keys_checked", "k, v",
     "CASE WHEN len(k) <> len(v) THEN " + _fail("'Key and value arrays must be the same length'")
     + " WHEN list_position(k, NULL) IS NOT NULL THEN " + _fail("'map key cannot be null'")
     + " WHEN len(list_distinct(k)) < len(k) THEN "
     + _fail(f"'Duplicate map keys (' || {_REPEATED} || ') are not allowed'") + " ELSE k END"),
    ("map_entries_checked", "e",
     f"CASE WHEN {_FIRST_FAULT} = 1 THEN " + _fail("'map entry cannot be null'")
     + f" WHEN {_FIRST_FAULT} = 2 THEN " + _fail("'map key cannot be null'")
     + f" WHEN {_FIRST_FAULT} = 3 THEN " + _fail(
         f"'Duplicate keys (' || CAST(struct_extract_at(e[list_position({_FAULTS}, 3)], 1) AS VARCHAR) "
         "|| ') are not allowed'") + " ELSE e END"),
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
