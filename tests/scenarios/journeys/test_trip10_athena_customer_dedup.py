"""A CRM data steward hunts duplicate customer records in a CSV export with boto3's
Athena client: names are folded with translate and normalize (an accent written as a
combining mark matches the composed one), near-duplicates are paired by
levenshtein_distance, same-length postcodes compared with hamming_distance, account
numbers padded with lpad; per city she lists the names with listagg WITHIN GROUP, the
two biggest spenders with max_by(id, spend, 2), how many have no email with count_if,
whether all are active with bool_and, and the spread of spend with stddev_pop, var_pop
and var_samp; format() and concat_ws over an array build the merge report lines. A
max_by of no values and a percentile past 1 are refused in Trino's words, as is a
hamming_distance of texts of unequal lengths (two empty ones are 0 apart); a city
without customers counts 0 with count and count_if alike."""
import pytest

from trip_helpers import athena_failure, athena_rows

CUSTOMERS = """1,José Núñez,Lyon,69001,42,jose@example.com,true,120.0
2,Jose\u0301 Nu\u0301n\u0303ez,Lyon,69002,7,,true,117.0
3,Anna Schmidt,Berlin,10115,1234,anna@example.com,true,300.0
4,Ana Schmidt,Berlin,10117,98,,false,20.0
5,Bo Li,Lyon,69001,5,bo@example.com,true,123.0
"""


@pytest.fixture
def customers(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="crm/customers.csv", Body=CUSTOMERS.encode())
    athena, output = client("athena"), f"s3://{bucket}/results/"
    athena_rows(athena, f"""CREATE EXTERNAL TABLE customers (id int, name string, city string, postcode string,
                                                             account int, email string, active boolean,
                                                             spend double)
                            ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
                            LOCATION 's3://{bucket}/crm/'""", database, output)
    return lambda sql: athena_rows(athena, sql, database, output)


def test_near_duplicates_paired(customers):
    assert customers("""
        SELECT a.id, b.id, levenshtein_distance(lower(a.name), lower(b.name)) AS edits,
               normalize(a.name, NFC) = normalize(b.name, NFC) AS same_when_composed,
               hamming_distance(a.postcode, b.postcode) AS postcode_diffs,
               translate(lower(normalize(a.name, NFC)), 'éúñ', 'eun') =
                   translate(lower(normalize(b.name, NFC)), 'éúñ', 'eun') AS folded
        FROM customers a JOIN customers b ON a.city = b.city AND a.id < b.id
        WHERE levenshtein_distance(lower(a.name), lower(b.name)) < 7 ORDER BY 1, 2""") == [
        ["1", "2", "6", "true", "1", "true"],
        ["3", "4", "1", "false", "1", "false"]]


def test_city_summaries(customers):
    assert customers("""
        SELECT city, listagg(split_part(name, ' ', 1), ', ') WITHIN GROUP (ORDER BY id) AS first_names,
               max_by(id, spend, 2) AS top_two, count_if(email = '') AS no_email, bool_and(active) AS all_active,
               stddev_pop(spend), var_pop(spend), var_samp(spend)
        FROM customers GROUP BY city ORDER BY city""") == [
        ["Berlin", "Anna, Ana", "[3, 4]", "1", "false", "140.0", "19600.0", "39200.0"],
        ["Lyon", "José, Jose\u0301, Bo", "[5, 1]", "1", "true", "2.449489742783178", "6.0", "9.0"]]


def test_merge_report_lines(customers):
    assert customers("""
        SELECT format('%s -> %s (%05d)', a.name, b.name, b.account),
               concat_ws(' | ', ARRAY[a.city, a.postcode, lpad(CAST(a.account AS varchar), 6, '0')]),
               rpad(a.name, 8, '.')
        FROM customers a JOIN customers b ON a.id = 3 AND b.id = 4""") == [
        ["Anna Schmidt -> Ana Schmidt (00098)", "Berlin | 10115 | 001234", "Anna Sch"]]


def test_a_city_without_customers(customers):
    assert customers("""
        SELECT count(*), count_if(email = ''), sum(spend), bool_and(active), max_by(id, spend)
        FROM customers WHERE city = 'Paris'""") == [["0", "0", None, None, None]]
    assert customers("SELECT hamming_distance(substr(postcode, 6), '') FROM customers WHERE id = 1") == [["0"]]


# What the steward's mistakes answer: (query, StateChangeReason)
REFUSALS = [
    ("SELECT hamming_distance(name, city) FROM customers WHERE id = 5",
     "INVALID_FUNCTION_ARGUMENT: The input strings to hamming_distance function must have the same length"),
    ("SELECT max_by(id, spend, 0) FROM customers",
     "INVALID_FUNCTION_ARGUMENT: third argument of max_by/min_by must be a positive integer"),
    ("SELECT approx_percentile(spend, 1.5) FROM customers",
     "INVALID_FUNCTION_ARGUMENT: Percentile must be between 0 and 1"),
]


def test_mistakes_refused_in_trinos_words(client, bucket, database, customers):
    athena = client("athena")
    reasons = [athena_failure(athena, sql, database, f"s3://{bucket}/results/") for sql, _ in REFUSALS]
    assert reasons == [reason for _, reason in REFUSALS]
