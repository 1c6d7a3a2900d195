"""A data team replicates its landing bucket into a backup bucket and checks, as a user
against S3 would, by polling HEAD, that the copies really arrive (S3 User Guide, "Getting
replication status information" and "What does Amazon S3 replicate?"; radkawar/stackd
testdata/aws/s3/replication_flow_replay.json): a new version shows ReplicationStatus
PENDING, then COMPLETED, and its replica has the same version id, ETag, LastModified,
metadata, tags, checksum and bytes, with ReplicationStatus REPLICA. Keys outside every
rule's filter (prefix, tags) show no status and are not copied; delete markers are
copied only under a rule with DeleteMarkerReplication Enabled, never a delete of a
version by its id; a replica is not replicated on by the destination's own rules."""
import uuid

import pytest

from trip_helpers import wait_for


@pytest.fixture
def buckets(client, fresh_bucket):
    """make(prefix) -> a new versioned bucket, emptied of every version afterwards."""
    s3 = client("s3")
    made = []

    def make(prefix):
        made.append(fresh_bucket(prefix))
        s3.put_bucket_versioning(Bucket=made[-1], VersioningConfiguration={"Status": "Enabled"})
        return made[-1]

    yield make
    for name in made:
        s3.delete_bucket_replication(Bucket=name)
    for name in made:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
            for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
                s3.delete_object(Bucket=name, Key=item["Key"], VersionId=item["VersionId"])


def rule(rule_id, priority, destination, filter_, markers):
    return {"ID": rule_id, "Priority": priority, "Filter": filter_, "Status": "Enabled",
            "DeleteMarkerReplication": {"Status": "Enabled" if markers else "Disabled"},
            "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}


def replicated(s3, bucket, key, version_id=None):
    """Poll the source's HEAD until its replication is no longer PENDING."""
    def settled():
        args = {"VersionId": version_id} if version_id else {}
        status = s3.head_object(Bucket=bucket, Key=key, **args).get("ReplicationStatus")
        return status if status != "PENDING" else None
    return wait_for(settled, timeout=120)


def markers_of(s3, bucket):
    return {(m["Key"], m["VersionId"]) for m in s3.list_object_versions(Bucket=bucket).get("DeleteMarkers", [])}


def test_versions_copied_as_they_are(client, buckets):
    s3 = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    source, backup, onward = buckets("landing"), buckets("backup"), buckets("onward")
    role = f"arn:aws:iam::{account}:role/replication-{uuid.uuid4().hex[:8]}"
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={"Role": role, "Rules": [
        rule("logs", 1, backup, {"Prefix": "logs/"}, markers=True),
        rule("tagged-docs", 2, backup, {"And": {"Prefix": "docs/", "Tags": [{"Key": "team", "Value": "data"}]}},
             markers=False)]})
    s3.put_bucket_replication(Bucket=backup, ReplicationConfiguration={"Role": role, "Rules": [
        rule("onward", 1, onward, {"Prefix": ""}, markers=True)]})

    body = b"2026-12-05T07:00:00Z GET /index.html 200\n"
    put = s3.put_object(Bucket=source, Key="logs/day-1.log", Body=body, ContentType="text/plain",
                        Metadata={"origin": "edge-7"}, Tagging="kind=access&tier=hot", ChecksumAlgorithm="SHA256")
    first = s3.head_object(Bucket=source, Key="logs/day-1.log")
    assert first["ReplicationStatus"] == "PENDING"
    assert replicated(s3, source, "logs/day-1.log") == "COMPLETED"

    original = s3.head_object(Bucket=source, Key="logs/day-1.log", ChecksumMode="ENABLED")
    replica = s3.head_object(Bucket=backup, Key="logs/day-1.log", ChecksumMode="ENABLED")
    assert replica["ReplicationStatus"] == "REPLICA"
    assert replica["VersionId"] == put["VersionId"]
    for field in ("ETag", "LastModified", "ContentLength", "ContentType", "Metadata", "ChecksumSHA256"):
        assert replica[field] == original[field], field
    assert replica["ChecksumSHA256"] == put["ChecksumSHA256"]
    assert s3.get_object(Bucket=backup, Key="logs/day-1.log", VersionId=put["VersionId"])["Body"].read() == body
    assert s3.get_object_tagging(Bucket=backup, Key="logs/day-1.log")["TagSet"] == \
        s3.get_object_tagging(Bucket=source, Key="logs/day-1.log")["TagSet"]

    # Outside every rule: no status, no copy. Under the tag rule only with its tag.
    s3.put_object(Bucket=source, Key="tmp/scratch", Body=b"scratch")
    assert "ReplicationStatus" not in s3.head_object(Bucket=source, Key="tmp/scratch")
    s3.put_object(Bucket=source, Key="docs/untagged.md", Body=b"# draft", Tagging="team=web")
    assert "ReplicationStatus" not in s3.head_object(Bucket=source, Key="docs/untagged.md")
    tagged = s3.put_object(Bucket=source, Key="docs/tagged.md", Body=b"# runbook", Tagging="team=data")
    assert replicated(s3, source, "docs/tagged.md") == "COMPLETED"
    assert s3.head_object(Bucket=backup, Key="docs/tagged.md")["VersionId"] == tagged["VersionId"]
    copied = {v["Key"] for v in s3.list_object_versions(Bucket=backup).get("Versions", [])}
    assert copied == {"logs/day-1.log", "docs/tagged.md"}

    # A replica is not replicated again; a write made in the backup itself is.
    direct = s3.put_object(Bucket=backup, Key="logs/manual.log", Body=b"written in the backup")
    assert replicated(s3, backup, "logs/manual.log") == "COMPLETED"
    assert {v["Key"] for v in s3.list_object_versions(Bucket=onward).get("Versions", [])} == {"logs/manual.log"}
    assert s3.head_object(Bucket=onward, Key="logs/manual.log")["VersionId"] == direct["VersionId"]

    # Delete markers: copied under the rule that says so, not under the tag rule.
    s3.delete_object(Bucket=source, Key="docs/tagged.md")
    marker = s3.delete_object(Bucket=source, Key="logs/day-1.log")
    assert marker["DeleteMarker"] is True
    wait_for(lambda: ("logs/day-1.log", marker["VersionId"]) in markers_of(s3, backup), timeout=120)
    assert markers_of(s3, backup) == {("logs/day-1.log", marker["VersionId"])}
    assert s3.head_object(Bucket=backup, Key="docs/tagged.md")["ReplicationStatus"] == "REPLICA"

    # Deleting a version by its id is never replicated.
    s3.delete_object(Bucket=source, Key="logs/day-1.log", VersionId=put["VersionId"])
    later = s3.put_object(Bucket=source, Key="logs/day-2.log", Body=b"next day")
    assert replicated(s3, source, "logs/day-2.log") == "COMPLETED"
    assert s3.head_object(Bucket=backup, Key="logs/day-2.log")["VersionId"] == later["VersionId"]
    kept = s3.head_object(Bucket=backup, Key="logs/day-1.log", VersionId=put["VersionId"])
    assert kept["ReplicationStatus"] == "REPLICA"


