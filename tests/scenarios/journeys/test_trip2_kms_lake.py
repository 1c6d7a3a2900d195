"""Encryption in a lake, two ways: client-side envelope encryption (a data key per object
from GenerateDataKey, AES-GCM in the application, the wrapped key and nonce in the
object's metadata, Decrypt to read back), and SSE-KMS as the bucket's default encryption,
which awswrangler and Athena read through without knowing it is there."""
import base64
import json
import os

import pandas as pd
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from trip_helpers import error_of


@pytest.fixture
def key_arn(client):
    """The lake's key, known to the application by its alias."""
    kms = client("kms")
    made = kms.create_key(Description="lake key", Tags=[{"TagKey": "zone", "TagValue": "curated"}])["KeyMetadata"]
    alias = f"alias/lake-{made['KeyId'][:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=made["KeyId"])
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"] == made["Arn"]
    yield made["Arn"]
    kms.delete_alias(AliasName=alias)
    kms.schedule_key_deletion(KeyId=made["KeyId"], PendingWindowInDays=7)


def seal_and_put(s3, kms, key_arn, bucket, key, payload: bytes, context):
    data_key = kms.generate_data_key(KeyId=key_arn, KeySpec="AES_256", EncryptionContext=context)
    nonce = os.urandom(12)
    s3.put_object(Bucket=bucket, Key=key, Body=AESGCM(data_key["Plaintext"]).encrypt(nonce, payload, None),
                  Metadata={"x-wrapped-key": base64.b64encode(data_key["CiphertextBlob"]).decode(),
                            "x-nonce": base64.b64encode(nonce).decode(),
                            "x-context": json.dumps(context, sort_keys=True)})


def get_and_open(s3, kms, bucket, key) -> bytes:
    got = s3.get_object(Bucket=bucket, Key=key)
    meta = got["Metadata"]
    plain_key = kms.decrypt(CiphertextBlob=base64.b64decode(meta["x-wrapped-key"]),
                            EncryptionContext=json.loads(meta["x-context"]))["Plaintext"]
    return AESGCM(plain_key).decrypt(base64.b64decode(meta["x-nonce"]), got["Body"].read(), None)


def test_client_side_envelope_per_object(client, bucket, key_arn):
    s3, kms = client("s3"), client("kms")
    rows = {f"patients/{n}.json": json.dumps({"id": n, "diagnosis": f"code-{n * 7}"}).encode() for n in range(3)}
    for key, payload in rows.items():
        seal_and_put(s3, kms, key_arn, bucket, key, payload, {"bucket": bucket, "key": key})

    stored = s3.get_object(Bucket=bucket, Key="patients/1.json")["Body"].read()
    assert b"diagnosis" not in stored and len(stored) == len(rows["patients/1.json"]) + 16
    head = s3.head_object(Bucket=bucket, Key="patients/1.json")
    assert set(head["Metadata"]) == {"x-wrapped-key", "x-nonce", "x-context"}
    assert {key: get_and_open(s3, kms, bucket, key) for key in rows} == rows

    # A wrapped key copied onto another object does not open it: the context names the key.
    s3.copy_object(Bucket=bucket, Key="patients/copy.json", CopySource={"Bucket": bucket, "Key": "patients/1.json"})
    assert s3.head_object(Bucket=bucket, Key="patients/copy.json")["Metadata"] == head["Metadata"]
    meta = head["Metadata"]
    code, _ = error_of(kms.decrypt, CiphertextBlob=base64.b64decode(meta["x-wrapped-key"]),
                       EncryptionContext={"bucket": bucket, "key": "patients/copy.json"})
    assert code == "InvalidCiphertextException"


def test_default_sse_kms_read_by_wrangler_and_athena(wr, session, client, bucket, database, key_arn):
    s3, kms = client("s3"), client("kms")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
        "BucketKeyEnabled": True}]})
    frame = pd.DataFrame({"account": ["a1", "a2", "a3", "a4"], "balance": [120.5, 80.0, 15.25, 300.0],
                          "branch": ["north", "south", "north", "south"]})
    written = wr.s3.to_parquet(frame, f"s3://{bucket}/balances/", dataset=True, database=database, table="balances",
                               partition_cols=["branch"], boto3_session=session)
    assert len(written["paths"]) == 2
    for path in written["paths"]:
        head = s3.head_object(Bucket=bucket, Key=path.split(f"s3://{bucket}/", 1)[1])
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"] == key_arn and head["BucketKeyEnabled"] is True

    back = wr.s3.read_parquet(f"s3://{bucket}/balances/", dataset=True, boto3_session=session)
    assert sorted(zip(back["account"], back["balance"], back["branch"].astype(str))) == [
        ("a1", 120.5, "north"), ("a2", 80.0, "south"), ("a3", 15.25, "north"), ("a4", 300.0, "south")]
    totals = wr.athena.read_sql_query("SELECT branch, sum(balance) AS total FROM balances GROUP BY branch "
                                      "ORDER BY branch", database=database, ctas_approach=False,
                                      s3_output=f"s3://{bucket}/athena/", boto3_session=session)
    assert totals.to_dict("records") == [{"branch": "north", "total": 135.75}, {"branch": "south", "total": 380.0}]
    results = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="athena/")["Contents"]]
    assert results and all(s3.head_object(Bucket=bucket, Key=k)["ServerSideEncryption"] == "aws:kms"
                           for k in results)

    first = written["paths"][0].split(f"s3://{bucket}/", 1)[1]
    kms.disable_key(KeyId=key_arn)
    try:
        assert error_of(s3.get_object, Bucket=bucket, Key=first) == ("KMS.DisabledException",
                                                                      f"{key_arn} is disabled.")
    finally:
        kms.enable_key(KeyId=key_arn)
    assert s3.get_object(Bucket=bucket, Key=first)["Body"].read()[:4] == b"PAR1"
    wr.catalog.delete_table_if_exists(database=database, table="balances", boto3_session=session)
