"""Contributor Insights settings of tables and global indexes, as DynamoDB keeps them
(recorded replies of DynamoDB): switched on and off, described with the CloudWatch rule
names DynamoDB creates (most accessed and most throttled partition keys and, with a sort
key, sort keys; THROTTLED_KEYS mode keeps only the throttled ones) under the time they
were first created. Asking for the state already in force changes nothing and answers
it; a mode change on an enabled target is a new ENABLING. No metrics are computed."""
from lakebox.services.dynamodb import lookup, store
from lakebox.services.dynamodb.errors import ResourceNotFoundException, ValidationException

DEFAULT_MODE = "ACCESSED_AND_THROTTLED_KEYS"


def _target(ctx, params):
    table = lookup.find(ctx, params["TableName"], named_error=True)
    index = params.get("IndexName")
    if index is not None and (index not in table.indexes or table.indexes[index].kind != "GSI"):
        # Local indexes have no insights of their own: the same refusal as an unknown name.
        raise ResourceNotFoundException(
            f"Requested resource not found: Index: {index} not found for table: {table.name}")
    return table, index


def _rules(table, index, setting) -> list:
    keys = table.indexes[index] if index else table
    kinds = ["PKC", "PKT"] + (["SKC", "SKT"] if keys.range_key is not None else [])
    if setting.get("mode", DEFAULT_MODE) == "THROTTLED_KEYS":
        kinds = [kind for kind in kinds if kind.endswith("T")]
    target = f"{table.name}{'-' + index if index else ''}"
    since = setting.get("rules_ms", setting["updated_ms"])
    return [f"DynamoDBContributorInsights-{kind}-{target}-{since}" for kind in kinds]


def describe_contributor_insights(ctx, params):
    table, index = _target(ctx, params)
    setting = table.spec.get("ContributorInsights", {}).get(index or "")
    result = {"TableName": table.name, "ContributorInsightsStatus": "DISABLED"}
    if index:
        result["IndexName"] = index
    if setting:
        result["ContributorInsightsStatus"] = setting["status"]
        result["LastUpdateDateTime"] = lookup.timestamp(setting["updated_ms"])
        result["ContributorInsightsMode"] = setting.get("mode", DEFAULT_MODE)
        if setting["status"] == "ENABLED":
            result["ContributorInsightsRuleList"] = _rules(table, index, setting)
    return result


_NOT_VALID = "Table or Index is not in a valid state to update Key Access Insights: "


def _require_active(ctx, table, index):
    """Insights are switched on for an ACTIVE table or index only (recorded replies of
    DynamoDB, DDB-TABLE-116; the table's text is recorded cut after 'to enable ContributorIn',
    completed as the index's)."""
    if lookup.status(ctx, table) == "CREATING":
        raise ValidationException(_NOT_VALID + "TableStatus must be ACTIVE to enable ContributorInsights.")
    if index and lookup.index_status(ctx, table.indexes[index].spec) == "CREATING":
        raise ValidationException(_NOT_VALID + "IndexStatus must be ACTIVE to enable ContributorInsights.")


def update_contributor_insights(ctx, params):
    table, index = _target(ctx, params)
    if params["ContributorInsightsAction"] == "ENABLE":
        _require_active(ctx, table, index)
    settings = table.spec.setdefault("ContributorInsights", {})
    setting = settings.get(index or "")
    status = setting["status"] if setting else "DISABLED"
    now = lookup.now_ms(ctx)
    if params["ContributorInsightsAction"] == "ENABLE":
        mode = params.get("ContributorInsightsMode") or DEFAULT_MODE
        if status == "ENABLED" and setting.get("mode", DEFAULT_MODE) == mode:
            answer = "ENABLED"                     # already in force: nothing changes
        else:
            rules_ms = setting.get("rules_ms", setting["updated_ms"]) if status == "ENABLED" else now
            settings[index or ""] = {"status": "ENABLED", "updated_ms": now, "mode": mode, "rules_ms": rules_ms}
            answer = "ENABLING"
    elif status == "DISABLED":
        answer = "DISABLED"
    else:
        settings[index or ""] = {**setting, "status": "DISABLED", "updated_ms": now}
        answer = "DISABLING"
    if answer in ("ENABLING", "DISABLING"):
        lookup.save(ctx, table)
    result = {"TableName": table.name, "ContributorInsightsStatus": answer}
    if index:
        result["IndexName"] = index
    current = settings.get(index or "")
    if current:                                    # the mode in force, whatever a DISABLE sent
        result["ContributorInsightsMode"] = current.get("mode", DEFAULT_MODE)
    return result


def _start(token) -> int:
    """NextToken is the position of the next summary, as this server wrote it."""
    if token is None:
        return 0
    if not (token.isascii() and token.isdigit()):
        raise ValidationException("Invalid NextToken")
    return int(token)


def list_contributor_insights(ctx, params):
    """The tables and global indexes whose insights are not DISABLED, each table before
    its indexes."""
    names = [params["TableName"]] if params.get("TableName") else \
        [r["name"] for r in store.tables(ctx.state.db, ctx.account, ctx.region, None, 10_000)]
    summaries = []
    for name in names:
        table = lookup.find(ctx, name, named_error=True)
        for index, setting in sorted(table.spec.get("ContributorInsights", {}).items()):
            if setting["status"] == "DISABLED" or (index and index not in table.indexes):
                continue
            summary = {"TableName": table.name, "ContributorInsightsStatus": setting["status"],
                       "ContributorInsightsMode": setting.get("mode", DEFAULT_MODE)}
            if index:
                summary["IndexName"] = index
            summaries.append(summary)
    limit = params.get("MaxResults") or 100
    start = _start(params.get("NextToken"))
    result = {"ContributorInsightsSummaries": summaries[start:start + limit]}
    if start + limit < len(summaries):
        result["NextToken"] = str(start + limit)
    return result
