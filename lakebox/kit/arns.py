"""Amazon Resource Names: `arn:<partition>:<service>:<region>:<account>:<resource>`.

`build` writes one, choosing the partition from the region as AWS does (`aws-cn` for
China regions, `aws-us-gov` for GovCloud, else `aws`); global resources (S3 buckets)
leave region and account empty. `parse` reads one back, or answers None for text that
is not an ARN. `principal_account` reads the account a policy's principal names,
whether written as an account id or as an ARN (`arn:aws:iam::123456789012:root`).
"""
import re
from dataclasses import dataclass

_ARN = re.compile(r"^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$")
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str                        # e.g. "stream/name", "role/path/name", "bucket"

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def build(service: str, region: str, account: str, resource: str) -> str:
    """The ARN of `resource`; pass "" as region and account for a global resource."""
    return str(Arn(partition(region), service, region, account, resource))


def parse(text: str) -> Arn | None:
    match = _ARN.match(text or "")
    if match is None:
        return None
    part, service, region, account, resource = match.groups()
    return Arn(part, service, region, account or "", resource)


def principal_account(text: str) -> str | None:
    """The account a principal names (`123456789012` or any ARN of that account)."""
    if _ACCOUNT.match(text or ""):
        return text
    found = parse(text)
    return found.account or None if found else None
