"""A platform team wires cross-bucket replication and trips on S3's rules, as recorded
(stackd's testdata/aws/s3/replication_control_replay.json): the source's versioning can
no longer be suspended while a replication configuration is on it (409
InvalidBucketState; the destination's still can), an empty or non-ARN role is
InvalidArgument, a role that does not exist is taken as given, and nothing refused
changes the configuration."""
import uuid

import pytest
from botocore.exceptions import ClientError


def refused(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]["Code"]


def versioned_pair(client, fresh_bucket):
    """(s3 client, account, source, destination): two buckets with versioning on."""
    s3 = client("s3")
    buckets = fresh_bucket("repl-src"), fresh_bucket("repl-dst")
    for name in buckets:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return (s3, client("sts").get_caller_identity()["Account"], *buckets)


def test_replication_holds_the_source_versioned(client, fresh_bucket):
    s3, account, source, destination = versioned_pair(client, fresh_bucket)

    def config(role):
        return {"Role": role, "Rules": [{
            "ID": "base", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
            "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}]}
    role = f"arn:aws:iam::{account}:role/repl-{uuid.uuid4().hex[:8]}"
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration=config(role))
    try:
        assert refused(s3.put_bucket_versioning, Bucket=source,
                       VersioningConfiguration={"Status": "Suspended"}) == (409, "InvalidBucketState")
        assert s3.get_bucket_versioning(Bucket=source)["Status"] == "Enabled"
        s3.put_bucket_versioning(Bucket=destination, VersioningConfiguration={"Status": "Suspended"})
        assert refused(s3.put_bucket_replication, Bucket=source, ReplicationConfiguration=config(role)) == (
            400, "InvalidRequest")
        s3.put_bucket_versioning(Bucket=destination, VersioningConfiguration={"Status": "Enabled"})
        for bad in ("", "not-an-arn"):
            assert refused(s3.put_bucket_replication, Bucket=source, ReplicationConfiguration=config(bad)) == (
                400, "InvalidArgument")
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Role"] == role
        absent = f"arn:aws:iam::{account}:role/absent-{uuid.uuid4().hex[:8]}"
        s3.put_bucket_replication(Bucket=source, ReplicationConfiguration=config(absent))
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Role"] == absent
    finally:
        s3.delete_bucket_replication(Bucket=source)
    s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Suspended"})


def test_the_two_rule_schemas(client, fresh_bucket):
    """A legacy rule (Prefix, no Filter) is kept as written and may name neither Priority
    nor DeleteMarkerReplication (InvalidRequest); a rule with neither is MalformedXML; an
    empty Filter is kept empty."""
    s3, account, source, destination = versioned_pair(client, fresh_bucket)
    role, target = f"arn:aws:iam::{account}:role/repl-schemas", {"Bucket": f"arn:aws:s3:::{destination}"}
    legacy = {"ID": "legacy", "Prefix": "legacy/", "Status": "Enabled", "Destination": target}

    def put(rule):
        return s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={"Role": role, "Rules": [rule]})
    try:
        put(legacy)
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"] == [legacy]
        assert refused(put, rule={k: v for k, v in legacy.items() if k != "Prefix"}) == (400, "MalformedXML")
        assert refused(put, rule={**legacy, "Priority": 1}) == (400, "InvalidRequest")
        assert refused(put, rule={**legacy, "DeleteMarkerReplication": {"Status": "Disabled"}}) == (
            400, "InvalidRequest")
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"] == [legacy]
        empty = {"ID": "base", "Priority": 1, "Filter": {}, "Status": "Enabled",
                 "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": target}
        put(empty)
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]["Filter"] == {}
    finally:
        s3.delete_bucket_replication(Bucket=source)


