"""The services lakebox serves, and how to find each one's actions.

A service is a package `lakebox.services.<botocore name with '-' as '_'>` whose
`actions` module has one function per operation, named as botocore's `xform_name`.
A package may also have `store.SCHEMA` (migrations), `jobs.JOBS` (scheduler jobs) and a
`hooks` module (requests it answers outside routing, its own signature checks, streamed
payloads, extra response headers: see `lakebox/aws/hooks.py`).

Model patches: where botocore's model of a service differs from what the service does,
the service says so in a `model_patch` module (plain data, importing nothing), applied
as the model is loaded: `SHAPE_ERRATA` {(shape, "member" | "key" | "value"): the shape
it really refers to} and `PATTERN_ERRATA` (string shapes whose model pattern the service
does not apply) (`aws/specs.py`), and for a JSON service that was a query service,
`QUERY_NAMES`, the query wire names the JSON model dropped (`aws/query_compat.py`).
So the core names no service.
"""
import functools
import importlib

from botocore import xform_name

SERVICE_NAMES = (
    "s3", "s3control", "kinesis", "firehose", "dynamodb", "dynamodbstreams", "sqs", "glue", "athena",
    "kms", "sts", "redshift-data", "lakeformation", "kinesisanalyticsv2", "emr-serverless",
    "opensearch",
)


def package_name(service: str) -> str:
    return "lakebox.services." + service.replace("-", "_")


def optional_module(service: str, module: str):
    """The service's `module`, or None when the service has not written it yet."""
    name = f"{package_name(service)}.{module}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name and name.startswith(missing.name):
            return None
        raise


@functools.cache
def model_patch(service: str):
    """The service's `model_patch` module, or None."""
    return optional_module(service, "model_patch")


def load_actions(service: str) -> dict:
    """operation name -> action function, for the operations the service implements."""
    from lakebox.aws.specs import spec_for

    actions = optional_module(service, "actions")
    if actions is None:
        return {}
    found = {}
    for operation in spec_for(service).model.operation_names:
        fn = getattr(actions, xform_name(operation), None)
        if callable(fn):
            found[operation] = fn
    return found


def operations_served() -> dict:
    """service -> {"served": [...], "not_served": [...]}: the operations of the installed
    botocore's model, split by whether the service has written an action for them."""
    from lakebox.aws.specs import spec_for

    listing = {}
    for name in SERVICE_NAMES:
        served = load_actions(name)
        every = sorted(spec_for(name).model.operation_names)
        listing[name] = {"served": [op for op in every if op in served],
                         "not_served": [op for op in every if op not in served]}
    return listing
