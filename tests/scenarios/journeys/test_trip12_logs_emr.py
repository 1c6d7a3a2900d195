"""A data engineer searches an EMR cluster's logs with Athena as the user guide's "Query
Amazon EMR logs" page says: the gzip files EMR pushes to its log URI (steps/<step>/
controller.gz, stderr.gz, syslog.gz; node/<instance>/...; containers/...) read one line a
row by the documented table (FIELDS TERMINATED BY '|', LINES TERMINATED BY '\\n', one
`data` column "from deserializer"), searched by "$PATH" and regexp_like; then the
partitioned table whose log types are added in one ALTER TABLE ... ADD with several
PARTITION ... LOCATION clauses."""
import gzip

import pytest

from trip_helpers import athena_rows

CLUSTER = "elasticmapreduce/j-2ABCDE34F5GH6"
STORAGE = """ROW FORMAT DELIMITED
FIELDS TERMINATED BY '|'
LINES TERMINATED BY '\\n'
STORED AS INPUTFORMAT
  'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT
  'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'"""
DDL = f"""CREATE EXTERNAL TABLE `myemrlogs`(
  `data` string COMMENT 'from deserializer')
{STORAGE}
LOCATION
  's3://{{bucket}}/elasticmapreduce/j-2ABCDE34F5GH6'"""
PARTITIONED_DDL = f"""CREATE EXTERNAL TABLE `mypartitionedemrlogs`(
  `data` string COMMENT 'from deserializer')
 partitioned by (logtype string)
{STORAGE}
LOCATION 's3://{{bucket}}/elasticmapreduce/j-2ABCDE34F5GH6'"""
ADD_PARTITIONS = """ALTER TABLE mypartitionedemrlogs ADD
     PARTITION (logtype='containers')
     LOCATION 's3://{bucket}/elasticmapreduce/j-2ABCDE34F5GH6/containers/'
     PARTITION (logtype='hadoop-mapreduce')
     LOCATION 's3://{bucket}/elasticmapreduce/j-2ABCDE34F5GH6/hadoop-mapreduce/'
     PARTITION (logtype='node')
     LOCATION 's3://{bucket}/elasticmapreduce/j-2ABCDE34F5GH6/node/'
     PARTITION (logtype='steps')
     LOCATION 's3://{bucket}/elasticmapreduce/j-2ABCDE34F5GH6/steps/'"""

LOGS = {
    "steps/s-86URH188Z6B1/controller.gz": [
        "2024-06-01T10:00:01.123Z INFO Step created jobs: job_1717236000000_0001",
        "2024-06-01T10:04:40.456Z WARN Step failed with exitCode 1 and took 279 seconds",
        "2024-06-01T10:04:40.457Z ERROR Step s-86URH188Z6B1 failed | see stderr",
    ],
    "steps/s-86URH188Z6B1/stderr.gz": [
        "Exception in thread \"main\" java.lang.RuntimeException: ERROR reading s3://input/part-0000",
        "\tat com.example.Job.main(Job.java:42)",
    ],
    "steps/s-1234ABCDEFGH/controller.gz": [
        "2024-06-01T11:00:00.000Z INFO Step succeeded with exitCode 0 and took 61 seconds",
    ],
    "node/i-0123456789abcdef0/applications/hadoop-yarn/yarn-yarn-nodemanager.log.gz": [
        "2024-06-01 10:02:00,001 INFO org.apache.hadoop.yarn.server.nodemanager.NodeManager: STARTED",
        "2024-06-01 10:03:00,002 ERROR org.apache.hadoop.yarn.server.nodemanager.ContainerExecutor: exit code 137",
    ],
    "containers/application_1717236000000_0001/container_1717236000000_0001_01_000001/stderr.gz": [
        "24/06/01 10:03:00 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)",
    ],
}


@pytest.fixture
def emr(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    for key, lines in LOGS.items():
        s3.put_object(Bucket=bucket, Key=f"{CLUSTER}/{key}", Body=gzip.compress(("\n".join(lines) + "\n").encode()))
    return lambda sql: athena_rows(athena, sql.replace("{bucket}", bucket), database, f"s3://{bucket}/athena-results/")


def test_searching_one_steps_logs(emr, bucket, database):
    assert emr(DDL) == []
    assert emr("SELECT count(*), count(DISTINCT \"$path\") FROM myemrlogs") == [["9", "5"]]
    # A line holding '|' reads up to it: the rest is a second field the table has no column for.
    assert emr(f"""SELECT data,
        "$PATH"
FROM "{database}"."myemrlogs"
WHERE regexp_like("$PATH",'s-86URH188Z6B1')
AND regexp_like("$PATH",'controller')
AND regexp_like(data, 'ERROR')""") == [
        ["2024-06-01T10:04:40.457Z ERROR Step s-86URH188Z6B1 failed ",
         f"s3://{bucket}/{CLUSTER}/steps/s-86URH188Z6B1/controller.gz"]]
    assert emr("""SELECT regexp_extract("$path", 'steps/([^/]+)/', 1) AS step, count(*) AS errors
FROM myemrlogs WHERE regexp_like(data, 'ERROR') AND "$path" LIKE '%/steps/%'
GROUP BY 1""") == [["s-86URH188Z6B1", "2"]]
    assert emr("SELECT data FROM myemrlogs WHERE data LIKE '%took%seconds' ORDER BY data") == [
        ["2024-06-01T10:04:40.456Z WARN Step failed with exitCode 1 and took 279 seconds"],
        ["2024-06-01T11:00:00.000Z INFO Step succeeded with exitCode 0 and took 61 seconds"]]


def test_log_types_as_partitions(emr, database):
    assert emr(PARTITIONED_DDL) == []
    assert emr(ADD_PARTITIONS) == []
    assert emr("SELECT logtype, count(*) FROM mypartitionedemrlogs GROUP BY logtype ORDER BY logtype") == [
        ["containers", "1"], ["node", "2"], ["steps", "6"]]
    assert emr(f"""SELECT data
FROM "{database}"."mypartitionedemrlogs"
WHERE logtype='steps'
AND regexp_like("$PATH",'s-1234ABCDEFGH')""") == [
        ["2024-06-01T11:00:00.000Z INFO Step succeeded with exitCode 0 and took 61 seconds"]]
    assert emr("""SELECT logtype, split_part("$PATH", '/', 7) FROM mypartitionedemrlogs
WHERE logtype IN ('node', 'containers') AND regexp_like(data, 'ERROR') ORDER BY logtype""") == [
        ["containers", "application_1717236000000_0001"], ["node", "i-0123456789abcdef0"]]
