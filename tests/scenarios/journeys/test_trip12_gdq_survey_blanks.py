"""A survey team checks its answers export (CSV) for blanks the way the DQDL reference
describes them: the EMPTY and WHITESPACES_ONLY keywords for blank and space-only
answers, NULL for a missing score (a blank number in CSV is null), a numeric range that
admits the missing score in its compliance but fails the rule on completeness, and a
value set negated (`not in`, `!=`) that missing values meet."""
from gdq_helpers import csv_table, evaluated, first_result

RULES = """Rules = [
    ColumnValues "answer" in ["yes", "no", EMPTY],
    ColumnValues "answer" not in [WHITESPACES_ONLY],
    ColumnValues "score" between 0 and 10,
    ColumnValues "score" not in [3],
    ColumnValues "score" in [1, 2, 3, 9, NULL],
    ColumnValues "answer" != "maybe"
]"""


def test_blank_answers_are_told_apart(client, bucket, database):
    glue, s3 = client("glue"), client("s3")
    glue.create_table(DatabaseName=database, TableInput=csv_table(bucket, "answers", [("answer", "string"),
                                                                                   ("score", "int")]))
    s3.put_object(Bucket=bucket, Key="answers/export.csv", Body=b"yes,1\nno,\n,2\n  ,3\nmaybe,9\n")
    name = f"{database}-survey"
    glue.create_data_quality_ruleset(Name=name, Ruleset=RULES,
                                     TargetTable={"DatabaseName": database, "TableName": "answers"})
    result = first_result(glue, evaluated(glue, database, "answers", name))
    assert [(r["Description"], r["Result"], r.get("EvaluationMessage"), r["EvaluatedMetrics"])
            for r in result["RuleResults"]] == [
        ('ColumnValues "answer" in ["yes","no",EMPTY]', "FAIL",
         "Value: 0.6 does not meet the constraint requirement!", {"Column.answer.ColumnValues.Compliance": 0.6}),
        ('ColumnValues "answer" not in [WHITESPACES_ONLY]', "FAIL",
         "Value: 0.8 does not meet the constraint requirement!", {"Column.answer.ColumnValues.Compliance": 0.8}),
        ('ColumnValues "score" between 0 and 10', "FAIL",
         "Value: 0.8 does not meet the constraint requirement!", {"Column.score.ColumnValues.Compliance": 1.0}),
        ('ColumnValues "score" not in [3]', "FAIL",
         "Value: 0.8 does not meet the constraint requirement!", {"Column.score.ColumnValues.Compliance": 0.8}),
        ('ColumnValues "score" in [1,2,3,9,NULL]', "PASS", None, {"Column.score.ColumnValues.Compliance": 1.0}),
        ('ColumnValues "answer" != "maybe"', "FAIL",
         "Value: 0.8 does not meet the constraint requirement!", {"Column.answer.ColumnValues.Compliance": 0.8}),
    ]
    assert result["Score"] == 1 / 6
    glue.delete_data_quality_ruleset(Name=name)
