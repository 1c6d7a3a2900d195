"""What Firehose keeps of a destination's processors, and the stage rules it checks when a
stream is created or updated.

As recorded from Firehose (radkawar/stackd testdata/aws/firehose, the lambda_processing,
logs_processing and formatting captures, per its docs/firehose.md):
- a Lambda processor is kept with its five parameters, the ones left out at their defaults
  ('Defaults are three retries, the destination role, a 1 MiB processing buffer and a
  60-second interval. Admission retains the canonical five parameters'), in the order
  DescribeDeliveryStream lists them;
- Decompression's CompressionFormat defaults to GZIP;
- CloudWatchLogProcessing needs a Decompression stage and an explicit DataMessageExtraction
  boolean, kept in lowercase;
- enabled processing holds one to five processors.
AWS's words for the refusals are not recorded where they can be read: the messages here are
lakebox's.
"""
from lakebox.services.firehose.errors import InvalidArgumentException

LAMBDA_ORDER = ("LambdaArn", "NumberOfRetries", "RoleArn", "BufferSizeInMBs", "BufferIntervalInSeconds")
LAMBDA_DEFAULTS = {"NumberOfRetries": "3", "BufferSizeInMBs": "1", "BufferIntervalInSeconds": "60"}
PROCESSORS_MAX = 5
BOOLEANS = ("true", "false")


def canonical(config: dict, role_arn: str | None):
    """Fill in, in place, what Firehose keeps of the processors `config` lists."""
    for processor in (config.get("ProcessingConfiguration") or {}).get("Processors") or []:
        kind = processor.get("Type")
        given = [(p["ParameterName"], p["ParameterValue"]) for p in processor.get("Parameters") or []]
        params = dict(given)
        if kind == "Lambda":
            defaults = dict(LAMBDA_DEFAULTS, RoleArn=role_arn) if role_arn else LAMBDA_DEFAULTS
            named = [(name, params.get(name, defaults.get(name))) for name in LAMBDA_ORDER]
            processor["Parameters"] = _listed([(n, v) for n, v in named if v is not None] +
                                              [(n, v) for n, v in given if n not in LAMBDA_ORDER])
        elif kind == "Decompression" and "CompressionFormat" not in params:
            processor["Parameters"] = _listed(given + [("CompressionFormat", "GZIP")])
        elif kind == "CloudWatchLogProcessing" and "DataMessageExtraction" in params:
            processor["Parameters"] = _listed(
                [(n, v.lower() if n == "DataMessageExtraction" and v.lower() in BOOLEANS else v) for n, v in given])


def _listed(pairs) -> list[dict]:
    return [{"ParameterName": name, "ParameterValue": value} for name, value in pairs]


def check(processing: dict | None):
    """Raise InvalidArgumentException for processors Firehose does not take."""
    processing = processing or {}
    listed = processing.get("Processors") or []
    if processing.get("Enabled") and not 1 <= len(listed) <= PROCESSORS_MAX:
        raise InvalidArgumentException(
            f"Enabled processing must list from 1 to {PROCESSORS_MAX} processors; {len(listed)} were given.")
    kinds = [p.get("Type") for p in listed]
    for processor in listed if processing.get("Enabled") else []:
        if processor.get("Type") != "CloudWatchLogProcessing":
            continue
        if "Decompression" not in kinds:
            raise InvalidArgumentException("The CloudWatchLogProcessing processor requires a Decompression processor.")
        params = {p["ParameterName"]: p["ParameterValue"] for p in processor.get("Parameters") or []}
        if params.get("DataMessageExtraction", "").lower() not in BOOLEANS:
            raise InvalidArgumentException(
                "DataMessageExtraction for the CloudWatchLogProcessing processor must be true or false.")


def _enabled_kinds(config: dict) -> list[str]:
    processing = config.get("ProcessingConfiguration") or {}
    return [p.get("Type") for p in processing.get("Processors") or []] if processing.get("Enabled") else []


def check_update(before: dict, after: dict):
    """Decompression is turned on in an existing stream only where decompression or a
    Lambda processor is on already (docs/firehose.md: 'Enabling decompression on an
    existing stream requires currently enabled decompression or Lambda processing')."""
    if "Decompression" not in _enabled_kinds(after):
        return
    current = _enabled_kinds(before)
    if "Decompression" not in current and "Lambda" not in current:
        raise InvalidArgumentException(
            "Decompression can be enabled on an existing delivery stream only when it already has decompression "
            "or a Lambda processor enabled.")


# PutRecord/PutRecordBatch into a stream that decompresses: only CloudWatch Logs may send
# (the InvalidSourceException shape's words in the service model; radkawar/stackd
# docs/firehose.md on its logs_processing capture: 'Enabled Decompression accepts direct
# ingestion only from the trusted Logs service ... Ordinary signed callers ... receive
# InvalidSourceException'). lakebox serves no CloudWatch Logs: every direct put is a caller's.
LOGS_ONLY = "Only requests from CloudWatch Logs are supported when CloudWatch Logs decompression is enabled."


def decompressing(config: dict) -> bool:
    return "Decompression" in _enabled_kinds(config)
