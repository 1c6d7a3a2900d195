"""An analytics engineer keeps the shop's orders in an Iceberg table partitioned by hidden
transforms (day of the order time, 16 buckets of the customer id, the first two letters of
the country), loads a week through INSERT ... SELECT from the raw CSV table, reads
"orders$partitions" and "orders$files", and checks on each dashboard query that Athena
read only the files of the partitions its WHERE on the source columns can match: the
bytes scanned are exactly those files' sizes."""
from trip_helpers import athena_execution, athena_rows

RAW = "".join(f"{n},{1000 + n % 3},{['fr', 'de', 'fi'][n % 3]},2024-03-0{1 + n % 4} 1{n % 10}:00:00,{n * 1.5}\n"
              for n in range(1, 13))


def scanned(athena, sql, database, output) -> int:
    return int(athena_execution(athena, sql, database, output)["Statistics"]["DataScannedInBytes"])


def test_dashboard_queries_read_only_the_partitions_they_need(client, bucket, database):
    athena, output = client("athena"), f"s3://{bucket}/athena/"
    client("s3").put_object(Bucket=bucket, Key="raw/orders/orders.csv", Body=RAW.encode())
    athena_execution(athena, f"""CREATE EXTERNAL TABLE raw_orders (id bigint, customer bigint, country string,
        ordered string, amount double) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
        LOCATION 's3://{bucket}/raw/orders/'""", database, output)
    athena_execution(athena, f"""CREATE TABLE orders (id bigint, customer bigint, country string, ordered timestamp,
        amount double) PARTITIONED BY (day(ordered), bucket(16, customer), truncate(2, country))
        LOCATION 's3://{bucket}/warehouse/orders/' TBLPROPERTIES ('table_type'='ICEBERG')""", database, output)
    athena_execution(athena, """INSERT INTO orders SELECT id, customer, country, CAST(ordered AS timestamp), amount
        FROM raw_orders""", database, output)

    partitions = athena_rows(athena, 'SELECT partition, record_count, file_count FROM "orders$partitions" '
                                     "ORDER BY 1", database, output)
    assert sum(int(row[1]) for row in partitions) == 12
    files = athena_rows(athena, 'SELECT partition, file_size_in_bytes, record_count FROM "orders$files"',
                        database, output)
    assert len(files) == len(partitions)
    assert all(row[0].startswith("{ordered_day=2024-03-0") and ", customer_bucket=" in row[0]
               and ", country_trunc=" in row[0] for row in files)
    # Athena reads the columns a query needs, of the files its partitions keep: the scans of
    # disjoint filters add up to the scan of the whole table.
    columns = "SELECT id, amount, country, ordered, customer FROM orders"
    whole = scanned(athena, columns, database, output)
    by_country = [scanned(athena, f"{columns} WHERE country = '{c}'", database, output) for c in ("fr", "de", "fi")]
    assert sum(by_country) == whole and all(0 < part < whole for part in by_country)
    days = [f"ordered >= TIMESTAMP '2024-03-0{d} 00:00:00' AND ordered < TIMESTAMP '2024-03-0{d + 1} 00:00:00'"
            for d in range(1, 5)]
    by_day = [scanned(athena, f"{columns} WHERE {day}", database, output) for day in days]
    assert sum(by_day) == whole and all(0 < part < whole for part in by_day)
    assert athena_rows(athena, f"SELECT id FROM orders WHERE {days[1]} ORDER BY id", database, output) == [
        ["1"], ["5"], ["9"]]
    assert athena_rows(athena, "SELECT sum(amount) FROM orders WHERE country = 'fi'", database, output) == [["39.0"]]
    # bucket(16, customer): an equality on the customer reads that bucket's files only.
    assert athena_rows(athena, "SELECT count(*), sum(amount) FROM orders WHERE customer = 1001",
                       database, output) == [["4", "33.0"]]
    assert scanned(athena, f"{columns} WHERE customer = 1001", database, output) < whole
    # A predicate no partition can match reads nothing.
    assert scanned(athena, f"{columns} WHERE ordered > TIMESTAMP '2025-01-01 00:00:00'", database, output) == 0
