"""Consumed capacity, computed as DynamoDB computes it (developer guide, "Capacity unit
consumption"): reads in 4 KB units (halved for eventually consistent reads), writes in
1 KB units, rounded up per item (Query and Scan round the sum of what they read), at
least one unit, doubled in transactions; index writes are counted per index."""
import math

READ_UNIT = 4096
WRITE_UNIT = 1024


def read_units(size: int, consistent: bool, transactional=False) -> float:
    units = max(1, math.ceil(size / READ_UNIT))
    if transactional:
        return float(units * 2)
    return float(units) if consistent else units / 2


def write_units(size: int, transactional=False) -> float:
    return float(max(1, math.ceil(size / WRITE_UNIT)) * (2 if transactional else 1))


class Tally:
    """Units consumed by one request, by table and by index, reads and writes apart.

    A transaction reports ReadCapacityUnits / WriteCapacityUnits beside CapacityUnits; any
    other request on an on-demand table reports CapacityUnits alone (recorded against
    DynamoDB, stackd capacity.json and capacity_item_sizes.json: PutItem, GetItem,
    Query, Scan, the batches and ExecuteStatement on a PAY_PER_REQUEST table). On a
    provisioned table they keep both, as the CLI reference's examples show."""

    def __init__(self, transactional=False):
        self.tables = {}          # name -> {"read", "write", "indexes": {name: (kind, read, write)}}
        self.transactional = transactional

    def _entry(self, table):
        return self.tables.setdefault(table.name, {"read": 0.0, "write": 0.0, "indexes": {}, "table": table})

    def read(self, table, units, index=None):
        entry = self._entry(table)
        if index is None:
            entry["read"] += units
        else:
            kind, read, write = entry["indexes"].get(index.name, (index.kind, 0.0, 0.0))
            entry["indexes"][index.name] = (kind, read + units, write)

    def write(self, table, units, index_units=None):
        """units: the table's (doubled by the caller in a transaction); index_units: each
        index's, never doubled, also in a transaction (stackd index_capacity.json, calls
        60-79: a transactional update moving an index key charges the index its delete and
        put at their sizes, once)."""
        entry = self._entry(table)
        entry["write"] += units
        for name, used in (index_units or {}).items():
            kind, read, write = entry["indexes"].get(name, (table.indexes[name].kind, 0.0, 0.0))
            entry["indexes"][name] = (kind, read, write + used)

    def refused_write(self, table, units):
        """Units of a write its condition refused inside a batch: DynamoDB counts them in
        the table's total but not in its Table part."""
        self._entry(table)["refused"] = self._entry(table).get("refused", 0.0) + units

    def report(self, mode: str | None, table_name=None):
        """ConsumedCapacity for one table (a dict) or, without a name, a list for all."""
        if mode not in ("TOTAL", "INDEXES"):
            return None
        if table_name is not None:
            entry = self.tables.get(table_name)
            return self._one(table_name, entry, mode) if entry else self._one(table_name, None, mode)
        return [self._one(name, entry, mode) for name, entry in self.tables.items()]

    def _one(self, name, entry, mode) -> dict:
        if entry is None:
            return {"TableName": name, "CapacityUnits": 0.0}
        directional = self.transactional or entry["table"].spec.get("BillingMode") != "PAY_PER_REQUEST"
        read = entry["read"] + sum(r for _, r, _ in entry["indexes"].values())
        write = entry["write"] + entry.get("refused", 0.0) + sum(w for _, _, w in entry["indexes"].values())
        result = {"TableName": name, **_units(read, write, directional)}
        if mode == "INDEXES":
            result["Table"] = _units(entry["read"], entry["write"], directional)
            for kind, member in (("GSI", "GlobalSecondaryIndexes"), ("LSI", "LocalSecondaryIndexes")):
                indexes = {index: _units(r, w, directional) for index, (k, r, w) in entry["indexes"].items()
                           if k == kind}
                if indexes:
                    result[member] = indexes
        return result


def _units(read, write, directional=True) -> dict:
    result = {"CapacityUnits": read + write}
    if directional and read:
        result["ReadCapacityUnits"] = read
    if directional and write:
        result["WriteCapacityUnits"] = write
    return result

