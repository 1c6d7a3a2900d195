"""CSE_KMS: Athena encrypts every object a query writes (result `.csv`/`.txt`, their
`.metadata`, CTAS data files and manifest) on the client side, in the Amazon S3
Encryption Client's format: AES-256-GCM under a data key from KMS, the envelope in the
object's user metadata (kms+context wrapping). GetQueryResults still answers, decrypted;
a table with `has_encrypted_data` = 'true' reads such objects. Sources: Athena's
"Encrypt Athena query results stored in Amazon S3" and "Encryption at rest" pages, and
the S3 Encryption Client's metadata names (MetadataKeyConstants)."""
import base64
import gzip
import json
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from athena_helpers import all_rows, wait

CONTEXT = {"aws:x-amz-cek-alg": "AES/GCM/NoPadding"}


@pytest.fixture
def kms(client):
    return client("kms")


@pytest.fixture
def kms_key(kms):
    key = kms.create_key(Description="athena cse")["KeyMetadata"]
    yield key["Arn"]
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)


def _cse(prefix, bucket, key):
    return {"OutputLocation": f"s3://{bucket}/{prefix}/",
            "EncryptionConfiguration": {"EncryptionOption": "CSE_KMS", "KmsKey": key}}


def _open(s3, kms, bucket, key):
    """An object's plaintext, opened as the S3 Encryption Client opens it."""
    found = s3.get_object(Bucket=bucket, Key=key)
    envelope, stored = found["Metadata"], found["Body"].read()
    assert envelope["x-amz-wrap-alg"] == "kms+context" and envelope["x-amz-cek-alg"] == "AES/GCM/NoPadding"
    context = json.loads(envelope["x-amz-matdesc"])
    data_key = kms.decrypt(CiphertextBlob=base64.b64decode(envelope["x-amz-key-v2"]),
                           EncryptionContext=context)["Plaintext"]
    plain = AESGCM(data_key).decrypt(base64.b64decode(envelope["x-amz-iv"]), stored, None)
    assert int(envelope["x-amz-unencrypted-content-length"]) == len(plain) == len(stored) - 16
    return plain


def _seal(kms, key_id, plain: bytes) -> tuple[bytes, dict]:
    """Bytes and metadata as the S3 Encryption Client (V2, kms+context) writes them."""
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=CONTEXT)
    iv = uuid.uuid4().bytes[:12]
    return AESGCM(data_key["Plaintext"]).encrypt(iv, plain, None), {
        "x-amz-key-v2": base64.b64encode(data_key["CiphertextBlob"]).decode(),
        "x-amz-iv": base64.b64encode(iv).decode(), "x-amz-cek-alg": "AES/GCM/NoPadding",
        "x-amz-wrap-alg": "kms+context", "x-amz-matdesc": json.dumps(CONTEXT), "x-amz-tag-len": "128",
        "x-amz-unencrypted-content-length": str(len(plain))}


def test_results_are_encrypted_on_the_client_side_and_still_answered(athena, s3, kms, query, bucket, kms_key):
    config = _cse("cse", bucket, kms_key)
    execution, rows, columns = query("SELECT 'secret' AS word, 7 AS n", ResultConfiguration=config)
    assert rows == [["word", "n"], ["secret", "7"]]
    assert [column["Type"] for column in columns] == ["varchar", "integer"]
    assert execution["ResultConfiguration"]["EncryptionConfiguration"] == config["EncryptionConfiguration"]
    query_id = execution["QueryExecutionId"]
    stored = s3.get_object(Bucket=bucket, Key=f"cse/{query_id}.csv")
    envelope = stored["Metadata"]
    assert b"secret" not in stored["Body"].read()
    assert json.loads(envelope["x-amz-matdesc"]) == CONTEXT
    assert (envelope["x-amz-tag-len"], len(base64.b64decode(envelope["x-amz-iv"]))) == ("128", 12)
    assert _open(s3, kms, bucket, f"cse/{query_id}.csv") == b'"word","n"\n"secret","7"\n'
    assert b"word" in _open(s3, kms, bucket, f"cse/{query_id}.csv.metadata")


def test_ddl_results_are_encrypted_too(athena, s3, kms, query, bucket, database, kms_key):
    execution, rows, _ = query("SHOW DATABASES", ResultConfiguration=_cse("ddl", bucket, kms_key))
    assert [database] in rows
    query_id = execution["QueryExecutionId"]
    assert database.encode() in _open(s3, kms, bucket, f"ddl/{query_id}.txt")
    _open(s3, kms, bucket, f"ddl/{query_id}.txt.metadata")


def test_a_work_group_enforces_cse_kms(athena, s3, kms, query, bucket, kms_key):
    name = f"wg-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name, Configuration={
        "EnforceWorkGroupConfiguration": True, "ResultConfiguration": _cse("wg", bucket, kms_key)})
    try:
        execution, rows, _ = query("SELECT 42 AS answer", WorkGroup=name,
                                   ResultConfiguration={"OutputLocation": f"s3://{bucket}/mine/"})
        assert rows == [["answer"], ["42"]]
        assert execution["ResultConfiguration"]["EncryptionConfiguration"]["EncryptionOption"] == "CSE_KMS"
        assert _open(s3, kms, bucket, f"wg/{execution['QueryExecutionId']}.csv") == b'"answer"\n"42"\n'
    finally:
        athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def test_a_ctas_encrypts_its_data_files_and_manifest_and_reads_them_back(glue, s3, kms, query, bucket, database,
                                                                         kms_key):
    execution, _, _ = query(f"CREATE TABLE sealed WITH (format = 'JSON', external_location = "
                            f"'s3://{bucket}/sealed/') AS SELECT 1 AS a, 'x' AS b",
                            ResultConfiguration=_cse("ctas", bucket, kms_key))
    files = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="sealed/")["Contents"]]
    assert files and all(json.loads(gzip.decompress(_open(s3, kms, bucket, key))) == {"a": 1, "b": "x"}
                         for key in files)
    manifest = _open(s3, kms, bucket, f"ctas/tables/{execution['QueryExecutionId']}-manifest.csv").decode()
    assert manifest.splitlines() == [f"s3://{bucket}/{key}" for key in files]
    table = glue.get_table(DatabaseName=database, Name="sealed")["Table"]
    assert table["Parameters"]["has_encrypted_data"] == "true"
    query("INSERT INTO sealed VALUES (2, 'y')", ResultConfiguration=_cse("ctas", bucket, kms_key))
    _, rows, _ = query("SELECT a, b FROM sealed ORDER BY a")
    assert rows == [["a", "b"], ["1", "x"], ["2", "y"]]


