"""A data team shares a KMS key with a partner account's ingest role through a grant, as
the KMS Developer Guide's grant walkthrough does: the owner grants the role Encrypt,
GenerateDataKey and Decrypt under an encryption context constraint, naming the role as
the retiring principal; the partner's nightly job assumes its role, finds the grant with
ListRetirableGrants, envelope-encrypts files with the grant token (the grant is usable at
once), and retires the grant itself when the contract ends. Owner and partner then see a
key the partner can no longer use."""
import json

import boto3
import pytest
from botocore.config import Config

from trip_helpers import REGION, error_of

OWNER, PARTNER = "210987654321", "123450987654"
ROLE = f"arn:aws:iam::{PARTNER}:role/nightly-ingest"
SESSION = f"arn:aws:sts::{PARTNER}:assumed-role/nightly-ingest/job-42"
NO_RETRIES = Config(retries={"total_max_attempts": 1})
CONTEXT = {"partner": "acme", "feed": "invoices"}


def _clients(lakebox_server):
    owner = lakebox_server.client("kms", aws_access_key_id=OWNER, aws_secret_access_key="x", config=NO_RETRIES)
    sts = lakebox_server.client("sts", aws_access_key_id=PARTNER, aws_secret_access_key="x", config=NO_RETRIES)
    creds = sts.assume_role(RoleArn=ROLE, RoleSessionName="job-42")["Credentials"]
    partner = boto3.client("kms", endpoint_url=lakebox_server.endpoint, region_name=REGION, config=NO_RETRIES,
                           aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["SessionToken"])
    return owner, partner


