"""An auditor's queue hears every change of a versioned object's ACL, as S3 was recorded
sending them (stackd's testdata/aws/s3/acl_notifications_replay.json): ObjectAcl:Put in
event structure 2.6 naming the key, ETag and version (no size, no sequencer); the same
header ACL put again sends nothing, the same grants in another order and then `private`
each send one."""
import json


def drain(sqs, url) -> list:
    """The event records on the queue now (a few at most here), deleted as read."""
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=2).get("Messages", [])
    sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)]) if messages else None
    return [record for m in messages for record in json.loads(m["Body"]).get("Records", [])]


def test_acl_changes_of_a_version_tell_the_queue(client, versions_emptied, sqs_queues):
    s3, sqs, bucket = client("s3"), client("sqs"), versions_emptied
    url = sqs_queues("acl-events")
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"Id": "acl-events", "QueueArn": arn, "Events": ["s3:ObjectAcl:Put"]}]})
    put = s3.put_object(Bucket=bucket, Key="acl-probe", Body=b"harmless acl notification\n")
    version, etag = put["VersionId"], put["ETag"].strip('"')
    owner = s3.get_object_acl(Bucket=bucket, Key="acl-probe", VersionId=version)["Owner"]["ID"]
    drain(sqs, url)
    log_delivery = "http://acs.amazonaws.com/groups/s3/LogDelivery"
    headers = {"GrantFullControl": f'id="{owner}"', "GrantReadACP": f'uri="{log_delivery}"'}
    s3.put_object_acl(Bucket=bucket, Key="acl-probe", VersionId=version, **headers)
    assert len(drain(sqs, url)) == 1
    s3.put_object_acl(Bucket=bucket, Key="acl-probe", VersionId=version, **headers)
    assert drain(sqs, url) == []
    s3.put_object_acl(Bucket=bucket, Key="acl-probe", VersionId=version, AccessControlPolicy={
        "Owner": {"ID": owner}, "Grants": [
            {"Grantee": {"Type": "Group", "URI": log_delivery}, "Permission": "READ_ACP"},
            {"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]})
    s3.put_object_acl(Bucket=bucket, Key="acl-probe", VersionId=version, ACL="private")
    records = drain(sqs, url)
    assert [(r["eventName"], r["eventVersion"], r["s3"]["configurationId"], r["s3"]["object"]) for r in records] == [
        ("ObjectAcl:Put", "2.6", "acl-events", {"key": "acl-probe", "eTag": etag, "versionId": version})] * 2
