"""Encryption at rest under KMS: the SSEDescription of a table a request asks to
encrypt (CreateTable, UpdateTable, ImportTable, and a restore's override)."""
from lakebox.kit import calls
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.kms import public as kms


def description(ctx, sse: dict) -> dict:
    """KMSMasterKeyArn is the ARN of the key the table is encrypted with: the one
    KMSMasterKeyId names (key id, key ARN, alias name or alias ARN), else the AWS managed
    key aws/dynamodb, made on first use (Developer Guide, "Managing encrypted tables").
    A key KMS cannot use is refused with KMS's words, and a key named without SSEType
    KMS in DynamoDB's (as CloudFormation users record the reply)."""
    if sse.get("KMSMasterKeyId") and sse.get("SSEType") != "KMS":
        raise ValidationException("SSEType KMS is required if KMSMasterKeyId is specified")
    try:
        arn = kms.check_usable(calls.on_behalf(ctx, "kms", "DescribeKey"), sse.get("KMSMasterKeyId"), "dynamodb")
    except kms.KmsFailure as failure:
        raise ValidationException(failure.message) from None
    return {"Status": "ENABLED", "SSEType": sse.get("SSEType", "KMS"), "KMSMasterKeyArn": arn}
