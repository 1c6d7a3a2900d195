"""KMS grants with boto3: create, list, retire and revoke."""
from kms_helpers import error_of

ROLE = "arn:aws:iam::111122223333:role/reader"
RETIRER = "arn:aws:iam::111122223333:role/retirer"


def test_create_list_and_revoke_a_grant(kms, make_key):
    key = make_key()
    made = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=ROLE, Operations=["Decrypt", "Encrypt"],
                            Name="readers", Constraints={"EncryptionContextSubset": {"team": "data"}})
    assert len(made["GrantId"]) == 64 and made["GrantToken"]
    grants = kms.list_grants(KeyId=key["KeyId"])["Grants"]
    assert len(grants) == 1
    grant = grants[0]
    assert (grant["KeyId"], grant["GrantId"], grant["Name"]) == (key["Arn"], made["GrantId"], "readers")
    assert grant["GranteePrincipal"] == ROLE and grant["Operations"] == ["Decrypt", "Encrypt"]
    assert grant["Constraints"] == {"EncryptionContextSubset": {"team": "data"}}
    assert grant["IssuingAccount"] == f"arn:aws:iam::{key['AWSAccountId']}:root"
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=made["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_same_name_and_parameters_is_the_same_grant(kms, make_key):
    key = make_key()
    first = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=ROLE, Operations=["Decrypt"], Name="once")
    again = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=ROLE, Operations=["Decrypt"], Name="once")
    assert again["GrantId"] == first["GrantId"]
    assert len(kms.list_grants(KeyId=key["KeyId"])["Grants"]) == 1


def test_retire_by_token_and_by_id_and_list_retirable(kms, make_key):
    key = make_key()
    by_token = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=ROLE, Operations=["Decrypt"],
                                RetiringPrincipal=RETIRER)
    by_id = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=ROLE, Operations=["Encrypt"],
                             RetiringPrincipal=RETIRER)
    retirable = {g["GrantId"] for g in kms.list_retirable_grants(RetiringPrincipal=RETIRER)["Grants"]}
    assert {by_token["GrantId"], by_id["GrantId"]} <= retirable
    kms.retire_grant(GrantToken=by_token["GrantToken"])
    kms.retire_grant(KeyId=key["Arn"], GrantId=by_id["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    assert error_of(kms.retire_grant, GrantToken=by_token["GrantToken"])[0] == "InvalidGrantTokenException"


def test_grant_errors(kms, make_key):
    key = make_key()
    missing = "0" * 64
    assert error_of(kms.revoke_grant, KeyId=key["KeyId"], GrantId=missing) == (
        "NotFoundException", f"Grant ID {missing} not found")
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=ROLE, Operations=["Decrypt"]) == (
        "DisabledException", f"{key['Arn']} is disabled.")
