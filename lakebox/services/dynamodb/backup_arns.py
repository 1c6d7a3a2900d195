"""A backup ARN as DynamoDB reads it, recorded against DynamoDB (radkawar/stackd
testdata/aws/dynamodb/backup_arn_grammar.json, backup_arn_case.json, backups.json):

- another account (also an empty or malformed one), whatever else the ARN says, is
  AccessDeniedException 'Access is denied';
- a resource that is not `table/<table name>/backup/<id>` (upper-case TABLE or BACKUP, a
  table name of the wrong length or characters) is 'Invalid Backup ARN';
- a partition other than `aws`, a service other than `dynamodb`, a region that is none of
  the partition's (its case does not matter) or an id that is not 14 digits, '-' and 8
  hexadecimal digits is 'Invalid Request: BackupArn is not valid';
- the backup is found by its table name and id, both case-sensitive, in the caller's
  region, whatever region the ARN names: DescribeBackup answers the ARN as it was given,
  and a restore from an ARN naming another region (also the caller's in other case)
  needs an SSESpecificationOverride."""
import re

import botocore.loaders

from lakebox.services.dynamodb.errors import AccessDeniedException, ValidationException

_RESOURCE = re.compile(r"table/([A-Za-z0-9_.-]{3,255})/backup/(.*)", re.DOTALL)
_IDENTITY = re.compile(r"[0-9]{14}-[0-9a-fA-F]{8}")
CROSS_REGION = "Invalid Request: sseSpecificationOverride must be provided for cross-region restores"


def _regions() -> set:
    endpoints = botocore.loaders.Loader().load_data("endpoints")
    return {region for partition in endpoints["partitions"] if partition["partition"] == "aws"
            for region in partition["regions"]}


_AWS_REGIONS = _regions()


def parse(ctx, arn: str):
    """(region as written, table name, backup id) of a backup ARN of the caller's account."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[4] != ctx.account:
        raise AccessDeniedException("Access is denied")
    found = _RESOURCE.fullmatch(parts[5])
    if found is None:
        raise ValidationException("Invalid Backup ARN")
    if parts[0] != "arn" or parts[1] != "aws" or parts[2] != "dynamodb" or parts[3].lower() not in _AWS_REGIONS \
            or not _IDENTITY.fullmatch(found.group(2)):
        raise ValidationException("Invalid Request: BackupArn is not valid")
    return parts[3], found.group(1), found.group(2)


def stored_arn(ctx, arn: str) -> str:
    """The ARN the caller's region stores for the backup an ARN names (checked as parse)."""
    _, table, identity = parse(ctx, arn)
    return f"arn:aws:dynamodb:{ctx.region}:{ctx.account}:table/{table}/backup/{identity}"
