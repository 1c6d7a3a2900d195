"""Capacity limits under `--limits aws`.

Provisioned tables and their global secondary indexes each have a read and a write
token bucket: it refills at the provisioned units per second and holds up to 300 seconds
of them (DynamoDB keeps up to five minutes of unused capacity as burst). A request is
admitted while its bucket is not empty and then pays what it consumed, so a large item
may leave the bucket in debt; a write that touches a throttled index is refused as a
whole. On-demand tables have no burst: their buckets hold one second of the table's
maximum (OnDemandThroughput, else the per-table quota of 40,000 units). Buckets start
full, live in memory (`state.cache`) and follow the lakebox clock. `--limits off` never
throttles.
"""
from lakebox.services.dynamodb import lookup
from lakebox.services.dynamodb.errors import ProvisionedThroughputExceededException, ThrottlingException

BURST_SECONDS = 300
TABLE_QUOTA_UNITS = 40_000
INDEX_THROTTLED = ("The level of configured provisioned throughput for one or more global secondary indexes of the "
                   "table was exceeded. Consider increasing your provisioning level for the under-provisioned global "
                   "secondary indexes with the UpdateTable API")
ON_DEMAND_THROTTLED = ("Throughput exceeds the current capacity of your table or index. DynamoDB is automatically "
                       "scaling your table or index so please try again shortly. If exceptions persist, check if "
                       "you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
                       "bp-partition-key-design.html.")
MAX_ON_DEMAND_THROTTLED = "Throughput exceeds the maximum OnDemandThroughput configured on table or index"


def _limits(table, index_name, kind):
    """(units per second, bucket size) of a table's or index's reads or writes."""
    spec = table.spec
    if index_name is not None:
        spec = next((i for i in spec.get("GlobalSecondaryIndexes", []) if i["IndexName"] == index_name), None)
        if spec is None:
            return None
    member = "ReadCapacityUnits" if kind == "read" else "WriteCapacityUnits"
    if table.spec["BillingMode"] == "PROVISIONED":
        rate = spec.get("ProvisionedThroughput", {}).get(member)
        return (rate, rate * BURST_SECONDS) if rate else None
    maximum = (spec.get("OnDemandThroughput") or {}).get(
        "MaxReadRequestUnits" if kind == "read" else "MaxWriteRequestUnits", -1)
    rate = maximum if maximum and maximum > 0 else TABLE_QUOTA_UNITS
    return rate, rate


def _bucket(ctx, table, index_name, kind):
    limits = _limits(table, index_name, kind)
    if limits is None:
        return None
    rate, size = limits
    buckets = ctx.state.cache("dynamodb").setdefault("buckets", {})
    key = (table.uid, index_name, kind)
    bucket = buckets.get(key)
    if bucket is None:
        bucket = buckets[key] = [size, ctx.now]
    tokens, last = bucket
    bucket[0] = min(size, tokens + max(0.0, ctx.now - last) * rate)
    bucket[1] = ctx.now
    return bucket


def has_room(ctx, table, kind, index_names=()) -> bool:
    """Whether a request may go ahead now (its table's and indexes' buckets not empty)."""
    return refusal(ctx, table, kind, index_names, True) is None


def check(ctx, table, kind, index_names=(), include_table=True):
    """Refuse a request whose table or index bucket is empty, with DynamoDB's error. A
    read of a global index draws on the index alone (include_table=False)."""
    error = refusal(ctx, table, kind, index_names, include_table)
    if error is not None:
        raise error


def refusal(ctx, table, kind, index_names=(), include_table=True):
    """The error that refuses a request now (check's, not raised: a transaction reports
    it as an action's cancellation reason), or None. It carries ThrottlingReasons, the
    resource and <Table|Index><Read|Write><limit> DynamoDB names (Diagnosing throttling):
    an on-demand table or index over its own OnDemandThroughput maximum is refused in
    other words than one over the account's quota."""
    if not ctx.limits_on:
        return None
    on_demand = table.spec["BillingMode"] == "PAY_PER_REQUEST"
    arn = lookup.arn_of(table)
    bucket = _bucket(ctx, table, None, kind) if include_table else None
    if bucket is not None and bucket[0] <= 0:
        return _refused(table, None, kind, arn, on_demand)
    for name in index_names:
        bucket = _bucket(ctx, table, name, kind)
        if bucket is not None and bucket[0] <= 0:
            return _refused(table, name, kind, f"{arn}/index/{name}", on_demand)
    return None


def _refused(table, index_name, kind, resource, on_demand):
    where = ("Index" if index_name else "Table") + ("Read" if kind == "read" else "Write")
    if not on_demand:
        reasons = [{"reason": where + "ProvisionedThroughputExceeded", "resource": resource}]
        if index_name:
            return ProvisionedThroughputExceededException(INDEX_THROTTLED, ThrottlingReasons=reasons)
        return ProvisionedThroughputExceededException(ThrottlingReasons=reasons)
    if _configured_maximum(table, index_name, kind):
        return ThrottlingException(MAX_ON_DEMAND_THROTTLED, throttlingReasons=[
            {"reason": where + "MaxOnDemandThroughputExceeded", "resource": resource}])
    return ThrottlingException(ON_DEMAND_THROTTLED, throttlingReasons=[
        {"reason": where + "AccountLimitExceeded", "resource": resource}])


def _configured_maximum(table, index_name, kind) -> bool:
    spec = table.spec
    if index_name is not None:
        spec = next((i for i in spec.get("GlobalSecondaryIndexes", []) if i["IndexName"] == index_name), {})
    value = (spec.get("OnDemandThroughput") or {}).get("MaxReadRequestUnits" if kind == "read" else
                                                        "MaxWriteRequestUnits", -1)
    return bool(value and value > 0)


def charge(ctx, table, kind, units, index_units=None):
    """Take what a request consumed from its buckets; local indexes draw on the table's."""
    if not ctx.limits_on:
        return
    table_units = units
    for name, used in (index_units or {}).items():
        bucket = _bucket(ctx, table, name, kind)
        if bucket is not None:
            bucket[0] -= used
        else:
            table_units += used
    bucket = _bucket(ctx, table, None, kind)
    if bucket is not None:
        bucket[0] -= table_units