def test_a_missing_destination_fails_the_version(client, buckets):
    s3 = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    source, gone = buckets("orders"), buckets("orders-dr")
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{account}:role/replication-dr", "Rules": [rule("all", 1, gone, {"Prefix": ""}, True)]})
    s3.delete_bucket(Bucket=gone)
    s3.put_object(Bucket=source, Key="order-1.json", Body=b"{}")
    assert replicated(s3, source, "order-1.json") == "FAILED"
    s3.create_bucket(Bucket=gone)         # for fresh_bucket to delete again


@pytest.mark.local_only     # a 12-digit access key is that account in lakebox
def test_another_accounts_bucket_takes_replicas_its_policy_allows(lakebox_server, client, buckets):
    """A destination of another account takes replicas only when its bucket policy allows
    the source's role s3:ReplicateObject; else the version is FAILED (User Guide,
    "Configuring replication for buckets in different accounts")."""
    import json
    s3 = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    partner_account = "444455556666"
    partner = lakebox_server.client("s3", aws_access_key_id=partner_account, aws_secret_access_key="x")
    vault = f"partner-vault-{uuid.uuid4().hex[:12]}"
    partner.create_bucket(Bucket=vault)
    partner.put_bucket_versioning(Bucket=vault, VersioningConfiguration={"Status": "Enabled"})
    source = buckets("exports")
    role = f"arn:aws:iam::{account}:role/replication-partner"
    config = rule("partner", 1, vault, {"Prefix": ""}, markers=False)
    config["Destination"]["Account"] = partner_account
    try:
        s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={"Role": role, "Rules": [config]})
        s3.put_object(Bucket=source, Key="refused.csv", Body=b"a,b\n")
        assert replicated(s3, source, "refused.csv") == "FAILED"
        partner.put_bucket_policy(Bucket=vault, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": role}, "Action": ["s3:ReplicateObject", "s3:ReplicateDelete"],
            "Resource": f"arn:aws:s3:::{vault}/*"}]}))
        put = s3.put_object(Bucket=source, Key="taken.csv", Body=b"c,d\n")
        assert replicated(s3, source, "taken.csv") == "COMPLETED"
        replica = partner.head_object(Bucket=vault, Key="taken.csv")
        assert (replica["VersionId"], replica["ReplicationStatus"]) == (put["VersionId"], "REPLICA")
        assert [v["Key"] for v in partner.list_object_versions(Bucket=vault)["Versions"]] == ["taken.csv"]
    finally:
        for item in partner.list_object_versions(Bucket=vault).get("Versions", []):
            partner.delete_object(Bucket=vault, Key=item["Key"], VersionId=item["VersionId"])
        s3.delete_bucket_replication(Bucket=source)
        partner.delete_bucket(Bucket=vault)


