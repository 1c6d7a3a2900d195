"""A data engineer reading order events that two producers drop under one prefix, each
with its own casing of the same keys: the web shop writes `orderId` and `Customer.Name`,
the warehouse's gzip files `ORDERID` and `customer.name`, and now and then a torn line.
The table is declared with the OpenX JSON SerDe and 'ignore.malformed.json' = 'true'; the
SerDe matches keys to columns ignoring case, so both producers' rows read whole (the
struct's field too), and the torn line is a row of NULLs. A `mapping.` property reads a
column from a key of another name."""
import gzip
import json

from trip_helpers import athena_execution, athena_rows


def test_two_producers_casings_read_as_one_table(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    output = f"s3://{bucket}/results/"
    web = [{"orderId": 1, "Customer": {"Name": "ann"}, "placedAt": "2024-05-01 10:00:00", "Total": 9.5},
           {"orderId": 2, "Customer": {"Name": "ben"}, "placedAt": "2024-05-01 11:30:00", "Total": 20}]
    warehouse = [{"ORDERID": 3, "customer": {"name": "cy"}, "PLACEDAT": "2024-05-02 08:15:00", "total": 4.25}]
    s3.put_object(Bucket=bucket, Key="orders/web/part-1.json",
                  Body="\n".join(json.dumps(row) for row in web).encode() + b"\n")
    s3.put_object(Bucket=bucket, Key="orders/warehouse/part-1.json.gz",
                  Body=gzip.compress(json.dumps(warehouse[0]).encode() + b'\n{"ORDERID": 4, "customer": \n'))
    athena_execution(athena, f"""CREATE EXTERNAL TABLE orders (orderid int, customer struct<name:string>,
                                                               placed timestamp, total double)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
        WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true', 'mapping.placed' = 'placedAt')
        LOCATION 's3://{bucket}/orders/'""", database, output)

    assert athena_rows(athena, "SELECT orderid, customer.name, placed, total FROM orders ORDER BY orderid",
                       database, output) == [
        ["1", "ann", "2024-05-01 10:00:00.000", "9.5"],
        ["2", "ben", "2024-05-01 11:30:00.000", "20.0"],
        ["3", "cy", "2024-05-02 08:15:00.000", "4.25"],
        [None, None, None, None]]
    assert athena_rows(athena, "SELECT count(*), count(orderid), sum(total) FROM orders", database, output) == [
        ["4", "3", "33.75"]]
    assert athena_rows(athena, "SELECT \"$path\" FROM orders WHERE customer.name = 'cy'", database, output) == [
        [f"s3://{bucket}/orders/warehouse/part-1.json.gz"]]
