"""A teacher grades a quiz whose answers land as JSON lines (each student's answers,
points per question with NULL for a skipped one, and topic tags) with boto3's Athena
client, working on the arrays in place: zip_with checks the answers against the key,
transform / filter / reduce (with a finishing function) total and average the points,
zip pairs questions with points, array_sort with a comparator orders tags by length,
the set functions keep first-seen order, slice / element_at / array_position look
things up, contains answers NULL where a NULL might have matched, flatten and array_join
(with a stand-in for NULL) print, array_remove drops one tag and keeps the NULLs,
combinations and ngrams pair topics. Her slips fail as Trino fails them: a descending
comparator written as a subtraction, a subscript past the end, an index of 0."""
import json

import pytest

from sqla_helpers import loaded_table

ANSWERS = [
    {"student": "ana", "answers": ["b", "c", "a", "d"], "points": [2, 3, None, 5], "tags": ["algebra", "sets", "logic"]},
    {"student": "ben", "answers": ["b", "a", "a"], "points": [2, 0, 1], "tags": ["sets", None, "sets"]},
    {"student": "cy", "answers": [], "points": [], "tags": []},
]


@pytest.fixture
def quiz(client, bucket, database):
    body = "".join(json.dumps(row) + "\n" for row in ANSWERS)
    return loaded_table(client, bucket, database, "quiz/answers.json", body.encode(), f"""
        CREATE EXTERNAL TABLE quiz (student string, answers array<string>, points array<int>, tags array<string>)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/quiz/'""")


def test_answers_graded(quiz):
    rows, _ = quiz
    columns, found = rows("""
        SELECT student,
               zip_with(answers, ARRAY['b', 'c', 'a', 'd'], (given, expected) -> given = expected) AS correct,
               reduce(points, 0, (s, p) -> s + coalesce(p, 0), s -> s) AS total,
               reduce(points, CAST(ROW(0.0, 0) AS ROW(total double, n integer)),
                      (s, p) -> IF(p IS NULL, s, CAST(ROW(s.total + p, s.n + 1) AS ROW(total double, n integer))),
                      s -> IF(s.n = 0, NULL, s.total / s.n)) AS mean,
               transform(points, p -> coalesce(p, 0) * 10) AS scaled,
               array_max(points) AS best, cardinality(filter(points, p -> p > 1)) AS good
        FROM quiz ORDER BY student""")
    assert columns == [("student", "varchar"), ("correct", "array"), ("total", "integer"), ("mean", "double"),
                       ("scaled", "array"), ("best", "integer"), ("good", "bigint")]
    assert found == [
        ["ana", "[true, true, true, true]", "10", "3.3333333333333335", "[20, 30, 0, 50]", None, "3"],
        ["ben", "[true, false, true, null]", "3", "1.0", "[20, 0, 10]", "2", "1"],
        ["cy", "[null, null, null, null]", "0", None, "[]", None, "0"]]


def test_questions_paired_and_looked_up(quiz):
    rows, _ = quiz
    _, found = rows("""
        SELECT zip(answers, points), slice(answers, -2, 2), element_at(answers, -1), element_at(answers, 9),
               array_position(answers, 'a'), contains(points, 4), contains(points, 2)
        FROM quiz WHERE student IN ('ana', 'ben') ORDER BY student""")
    assert found == [
        ["[{field0=b, field1=2}, {field0=c, field1=3}, {field0=a, field1=null}, {field0=d, field1=5}]",
         "[a, d]", "d", None, "3", None, "true"],
        ["[{field0=b, field1=2}, {field0=a, field1=0}, {field0=a, field1=1}]", "[a, a]", "a", None, "2", "false",
         "true"]]


def test_tags_ordered_and_combined(quiz):
    rows, _ = quiz
    _, found = rows("""
        SELECT array_sort(tags, (x, y) -> IF(length(x) < length(y), -1, IF(length(x) > length(y), 1, 0))) AS by_length,
               array_distinct(tags), array_remove(tags, 'sets'), array_join(tags, '/', '?'),
               combinations(tags, 2), ngrams(tags, 2)
        FROM quiz WHERE student = 'ana'""")
    assert found == [["[sets, logic, algebra]", "[algebra, sets, logic]", "[algebra, logic]", "algebra/sets/logic",
                      "[[algebra, sets], [algebra, logic], [sets, logic]]", "[[algebra, sets], [sets, logic]]"]]
    _, found = rows("""
        SELECT array_distinct(tags), array_remove(tags, 'sets'), array_join(tags, '/', '?'), array_join(tags, '/'),
               array_union(tags, ARRAY['logic', 'sets']), array_except(ARRAY['logic', 'sets', 'logic'], tags),
               array_intersect(ARRAY['logic', 'sets'], tags)
        FROM quiz WHERE student = 'ben'""")
    assert found == [["[sets, null]", "[null]", "sets/?/sets", "sets/sets", "[sets, null, logic]", "[logic]",
                      "[sets]"]]
    _, found = rows("SELECT flatten(array_agg(tags ORDER BY student)) FROM quiz")
    assert found == [["[algebra, sets, logic, sets, null, sets]"]]


def test_slips_refused(quiz):
    _, refused = quiz
    assert refused("SELECT array_sort(points, (x, y) -> y - x) FROM quiz WHERE student = 'ana'") == \
        "INVALID_FUNCTION_ARGUMENT: Lambda comparator must return either -1, 0, or 1"
    assert refused("SELECT answers[4] FROM quiz") == \
        "INVALID_FUNCTION_ARGUMENT: Array subscript must be less than or equal to array length: 4 > 3"
    assert refused("SELECT element_at(answers, 0) FROM quiz") == "INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1"


def test_running_state_kept_in_an_unnamed_row(quiz):
    rows, _ = quiz
    # the state's fields read by position, as the Trino docs' reduce of a row reads them by name
    columns, found = rows("""
        SELECT student, reduce(filter(points, p -> p IS NOT NULL), ROW(0, 0), (s, p) -> ROW(s[1] + p, s[2] + 1),
                               s -> IF(s[2] = 0, NULL, s[1] * 100 / s[2])) AS mean_percent,
               ROW(student, cardinality(answers))[2] AS answered
        FROM quiz ORDER BY student""")
    assert columns == [("student", "varchar"), ("mean_percent", "integer"), ("answered", "bigint")]
    assert found == [["ana", "333", "4"], ["ben", "100", "3"], ["cy", None, "0"]]
