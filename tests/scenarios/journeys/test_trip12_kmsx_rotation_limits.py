"""A security team's rotation drill: after every suspected exposure it rotates the
archive key on demand, until KMS's limit of 25 on-demand rotations per key; every
generation's ciphertext still opens with its own key material, and ListKeyRotations pages
through the history. Keys that cannot rotate on demand are refused: asymmetric and HMAC
keys, a multi-Region replica (its primary rotates for it), a disabled key, and the AWS
managed key, whose yearly rotation AWS owns (its rotation status is always on)."""
from kms_waits import wait_rotated
from trip_helpers import error_of


def test_rotate_until_the_limit_and_read_every_generation(client, kms_keys, clock):
    kms = client("kms")
    key = kms_keys(Description="archive")
    first_material = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
    sealed = [kms.encrypt(KeyId=key["KeyId"], Plaintext=b"generation 0")]
    for generation in range(1, 26):
        assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
        wait_rotated(kms, key["KeyId"], nudge=lambda: clock(1))
        sealed.append(kms.encrypt(KeyId=key["KeyId"], Plaintext=f"generation {generation}".encode()))
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"]) == (
        "LimitExceededException", f"{key['Arn']} has reached the limit of 25 on-demand rotations.")

    pages = list(kms.get_paginator("list_key_rotations").paginate(KeyId=key["KeyId"],
                                                                   PaginationConfig={"PageSize": 10}))
    assert [(len(page["Rotations"]), page["Truncated"]) for page in pages] == [(10, True), (10, True), (5, False)]
    history = [entry for page in pages for entry in page["Rotations"]]
    assert {entry["RotationType"] for entry in history} == {"ON_DEMAND"}
    assert [entry["KeyMaterialState"] for entry in history] == ["NON_CURRENT"] * 24 + ["CURRENT"]
    everything = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL",
                                        Limit=100)["Rotations"]
    assert everything[0] == {"KeyId": key["Arn"], "KeyMaterialId": first_material,
                             "KeyMaterialState": "NON_CURRENT"}
    assert everything[1:] == history

    materials = [first_material] + [entry["KeyMaterialId"] for entry in history]
    assert len(set(materials)) == 26
    for generation, blob in enumerate(sealed):
        opened = kms.decrypt(CiphertextBlob=blob["CiphertextBlob"])
        assert (opened["Plaintext"], opened["KeyMaterialId"]) == (
            f"generation {generation}".encode(), materials[generation])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == materials[-1]


def test_keys_that_do_not_rotate_on_demand(client, kms_keys, lakebox_server):
    kms = client("kms")
    signing = kms_keys(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    assert error_of(kms.rotate_key_on_demand, KeyId=signing["KeyId"]) == (
        "UnsupportedOperationException", f"{signing['Arn']} key spec is ECC_NIST_P256 which is not valid for key "
                                         f"rotation.")
    macs = kms_keys(KeySpec="HMAC_512", KeyUsage="GENERATE_VERIFY_MAC")
    assert kms.list_key_rotations(KeyId=macs["KeyId"])["Rotations"] == []     # stackd rotation.json hmac_*
    parked = kms_keys()
    kms.disable_key(KeyId=parked["KeyId"])
    assert error_of(kms.rotate_key_on_demand, KeyId=parked["KeyId"]) == (
        "DisabledException", f"{parked['Arn']} is disabled.")

    primary = kms_keys(MultiRegion=True, Description="dr archive")
    replica = kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="eu-west-1")["ReplicaKeyMetadata"]
    west = lakebox_server.client("kms", region="eu-west-1")
    try:
        assert error_of(west.rotate_key_on_demand, KeyId=primary["KeyId"]) == (
            "UnsupportedOperationException", f"{replica['Arn']} is a multi-Region replica key.")
        kms.rotate_key_on_demand(KeyId=primary["KeyId"])
        wait_rotated(kms, primary["KeyId"])
        rotated = kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
        assert [(r["KeyMaterialId"], r["RotationType"]) for r in
                west.list_key_rotations(KeyId=primary["KeyId"])["Rotations"]] == [(rotated, "ON_DEMAND")]
    finally:
        west.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7)


def test_the_aws_managed_key_rotates_on_its_own(client):
    kms = client("kms")
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS"
    status = kms.get_key_rotation_status(KeyId=managed["KeyId"])
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"], status["KeyId"]) == (
        True, 365, managed["Arn"])
    assert "NextRotationDate" in status
    refused = ("UnsupportedOperationException", f"{managed['Arn']} is an AWS managed key.")
    assert error_of(kms.rotate_key_on_demand, KeyId=managed["KeyId"]) == refused
    assert error_of(kms.enable_key_rotation, KeyId=managed["KeyId"], RotationPeriodInDays=90) == refused
    assert error_of(kms.disable_key_rotation, KeyId=managed["KeyId"]) == refused
    assert kms.get_key_rotation_status(KeyId=managed["Arn"])["KeyRotationEnabled"] is True
