"""Warm throughput: the reads and writes per second a table or global secondary index can
serve at once. DynamoDB's figures: a new on-demand table or index starts at 12,000 reads
and 4,000 writes per second; a provisioned one at its provisioned units; a value asked for
(CreateTable, UpdateTable) or reached by raising the provisioned units stays, since warm
throughput never decreases (developer guide, "Understanding DynamoDB warm throughput")."""
ON_DEMAND = {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000}
MEMBERS = ("ReadUnitsPerSecond", "WriteUnitsPerSecond")


def _baseline(spec: dict, billing: str) -> dict:
    if billing == "PAY_PER_REQUEST":
        return ON_DEMAND
    provisioned = spec.get("ProvisionedThroughput") or {}
    return {"ReadUnitsPerSecond": provisioned.get("ReadCapacityUnits", 1),
            "WriteUnitsPerSecond": provisioned.get("WriteCapacityUnits", 1)}


def _highest(*values: dict) -> dict:
    return {member: max(value.get(member, 0) for value in values) for member in MEMBERS}


def settle(spec: dict, billing: str, requested: dict | None = None):
    """Keeps in the table's or index's `spec` the highest warm throughput it has reached."""
    spec["WarmThroughput"] = _highest(spec.get("WarmThroughput") or {}, _baseline(spec, billing), requested or {})


def describe(spec: dict, billing: str, status: str) -> dict:
    """The WarmThroughput member of a table's or index's description; its Status follows
    the table's or index's."""
    return {**_highest(spec.get("WarmThroughput") or {}, _baseline(spec, billing)), "Status": status}
