"""DQDL rules that compare the primary table with a reference dataset, named by its alias
in the run's AdditionalDataSources: RowCountMatch (the primary's rows over the
reference's), ReferentialIntegrity (the share of the primary's rows whose key values are
found in the reference's columns, written "alias.{col1,col2}") and SchemaMatch (the
share of the primary's columns the reference has with the same type). Rule types that
need what lakebox does not keep (DatasetMatch, AggregateMatch over two datasets,
DetectAnomalies' history) end in ERROR."""
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
                         f"(SELECT count(*) FROM {_name(reference)})")
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
    check.error = f"Rule type {kind} is not supported by lakebox's Data Quality evaluation"
