"""A shell-script load of a large CSV extract: `aws s3 cp` uploads a 30 MB file in 8 MB
parts (the profile's `s3` settings), which the operator checks with `s3api head-object`
(a multipart ETag, the part count, one part's size); the table is declared with Athena
DDL that skips the header line, and the script runs its query and reads the result file
with the cli alone."""
import time

import pytest

from trip_helpers import aws, ok, ran

MB = 1024 * 1024
REGIONS = ["north", "south", "east", "west"]


@pytest.fixture
def extract(tmp_path):
    """A CSV with a header, just over 30 MB; returns its path and the totals per region."""
    path, totals = tmp_path / "sales.csv", {r: [0, 0] for r in REGIONS}
    with open(path, "w") as out:
        out.write("sale_id,region,units,comment\n")
        sale = 0
        while out.tell() < 30 * MB:
            region, units = REGIONS[sale % 4], sale % 7
            out.write(f"{sale},{region},{units},padding-{'x' * (sale % 13)}\n")
            totals[region][0] += 1
            totals[region][1] += units
            sale += 1
    return path, totals


@pytest.fixture
def profile(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.write_text("[default]\ns3 =\n    multipart_threshold = 8MB\n    multipart_chunksize = 8MB\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))


def run_query(lakebox_server, sql, database, output):
    started = ok(aws(lakebox_server, "athena", "start-query-execution", "--query-string", sql,
                     "--query-execution-context", f"Database={database}",
                     "--result-configuration", f"OutputLocation={output}"))
    for _ in range(120):
        execution = ok(aws(lakebox_server, "athena", "get-query-execution", "--query-execution-id",
                           started["QueryExecutionId"]))["QueryExecution"]
        if execution["Status"]["State"] not in ("QUEUED", "RUNNING"):
            break
        time.sleep(0.5)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    return execution


def test_large_csv_uploaded_in_parts_and_queried(lakebox_server, bucket, database, extract, profile):
    path, totals = extract
    size = path.stat().st_size
    ran(aws(lakebox_server, "s3", "cp", str(path), f"s3://{bucket}/landing/sales/sales.csv"))
    head = ok(aws(lakebox_server, "s3api", "head-object", "--bucket", bucket, "--key", "landing/sales/sales.csv"))
    parts = -(-size // (8 * MB))
    assert head["ContentLength"] == size and head["ETag"].strip('"').endswith(f"-{parts}")
    first = ok(aws(lakebox_server, "s3api", "head-object", "--bucket", bucket, "--key", "landing/sales/sales.csv",
                   "--part-number", "1"))
    assert (first["ContentLength"], first["PartsCount"]) == (8 * MB, parts)
    listing = ran(aws(lakebox_server, "s3", "ls", f"s3://{bucket}/landing/", "--recursive", "--summarize",
                      output=None))
    assert "Total Objects: 1" in listing and f"Total Size: {size}" in listing

    output = f"s3://{bucket}/athena/"
    run_query(lakebox_server, f"""CREATE EXTERNAL TABLE sales (sale_id bigint, region string, units int,
        comment string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
        LOCATION 's3://{bucket}/landing/sales/' TBLPROPERTIES ('skip.header.line.count' = '1')""",
              database, output)
    execution = run_query(lakebox_server, "SELECT region, count(*) AS sales, sum(units) AS units FROM sales "
                                          "GROUP BY region ORDER BY region", database, output)
    assert execution["Statistics"]["DataScannedInBytes"] == size
    results = ok(aws(lakebox_server, "athena", "get-query-results", "--query-execution-id",
                     execution["QueryExecutionId"]))
    rows = [[c.get("VarCharValue") for c in r["Data"]] for r in results["ResultSet"]["Rows"]]
    expected = [[r, str(totals[r][0]), str(totals[r][1])] for r in sorted(REGIONS)]
    assert rows == [["region", "sales", "units"], *expected]
    csv_text = ran(aws(lakebox_server, "s3", "cp", execution["ResultConfiguration"]["OutputLocation"], "-",
                       output=None))
    assert csv_text.splitlines() == ['"region","sales","units"', *(",".join(f'"{v}"' for v in row)
                                                                   for row in expected)]