def test_unload_encrypts_its_files_and_manifest(s3, kms, query, bucket, kms_key):
    execution, _, _ = query(f"UNLOAD (SELECT x FROM UNNEST(sequence(1, 2)) AS t(x)) TO 's3://{bucket}/out/' "
                            "WITH (format = 'JSON', compression = 'NONE')",
                            ResultConfiguration=_cse("u", bucket, kms_key))
    manifest = execution["Statistics"]["DataManifestLocation"].split("/", 3)[3]
    files = _open(s3, kms, bucket, manifest).decode().split()
    assert len(files) == 1
    assert _open(s3, kms, bucket, files[0].split("/", 3)[3]).decode().split() == ['{"x":1}', '{"x":2}']


def test_a_table_with_encrypted_data_reads_objects_of_the_s3_encryption_client(s3, kms, query, bucket, kms_key):
    body, envelope = _seal(kms, kms_key, b"1,alpha\n2,beta\n")
    s3.put_object(Bucket=bucket, Key="enc/part-0.csv", Body=body, Metadata=envelope)
    query(f"CREATE EXTERNAL TABLE enc (id int, name string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
          f"LOCATION 's3://{bucket}/enc/' TBLPROPERTIES ('has_encrypted_data'='true')")
    _, rows, _ = query("SELECT id, name FROM enc ORDER BY id")
    assert rows == [["id", "name"], ["1", "alpha"], ["2", "beta"]]


def test_a_disabled_key_fails_the_query_and_leaves_nothing(athena, s3, kms, bucket, kms_key):
    kms.disable_key(KeyId=kms_key)
    query_id = athena.start_query_execution(QueryString="SELECT 1",
                                            ResultConfiguration=_cse("off", bucket, kms_key))["QueryExecutionId"]
    execution = wait(athena, query_id)
    assert execution["Status"]["State"] == "FAILED"
    assert execution["Status"]["StateChangeReason"] == (
        f"Access denied when writing output to url: s3://{bucket}/off/{query_id}.csv . Please ensure you are allowed "
        f"to access the S3 bucket. If you are encrypting query results with KMS key, please ensure you are allowed "
        f"to access your KMS key")
    assert execution["Status"]["AthenaError"]["ErrorCategory"] == 2
    assert s3.list_objects_v2(Bucket=bucket, Prefix="off/").get("KeyCount") == 0


def test_results_whose_key_was_disabled_cannot_be_read(athena, kms, query, bucket, kms_key):
    execution, _, _ = query("SELECT 1 AS one", ResultConfiguration=_cse("later", bucket, kms_key))
    query_id = execution["QueryExecutionId"]
    kms.disable_key(KeyId=kms_key)
    with pytest.raises(ClientError) as raised:
        athena.get_query_results(QueryExecutionId=query_id)
    assert raised.value.response["Error"]["Code"] == "InvalidRequestException"
    assert raised.value.response["Error"]["Message"].startswith(
        f"Unable to decrypt the query results at s3://{bucket}/later/{query_id}.csv: ")
    kms.enable_key(KeyId=kms_key)
    assert all_rows(athena, query_id)[0] == [["one"], ["1"]]


def test_a_table_of_encrypted_data_whose_key_is_disabled_fails_to_open(athena, s3, kms, query, bucket, kms_key):
    body, envelope = _seal(kms, kms_key, b"1\n")
    s3.put_object(Bucket=bucket, Key="gone/part-0.csv", Body=body, Metadata=envelope)
    query(f"CREATE EXTERNAL TABLE gone (id int) LOCATION 's3://{bucket}/gone/' "
          f"TBLPROPERTIES ('has_encrypted_data'='true')")
    kms.disable_key(KeyId=kms_key)
    execution, _, _ = query("SELECT id FROM gone", expect="FAILED")
    assert execution["Status"]["StateChangeReason"].startswith(
        f"HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split s3://{bucket}/gone/part-0.csv (offset=0, length=")


def test_pyathena_with_cse_kms(lakebox_server, s3, kms, bucket, database, kms_key):
    from pyathena import connect
    cursor = connect(s3_staging_dir=f"s3://{bucket}/pyathena/", region_name="us-east-1", schema_name=database,
                     aws_access_key_id="test", aws_secret_access_key="test", endpoint_url=lakebox_server.endpoint,
                     encryption_option="CSE_KMS", kms_key=kms_key).cursor()
    cursor.execute("SELECT 'a' AS letter UNION ALL SELECT 'b' ORDER BY 1")
    assert cursor.fetchall() == [("a",), ("b",)]
    assert _open(s3, kms, bucket, f"pyathena/{cursor.query_id}.csv") == b'"letter"\n"a"\n"b"\n'
