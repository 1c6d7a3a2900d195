"""Client-side encryption with the AWS Encryption SDK for a lake with a disaster-recovery
region: a multi-Region KMS key made in us-east-1 and replicated to us-west-2; a producer
streams a large extract through the SDK into S3 (multipart) and encrypts small files
through a caching materials manager (one data key for several files); a reader in
us-west-2 decrypts them with only the replica key (MRK-aware strict and discovery
providers), checks the encryption context, and a tampered object fails to decrypt."""
import io
import json
import os

import aws_encryption_sdk
import botocore.session
import pytest
from aws_encryption_sdk import CommitmentPolicy
from aws_encryption_sdk.key_providers.kms import (DiscoveryFilter, MRKAwareDiscoveryAwsKmsMasterKeyProvider,
                                                 MRKAwareStrictAwsKmsMasterKeyProvider)
from cryptography.exceptions import InvalidTag

from trip_helpers import KEY, SECRET

ACCOUNT = "000000000000"
MIB = 1024 * 1024


@pytest.fixture
def sdk_session(lakebox_server, monkeypatch):
    """A botocore session whose KMS clients, in any region, reach the server under test."""
    if lakebox_server.endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", lakebox_server.endpoint)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return botocore.session.Session()


@pytest.fixture
def mrk(lakebox_server):
    """A multi-Region key in us-east-1 and its replica in us-west-2: (primary ARN, replica ARN)."""
    east, west = lakebox_server.client("kms"), lakebox_server.client("kms", region="us-west-2")
    primary = east.create_key(Description="lake mrk", MultiRegion=True)["KeyMetadata"]
    replica = east.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="us-west-2")["ReplicaKeyMetadata"]
    yield primary["Arn"], replica["Arn"]
    west.schedule_key_deletion(KeyId=replica["Arn"], PendingWindowInDays=7)
    east.schedule_key_deletion(KeyId=primary["Arn"], PendingWindowInDays=7)


def sdk():
    return aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)


def test_replica_region_reads_what_the_primary_wrote(client, bucket, mrk, sdk_session):
    primary_arn, replica_arn = mrk
    assert primary_arn.split(":")[3] == "us-east-1" and replica_arn.split(":")[3] == "us-west-2"
    assert primary_arn.split("/")[-1] == replica_arn.split("/")[-1] and replica_arn.split("/")[-1].startswith("mrk-")
    s3, client_sdk = client("s3"), sdk()
    producer = MRKAwareStrictAwsKmsMasterKeyProvider(key_ids=[primary_arn],
                                                                        botocore_session=sdk_session)
    context = {"dataset": "payments", "day": "2024-06-01"}

    extract = os.urandom(MIB // 2) * 24                      # 12 MiB: uploaded in parts
    with client_sdk.stream(mode="e", source=io.BytesIO(extract), key_provider=producer,
                           encryption_context=context, frame_length=MIB) as encryptor:
        sealed = b"".join(encryptor)
    s3.upload_fileobj(io.BytesIO(sealed), bucket, "secure/payments.bin")
    head = s3.head_object(Bucket=bucket, Key="secure/payments.bin")
    assert head["ContentLength"] == len(sealed) and head["ETag"].rstrip('"').split("-")[-1] == "2"

    reader = MRKAwareStrictAwsKmsMasterKeyProvider(key_ids=[replica_arn],
                                                                      botocore_session=sdk_session)
    body = s3.get_object(Bucket=bucket, Key="secure/payments.bin")["Body"]
    with client_sdk.stream(mode="d", source=body, key_provider=reader) as decryptor:
        plaintext = b"".join(decryptor)
        header = decryptor.header
    assert plaintext == extract
    assert {k: header.encryption_context[k] for k in context} == context
    assert [k.key_provider.key_info for k in header.encrypted_data_keys] == [primary_arn.encode()]

    discovery = MRKAwareDiscoveryAwsKmsMasterKeyProvider(
        discovery_region="us-west-2", discovery_filter=DiscoveryFilter(account_ids=[ACCOUNT], partition="aws"),
        botocore_session=sdk_session)
    again, _ = client_sdk.decrypt(source=sealed, key_provider=discovery)
    assert again == extract

    tampered = bytearray(sealed)
    tampered[len(tampered) // 2] ^= 0x01
    s3.put_object(Bucket=bucket, Key="secure/tampered.bin", Body=bytes(tampered))
    with pytest.raises(InvalidTag):                          # a frame's authentication tag
        client_sdk.decrypt(source=s3.get_object(Bucket=bucket, Key="secure/tampered.bin")["Body"].read(),
                           key_provider=reader)


def test_caching_materials_manager_reuses_one_data_key(client, bucket, mrk, sdk_session):
    primary_arn, replica_arn = mrk
    s3, client_sdk = client("s3"), sdk()
    provider = MRKAwareStrictAwsKmsMasterKeyProvider(key_ids=[primary_arn],
                                                                        botocore_session=sdk_session)
    caching = aws_encryption_sdk.CachingCryptoMaterialsManager(
        master_key_provider=provider, cache=aws_encryption_sdk.LocalCryptoMaterialsCache(capacity=10),
        max_age=300.0, max_messages_encrypted=3)
    wrapped_keys = []
    for n in range(4):
        record = json.dumps({"event": n, "user": f"u{n}"}).encode()
        sealed, header = client_sdk.encrypt(source=record, materials_manager=caching,
                                            encryption_context={"stream": "events"})
        wrapped_keys.append(header.encrypted_data_keys.copy().pop().encrypted_data_key)
        s3.put_object(Bucket=bucket, Key=f"events/{n}.bin", Body=sealed)
    # Three messages share a cached data key; the fourth needs a new one.
    assert wrapped_keys[0] == wrapped_keys[1] == wrapped_keys[2] != wrapped_keys[3]

    reader = MRKAwareStrictAwsKmsMasterKeyProvider(key_ids=[replica_arn],
                                                                      botocore_session=sdk_session)
    events = []
    for n in range(4):
        plaintext, header = client_sdk.decrypt(source=s3.get_object(Bucket=bucket, Key=f"events/{n}.bin")["Body"].read(),
                                               key_provider=reader)
        assert header.encryption_context["stream"] == "events"
        events.append(json.loads(plaintext))
    assert events == [{"event": n, "user": f"u{n}"} for n in range(4)]
