"""The query protocol of JSON services that were query services (`awsQueryCompatible`).

SQS moved from the query protocol to JSON, and AWS still answers its older clients
(SDKs before the move, the aws cli v1 of that time) in the query protocol. botocore's
current model keeps the operations and shapes but drops the query wire names
(`Attribute.1.Name`, `MessageAttribute.1.Value.StringValue`,
`SendMessageBatchRequestEntry.1.Id`, ...). The service restores them in its model
patch (`QUERY_NAMES`, see `lakebox/services/__init__.py`); `query_view` builds a
query-protocol model from botocore's JSON one with them, so the generic query parser
and writer serve it.
"""
import copy
import functools

import botocore.model

from lakebox import services


@functools.cache
def query_names(service: str) -> dict | None:
    """The query wire names a service's model patch restores, or None."""
    return getattr(services.model_patch(service), "QUERY_NAMES", None)


def is_query_compatible(model) -> bool:
    return "awsQueryCompatible" in model.metadata and query_names(model.service_name) is not None


def query_view(model_data: dict, service: str) -> botocore.model.ServiceModel:
    """A query-protocol model of a JSON service's model (its loaded JSON document)."""
    names = query_names(service)
    data = copy.deepcopy(model_data)
    data["metadata"].update(protocol="query", protocols=["query"], xmlNamespace=names["namespace"])
    shapes = data["shapes"]
    for (shape, member), wire in names["members"].items():
        if shape in shapes and member in shapes[shape].get("members", {}):
            shapes[shape]["members"][member]["locationName"] = wire
    for shape, (key, value) in names["maps"].items():
        if shape in shapes:
            shapes[shape]["key"]["locationName"] = key
            shapes[shape]["value"]["locationName"] = value
    for name, operation in data["operations"].items():
        if "output" in operation:       # query results sit in <OperationResult>
            operation["output"]["resultWrapper"] = f"{name}Result"
    return botocore.model.ServiceModel(data, service_name=service)


def member_from_path(service: str, shape, params: dict, req):
    """Fill the member a query request's path stands for, when the body left it out."""
    member = (query_names(service) or {}).get("path_member")
    if member and member in shape.members and member not in params and req.raw_path not in ("", "/"):
        params[member] = f"http://{req.headers.get('host', 'localhost')}{req.raw_path}"