def test_highest_priority_rule_per_destination(client, buckets):
    """Two rules to one destination: the one of higher Priority decides (its storage
    class); a rule to another destination copies there too (stackd
    replication_flow_replay.json, replace-with-priority-multidestination-filters). A
    multipart upload's replica keeps its ETag and parts; a big object's bytes arrive whole."""
    s3 = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    source, near, far = buckets("media"), buckets("media-near"), buckets("media-far")
    low = rule("prefix-low", 1, near, {"Prefix": "match/"}, True)
    low["Destination"]["StorageClass"] = "STANDARD"
    high = rule("prefix-high", 2, near, {"Prefix": "match/"}, True)
    high["Destination"]["StorageClass"] = "STANDARD_IA"
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{account}:role/replication-media",
        "Rules": [low, high, rule("second-destination", 3, far, {"Prefix": "match/"}, True)]})

    put = s3.put_object(Bucket=source, Key="match/multi", Body=b"tiny payload\n", ChecksumAlgorithm="CRC32")
    part = b"p" * (5 * 1024 * 1024)
    upload = s3.create_multipart_upload(Bucket=source, Key="match/multipart", Metadata={"created": "multipart"})
    etags = [s3.upload_part(Bucket=source, Key="match/multipart", UploadId=upload["UploadId"], PartNumber=number,
                            Body=body)["ETag"] for number, body in ((1, part), (2, b"tail"))]
    done = s3.complete_multipart_upload(
        Bucket=source, Key="match/multipart", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]})
    assert replicated(s3, source, "match/multi") == "COMPLETED"
    assert replicated(s3, source, "match/multipart") == "COMPLETED"

    in_near = s3.head_object(Bucket=near, Key="match/multi")
    in_far = s3.head_object(Bucket=far, Key="match/multi")
    assert (in_near["VersionId"], in_near["StorageClass"], in_near["ReplicationStatus"]) == \
        (put["VersionId"], "STANDARD_IA", "REPLICA")
    assert (in_far["VersionId"], in_far["ReplicationStatus"]) == (put["VersionId"], "REPLICA")
    assert "StorageClass" not in in_far
    big = s3.head_object(Bucket=far, Key="match/multipart", PartNumber=2)
    assert (big["VersionId"], big["ETag"], big["PartsCount"], big["ContentLength"]) == \
        (done["VersionId"], done["ETag"], 2, 4)
    assert big["Metadata"] == {"created": "multipart"}
    assert s3.get_object(Bucket=far, Key="match/multipart")["Body"].read() == part + b"tail"


def test_archived_writes_are_not_replicated(client, buckets):
    """A version written straight into GLACIER shows no ReplicationStatus and is not copied
    (stackd replication_flow_replay.json, archive-source runs), beside one that is."""
    s3 = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    source, backup = buckets("cold"), buckets("cold-copy")
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{account}:role/replication-cold", "Rules": [rule("all", 1, backup, {"Prefix": ""}, True)]})
    s3.put_object(Bucket=source, Key="archive/2019.tar", Body=b"old", StorageClass="GLACIER")
    assert "ReplicationStatus" not in s3.head_object(Bucket=source, Key="archive/2019.tar")
    s3.put_object(Bucket=source, Key="current.tar", Body=b"new")
    assert replicated(s3, source, "current.tar") == "COMPLETED"
    assert [v["Key"] for v in s3.list_object_versions(Bucket=backup)["Versions"]] == ["current.tar"]


