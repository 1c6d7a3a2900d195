"""Each service's `actions` module exports exactly operations of its model.

The pipeline dispatches `actions.<xform_name(Operation)>`; a name that is no operation
(a misspelling) would leave the operation answering 501 with no error anywhere. The
operation names come from the installed botocore's model.
"""
import importlib
import inspect

import pytest
from botocore import xform_name

from lakebox.aws.specs import spec_for
from lakebox.services import SERVICE_NAMES, optional_module

WRITTEN = [name for name in SERVICE_NAMES if optional_module(name, "actions") is not None]


def operation_names(service: str) -> set:
    return {xform_name(operation) for operation in spec_for(service).model.operation_names}


def exported_functions(module) -> dict:
    """Public callables of the module (its own or re-exported), not classes or modules."""
    return {name: value for name, value in vars(module).items()
            if not name.startswith("_") and callable(value) and not inspect.isclass(value)}


def test_services_with_actions_are_found():
    assert {"s3", "kinesis", "sts"} <= set(WRITTEN)


@pytest.mark.parametrize("service", WRITTEN)
def test_every_exported_action_is_an_operation(service):
    actions = optional_module(service, "actions")
    strays = sorted(set(exported_functions(actions)) - operation_names(service))
    assert strays == [], f"{service}/actions.py exports names that are no operation (helpers start with '_')"


@pytest.mark.parametrize("service", WRITTEN)
def test_every_operation_written_in_a_re_exported_module_is_exported(service):
    """An operation written beside the others but missing from actions.py answers 501."""
    actions = optional_module(service, "actions")
    exported = exported_functions(actions)
    sources = {importlib.import_module(fn.__module__) for fn in exported.values()} - {actions}
    written = {name for module in sources for name, fn in exported_functions(module).items()
               if getattr(fn, "__module__", None) == module.__name__}
    assert sorted((written & operation_names(service)) - set(exported)) == []
