"""An audit trail that names the person behind a role: the identity broker assumes the
analyst role with SourceIdentity set to the employee's corporate name, the session (and
every session chained from it) carries it, and the case-file key's policy lets role
sessions decrypt only when aws:SourceIdentity is a corporate name (StringLike
*@corp.example). A session assumed without one, or with an outside name, is refused."""
from botocore.config import Config

from sec_sessions import admin_and_one_statement, client_with
from trip_helpers import error_of

ACCOUNT = "852741963074"
ANALYST = f"arn:aws:iam::{ACCOUNT}:role/analyst"
REPORTER = f"arn:aws:iam::{ACCOUNT}:role/reporter"
NO_RETRIES = Config(retries={"total_max_attempts": 1})
CORPORATE_ONLY = {"StringLike": {"aws:SourceIdentity": "*@corp.example"}}


def test_only_named_people_open_case_files(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id=ACCOUNT, config=NO_RETRIES)
    kms = lakebox_server.client("kms", aws_access_key_id=ACCOUNT, config=NO_RETRIES)
    key = kms.create_key(Description="case files", Policy=admin_and_one_statement(
        ACCOUNT, "NamedAnalysts", ["kms:Decrypt", "kms:Encrypt"], CORPORATE_ONLY))["KeyMetadata"]
    try:
        case_file = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"case 5521")["CiphertextBlob"]

        named = sts.assume_role(RoleArn=ANALYST, RoleSessionName="broker-1", SourceIdentity="maria.lopez@corp.example")
        assert named["SourceIdentity"] == "maria.lopez@corp.example"
        assert named["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/analyst/broker-1"
        assert client_with(lakebox_server, named, "kms").decrypt(CiphertextBlob=case_file)["Plaintext"] == \
            b"case 5521"

        # the chained session keeps the name
        named_sts = client_with(lakebox_server, named, "sts")
        chained = named_sts.assume_role(RoleArn=REPORTER, RoleSessionName="report-1")
        assert chained["SourceIdentity"] == "maria.lopez@corp.example"
        assert client_with(lakebox_server, chained, "kms").decrypt(CiphertextBlob=case_file)["Plaintext"] == \
            b"case 5521"

        for session_name, source in (("broker-2", None), ("broker-3", "contractor@vendor.example")):
            args = {"SourceIdentity": source} if source else {}
            other = sts.assume_role(RoleArn=ANALYST, RoleSessionName=session_name, **args)
            assert other.get("SourceIdentity") == source
            assert error_of(client_with(lakebox_server, other, "kms").decrypt, CiphertextBlob=case_file) == (
                "AccessDeniedException",
                f"User: arn:aws:sts::{ACCOUNT}:assumed-role/analyst/{session_name} is not authorized to perform: "
                f"kms:Decrypt on resource: {key['Arn']} because no resource-based policy allows the kms:Decrypt "
                f"action")
    finally:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
