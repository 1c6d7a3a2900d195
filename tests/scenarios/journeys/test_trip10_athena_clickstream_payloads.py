"""A web analytics engineer digs through a raw clickstream export: one CSV line per hit,
with the page URL, the server latency and the request body as hex (some clients send
Latin-1 bytes that are no UTF-8). With boto3's Athena client she cuts each URL into
host, port, path, search term and fragment, decodes the bodies with from_utf8 (the
invalid bytes shown as U+FFFD, as a '?', or by a code point), buckets the latencies
with width_bucket over both fixed-width and hand-picked bounds, and checks that a
replacement of two characters is refused as Trino refuses it; query strings become maps
with split_to_map, which refuses a parameter given twice, and split_part refuses a
field number 0."""
import pytest

from trip_helpers import athena_failure, athena_rows

HITS = """2024-05-01 10:00:00,https://shop.example.com/search?q=red%20shoes&page=2,120,68656c6c6f
2024-05-01 10:00:05,https://shop.example.com/item/42?ref=email&utm=spring,480,68ff6c
2024-05-01 10:01:00,http://blog.example.org:8080/posts/2024/intro#comments,35,
2024-05-01 10:02:00,https://shop.example.com/cart,2500,e282ac
"""


@pytest.fixture
def hits(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="hits/2024-05-01.csv", Body=HITS.encode())
    athena, output = client("athena"), f"s3://{bucket}/results/"
    athena_rows(athena, f"""CREATE EXTERNAL TABLE hits (ts string, url string, latency_ms int, body_hex string)
                            ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
                            LOCATION 's3://{bucket}/hits/'""", database, output)
    return lambda sql: athena_rows(athena, sql, database, output)


def test_urls_cut_into_their_parts(hits):
    assert hits("""SELECT url_extract_host(url), url_extract_port(url), url_extract_path(url),
                          url_extract_parameter(url, 'q'), url_extract_fragment(url), url_extract_protocol(url)
                   FROM hits ORDER BY ts""") == [
        ["shop.example.com", None, "/search", "red shoes", None, "https"],
        ["shop.example.com", None, "/item/42", None, None, "https"],
        ["blog.example.org", "8080", "/posts/2024/intro", None, "comments", "http"],
        ["shop.example.com", None, "/cart", None, None, "https"]]


def test_bodies_decoded_with_replacements(hits):
    assert hits("""SELECT from_utf8(from_hex(body_hex)), from_utf8(from_hex(body_hex), '?'),
                          from_utf8(from_hex(body_hex), 35), from_utf8(from_hex(body_hex), ''),
                          from_hex(body_hex)
                   FROM hits ORDER BY ts""") == [
        ["hello", "hello", "hello", "hello", "68 65 6c 6c 6f"],
        ["h\ufffdl", "h?l", "h#l", "hl", "68 ff 6c"],
        ["", "", "", "", ""],
        ["\u20ac", "\u20ac", "\u20ac", "\u20ac", "e2 82 ac"]]


def test_replacement_of_two_characters_refused(client, bucket, database):
    reason = athena_failure(client("athena"), "SELECT from_utf8(X'68FF6C', 'ab')", database,
                            f"s3://{bucket}/results/")
    assert reason == "INVALID_FUNCTION_ARGUMENT: Replacement character string must empty or a single character"


def test_latencies_in_buckets(hits):
    assert hits("""SELECT width_bucket(latency_ms, 0, 1000, 4) AS even_bucket,
                          width_bucket(latency_ms, ARRAY[100, 500, 1000]) AS slo_bucket, count(*) AS hits
                   FROM hits GROUP BY 1, 2 ORDER BY 1, 2""") == [
        ["1", "0", "1"], ["1", "1", "1"], ["2", "1", "1"], ["5", "3", "1"]]


def test_query_strings_as_maps(client, bucket, database, hits):
    assert hits("""SELECT split_to_map(url_extract_query(url), '&', '=')['page'], split_part(url, '/', 3)
                   FROM hits WHERE url LIKE '%search%'""") == [["2", "shop.example.com"]]
    athena, output = client("athena"), f"s3://{bucket}/results/"
    assert athena_failure(athena, "SELECT split_to_map('ref=email&utm=x&ref=push', '&', '=')", database, output) == \
        "INVALID_FUNCTION_ARGUMENT: Duplicate keys (ref) are not allowed"
    assert athena_failure(athena, "SELECT split_part(url, '/', 0) FROM hits", database, output) == \
        "INVALID_FUNCTION_ARGUMENT: Index must be greater than zero"
