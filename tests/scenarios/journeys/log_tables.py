"""Pieces the Athena user guide's log tables share, as the guide prints them, and log
files written as the services deliver them."""
import gzip


def timestamp_projection(template: str) -> str:
    """The TBLPROPERTIES of the guide's CloudTrail and S3 access log tables whose
    `timestamp` partition is projected from yyyy/MM/dd folders since 2024/01/01
    (`template`: the storage.location.template, ending in ${timestamp})."""
    return f"""TBLPROPERTIES (
  'projection.enabled'='true',
  'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.interval'='1',
  'projection.timestamp.interval.unit'='DAYS',
  'projection.timestamp.range'='2024/01/01,NOW',
  'projection.timestamp.type'='date',
  'storage.location.template'='{template}')"""


def put_daily_gzip(s3, bucket: str, files: dict, key: str):
    """Each day's (or minute's) lines (`files`: {"yyyy/MM/dd": [line, ...]}) as one gzip object at `key`
    formatted with the day and its stamp (yyyyMMdd), as load balancers deliver them."""
    for day, lines in files.items():
        s3.put_object(Bucket=bucket, Key=key.format(day=day, stamp=day.replace("/", "")),
                      Body=gzip.compress(("\n".join(lines) + "\n").encode()))
