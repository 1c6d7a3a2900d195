"""Which expressions of a Trino query are maps, for the fixes that rewrite a map apart
from an array (`UNNEST(m) AS t(k, v)`, `CAST(m AS JSON)`): a column whose catalog type is
a map, a map built or cast to in the query, a function that answers a map, and a column
that a subquery, CTE or VALUES list defines as one of these."""
from sqlglot import exp

from lakebox.engine.functions import PREFIX

# Trino's functions whose result is a map (their calls parse as Anonymous), also once
# renamed to the engine's own (`functions.PREFIX`) by the fixes that come first
_MAP_FUNCTIONS = {"map_filter", "transform_values", "transform_keys", "map_concat", "map_zip_with",
                  "map_agg", "multimap_agg", "map_union", "histogram"}
_MAP_FUNCTIONS |= {PREFIX + name for name in _MAP_FUNCTIONS}


def is_map(node, column_types: dict) -> bool:
    if isinstance(node, exp.Column):
        return column_types.get(node.name.lower(), "").lower().startswith("map")
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return node.to.this == exp.DataType.Type.MAP
    if isinstance(node, exp.Anonymous):
        return node.name.lower() in _MAP_FUNCTIONS
    if isinstance(node, exp.Paren):
        return is_map(node.this, column_types)
    return isinstance(node, (exp.Map, exp.VarMap, exp.MapFromEntries))


def with_aliases(tree: exp.Expression, column_types: dict, passes: int = 3) -> dict:
    """`column_types` plus the map columns the query defines: `... AS m` in a subquery or
    CTE, and a column of `(VALUES ...) t(id, m)` whose first row holds a map there (a
    catalog column of the same name keeps its type, and a name the query also gives to
    what is no map is left unknown), nested up to `passes` deep."""
    types = dict(column_types)
    named = [(alias.alias.lower(), alias.this) for alias in tree.find_all(exp.Alias) if alias.alias]
    for values in tree.find_all(exp.Values):
        alias, rows = values.args.get("alias"), values.expressions
        if alias is not None and alias.columns and rows and isinstance(rows[0], exp.Tuple):
            named += [(column.name.lower(), item) for column, item in zip(alias.columns, rows[0].expressions)]
    for _ in range(passes):
        found = {name for name, node in named if name not in types and is_map(node, types)}
        found -= {name for name, node in named if name in found and not is_map(node, types)}
        if not found:
            break
        types.update(dict.fromkeys(found, "map"))
    return types
