"""Contributor Insights settings of tables and global indexes: switched on and off, and
described with the CloudWatch rule names DynamoDB creates (partition key and, with a sort
key, sort key rules for consumed and throttled traffic). No metrics are computed."""
from lakebox.services.dynamodb import lookup, store
from lakebox.services.dynamodb.errors import ResourceNotFoundException, ValidationException


def _target(ctx, params):
    table = lookup.find(ctx, params["TableName"], named_error=True)
    index = params.get("IndexName")
    if index is not None and index not in table.indexes:
        raise ResourceNotFoundException(f"Requested resource not found: Index: {index} not found")
    return table, index


def _rules(table, index, since_ms) -> list:
    keys = table.indexes[index] if index else table
    kinds = ["PKC", "PKT"] + (["SKC", "SKT"] if keys.range_key is not None else [])
    target = f"{table.name}{'-' + index if index else ''}"
    return [f"DynamoDBContributorInsights-{kind}-{target}-{since_ms}" for kind in kinds]


def describe_contributor_insights(ctx, params):
    table, index = _target(ctx, params)
    setting = table.spec.get("ContributorInsights", {}).get(index or "")
    result = {"TableName": table.name, "ContributorInsightsStatus": "DISABLED"}
    if index:
        result["IndexName"] = index
    if setting:
        result["ContributorInsightsStatus"] = setting["status"]
        result["LastUpdateDateTime"] = lookup.timestamp(setting["updated_ms"])
        if setting["status"] == "ENABLED":
            result["ContributorInsightsRuleList"] = _rules(table, index, setting["updated_ms"])
            result["ContributorInsightsMode"] = setting.get("mode", "ACCESSED_AND_THROTTLED_KEYS")
    return result


def update_contributor_insights(ctx, params):
    table, index = _target(ctx, params)
    enable = params["ContributorInsightsAction"] == "ENABLE"
    settings = table.spec.setdefault("ContributorInsights", {})
    settings[index or ""] = {"status": "ENABLED" if enable else "DISABLED", "updated_ms": lookup.now_ms(ctx),
                             "mode": params.get("ContributorInsightsMode", "ACCESSED_AND_THROTTLED_KEYS")}
    lookup.save(ctx, table)
    result = {"TableName": table.name, "ContributorInsightsStatus": "ENABLING" if enable else "DISABLING"}
    if index:
        result["IndexName"] = index
    return result


def _start(token) -> int:
    """NextToken is the position of the next summary, as this server wrote it."""
    if token is None:
        return 0
    if not (token.isascii() and token.isdigit()):
        raise ValidationException("Invalid NextToken")
    return int(token)


def list_contributor_insights(ctx, params):
    names = [params["TableName"]] if params.get("TableName") else \
        [r["name"] for r in store.tables(ctx.state.db, ctx.account, ctx.region, None, 10_000)]
    summaries = []
    for name in names:
        table = lookup.find(ctx, name, named_error=True)
        for index, setting in sorted(table.spec.get("ContributorInsights", {}).items()):
            summary = {"TableName": table.name, "ContributorInsightsStatus": setting["status"],
                       "ContributorInsightsMode": setting.get("mode", "ACCESSED_AND_THROTTLED_KEYS")}
            if index:
                summary["IndexName"] = index
            summaries.append(summary)
    limit = params.get("MaxResults") or 100
    start = _start(params.get("NextToken"))
    result = {"ContributorInsightsSummaries": summaries[start:start + limit]}
    if start + limit < len(summaries):
        result["NextToken"] = str(start + limit)
    return result
