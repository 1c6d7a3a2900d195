"""What S3 keeps about one object version besides its bytes and headers: tags, legal
hold, retention, restore state, and the GetObjectAttributes view of all of it."""
import functools
import zoneinfo

from lakebox.aws.errors import AwsError
from lakebox.aws.specs import spec_for

from lakebox.services.s3 import access, errors, model, notifications, objects, payload, replication, store, versions

def _version(ctx, params, marker_refused: bool = False, missing_key: str | None = None):
    bucket = access.request_bucket(ctx, params)
    row = versions.find(ctx, bucket, params["Key"], params.get("VersionId"), marker_refused=marker_refused,
                        missing_key=missing_key)
    return bucket, row, store.loads(row["attrs"])


def _save(ctx, bucket, row, attrs) -> dict:
    store.update_attrs(ctx.state.db, row["id"], attrs)
    return {"VersionId": versions.visible_version_id(bucket, row["version_id"])}


# ---- tagging ---------------------------------------------------------------------

def put_object_tagging(ctx, params):
    bucket, row, attrs = _version(ctx, params, marker_refused=True)
    payload.check_body(ctx, params, "Tagging")
    tags = params["Tagging"]["TagSet"]
    model.check_tags(tags, model.OBJECT_TAGS)
    attrs["TagSet"] = tags
    saved = _save(ctx, bucket, row, attrs)
    replication.tags_changed(ctx, bucket, row, attrs)
    notifications.object_setting_changed(ctx, bucket, row, "ObjectTagging:Put")
    return saved


def get_object_tagging(ctx, params):
    # S3 names a missing key here as bucket/key (a recorded AWS reply; Put and Delete name the key).
    bucket, row, attrs = _version(ctx, params, marker_refused=True, missing_key=f'{params["Bucket"]}/{params["Key"]}')
    return {"TagSet": attrs.get("TagSet", []), "VersionId": versions.visible_version_id(bucket, row["version_id"]),
            "__xml_root__": "Tagging"}


def delete_object_tagging(ctx, params):
    bucket, row, attrs = _version(ctx, params, marker_refused=True)
    attrs.pop("TagSet", None)
    saved = _save(ctx, bucket, row, attrs)
    replication.tags_changed(ctx, bucket, row, attrs)
    notifications.object_setting_changed(ctx, bucket, row, "ObjectTagging:Delete")
    return saved


# ---- object lock: legal hold and retention ---------------------------------------

def _locked_version(ctx, params):
    """The version a retention or legal hold call names; a delete marker, current or named,
    is MethodNotAllowed (a current one answered with version id "null", as S3 does)."""
    try:
        bucket, row, attrs = _version(ctx, params, marker_refused=True)
    except AwsError as error:
        if error.code == "MethodNotAllowed" and params.get("VersionId") is None:
            error.headers["x-amz-version-id"] = model.NULL_VERSION
        raise
    if not bucket["object_lock"]:
        raise errors.error("InvalidRequest", "Bucket is missing Object Lock Configuration")
    return bucket, row, attrs


def put_object_legal_hold(ctx, params):
    bucket, row, attrs = _locked_version(ctx, params)
    payload.check_body(ctx, params, "LegalHold")
    status = params["LegalHold"].get("Status")
    if status not in ("ON", "OFF"):
        raise errors.error("MalformedXML")
    attrs["ObjectLockLegalHoldStatus"] = status
    _save(ctx, bucket, row, attrs)
    return {}


def get_object_legal_hold(ctx, params):
    _, _, attrs = _locked_version(ctx, params)
    if "ObjectLockLegalHoldStatus" not in attrs:
        raise errors.error("NoSuchObjectLockConfiguration")
    return {"LegalHold": {"Status": attrs["ObjectLockLegalHoldStatus"]}}


def put_object_retention(ctx, params):
    bucket, row, attrs = _locked_version(ctx, params)
    payload.check_body(ctx, params, "Retention")
    retention = params["Retention"]
    mode, until = retention.get("Mode"), retention.get("RetainUntilDate")
    if bool(mode) != bool(until) or mode not in (None, *model.LOCK_MODES):
        raise errors.error("MalformedXML")
    if until is not None and until.timestamp() <= ctx.now:
        raise errors.error("InvalidArgument", "The retain until date must be in the future!",
                           ArgumentName="RetainUntilDate", ArgumentValue=_service_date(until))
    _check_retention_change(ctx, attrs, mode, until,
                            objects.may_bypass(ctx, bucket, row["key"], params.get("BypassGovernanceRetention")))
    for name, value in (("ObjectLockMode", mode), ("ObjectLockRetainUntilDate", until)):
        if value is None:
            attrs.pop(name, None)
        else:
            attrs[name] = value
    _save(ctx, bucket, row, attrs)
    notifications.object_retention_changed(ctx, bucket, row, mode, until)
    return {}


# S3 names a refused retain-until date as its service writes dates: in Pacific time
# ("Mon Sep 21 00:06:23 PDT 2026", as a reply recorded from S3 shows).
_SERVICE_ZONE = zoneinfo.ZoneInfo("America/Los_Angeles")


