"""Storage class analysis configurations, and the filters of Intelligent-Tiering and
request metrics configurations, checked as S3 checks them (radkawar/stackd
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
ACCESS_POINT = re.compile(r"arn:aws:s3:[a-z0-9-]+:\d{12}:accesspoint/[a-z0-9-]+")


def check_analytics(config: dict):
    condition = config.get("Filter")
    if condition is not None:
        check_filter(condition)
    export = (config.get("StorageClassAnalysis") or {}).get("DataExport")
    if export is not None:
        destination = (export.get("Destination") or {}).get("S3BucketDestination") or {}
        if not DESTINATION.fullmatch(destination.get("Bucket") or "") or destination.get("Prefix") == "":
            raise errors.error("InvalidDestination")


def check_filter(condition: dict, empty_values: bool = False, one_key_once: bool = False):
    """A Filter of Prefix, Tag or And, as analytics and intelligent-tiering name them: an
    intelligent-tiering filter takes a tag with an empty value but not an And naming a key
    twice, an analytics one the reverse (intelligent_tiering_control_replay.json)."""
    if len([name for name in ("Prefix", "Tag", "And") if name in condition]) != 1:
        raise errors.error("MalformedXML")
    if condition.get("Prefix") == "":
        raise errors.error("InvalidPrefix")
    if "Tag" in condition:
        _check_tag(condition["Tag"], empty_values)
    both = condition.get("And")
    if both is not None:
        tags = both.get("Tags") or []
        if len(tags) + ("Prefix" in both) < 2:
            raise errors.error("InvalidAnd")
        if one_key_once and len({tag.get("Key") for tag in tags}) < len(tags):
            raise errors.error("InvalidAnd")
        if both.get("Prefix") == "":
            raise errors.error("InvalidPrefix")
        for tag in tags:
            _check_tag(tag, empty_values)


def _check_tag(tag: dict, empty_values: bool):
    if not tag.get("Key") or not (tag.get("Value") or empty_values):
        raise errors.error("InvalidTag")
    tags.check_tags("s3-bucket", [(tag["Key"], tag["Value"])])


def check_metrics_filter(condition: dict | None):
    """A request metrics filter: exactly one of Prefix, Tag, AccessPointArn or And; an empty
    Prefix, an And of fewer than two conditions, or an AccessPointArn that is no access
    point's ARN is MalformedXML; an empty tag value and a key named twice are taken
    (radkawar/stackd testdata/aws/s3/request_metrics_control_replay.json)."""
    if condition is None:
        return
    if len([name for name in ("Prefix", "Tag", "AccessPointArn", "And") if name in condition]) != 1:
        raise errors.error("MalformedXML")
    both = condition.get("And") or {}
    conditions = len(both.get("Tags") or []) + ("Prefix" in both) + ("AccessPointArn" in both)
    prefixes = [condition.get("Prefix"), both.get("Prefix")]
    points = [arn for arn in (condition.get("AccessPointArn"), both.get("AccessPointArn")) if arn is not None]
    if ("And" in condition and conditions < 2) or "" in prefixes or not all(map(ACCESS_POINT.fullmatch, points)):
        raise errors.error("MalformedXML")
