"""SSE-KMS queues: before a message is accepted, the queue's KMS key must be usable, as
SQS asks KMS for a data key when it encrypts a message; KMS's refusals come back as
SQS's Kms* errors (query codes `KMS.<KMS's code>`). Bodies are kept as sent: the data
directory is lakebox's own, and no one but the server reads it."""
from lakebox.kit import calls
from lakebox.services.kms import public as kms
from lakebox.services.sqs.errors import (KmsAccessDenied, KmsDisabled, KmsInvalidKeyUsage, KmsInvalidState,
                                         KmsNotFound)

REFUSALS = {"NotFoundException": KmsNotFound, "DisabledException": KmsDisabled,
            "KMSInvalidStateException": KmsInvalidState, "InvalidKeyUsageException": KmsInvalidKeyUsage,
            "AccessDeniedException": KmsAccessDenied}


def check_key(ctx, queue_attrs: dict):
    key_id = queue_attrs.get("KmsMasterKeyId")
    if not key_id:
        return
    try:
        kms.check_usable(calls.on_behalf(ctx, "kms", "GenerateDataKey"), key_id, service="sqs")
    except kms.KmsFailure as failure:
        refusal = REFUSALS.get(failure.code, KmsInvalidState)
        raise refusal(failure.message) from None
