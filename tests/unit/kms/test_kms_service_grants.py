"""Grants to AWS service principals (GranteeServicePrincipal, RetiringServicePrincipal),
which botocore's KMS models from late 2026 add and which make GranteePrincipal and
RetiringPrincipal optional: the actions are called directly, since the pinned model's
clients cannot send these members."""
import asyncio

import pytest

from lakebox.aws.errors import ValidationError
from lakebox.config import Config
from lakebox.kit.calls import system_context
from lakebox.services.kms import actions
from lakebox.state import AppState

SOURCE = {"SourceArn": "arn:aws:rds:us-east-1:000000000000:db:orders"}


@pytest.fixture
def ctx():
    state = AppState(Config(data_dir=None, limits="off"))
    return system_context(state, "kms", "CreateGrant", "000000000000", "us-east-1")


@pytest.fixture
def key_id(ctx):
    return asyncio.run(actions.create_key(ctx, {}))["KeyMetadata"]["KeyId"]


def test_a_grant_to_a_service_principal_is_listed_under_the_service_members(ctx, key_id):
    made = actions.create_grant(ctx, {"KeyId": key_id, "Operations": ["Decrypt"], "Constraints": SOURCE,
                                      "GranteeServicePrincipal": "rds.amazonaws.com",
                                      "RetiringServicePrincipal": "rds.amazonaws.com"})
    actions.create_grant(ctx, {"KeyId": key_id, "Operations": ["Decrypt"],
                               "GranteePrincipal": "arn:aws:iam::000000000000:role/app"})
    [grant] = actions.list_grants(ctx, {"KeyId": key_id, "GranteeServicePrincipal": "rds.amazonaws.com"})["Grants"]
    assert grant["GrantId"] == made["GrantId"]
    assert (grant["GranteeServicePrincipal"], grant["RetiringServicePrincipal"]) == ("rds.amazonaws.com",) * 2
    assert "GranteePrincipal" not in grant and grant["Constraints"] == SOURCE
    assert actions.list_grants(ctx, {"KeyId": key_id, "GranteePrincipal": "rds.amazonaws.com"})["Grants"] == []
    retirable = actions.list_retirable_grants(ctx, {"RetiringServicePrincipal": "rds.amazonaws.com"})["Grants"]
    assert [g["GrantId"] for g in retirable] == [made["GrantId"]]
    assert actions.list_retirable_grants(ctx, {"RetiringPrincipal": "rds.amazonaws.com"})["Grants"] == []


@pytest.mark.parametrize("params, message", [
    ({}, "You must specify either GranteePrincipal or GranteeServicePrincipal, but not both."),
    ({"GranteePrincipal": "arn:aws:iam::000000000000:role/app", "GranteeServicePrincipal": "rds.amazonaws.com"},
     "You must specify either GranteePrincipal or GranteeServicePrincipal, but not both."),
    ({"GranteeServicePrincipal": "rds.amazonaws.com", "RetiringPrincipal": "arn:aws:iam::000000000000:role/ops"},
     "When you specify a GranteeServicePrincipal, you must also specify a SourceArn grant constraint."),
    ({"GranteeServicePrincipal": "rds.amazonaws.com", "Constraints": SOURCE},
     "When you specify a GranteeServicePrincipal, you must also specify either a RetiringPrincipal or a "
     "RetiringServicePrincipal."),
    ({"GranteePrincipal": "arn:aws:iam::000000000000:role/app", "RetiringPrincipal": "arn:aws:iam::000000000000:root",
      "RetiringServicePrincipal": "rds.amazonaws.com"},
     "You can specify either RetiringPrincipal or RetiringServicePrincipal, but not both."),
])
def test_grant_principals_are_refused_as_the_api_reference_states_their_rules(ctx, key_id, params, message):
    with pytest.raises(ValidationError) as refused:
        actions.create_grant(ctx, {"KeyId": key_id, "Operations": ["Decrypt"], **params})
    assert refused.value.message == message
    assert actions.list_grants(ctx, {"KeyId": key_id})["Grants"] == []


def test_retirable_grants_need_one_retiring_principal(ctx):
    for params in ({}, {"RetiringPrincipal": "arn:aws:iam::000000000000:root", "RetiringServicePrincipal": "x"}):
        with pytest.raises(ValidationError) as refused:
            actions.list_retirable_grants(ctx, params)
        assert refused.value.message == "You must specify either RetiringPrincipal or RetiringServicePrincipal, " \
                                        "but not both."
