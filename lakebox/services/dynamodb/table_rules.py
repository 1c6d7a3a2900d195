"""CreateTable and UpdateTable checks on key schemas, indexes and billing, with
DynamoDB's messages. Pure logic over request parameters."""
from lakebox.services.dynamodb.errors import LimitExceededException, ValidationException, invalid, members_missing

MAX_LSIS = 5
MAX_GSIS = 20
MAX_PROJECTED_ATTRIBUTES = 100


def check_key_members(params):
    """The model leaves the key schema and attribute definitions optional (a replica made
    from GlobalTableSourceArn takes them from its source); a table of its own needs both."""
    missing = [wire for member, wire in (("AttributeDefinitions", "attributeDefinitions"), ("KeySchema", "keySchema"))
               if params.get(member) is None]
    if missing:
        raise members_missing(missing)


def check_key_schema(key_schema, label="KeySchema"):
    if key_schema[0]["KeyType"] != "HASH":
        raise ValidationException(f"Invalid {label}: The first KeySchemaElement is not a HASH key type")
    if len(key_schema) == 2:
        if key_schema[1]["KeyType"] != "RANGE":
            raise ValidationException(f"Invalid {label}: The second KeySchemaElement is not a RANGE key type")
        if key_schema[0]["AttributeName"] == key_schema[1]["AttributeName"]:
            raise ValidationException("Both the Hash Key and the Range Key element in the KeySchema have the "
                                      "same name")


def check_definitions(params):
    """Every key attribute of the table and its indexes is defined, and nothing else is."""
    definitions = params["AttributeDefinitions"]
    defined = [d["AttributeName"] for d in definitions]
    if len(set(defined)) != len(defined):
        raise invalid("Duplicate AttributeName in AttributeDefinitions")
    used = [e["AttributeName"] for e in params["KeySchema"]]
    for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        for index in params.get(member, []):
            used += [e["AttributeName"] for e in index["KeySchema"]]
    missing = [name for name in used if name not in defined]
    if missing:
        raise invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: "
                      f"[{', '.join(dict.fromkeys(missing))}], AttributeDefinitions: [{', '.join(defined)}]")
    if set(defined) - set(used):
        raise invalid("Number of attributes in KeySchema does not exactly match number of attributes defined "
                      "in AttributeDefinitions")


def check_billing(params, billing_mode):
    throughput = params.get("ProvisionedThroughput")
    if billing_mode == "PROVISIONED" and throughput is None:
        raise invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is "
                      "PROVISIONED")
    if billing_mode == "PAY_PER_REQUEST" and throughput is not None:
        raise invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
                      "PAY_PER_REQUEST")
    on_demand = params.get("OnDemandThroughput") or {}
    if billing_mode == "PROVISIONED":
        # Recorded for MaxWriteRequestUnits (checked first); the read one is worded alike.
        for member in ("MaxWriteRequestUnits", "MaxReadRequestUnits"):
            if member in on_demand:
                raise invalid(f"{member} for OnDemandThroughput cannot be specified when table BillingMode is "
                              "PROVISIONED.")
    check_on_demand_range(on_demand, clearing=False)


def check_on_demand_range(on_demand, clearing, owner="table"):
    """A maximum is at least 1; -1 clears one, which only UpdateTable may ask (DynamoDB's
    message catalogue, recorded replies); a new index's are checked alike, named
    (recorded against DynamoDB: stackd on_demand_limits.json, index-create calls 1 and 8)."""
    for member in ("MaxReadRequestUnits", "MaxWriteRequestUnits"):
        value = on_demand.get(member)
        if value is not None and value < 1 and not (clearing and value == -1):
            raise invalid(f"Requested {member} for OnDemandThroughput for {owner} is outside of valid range")


def check_projection(projection, index_name):
    kind = projection.get("ProjectionType")
    non_key = projection.get("NonKeyAttributes")
    if kind is None:
        raise invalid(f"Unknown ProjectionType: null")
    if kind == "INCLUDE" and not non_key:
        raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    if kind != "INCLUDE" and non_key is not None:
        raise invalid(f"ProjectionType is {kind}, but NonKeyAttributes is specified")


def check_indexes(params, billing_mode):
    table_keys = params["KeySchema"]
    lsis, gsis = params.get("LocalSecondaryIndexes", []), params.get("GlobalSecondaryIndexes", [])
    names = [i["IndexName"] for i in lsis + gsis]
    for name in names:
        if names.count(name) > 1:
            raise invalid(f"Duplicate index name: {name}")
    if len(lsis) > MAX_LSIS:
        raise invalid(f"Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LSIS}")
    if len(gsis) > MAX_GSIS:
        raise LimitExceededException(f"Subscriber limit exceeded: The number of global secondary indexes "
                                     f"exceeds the per-table limit of {MAX_GSIS}")
    if lsis and len(table_keys) < 2:
        raise invalid("Table KeySchema does not have a range key, which is required when specifying a "
                      "LocalSecondaryIndex")
    for index in lsis:
        check_key_schema(index["KeySchema"])
        if len(index["KeySchema"]) < 2:
            raise invalid(f"Index KeySchema does not have a range key for index: {index['IndexName']}")
        if index["KeySchema"][0]["AttributeName"] != table_keys[0]["AttributeName"]:
            raise invalid("Index KeySchema does not have the same leading hash key as table KeySchema for index: "
                          f"{index['IndexName']}. index hash key: {index['KeySchema'][0]['AttributeName']}, "
                          f"table hash key: {table_keys[0]['AttributeName']}")
        check_projection(index["Projection"], index["IndexName"])
    for index in gsis:
        check_gsi(index, billing_mode)
    projected = {a for i in lsis + gsis for a in i["Projection"].get("NonKeyAttributes", [])}
    if len(projected) > MAX_PROJECTED_ATTRIBUTES:
        raise LimitExceededException("One or more parameter values were invalid: Number of projected attributes "
                                     f"in all indexes exceeds limit of {MAX_PROJECTED_ATTRIBUTES}")


def check_gsi(index, billing_mode):
    check_key_schema(index["KeySchema"])
    check_projection(index["Projection"], index["IndexName"])
    if billing_mode == "PROVISIONED" and "ProvisionedThroughput" not in index:
        raise invalid(f"ProvisionedThroughput is not specified for index: {index['IndexName']}")
    if billing_mode == "PAY_PER_REQUEST" and "ProvisionedThroughput" in index:
        raise invalid("ProvisionedThroughput should not be specified for index: "
                      f"{index['IndexName']} when BillingMode is PAY_PER_REQUEST")
    check_on_demand_range(index.get("OnDemandThroughput") or {}, clearing=False, owner=f"index: {index['IndexName']}")


def check_stream_specification(spec):
    if spec is None:
        return
    if spec["StreamEnabled"] and "StreamViewType" not in spec:
        raise invalid("You must specify a StreamViewType when enabling a stream")
    if not spec["StreamEnabled"] and "StreamViewType" in spec:
        raise invalid("You cannot specify a StreamViewType when disabling a stream")