@pytest.mark.local_only
def test_partner_role_uses_and_retires_its_grant(lakebox_server):
    owner, partner = _clients(lakebox_server)
    key = owner.create_key(Description="acme invoices", Tags=[{"TagKey": "partner", "TagValue": "acme"}])
    key_arn, key_id = key["KeyMetadata"]["Arn"], key["KeyMetadata"]["KeyId"]
    owner.create_alias(AliasName="alias/acme-invoices", TargetKeyId=key_id)

    # before any grant the partner is a stranger to the key
    assert error_of(partner.describe_key, KeyId=key_arn) == (
        "AccessDeniedException", f"User: {SESSION} is not authorized to perform: kms:DescribeKey on resource: "
        f"{key_arn} because no resource-based policy allows the kms:DescribeKey action")

    grant = owner.create_grant(KeyId=key_id, GranteePrincipal=ROLE, RetiringPrincipal=ROLE, Name="acme-nightly",
                               Operations=["Encrypt", "GenerateDataKey", "Decrypt", "DescribeKey"],
                               Constraints={"EncryptionContextSubset": CONTEXT})
    token = grant["GrantToken"]
    # the same request again is the same grant
    again = owner.create_grant(KeyId=key_id, GranteePrincipal=ROLE, RetiringPrincipal=ROLE, Name="acme-nightly",
                               Operations=["Encrypt", "GenerateDataKey", "Decrypt", "DescribeKey"],
                               Constraints={"EncryptionContextSubset": CONTEXT})
    assert again["GrantId"] == grant["GrantId"]

    # the partner's job finds what it may retire, in the owner's key
    retirable = partner.list_retirable_grants(RetiringPrincipal=ROLE)["Grants"]
    assert [(g["GrantId"], g["KeyId"], g["Name"]) for g in retirable] == [(grant["GrantId"], key_arn, "acme-nightly")]
    assert retirable[0]["IssuingAccount"] == f"arn:aws:iam::{OWNER}:root"
    assert retirable[0]["Constraints"] == {"EncryptionContextSubset": CONTEXT}

    # envelope encryption with the token, at once
    described = partner.describe_key(KeyId=key_arn, GrantTokens=[token])["KeyMetadata"]
    assert described["KeyId"] == key_id and described["KeyManager"] == "CUSTOMER"
    data_key = partner.generate_data_key(KeyId=key_arn, KeySpec="AES_256", GrantTokens=[token],
                                         EncryptionContext={**CONTEXT, "file": "2026-12-04.csv"})
    assert data_key["KeyId"] == key_arn and len(data_key["Plaintext"]) == 32
    opened = partner.decrypt(CiphertextBlob=data_key["CiphertextBlob"], GrantTokens=[token],
                             EncryptionContext={**CONTEXT, "file": "2026-12-04.csv"})
    assert opened["Plaintext"] == data_key["Plaintext"] and opened["KeyId"] == key_arn
    # the owner opens what the partner sealed
    assert owner.decrypt(CiphertextBlob=data_key["CiphertextBlob"],
                         EncryptionContext={**CONTEXT, "file": "2026-12-04.csv"})["Plaintext"] == data_key["Plaintext"]

    # an alias names a key only in its own account: the partner must use the key ARN
    code, _ = error_of(partner.encrypt, KeyId="alias/acme-invoices", Plaintext=b"x", EncryptionContext=CONTEXT)
    assert code == "NotFoundException"
    # what the grant does not allow stays refused
    assert error_of(partner.encrypt, KeyId=key_arn, Plaintext=b"x", GrantTokens=[token],
                    EncryptionContext={"partner": "acme", "feed": "payroll"})[0] == "AccessDeniedException"
    assert error_of(partner.list_resource_tags, KeyId=key_arn)[0] in ("AccessDeniedException", "NotFoundException")

    # the contract ends: the partner retires the grant with its token
    partner.retire_grant(GrantToken=token)
    assert owner.list_grants(KeyId=key_id)["Grants"] == []
    assert partner.list_retirable_grants(RetiringPrincipal=ROLE)["Grants"] == []
    assert error_of(partner.generate_data_key, KeyId=key_arn, KeySpec="AES_256", GrantTokens=[token],
                    EncryptionContext=CONTEXT)[0] == "AccessDeniedException"
    assert error_of(partner.decrypt, CiphertextBlob=data_key["CiphertextBlob"],
                    EncryptionContext={**CONTEXT, "file": "2026-12-04.csv"}) == (
        "AccessDeniedException", f"User: {SESSION} is not authorized to perform: kms:Decrypt on resource: "
        f"{key_arn} because no resource-based policy allows the kms:Decrypt action")

    owner.delete_alias(AliasName="alias/acme-invoices")
    owner.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


@pytest.mark.local_only
def test_owner_revokes_a_grant_the_partner_relied_on(lakebox_server):
    owner, partner = _clients(lakebox_server)
    key_id = owner.create_key(Description="acme signing")["KeyMetadata"]["KeyId"]
    key_arn = f"arn:aws:kms:{REGION}:{OWNER}:key/{key_id}"
    grant = owner.create_grant(KeyId=key_id, GranteePrincipal=f"arn:aws:iam::{PARTNER}:root",
                               Operations=["Encrypt", "Decrypt"])
    # a grant to the account reaches every principal of it, the role's sessions too
    blob = partner.encrypt(KeyId=key_arn, Plaintext=b"po-77", GrantTokens=[grant["GrantToken"]])["CiphertextBlob"]
    assert partner.decrypt(CiphertextBlob=blob)["Plaintext"] == b"po-77"
    # the partner is not the retiring principal: it cannot retire by id; the owner revokes
    code, _ = error_of(partner.revoke_grant, KeyId=key_arn, GrantId=grant["GrantId"])
    assert code == "AccessDeniedException"
    owner.revoke_grant(KeyId=key_id, GrantId=grant["GrantId"])
    assert error_of(owner.revoke_grant, KeyId=key_id, GrantId=grant["GrantId"]) == (
        "NotFoundException", f"Grant ID {grant['GrantId']} not found")
    assert error_of(partner.decrypt, CiphertextBlob=blob)[0] == "AccessDeniedException"
    policy = json.loads(owner.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{OWNER}:root"}
    owner.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
