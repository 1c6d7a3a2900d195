"""Storage class analysis configurations checked as S3 checks them (radkawar/stackd
testdata/aws/s3/analytics_controls_replay.json, recorded in us-east-1): a Filter names
exactly one of Prefix, Tag or And (else MalformedXML); an empty Prefix is InvalidPrefix, a
tag with an empty key or value InvalidTag, an And with fewer than two conditions
InvalidAnd; a key over 128 or a value over 256 UTF-16 code units, or a character a
bucket tag may not have ('#', an emoji, a combining mark, a tab), InvalidTag, as for bucket
tags (analytics_boundaries_replay.json); an export's destination is a bucket's ARN with a
non-empty Prefix when one is given, else InvalidDestination. Repeated or conflicting tags,
and any BucketAccountId or a destination bucket that does not exist, are taken. The messages were not recorded: the
wordings are lakebox's."""
import re

from lakebox.kit import tags
from lakebox.services.s3 import errors

DESTINATION = re.compile(r"arn:aws:s3:::[^/:]+")


def check_analytics(config: dict):
    condition = config.get("Filter")
    if condition is not None:
        _check_filter(condition)
    export = (config.get("StorageClassAnalysis") or {}).get("DataExport")
    if export is not None:
        destination = (export.get("Destination") or {}).get("S3BucketDestination") or {}
        if not DESTINATION.fullmatch(destination.get("Bucket") or "") or destination.get("Prefix") == "":
            raise errors.error("InvalidDestination")


def _check_filter(condition: dict):
    if len([name for name in ("Prefix", "Tag", "And") if name in condition]) != 1:
        raise errors.error("MalformedXML")
    if condition.get("Prefix") == "":
        raise errors.error("InvalidPrefix")
    if "Tag" in condition:
        _check_tag(condition["Tag"])
    both = condition.get("And")
    if both is not None:
        tags = both.get("Tags") or []
        if len(tags) + ("Prefix" in both) < 2:
            raise errors.error("InvalidAnd")
        if both.get("Prefix") == "":
            raise errors.error("InvalidPrefix")
        for tag in tags:
            _check_tag(tag)


def _check_tag(tag: dict):
    if not tag.get("Key") or not tag.get("Value"):
        raise errors.error("InvalidTag")
    tags.check_tags("s3-bucket", [(tag["Key"], tag["Value"])])
