"""botocore's service models, loaded once, with the indexes routing needs."""
import copy
import functools

import botocore.loaders
import botocore.model

from lakebox import services
from lakebox.aws import query_compat
from lakebox.services import SERVICE_NAMES


class ServiceSpec:
    """One service's model plus what routing needs to find its operations fast."""

    def __init__(self, name: str, model: botocore.model.ServiceModel):
        self.name = name
        self.model = model
        self.protocol = model.metadata["protocol"]
        self.target_prefix = model.metadata.get("targetPrefix")
        self.signing_name = model.metadata.get("signingName") or model.metadata["endpointPrefix"]
        self.json_version = model.metadata.get("jsonVersion", "1.0")
        self.operations = {op: None for op in model.operation_names}   # name -> OperationModel (lazy)
        self.error_status = _error_statuses(model)

    def operation(self, name: str) -> botocore.model.OperationModel | None:
        if name not in self.operations:
            return None
        op = self.operations[name]
        if op is None:
            op = self.operations[name] = self.model.operation_model(name)
        return op


def _error_statuses(model) -> dict:
    """Error code -> HTTP status, from the error shapes of the model."""
    statuses = {}
    for name in model.shape_names:
        shape = model.shape_for(name)
        if shape.metadata.get("exception") or shape.metadata.get("error"):
            error = shape.metadata.get("error", {})
            code = error.get("code", name)
            status = error.get("httpStatusCode", 500 if shape.metadata.get("fault") else 400)
            statuses[code] = statuses[name] = status
    return statuses


@functools.cache
def _loader():
    return botocore.loaders.create_loader()


def _model_data(service: str) -> dict:
    """The service's model document, with the shape errata of its model patch applied
    (`SHAPE_ERRATA`: where botocore types a shape more narrowly than the service reads
    it; `PATTERN_ERRATA`: string shapes whose pattern the service does not hold values
    to as Java's `matches()` would; on a copy: the loader caches the document)."""
    data = _loader().load_service_model(service, "service-2")
    patch = services.model_patch(service)
    errata = getattr(patch, "SHAPE_ERRATA", None)
    patterns = getattr(patch, "PATTERN_ERRATA", None)
    if not errata and not patterns:
        return data
    data = copy.deepcopy(data)
    for (shape, part), target in (errata or {}).items():
        if shape in data["shapes"]:             # a later model may have fixed or renamed it
            data["shapes"][shape][part]["shape"] = target
    for shape in patterns or ():
        if shape in data["shapes"]:
            data["shapes"][shape].pop("pattern", None)
    return data


@functools.cache
def spec_for(service: str) -> ServiceSpec:
    data = _model_data(service)
    return ServiceSpec(service, botocore.model.ServiceModel(data, service_name=service))


@functools.cache
def query_view_spec(service: str) -> ServiceSpec:
    """The query-protocol view of a JSON service that was a query service (SQS)."""
    data = _model_data(service)
    return ServiceSpec(service, query_compat.query_view(data, service))


@functools.cache
def all_specs() -> dict[str, ServiceSpec]:
    return {name: spec_for(name) for name in SERVICE_NAMES}


@functools.cache
def by_target_prefix() -> dict[str, ServiceSpec]:
    return {spec.target_prefix: spec for spec in all_specs().values() if spec.target_prefix}


@functools.cache
def by_signing_name() -> dict[str, ServiceSpec]:
    found = {}
    for spec in all_specs().values():
        found.setdefault(spec.signing_name, spec)   # dynamodb before dynamodbstreams
    return found


@functools.cache
def query_operations() -> dict[str, ServiceSpec]:
    """Action name -> spec, for services on the query protocol (found by `Action=`), and
    JSON services that still take it (SQS): an unsigned call names no service but by its
    action, and must reach that service to be refused in its words."""
    return {op: spec for spec in all_specs().values()
            if spec.protocol == "query" or (spec.protocol == "json" and query_compat.is_query_compatible(spec.model))
            for op in spec.model.operation_names}