def test_replication_filters_as_lifecycle_ones(client, fresh_bucket):
    """An And filter combines two conditions or more (a prefix or tags alone, or nothing,
    is MalformedXML), a Filter names one condition (Prefix with Tag is MalformedXML), and
    duplicate tag keys are InvalidRequest; an And of a prefix and two tags reads back in
    its order."""
    s3, account, source, destination = versioned_pair(client, fresh_bucket)

    def put(rule_filter):
        return s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
            "Role": f"arn:aws:iam::{account}:role/repl-filters", "Rules": [{
                "ID": "base", "Priority": 1, "Filter": rule_filter, "Status": "Enabled",
                "DeleteMarkerReplication": {"Status": "Disabled"},
                "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}]})
    kept = {"And": {"Prefix": "x/", "Tags": [{"Key": "z", "Value": "2"}, {"Key": "a", "Value": "1"}]}}
    try:
        put(kept)
        for malformed in ({"And": {"Prefix": "x/"}}, {"And": {"Tags": [{"Key": "a", "Value": "1"}]}}, {"And": {}},
                          {"Prefix": "x/", "Tag": {"Key": "a", "Value": "1"}}):
            assert refused(put, rule_filter=malformed) == (400, "MalformedXML")
        assert refused(put, rule_filter={"And": {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}}) \
            == (400, "InvalidRequest")
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]["Filter"] == kept
    finally:
        s3.delete_bucket_replication(Bucket=source)


def test_replication_rule_ids(client, fresh_bucket):
    """A rule put with an empty ID is given one by S3; an ID over 255 characters is
    InvalidArgument and leaves the configuration as it was."""
    s3, account, source, destination = versioned_pair(client, fresh_bucket)

    def put(rule_id):
        return s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
            "Role": f"arn:aws:iam::{account}:role/repl-ids", "Rules": [{
                "ID": rule_id, "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
                "DeleteMarkerReplication": {"Status": "Disabled"},
                "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}]})
    try:
        put("")
        named = s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]["ID"]
        assert named
        assert refused(put, rule_id="x" * 256) == (400, "InvalidArgument")
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]["ID"] == named
    finally:
        s3.delete_bucket_replication(Bucket=source)


def test_replication_selection_and_existing_objects(client, fresh_bucket):
    """An empty SourceSelectionCriteria, and KMS-encrypted objects selected (on or off)
    without a replica key, are InvalidRequest; existing-object replication turned on is
    MalformedXML; replica modifications are kept."""
    s3, account, source, destination = versioned_pair(client, fresh_bucket)

    def put(**extra):
        return s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
            "Role": f"arn:aws:iam::{account}:role/repl-selection", "Rules": [{
                "ID": "base", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
                "DeleteMarkerReplication": {"Status": "Disabled"},
                "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}, **extra}]})
    try:
        put(SourceSelectionCriteria={"ReplicaModifications": {"Status": "Enabled"}})
        assert refused(put, SourceSelectionCriteria={}) == (400, "InvalidRequest")
        for status in ("Enabled", "Disabled"):
            assert refused(put, SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": status}}) == (
                400, "InvalidRequest")
        assert refused(put, ExistingObjectReplication={"Status": "Enabled"}) == (400, "MalformedXML")
        rule = s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]
        assert rule["SourceSelectionCriteria"] == {"ReplicaModifications": {"Status": "Enabled"}}
    finally:
        s3.delete_bucket_replication(Bucket=source)


def rules_putter(s3, account, source, destination):
    """(a base Filter rule to `destination`, put(*rules) on `source`)."""
    base = {"ID": "base", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
            "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}

    def put(*rules):
        return s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
            "Role": f"arn:aws:iam::{account}:role/repl-rules", "Rules": list(rules)})
    return base, put


def test_second_schema_rules_need_a_priority_and_unique_ids(client, fresh_bucket):
    """A Filter rule without a Priority is InvalidRequest; two rules with one ID are
    InvalidArgument; a rule without an ID is named."""
    s3, account, source, destination = versioned_pair(client, fresh_bucket)
    base, put = rules_putter(s3, account, source, destination)
    try:
        assert refused(put, {k: v for k, v in base.items() if k != "Priority"}) == (400, "InvalidRequest")
        assert refused(put, base, {**base, "Priority": 2}) == (400, "InvalidArgument")
        put({k: v for k, v in base.items() if k != "ID"})
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]["ID"]
    finally:
        s3.delete_bucket_replication(Bucket=source)


def test_replication_destinations(client, fresh_bucket):
    """Rules of both schemas in one configuration, or a rule sending to its own source, are
    InvalidRequest; a destination named by its bare name or by an object's ARN is
    InvalidArgument; two destinations by priority are kept."""
    s3, account, source, destination = versioned_pair(client, fresh_bucket)
    second = fresh_bucket("repl-dst2")
    s3.put_bucket_versioning(Bucket=second, VersioningConfiguration={"Status": "Enabled"})
    base, put = rules_putter(s3, account, source, destination)
    try:
        put(base, {**base, "ID": "second", "Priority": 2, "Destination": {"Bucket": f"arn:aws:s3:::{second}"}})
        legacy = {"ID": "legacy", "Prefix": "legacy/", "Status": "Enabled", "Destination": base["Destination"]}
        assert refused(put, legacy, base) == (400, "InvalidRequest")
        assert refused(put, {**base, "Destination": {"Bucket": f"arn:aws:s3:::{source}"}}) == (400, "InvalidRequest")
        for named in (destination, f"arn:aws:s3:::{destination}/object"):
            assert refused(put, {**base, "Destination": {"Bucket": named}}) == (400, "InvalidArgument")
        assert len(s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"]) == 2
    finally:
        s3.delete_bucket_replication(Bucket=source)


def test_replica_owner_override_names_the_account(client, fresh_bucket):
    """An AccessControlTranslation without the destination's Account is InvalidRequest;
    with it, it is kept (an Account S3 does not check is kept too)."""
    s3, account, source, destination = versioned_pair(client, fresh_bucket)
    base, put = rules_putter(s3, account, source, destination)
    override = {"Bucket": f"arn:aws:s3:::{destination}", "AccessControlTranslation": {"Owner": "Destination"}}
    try:
        assert refused(put, {**base, "Destination": override}) == (400, "InvalidRequest")
        put({**base, "Destination": {**override, "Account": account}})
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]["Destination"] == {
            **override, "Account": account}
        put({**base, "Destination": {"Bucket": f"arn:aws:s3:::{destination}", "Account": "abc"}})
    finally:
        s3.delete_bucket_replication(Bucket=source)


