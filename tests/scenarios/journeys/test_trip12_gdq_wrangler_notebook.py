"""A data engineer in a notebook drives Glue Data Quality through awswrangler's
data_quality module: a ruleset created from DQDL, evaluated into a data frame of rule
results, narrowed to one day's partition with the `pushDownPredicate` additional option,
upserted from a data frame of rules, and a recommendation ruleset read back as a data
frame of (rule_type, parameter, expression)."""
import pandas as pd

from gdq_helpers import ROLE


def test_notebook_data_quality(wr, session, bucket, database):
    frame = pd.DataFrame({"event_id": [1, 2, 3, 4, 4], "kind": ["click", "view", "click", "buy", "buy"],
                          "day": ["2024-05-01", "2024-05-01", "2024-05-02", "2024-05-02", "2024-05-02"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/events/", dataset=True, partition_cols=["day"], database=database,
                     table="events", boto3_session=session)
    name = f"{database}-events"
    wr.data_quality.create_ruleset(name=name, database=database, table="events",
                                   dqdl_rules='Rules = [ RowCount between 1 and 10, IsUnique "event_id" ]',
                                   boto3_session=session)

    results = wr.data_quality.evaluate_ruleset(name=name, iam_role_arn=ROLE, boto3_session=session)
    assert results[["Name", "Description", "Result"]].values.tolist() == [
        ["Rule_1", "RowCount between 1 and 10", "PASS"],
        ["Rule_2", 'IsUnique "event_id"', "FAIL"]]
    first_day = wr.data_quality.evaluate_ruleset(
        name=name, iam_role_arn=ROLE, additional_options={"pushDownPredicate": "day = '2024-05-01'"},
        boto3_session=session)
    assert first_day["Result"].tolist() == ["PASS", "PASS"]

    wr.data_quality.update_ruleset(
        name=name, mode="upsert", boto3_session=session,
        df_rules=pd.DataFrame({"rule_type": ["RowCount", "ColumnValues"], "parameter": [None, '"kind"'],
                               "expression": ["between 4 and 6", 'in ["click", "view", "buy"]']}))
    stored = wr.data_quality.get_ruleset(name=name, boto3_session=session)
    assert sorted(stored.fillna("").values.tolist()) == [
        ["ColumnValues", '"kind"', 'in ["click", "view", "buy"]'], ["IsUnique", '"event_id"', ""],
        ["RowCount", "", "between 4 and 6"]]
    again = wr.data_quality.evaluate_ruleset(name=name, iam_role_arn=ROLE, boto3_session=session)
    assert sorted(again[["Description", "Result"]].values.tolist()) == [
        ['ColumnValues "kind" in ["click","view","buy"]', "PASS"], ['IsUnique "event_id"', "FAIL"],
        ["RowCount between 4 and 6", "PASS"]]

    recommended = wr.data_quality.create_recommendation_ruleset(
        database=database, table="events", iam_role_arn=ROLE, boto3_session=session)
    rows = recommended.fillna("").values.tolist()
    assert rows[:2] == [["RowCount", "", "between 2 and 10"], ["IsComplete", '"event_id"', ""]]
    assert ["ColumnValues", '"kind"', 'in ["buy","click","view"]'] in rows
    session.client("glue", endpoint_url=wr.config.glue_endpoint_url).delete_data_quality_ruleset(Name=name)