def test_tags_follow_while_the_rule_still_selects(client, buckets):
    """stackd replication_tag_filter_replay.json: a replicated version's tags replaced with
    tags the rule still selects reach its replica; replaced with tags it no longer selects,
    the replica keeps the old ones; a version not selected when written is not replicated
    when later tagged to match."""
    s3 = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    source, backup = buckets("routed"), buckets("routed-copy")
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{account}:role/replication-routed",
        "Rules": [rule("route-yes", 1, backup, {"Tag": {"Key": "route", "Value": "yes"}}, False)]})
    matched = s3.put_object(Bucket=source, Key="matched.bin", Body=b"\x00\x01", Tagging="route=yes")
    unmatched = s3.put_object(Bucket=source, Key="unmatched.bin", Body=b"\x02", Tagging="route=no")
    assert replicated(s3, source, "matched.bin") == "COMPLETED"

    def replica_tags():
        return s3.get_object_tagging(Bucket=backup, Key="matched.bin", VersionId=matched["VersionId"])["TagSet"]
    s3.put_object_tagging(Bucket=source, Key="matched.bin", VersionId=matched["VersionId"], Tagging={
        "TagSet": [{"Key": "route", "Value": "yes"}, {"Key": "stage", "Value": "second"}]})
    wait_for(lambda: len(replica_tags()) == 2, timeout=300)
    assert sorted((t["Key"], t["Value"]) for t in replica_tags()) == [("route", "yes"), ("stage", "second")]

    s3.put_object_tagging(Bucket=source, Key="matched.bin", VersionId=matched["VersionId"],
                          Tagging={"TagSet": [{"Key": "route", "Value": "no"}]})
    s3.put_object_tagging(Bucket=source, Key="unmatched.bin", VersionId=unmatched["VersionId"],
                          Tagging={"TagSet": [{"Key": "route", "Value": "yes"}]})
    control = s3.put_object(Bucket=source, Key="control.bin", Body=b"\x03", Tagging="route=yes")
    assert replicated(s3, source, "control.bin") == "COMPLETED"
    assert s3.head_object(Bucket=backup, Key="control.bin")["VersionId"] == control["VersionId"]
    assert sorted((t["Key"], t["Value"]) for t in replica_tags()) == [("route", "yes"), ("stage", "second")]
    assert "ReplicationStatus" not in s3.head_object(Bucket=source, Key="unmatched.bin")
    assert {v["Key"] for v in s3.list_object_versions(Bucket=backup)["Versions"]} == {"matched.bin", "control.bin"}


def test_bucket_policies_deny_the_role(client, buckets):
    """stackd replication_read_alias_replay.json: the role reads a source version with
    s3:GetObjectVersionForReplication or s3:GetObjectVersion; the source bucket's policy
    denying one leaves the other, denying both fails the version. A destination bucket
    policy denying the role s3:ReplicateObject fails it too."""
    import json
    s3 = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    source, backup = buckets("guarded"), buckets("guarded-copy")
    role = f"arn:aws:iam::{account}:role/replication-guarded"

    def deny(bucket, actions, prefix):
        return {"Effect": "Deny", "Principal": {"AWS": role}, "Action": actions,
                "Resource": f"arn:aws:s3:::{bucket}/{prefix}*"}
    s3.put_bucket_policy(Bucket=source, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        deny(source, "s3:GetObjectVersion", "version-denied/"),
        deny(source, "s3:GetObjectVersionForReplication", "replication-denied/"),
        deny(source, ["s3:GetObjectVersion", "s3:GetObjectVersionForReplication"], "both-denied/")]}))
    s3.put_bucket_policy(Bucket=backup, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        deny(backup, "s3:ReplicateObject", "blocked/")]}))
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": role, "Rules": [rule("all", 1, backup, {"Prefix": ""}, False)]})
    expected = {"version-denied/a.bin": "COMPLETED", "replication-denied/a.bin": "COMPLETED",
                "both-denied/a.bin": "FAILED", "blocked/a.bin": "FAILED"}
    for key in expected:
        s3.put_object(Bucket=source, Key=key, Body=b"\x00\xff")
    assert {key: replicated(s3, source, key) for key in expected} == expected
    assert {v["Key"] for v in s3.list_object_versions(Bucket=backup)["Versions"]} == \
        {"version-denied/a.bin", "replication-denied/a.bin"}
    for name in (source, backup):
        s3.delete_bucket_policy(Bucket=name)