def _service_date(when) -> str:
    return when.astimezone(_SERVICE_ZONE).strftime("%a %b %d %H:%M:%S %Z %Y")


def _check_retention_change(ctx, attrs, mode, until, bypass):
    """Compliance retention only ever grows; governance may shrink with the bypass header."""
    current_until = attrs.get("ObjectLockRetainUntilDate")
    if current_until is None or current_until.timestamp() <= ctx.now:
        return
    weakened = (until is None or until < current_until or mode != attrs.get("ObjectLockMode"))
    if not weakened:
        return
    if attrs.get("ObjectLockMode") == "GOVERNANCE" and bypass:
        return
    raise errors.error("AccessDenied")


def get_object_retention(ctx, params):
    _, _, attrs = _locked_version(ctx, params)
    if "ObjectLockMode" not in attrs:
        raise errors.error("NoSuchObjectLockConfiguration")
    return {"Retention": {"Mode": attrs["ObjectLockMode"],
                          "RetainUntilDate": attrs["ObjectLockRetainUntilDate"]}}


# ---- attributes ------------------------------------------------------------------

def get_object_attributes(ctx, params):
    bucket = access.request_bucket(ctx, params)
    row = versions.find(ctx, bucket, params["Key"], params.get("VersionId"))
    attrs = store.loads(row["attrs"])
    versions.check_customer_key(attrs, params)
    named = params.get("ObjectAttributes")
    wanted = {name.strip() for name in named or [] if name.strip()}
    if named is None:
        raise errors.error("InvalidRequest", "The x-amz-object-attributes header specifying the attributes "
                                             "to be retrieved is either missing or empty")
    unknown = [name.strip() for name in named if name.strip() not in _attribute_names()] or \
        ([] if wanted else [""])
    if unknown:     # S3 names the first attribute it does not know (an empty header: "")
        raise errors.error("InvalidArgument", "Invalid attribute name specified.",
                           ArgumentName="x-amz-object-attributes", ArgumentValue=unknown[0])
    result = {"LastModified": model.timestamp(row["last_modified"]),
              "VersionId": versions.visible_version_id(bucket, row["version_id"]),
              "__xml_root__": "GetObjectAttributesResponse"}
    if "ETag" in wanted:
        result["ETag"] = row["etag"]        # S3 shows this ETag without quotes
    if "ObjectSize" in wanted:
        result["ObjectSize"] = row["size"]
    if "StorageClass" in wanted:
        result["StorageClass"] = row["storage_class"]
    checksum = attrs.get("Checksum")
    if "Checksum" in wanted and checksum:
        # A composite checksum is shown here without the "-<parts>" that HEAD and Complete add.
        value = checksum["Value"].split("-")[0]
        result["Checksum"] = {"Checksum" + checksum["Algorithm"]: value, "ChecksumType": checksum["Type"]}
    if "ObjectParts" in wanted and row["parts_count"]:
        result["ObjectParts"] = _object_parts(ctx, row, params, attrs)
    return result


@functools.cache
def _attribute_names() -> frozenset:
    """The attributes GetObjectAttributes knows, as the model lists them."""
    request = spec_for("s3").operation("GetObjectAttributes").input_shape
    return frozenset(request.members["ObjectAttributes"].member.enum)


def _object_parts(ctx, row, params, attrs) -> dict:
    """A page of the parts, as S3 pages them (radkawar/stackd multipart_read_bounds_replay.json,
    attribute-pagination): MaxParts is echoed as asked (over 1000 serves 1000), a page with
    no part has NextPartNumberMarker 0, and a negative MaxParts lists nothing, truncated,
    with itself as the next marker. An object whose checksum is not COMPOSITE shows
    TotalPartsCount alone (multipart_readers_replay.json, reader-gap-attributes,
    reader-full-attributes)."""
    checksum = attrs.get("Checksum")
    if not checksum or checksum["Type"] != "COMPOSITE":     # no part checksums to show: the count alone
        return {"TotalPartsCount": row["parts_count"]}
    asked = params.get("MaxParts", 1000)
    limit = max(min(asked, 1000), 0)
    marker = params.get("PartNumberMarker") or 0
    rows = [p for p in store.object_parts(ctx.state.db, row["id"]) if p["part_number"] > marker]
    parts = []
    for part in rows[:limit]:
        entry = {"PartNumber": part["part_number"], "Size": part["size"]}
        sums = store.loads(part["checksums"]) or {}
        if checksum and checksum["Algorithm"] in sums:
            entry["Checksum" + checksum["Algorithm"]] = sums[checksum["Algorithm"]]
        parts.append(entry)
    following = parts[-1]["PartNumber"] if parts else (asked if asked < 0 else 0)
    return {"TotalPartsCount": row["parts_count"], "PartNumberMarker": marker,
            "NextPartNumberMarker": following, "MaxParts": asked,
            "IsTruncated": asked < 0 or (limit > 0 and len(rows) > limit), "Parts": parts}
