"""A data platform admin keeps the team's Glue Data Quality rulesets: creates them with
tags and a TargetTable, finds them again with ListDataQualityRulesets (all of them, by
target table, by tag, a page at a time), edits one's DQDL and description, and deletes
it. Rulesets DQDL refuses are refused at CreateDataQualityRuleset and
UpdateDataQualityRuleset with InvalidInputException in the DQDL parser's words, and the
stored ruleset is left as it was."""
import pytest

from trip_helpers import error_of


@pytest.mark.parametrize("dqdl, message", [
    ('Rules = [ IsComplet "id" ]', "Rule Type: IsComplet is not valid"),
    ('Rules = [ Completeness "id" ]', "No condition provided for rule with non-boolean rule type: Completeness"),
    ('Rules = [ IsComplete "id" > 0.5 ]', "Unexpected condition for rule of type IsComplete with boolean return type"),
    ("Rules = [ ]", "No rules provided."),
    ('Rules = [ RowCount "id" > 3 ]', "Rule Type: RowCount is not valid"),
])
def test_unparsable_rulesets_are_refused(client, dqdl, message):
    glue = client("glue")
    code, text = error_of(lambda: glue.create_data_quality_ruleset(Name="refused-ruleset", Ruleset=dqdl))
    assert (code, text) == ("InvalidInputException", message)
    assert error_of(lambda: glue.get_data_quality_ruleset(Name="refused-ruleset"))[0] == "EntityNotFoundException"


def test_admin_keeps_rulesets(client, database):
    glue = client("glue")
    orders, users = f"{database}-orders", f"{database}-users"
    account = client("sts").get_caller_identity()["Account"]
    arn = f"arn:aws:glue:{glue.meta.region_name}:{account}:dataQualityRuleset/{orders}"
    glue.create_data_quality_ruleset(
        Name=orders, Ruleset='Rules = [ RowCount > 0, IsComplete "order_id" ]', Tags={"team": "sales"},
        TargetTable={"DatabaseName": database, "TableName": "Orders"})
    glue.create_data_quality_ruleset(
        Name=users, Description="user checks", Ruleset='Rules = [ IsUnique "user_id" ]', Tags={"team": "crm"},
        TargetTable={"DatabaseName": database, "TableName": "users"})
    assert error_of(lambda: glue.create_data_quality_ruleset(Name=orders, Ruleset="Rules = [ RowCount > 1 ]"))[0] == \
        "AlreadyExistsException"

    mine = [r for r in glue.list_data_quality_rulesets()["Rulesets"] if r["Name"] in (orders, users)]
    assert [(r["Name"], r.get("Description"), r["TargetTable"], r["RuleCount"]) for r in mine] == [
        (orders, None, {"DatabaseName": database, "TableName": "orders"}, 2),
        (users, "user checks", {"DatabaseName": database, "TableName": "users"}, 1)]
    assert all(r["CreatedOn"] == r["LastModifiedOn"] for r in mine)
    by_table = glue.list_data_quality_rulesets(
        Filter={"TargetTable": {"DatabaseName": database, "TableName": "users"}})["Rulesets"]
    assert [r["Name"] for r in by_table] == [users]
    tagged = [r["Name"] for r in glue.list_data_quality_rulesets(Tags={"team": "sales"})["Rulesets"]]
    assert orders in tagged and users not in tagged
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "sales"}
    first = glue.list_data_quality_rulesets(MaxResults=1, Filter={"Name": orders})
    assert [r["Name"] for r in first["Rulesets"]] == [orders] and "NextToken" not in first

    # a refused edit leaves the ruleset as it was
    code, text = error_of(lambda: glue.update_data_quality_ruleset(Name=orders, Ruleset='Rules = [ Mean "x" ]'))
    assert (code, text) == ("InvalidInputException", "No condition provided for rule with non-boolean rule type: Mean")
    assert glue.get_data_quality_ruleset(Name=orders)["Ruleset"] == 'Rules = [ RowCount > 0, IsComplete "order_id" ]'

    updated = glue.update_data_quality_ruleset(Name=orders, Description="orders gate",
                                               Ruleset='Rules = [ RowCount > 10 ]')
    assert updated == {"Name": orders, "Description": "orders gate", "Ruleset": "Rules = [ RowCount > 10 ]",
                       "ResponseMetadata": updated["ResponseMetadata"]}
    stored = glue.get_data_quality_ruleset(Name=orders)
    assert (stored["Description"], stored["Ruleset"]) == ("orders gate", "Rules = [ RowCount > 10 ]")
    assert stored["LastModifiedOn"] >= stored["CreatedOn"]
    assert [r["RuleCount"] for r in glue.list_data_quality_rulesets(Filter={"Name": orders})["Rulesets"]] == [1]

    glue.delete_data_quality_ruleset(Name=orders)
    assert error_of(lambda: glue.get_data_quality_ruleset(Name=orders))[0] == "EntityNotFoundException"
    assert error_of(lambda: glue.delete_data_quality_ruleset(Name=orders))[0] == "EntityNotFoundException"
    assert error_of(lambda: glue.update_data_quality_ruleset(Name=orders, Description="x"))[0] == \
        "EntityNotFoundException"
    assert error_of(lambda: glue.get_tags(ResourceArn=arn))[0] == "EntityNotFoundException"
    glue.delete_data_quality_ruleset(Name=users)
