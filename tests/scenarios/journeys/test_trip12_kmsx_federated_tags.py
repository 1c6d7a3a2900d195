"""A partner portal signs its users in as federated users (GetFederationToken) and
passes each one's team as a session tag. The settlement key's policy lets federated
users encrypt and decrypt only when aws:PrincipalTag/team is payments (tag keys are not
case-sensitive, values are), so the payments clerk works, the web developer and an
untagged user are refused. STS refuses two tags whose keys differ only in case. The
portal's own keys answer GetAccessKeyInfo for the keys it handed out. A key policy that
names a session by its ARN (federated user, role session) grants it more than its session
policies do."""
import json

from botocore.config import Config

from sec_sessions import admin_and_one_statement, client_with
from trip_helpers import error_of

ACCOUNT = "731296048512"
NO_RETRIES = Config(retries={"total_max_attempts": 1})
WORK = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}]})


def test_team_tags_decide_who_uses_the_settlement_key(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id=ACCOUNT, config=NO_RETRIES)
    kms = lakebox_server.client("kms", aws_access_key_id=ACCOUNT, config=NO_RETRIES)
    key = kms.create_key(Description="settlement", Policy=admin_and_one_statement(
        ACCOUNT, "PaymentsClerks", ["kms:Encrypt", "kms:Decrypt"],
        {"StringEquals": {"aws:PrincipalType": "FederatedUser", "aws:PrincipalTag/team": "payments"}}))["KeyMetadata"]
    try:
        clerk = sts.get_federation_token(Name="clerk.ana", Policy=WORK,
                                         Tags=[{"Key": "Team", "Value": "payments"},
                                               {"Key": "cost-center", "Value": "cc-104"}])
        assert clerk["FederatedUser"] == {"FederatedUserId": f"{ACCOUNT}:clerk.ana",
                                          "Arn": f"arn:aws:sts::{ACCOUNT}:federated-user/clerk.ana"}
        assert 1 <= clerk["PackedPolicySize"] <= 100
        who = client_with(lakebox_server, clerk, "sts").get_caller_identity()
        assert (who["UserId"], who["Account"], who["Arn"]) == (
            f"{ACCOUNT}:clerk.ana", ACCOUNT, f"arn:aws:sts::{ACCOUNT}:federated-user/clerk.ana")
        clerk_kms = client_with(lakebox_server, clerk, "kms")
        sealed = clerk_kms.encrypt(KeyId=key["Arn"], Plaintext=b"batch 2291")
        assert sealed["KeyId"] == key["Arn"]
        assert clerk_kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"])["Plaintext"] == b"batch 2291"

        for name, tags in (("dev.ben", [{"Key": "team", "Value": "web"}]),
                           ("dev.cy", [{"Key": "team", "Value": "Payments"}]), ("guest.dee", [])):
            other = sts.get_federation_token(Name=name, Policy=WORK, Tags=tags)
            assert error_of(client_with(lakebox_server, other, "kms").encrypt, KeyId=key["Arn"],
                            Plaintext=b"x") == (
                "AccessDeniedException",
                f"User: arn:aws:sts::{ACCOUNT}:federated-user/{name} is not authorized to perform: kms:Encrypt on "
                f"resource: {key['Arn']} because no resource-based policy allows the kms:Encrypt action")

        assert error_of(sts.get_federation_token, Name="dev.eve", Policy=WORK,
                        Tags=[{"Key": "team", "Value": "payments"}, {"Key": "TEAM", "Value": "web"}]) == (
            "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")

        # the portal looks up the account of a key it handed out; the federated user may not
        assert sts.get_access_key_info(AccessKeyId=clerk["Credentials"]["AccessKeyId"])["Account"] == ACCOUNT
        assert error_of(client_with(lakebox_server, clerk, "sts").get_access_key_info,
                        AccessKeyId=clerk["Credentials"]["AccessKeyId"])[0] == "AccessDenied"
    finally:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)


def test_a_key_policy_naming_the_session_grants_beyond_its_session_policy(lakebox_server):
    """A federated user with no session policy has no permissions, except where a
    resource-based policy names its session in Principal (STS API reference,
    GetFederationToken); a role session named by its ARN likewise gets what the key
    policy allows on top of its session policy."""
    sts = lakebox_server.client("sts", aws_access_key_id=ACCOUNT, config=NO_RETRIES)
    kms = lakebox_server.client("kms", aws_access_key_id=ACCOUNT, config=NO_RETRIES)
    auditor = f"arn:aws:sts::{ACCOUNT}:federated-user/auditor.kim"
    exporter = f"arn:aws:sts::{ACCOUNT}:assumed-role/exporter/nightly"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
         "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalType": "Account"}}},
        {"Sid": "AuditorReads", "Effect": "Allow", "Principal": {"AWS": auditor}, "Action": "kms:Decrypt",
         "Resource": "*"},
        {"Sid": "NightlyExport", "Effect": "Allow", "Principal": {"AWS": exporter}, "Action": "kms:GenerateDataKey",
         "Resource": "*"}]})
    key = kms.create_key(Description="audit evidence", Policy=policy)["KeyMetadata"]
    try:
        evidence = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"evidence 12")["CiphertextBlob"]
        kim = client_with(lakebox_server, sts.get_federation_token(Name="auditor.kim"), "kms")
        assert kim.decrypt(CiphertextBlob=evidence)["Plaintext"] == b"evidence 12"
        assert error_of(kim.encrypt, KeyId=key["Arn"], Plaintext=b"x") == (
            "AccessDeniedException", f"User: {auditor} is not authorized to perform: kms:Encrypt on resource: "
                                     f"{key['Arn']} because no session policy allows the kms:Encrypt action")
        lee = client_with(lakebox_server, sts.get_federation_token(Name="auditor.lee"), "kms")
        assert error_of(lee.decrypt, CiphertextBlob=evidence)[0] == "AccessDeniedException"

        describe_only = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "kms:DescribeKey", "Resource": "*"}]})
        nightly = client_with(lakebox_server, sts.assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/exporter", RoleSessionName="nightly", Policy=describe_only), "kms")
        assert len(nightly.generate_data_key(KeyId=key["Arn"], KeySpec="AES_256")["Plaintext"]) == 32
        assert error_of(nightly.decrypt, CiphertextBlob=evidence)[0] == "AccessDeniedException"
    finally:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
