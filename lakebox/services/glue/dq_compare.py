"""DQDL rules that compare the primary table with a reference dataset, named by its alias
in the run's AdditionalDataSources: RowCountMatch (the primary's rows over the
reference's), ReferentialIntegrity (the share of the primary's rows whose key values are
found in the reference's columns, written "alias.{col1,col2}"), SchemaMatch (the
share of the primary's columns the reference has with the same type) and AggregateMatch
(sum or avg of a column of either, one over the other) and DatasetMatch (rows found
alike by key). DetectAnomalies, which needs a history lakebox does not keep, ends in
ERROR."""
import re

KINDS = {"RowCountMatch", "ReferentialIntegrity", "SchemaMatch", "DatasetMatch", "AggregateMatch", "DetectAnomalies"}


def _reference(check, alias: str):
    found = check.references.get(alias)
    if found is None:
        check.error = f"Reference dataset {alias} is not provided in AdditionalDataSources"
    return found


def _name(table: dict) -> str:
    from lakebox.services.glue.dq_checks import ident
    return f"{ident(table['DatabaseName'])}.{ident(table['Name'])}"


def _columns(table: dict) -> dict:
    sd = table.get("StorageDescriptor") or {}
    return {c["Name"].lower(): (c.get("Type") or "string").lower()
            for c in (sd.get("Columns") or []) + (table.get("PartitionKeys") or [])}


def build(check):
    from lakebox.services.glue.dq_checks import ident
    rule, kind = check.rule, check.rule.type
    if kind == "RowCountMatch":
        reference = _reference(check, rule.parameters[0])
        if reference is not None:
            check.names = ["Dataset.*.RowCountMatch"]
            check.sql = (f"SELECT CAST((SELECT count(*) {check._from()}) AS double) / "
                         f"NULLIF((SELECT count(*) FROM {_name(reference)}), 0)")
        return
    if kind == "SchemaMatch":
        reference = _reference(check, rule.parameters[0])
        if reference is not None:
            theirs = _columns(reference)
            same = [name for name, type_ in check.columns.items() if theirs.get(name) == type_.lower()]
            check.constant = {"Dataset.*.SchemaMatch": len(same) / max(len(check.columns), len(theirs), 1)}
        return
    if kind == "ReferentialIntegrity":
        found = re.fullmatch(r"\s*([^.{]+)\.\{?([^}]*)\}?\s*", rule.parameters[1])
        keys = [name.strip().lower() for name in rule.parameters[0].strip("{}").split(",")]
        if found is None:
            check.error = f"Invalid reference dataset columns: {rule.parameters[1]}"
            return
        reference = _reference(check, found.group(1))
        theirs = [name.strip().lower() for name in found.group(2).split(",")]
        missing = [name for name in keys if name not in check.columns]
        if missing:
            check.error = f"Input data does not include column {missing[0]}!"
        if reference is None or check.error:
            return
        match = " AND ".join(f"r.{ident(b)} = p.{ident(a)}" for a, b in zip(keys, theirs))
        check.names = [f"Column.{found.group(1)}.ReferentialIntegrity"]
        check.sql = (f"SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM {_name(reference)} r WHERE {match}) "
                     f"THEN DOUBLE '1' ELSE DOUBLE '0' END) FROM {check._table()} p"
                     + (f" WHERE ({rule.where})" if rule.where is not None else ""))
        return
    if kind == "AggregateMatch":
        return _aggregate_match(check)
    if kind == "DatasetMatch":
        return _dataset_match(check)
    check.error = f"Rule type {kind} is not supported by lakebox's Data Quality evaluation"


def _mappings(text: str) -> list[tuple[str, str]]:
    """"a->b,c" as [(a, b), (c, c)] (the rule's column mappings, primary -> reference)."""
    pairs = []
    for part in text.split(","):
        primary, _, reference = part.strip().partition("->")
        pairs.append((primary.strip().lower(), (reference or primary).strip().lower()))
    return pairs


def _unique_keys(source: str, keys: list[str]) -> str:
    """SQL true when the key columns are present and unique in every row of `source`."""
    from lakebox.services.glue.dq_checks import ident
    columns = ", ".join(ident(k) for k in keys)
    missing = " OR ".join(f"{ident(k)} IS NULL" for k in keys)
    return (f"(SELECT count(*) FROM (SELECT {columns} FROM {source} GROUP BY {columns} HAVING count(*) > 1)) = 0 "
            f"AND (SELECT count_if({missing}) FROM {source}) = 0")


def _dataset_match(check):
    """The share of the primary's rows that the reference has with the same key and the
    same values in the match columns (every other column when none are given); keys
    missing or repeated are the documented "Provided key map not suitable for given data
    frames" (DQDL reference, DatasetMatch)."""
    from lakebox.services.glue.dq_checks import ident
    rule = check.rule
    reference = _reference(check, rule.parameters[0])
    if reference is None:
        return
    keys = _mappings(rule.parameters[1])
    key_names = {primary for primary, _ in keys}
    matches = _mappings(rule.parameters[2]) if len(rule.parameters) > 2 else \
        [(name, name) for name in check.columns if name not in key_names]
    theirs = _columns(reference)
    for primary, other in keys + matches:
        if primary not in check.columns or other not in theirs:
            check.error = f"Input data does not include column {primary if primary not in check.columns else other}!"
            return
    same = " AND ".join([f"r.{ident(b)} = p.{ident(a)}" for a, b in keys] +
                        [f"r.{ident(b)} IS NOT DISTINCT FROM p.{ident(a)}" for a, b in matches])
    check.names = ["Dataset.*.DatasetMatch", "_keys_suitable"]
    check.sql = (f"SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM {_name(reference)} r WHERE {same}) "
                 f"THEN DOUBLE '1' ELSE DOUBLE '0' END), "
                 f"CASE WHEN {_unique_keys(check._table(), [a for a, _ in keys])} AND "
                 f"{_unique_keys(_name(reference), [b for _, b in keys])} THEN 1 ELSE 0 END "
                 f"FROM {check._table()} p")


def _aggregate(check, expression: str):
    """(SQL of one `sum(col)` / `avg(alias.col)` aggregate, its column) or None
    (Deequ's AggregateMatchRule: sum and avg, over the primary or an aliased dataset)."""
    from lakebox.services.glue.dq_checks import ident
    found = re.fullmatch(r"\s*(sum|avg|SUM|AVG)\((.*)\)\s*", expression)
    if found is None:
        return None
    operation, column = found.group(1).lower(), found.group(2)
    alias, _, name = column.rpartition(".")
    name = name.replace('"', "")
    if not alias or alias == "primary":
        source = check._table()
    else:
        reference = _reference(check, alias)
        if reference is None:
            return None
        source = _name(reference)
    return f"(SELECT {operation}(CAST({ident(name.lower())} AS double)) FROM {source})", name


def _aggregate_match(check):
    """The first aggregate over the second (Column.<c>.AggregateMatch, or
    Column.<c1>,<c2>.AggregateMatch for two columns, as the rule type reference names it)."""
    first, second = (_aggregate(check, text) for text in check.rule.parameters)
    if check.error:
        return
    if first is None or second is None:
        check.error = "Unsupported Rule"
        return
    label = first[1] if first[1] == second[1] else f"{first[1]},{second[1]}"
    check.names = [f"Column.{label}.AggregateMatch"]
    check.sql = f"SELECT {first[0]} / NULLIF({second[0]}, 0)"
