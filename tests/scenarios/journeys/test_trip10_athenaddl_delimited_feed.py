"""A partner's pipe-delimited feed read with LazySimpleSerDe: a backslash escapes a pipe
inside a name, tags are a comma-separated array, attributes a `key:value` map, and the
partner writes `NA` for a missing value. The data engineer declares it with ROW FORMAT
DELIMITED (FIELDS TERMINATED BY, ESCAPED BY, COLLECTION ITEMS TERMINATED BY, MAP KEYS
TERMINATED BY) and first sets `serialization.null.format` in TBLPROPERTIES, as the table's
properties reach the SerDe (only that word is NULL then). A date that is not
yyyy-MM-dd, or a timestamp that does not parse, reads as NULL."""
from trip_helpers import athena_execution, athena_rows

FEED = (b"1|Ann\\|Co|x,y,z|tier:1,zone:2|2024-01-05|2024-01-05 10:11:12.123\n"
        b"2|NA|solo|tier:3|20240105|not a time\n"
        b"3|n/a|NA|NA|NA|2024-01-06 00:00:00\n")


def test_feed_with_escapes_collections_and_its_null_word(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    output = f"s3://{bucket}/results/"
    s3.put_object(Bucket=bucket, Key="feed/part-0.txt", Body=FEED)
    athena_execution(athena, f"""CREATE EXTERNAL TABLE feed (id int, name string, tags array<string>,
                                                             attrs map<string,int>, day date, at timestamp)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' ESCAPED BY '\\\\'
        COLLECTION ITEMS TERMINATED BY ',' MAP KEYS TERMINATED BY ':'
        LOCATION 's3://{bucket}/feed/' TBLPROPERTIES ('serialization.null.format' = 'NA')""", database, output)

    assert athena_rows(athena, "SELECT id, name, tags, attrs, day, at FROM feed ORDER BY id", database, output) == [
        ["1", "Ann|Co", "[x, y, z]", "{tier=1, zone=2}", "2024-01-05", "2024-01-05 10:11:12.123"],
        ["2", None, "[solo]", "{tier=3}", None, None],
        ["3", "n/a", None, None, None, "2024-01-06 00:00:00.000"]]
    assert athena_rows(athena, "SELECT id, cardinality(tags), attrs['tier'] FROM feed WHERE name IS NULL "
                               "OR tags IS NULL ORDER BY id", database, output) == [["2", "1", "3"],
                                                                                   ["3", None, None]]
    assert athena_rows(athena, "SELECT count(*) FILTER (WHERE day IS NULL), count(*) FILTER (WHERE at IS NULL) "
                               "FROM feed", database, output) == [["2", "1"]]

    # the same word given as a SerDe property answers the same
    athena_execution(athena, f"""CREATE EXTERNAL TABLE feed_serde (id int, name string)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'
        WITH SERDEPROPERTIES ('field.delim' = '|', 'escape.delim' = '\\\\', 'serialization.null.format' = 'NA')
        LOCATION 's3://{bucket}/feed/'""", database, output)
    assert athena_rows(athena, "SELECT id, name FROM feed_serde ORDER BY id", database, output) == [
        ["1", "Ann|Co"], ["2", None], ["3", "n/a"]]
