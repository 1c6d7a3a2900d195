"""Pieces the Athena user guide's log tables share, as the guide prints them."""


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