def test_replica_keys_metrics_and_replication_time(client, fresh_bucket):
    """A replica KMS key without SseKmsEncryptedObjects selected is InvalidRequest (with it,
    kept; a key that is no key ID nor ARN is InvalidArgument); a metrics event threshold
    without Replication Time Control is InvalidArgument, RTC (on or off) without metrics
    InvalidRequest, RTC of other than 15 minutes InvalidArgument; metrics alone, and RTC
    with metrics, are kept."""
    s3, account, source, destination = versioned_pair(client, fresh_bucket)
    base, put = rules_putter(s3, account, source, destination)
    target = base["Destination"]["Bucket"]
    key = {"ReplicaKmsKeyID": f"arn:aws:kms:us-east-1:{account}:key/00000000-0000-0000-0000-999000999000"}
    threshold = {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}
    timed = {"Status": "Enabled", "Time": {"Minutes": 15}}
    try:
        assert refused(put, {**base, "Destination": {"Bucket": target, "EncryptionConfiguration": key}}) == (
            400, "InvalidRequest")
        put({**base, "Destination": {"Bucket": target, "EncryptionConfiguration": key},
             "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}}})
        put({**base, "Destination": {"Bucket": target, "Metrics": {"Status": "Enabled"}}})
        assert refused(put, {**base, "Destination": {"Bucket": target, "Metrics": threshold}}) == (
            400, "InvalidArgument")
        assert refused(put, {**base, "Destination": {"Bucket": target, "ReplicationTime": timed}}) == (
            400, "InvalidRequest")
        assert refused(put, {**base, "Destination": {"Bucket": target, "ReplicationTime": {**timed, "Status": "Disabled"}}}) \
            == (400, "InvalidRequest")
        assert refused(put, {**base, "Destination": {"Bucket": target, "Metrics": threshold,
                                                      "ReplicationTime": {**timed, "Time": {"Minutes": 14}}}}) == (
            400, "InvalidArgument")
        assert refused(put, {**base, "Destination": {"Bucket": target, "EncryptionConfiguration": {
            "ReplicaKmsKeyID": "not-a-key"}}, "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}}}) \
            == (400, "InvalidArgument")
        put({**base, "Destination": {"Bucket": target, "Metrics": threshold, "ReplicationTime": timed}})
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]["Destination"][
            "ReplicationTime"] == timed
    finally:
        s3.delete_bucket_replication(Bucket=source)


@pytest.mark.local_only
def test_a_hand_written_configuration_names_one_role_and_its_rules(lakebox_server, client, fresh_bucket):
    """Written by hand: Rule before Role is taken; a second Role, or an element S3 does not
    know, is MalformedXML and leaves the configuration as it was."""
    import base64
    import hashlib

    import requests
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    s3, account, source, destination = versioned_pair(client, fresh_bucket)

    def put(body):
        data = body.encode()
        request = AWSRequest(method="PUT", url=f"{lakebox_server.endpoint}/{source}?replication", data=data, headers={
            "Content-Type": "application/xml", "Content-MD5": base64.b64encode(hashlib.md5(data).digest()).decode(),
            "x-amz-content-sha256": hashlib.sha256(data).hexdigest()})
        S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
        answer = requests.put(request.url, data=data, headers=dict(request.headers), timeout=30)
        return answer.status_code, answer.text.split("<Code>")[1].split("<")[0] if "<Code>" in answer.text else ""
    ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    role = f"<Role>arn:aws:iam::{account}:role/repl-raw</Role>"
    rule = (f"<Rule><ID>raw</ID><Priority>1</Priority><Filter><Prefix/></Filter><Status>Enabled</Status><Destination>"
            f"<Bucket>arn:aws:s3:::{destination}</Bucket></Destination><DeleteMarkerReplication><Status>Disabled"
            "</Status></DeleteMarkerReplication></Rule>")
    try:
        assert put(f"<ReplicationConfiguration {ns}>{rule}{role}</ReplicationConfiguration>") == (200, "")
        for body in (f"{role}{role}{rule}", f"{role}<Unknown>value</Unknown>{rule}"):
            assert put(f"<ReplicationConfiguration {ns}>{body}</ReplicationConfiguration>") == (400, "MalformedXML")
        assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]["ID"] == "raw"
    finally:
        s3.delete_bucket_replication(Bucket=source)
