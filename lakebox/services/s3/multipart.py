"""Multipart uploads: create, upload parts, list, complete, abort.

Parts are blobs of their own. Completing concatenates them into one new blob in the
kernel (no object ever passes through memory) and records each part's offset, so
`GET ?partNumber=` and GetObjectAttributes can still find the parts.
"""
import secrets
import urllib.parse

from lakebox.aws.errors import AwsError
from lakebox.services.s3.upload import DEFAULT_CHECKSUM

from lakebox.services.s3 import (aborted_uploads, access, checksums, concurrency, encryption, errors, files, model,
                                 objects, store, upload_store, versions)


def create_multipart_upload(ctx, params):
    bucket = access.request_bucket(ctx, params)
    key = params["Key"]
    model.check_key(key)
    attrs = versions.new_attrs(ctx, bucket, params)
    algorithm, checksum_type = _checksum_plan(params)
    attrs.update({"ChecksumAlgorithm": algorithm, "ChecksumType": checksum_type})
    # Who will own the object is settled now, by the Object Ownership in force at the start
    # (radkawar/stackd ownership_authority_replay.json cross-mpu-*: a mode changed before
    # CompleteMultipartUpload does not change the owner).
    attrs[OBJECT_OWNER] = access.object_owner(ctx, bucket, attrs)
    upload_id = _new_upload_id()
    upload_store.insert_upload(ctx.state.db, upload_id, bucket["name"], key, ctx.now, ctx.account,
                        versions.storage_class(params), attrs)
    return {"Bucket": bucket["name"], "Key": key, "UploadId": upload_id, "ChecksumAlgorithm": algorithm,
            "ChecksumType": checksum_type, **objects.written_encryption(attrs),
            "__xml_root__": "InitiateMultipartUploadResult"}


OBJECT_OWNER = "ObjectOwner"           # upload attrs: the account the completed object will belong to


def _new_upload_id() -> str:
    """URL-safe random text that starts with a letter or digit, as S3's do: command-line
    tools (the aws cli among them) would take a leading '-' for an option."""
    while True:
        upload_id = secrets.token_urlsafe(48)
        if upload_id[0].isalnum():
            return upload_id


def _checksum_plan(params) -> tuple[str | None, str | None]:
    """The checksum algorithm and type the client chose for the whole upload."""
    algorithm, checksum_type = params.get("ChecksumAlgorithm"), params.get("ChecksumType")
    if algorithm is None:
        if checksum_type is not None:
            raise errors.error("InvalidRequest", "The x-amz-checksum-type header can only be used with the "
                               "x-amz-checksum-algorithm header.")
        return None, None
    allowed = checksums.MULTIPART_TYPES.get(algorithm)
    if allowed is None:
        raise errors.error("InvalidRequest", "Checksum algorithm provided is unsupported. Please try again with any "
                           f"of the valid types: [{', '.join(sorted(checksums.MULTIPART_TYPES))}]")
    checksum_type = checksum_type or allowed[0]
    if checksum_type not in allowed:
        raise errors.error("InvalidRequest", f"The {checksum_type} checksum type cannot be used with the "
                           f"{algorithm.lower()} checksum algorithm.")
    return algorithm, checksum_type


def require_upload(ctx, bucket, key: str, upload_id: str):
    upload = upload_store.get_upload(ctx.state.db, upload_id)
    if upload is None or upload["bucket"] != bucket["name"] or upload["key"] != key:
        raise errors.error("NoSuchUpload", UploadId=upload_id)
    return upload


def check_part_number(part_number: int):
    if not 1 <= part_number <= model.MAX_PART_NUMBER:
        raise errors.error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive",
                           ArgumentName="partNumber", ArgumentValue=str(part_number))


async def upload_part(ctx, params):
    model.check_content_length(ctx.headers)
    bucket = access.request_bucket(ctx, params)
    upload = require_upload(ctx, bucket, params["Key"], params["UploadId"])
    check_part_number(params["PartNumber"])
    body = params["Body"]
    if body.size > model.MAX_PART_SIZE:
        raise errors.error("EntityTooLarge", ProposedSize=body.size, MaxSizeAllowed=model.MAX_PART_SIZE)
    attrs = store.loads(upload["attrs"])
    check_upload_key(attrs, params)
    algorithm = attrs.get("ChecksumAlgorithm")
    if algorithm and body.checksum_algorithm and body.checksum_algorithm != algorithm:
        raise errors.error("InvalidRequest", f"Checksum Type mismatch occurred, expected checksum Type: "
                           f"{algorithm.lower()}, actual checksum Type: {body.checksum_algorithm.lower()}")
    part_checksums = body.checksums
    if algorithm and algorithm not in part_checksums:
        raise errors.error("InvalidRequest", f"Checksum Type mismatch occurred, expected checksum Type: "
                           f"{algorithm.lower()}, actual checksum Type: null")
    etag = versions.new_etag(attrs, body.md5_hex)
    blobs = ctx.state.blobs
    sync = blobs.durable and concurrency.offloaded(body.size)
    if sync:            # flushing a big part to disk takes long: off the loop, before committing
        await concurrency.run(ctx, body.size, blobs.sync, body.path)
    with concurrency.Staged(blobs, body.take()) as staged, ctx.state.db.transaction():    # journal entry + row
        if sync:        # others ran meanwhile: the upload may be gone
            upload = require_upload(ctx, access.request_bucket(ctx, params), params["Key"], params["UploadId"])
        store_part(ctx, upload, params["PartNumber"], staged.commit(), body.size, etag, part_checksums)
    shown = algorithm or body.checksum_algorithm
    return {"ETag": model.quote_etag(etag),
            **({"Checksum" + shown: part_checksums[shown]} if shown else {}),
            **objects.written_encryption(attrs)}


def store_part(ctx, upload, part_number, blob_id, size, etag, part_checksums):
    replaced = upload_store.put_part(ctx.state.db, upload["upload_id"], part_number, blob_id, size, etag,
                              ctx.now, part_checksums)
    files.delete_later(ctx.state.blobs, [replaced])


def list_parts(ctx, params):
    bucket = access.request_bucket(ctx, params)
    upload = require_upload(ctx, bucket, params["Key"], params["UploadId"])
    attrs = store.loads(upload["attrs"])
    if attrs.get("ChecksumAlgorithm"):     # the part checksums of an SSE-C upload need its key
        check_upload_key(attrs, params, "To retrieve Part Checksum data requests must include appropriate "
                                        "encryption parameters.")
    limit = model.page_size(params, "MaxParts", "max-parts")
    marker = params.get("PartNumberMarker") or 0
    rows = upload_store.upload_parts(ctx.state.db, upload["upload_id"], marker, limit + 1)
    algorithm = attrs.get("ChecksumAlgorithm")
    parts = []
    for row in rows[:limit]:
        part = {"PartNumber": row["part_number"], "LastModified": model.timestamp(row["last_modified"]),
                "ETag": model.quote_etag(row["etag"]), "Size": row["size"]}
        if algorithm:
            part["Checksum" + algorithm] = store.loads(row["checksums"]).get(algorithm)
        parts.append(part)
    truncated = len(rows) > limit
    owner = model.owner(upload["owner"])
    return {"Bucket": bucket["name"], "Key": upload["key"], "UploadId": upload["upload_id"],
            "PartNumberMarker": marker, "NextPartNumberMarker": parts[-1]["PartNumber"] if parts else None,
            "MaxParts": limit, "IsTruncated": truncated, "Parts": parts, "Initiator": owner,
            "Owner": owner, "StorageClass": upload["storage_class"], "ChecksumAlgorithm": algorithm,
            "ChecksumType": attrs.get("ChecksumType"), "__xml_root__": "ListPartsResult"}


def list_multipart_uploads(ctx, params):
    bucket = access.request_bucket(ctx, params)
    db = ctx.state.db
    prefix, delimiter = params.get("Prefix") or "", params.get("Delimiter") or None
    limit = model.page_size(params, "MaxUploads", "max-uploads")
    key_marker, id_marker = params.get("KeyMarker"), params.get("UploadIdMarker")
    upper = model.prefix_upper_bound(prefix) if prefix else None
    start, after_seq = prefix, -1
    if key_marker and key_marker >= prefix:
        seq = upload_store.upload_seq(db, id_marker) if id_marker else None
        if seq is None and id_marker:           # an aborted upload's id still marks its place
            seq = (aborted_uploads.find(db, bucket["name"], id_marker, key_marker) or {}).get("seq")
        start, after_seq = key_marker, seq if seq is not None else 1 << 62
    page = model.list_page(
        upload_store.seek_uploads(db, bucket["name"], start, after_seq, upper),
        lambda key: upload_store.seek_uploads(db, bucket["name"], key, -1, upper),
        prefix, delimiter, limit, marker=key_marker)
    encoding = params.get("EncodingType")
    result = {
        "Bucket": bucket["name"], "KeyMarker": model.url_encode(key_marker or "", encoding),
        "UploadIdMarker": id_marker or "",
        "Prefix": model.url_encode(prefix, encoding) if params.get("Prefix") is not None else None,
        "Delimiter": model.url_encode(delimiter, encoding), "MaxUploads": limit,
        "IsTruncated": page.truncated, "EncodingType": encoding,
        "Uploads": [_upload_entry(row, encoding) for row in page.items] or None,
        "CommonPrefixes": [{"Prefix": model.url_encode(p, encoding)} for p in page.prefixes] or None,
        "__xml_root__": "ListMultipartUploadsResult",
    }
    if page.last is not None:       # S3 names the last entry listed on the last page too
        result["NextKeyMarker"] = model.url_encode(page.last, encoding)
        if page.items and page.last == page.items[-1]["key"]:
            result["NextUploadIdMarker"] = page.items[-1]["upload_id"]
    return result


def _upload_entry(row, encoding) -> dict:
    attrs = store.loads(row["attrs"])
    owner = model.owner(row["owner"])
    return {"UploadId": row["upload_id"], "Key": model.url_encode(row["key"], encoding),
            "Initiated": model.timestamp(row["initiated"]), "StorageClass": row["storage_class"],
            "Owner": owner, "Initiator": owner, "ChecksumAlgorithm": attrs.get("ChecksumAlgorithm"),
            "ChecksumType": attrs.get("ChecksumType")}


def abort_multipart_upload(ctx, params):
    bucket = access.request_bucket(ctx, params)
    db, key, upload_id = ctx.state.db, params["Key"], params["UploadId"]
    if upload_store.get_upload(db, upload_id) is None and (
            _made_by(ctx, bucket, key, upload_id) is not None or
            aborted_uploads.find(db, bucket["name"], upload_id, key) is not None):
        return {}       # S3 takes an Abort of an upload completed (its object staying) or aborted before
    upload = require_upload(ctx, bucket, key, upload_id)
    aborted_uploads.remember(db, bucket["name"], upload)
    files.delete_later(ctx.state.blobs, upload_store.delete_upload(db, upload["upload_id"]))
    return {}


async def complete_multipart_upload(ctx, params):
    """Concatenate the chosen parts into the object; the upload goes as the object comes.

    The concatenation (seconds for many GiB) runs in a worker thread: see concurrency.py
    for the plan / bytes / commit steps and what the commit re-checks.
    """
    return await concurrency.attempts(lambda: _complete(ctx, params))


async def _complete(ctx, params):
    if not (params.get("MultipartUpload") or {}).get("Parts"):
        raise errors.error("MalformedXML")
    if params.get("IfMatch", "").strip() == "*" or (params.get("IfMatch") is not None and
                                                   params.get("IfNoneMatch") is not None):
        raise errors.error("NotImplemented", "A header you provided implies functionality that is not implemented",
                           Header="If-Match")
    repeated = _repeated_completion(ctx, params)
    if repeated is not None:
        return repeated
    plan = _completion_plan(ctx, params)
    blobs = ctx.state.blobs
    key, upload, attrs, chosen = params["Key"], plan["upload"], plan["attrs"], plan["chosen"]
    temp = sealing = None
    if plan["total"]:
        sources = [(blobs.path(p["blob_id"]) if p["blob_id"] else None, p["size"]) for p in plan["chosen"]]
        try:
            # Not flushed yet: the whole is encrypted next (parts are kept in the clear), then flushed.
            temp, checksum = await concurrency.run(ctx, plan["total"], _assemble, blobs, sources, False, plan,
                                                   discard=_discard_temp)
        except FileNotFoundError:
            # A part's file went away meanwhile: its upload ended or the part was replaced.
            _check_unchanged(ctx, plan)
            raise                           # nothing changed: the file is really missing
        try:
            sealing = await encryption.seal(ctx, plan["bucket"], key, attrs, params, temp, plan["total"],
                                            blobs.durable and concurrency.offloaded(plan["total"]))
        except BaseException:
            files.discard(temp)
            raise
    else:
        checksum = _object_checksum(plan)
    attrs["Checksum"] = checksum
    attrs["UploadId"] = upload["upload_id"]        # a retried Complete is answered from it
    offset, parts = 0, []
    for part in chosen:
        parts.append((part["part_number"], offset, part["size"], part["checksums_text"]))
        offset += part["size"]
    with concurrency.Staged(blobs, temp) as staged, ctx.state.db.transaction():
        _check_stated_checksum(params, checksum)
        # The object appears and the upload goes together, if both are still as planned.
        bucket = plan["bucket"]
        if concurrency.offloaded(plan["total"]):      # others ran meanwhile: check again
            bucket = access.request_bucket(ctx, params)
            _check_unchanged(ctx, plan)
            versions.check_write_conditions(ctx, bucket, key, params)
        if _superseded(ctx, bucket, key, upload):
            staged.discard()
            version_id = model.NULL_VERSION
        else:
            owner = {"owner": plan["owner"]} if plan["owner"] else {}
            version_id = versions.commit(ctx, bucket, key, {
                **owner, "blob_id": staged.commit(), "size": plan["total"], "etag": plan["etag"],
                "storage_class": upload["storage_class"], "parts_count": len(chosen), "attrs": attrs,
                "sealing": sealing, "last_modified": upload["initiated"]}, parts)
        part_blobs = upload_store.delete_upload(ctx.state.db, upload["upload_id"])
    files.delete_later(blobs, part_blobs)
    return _completed(ctx, bucket, key, plan["etag"], version_id, plan["total"], attrs, ctx.now)


def _completed(ctx, bucket, key: str, etag: str, version_id: str, size: int, attrs: dict, written: float) -> dict:
    return {"Location": _location(ctx, bucket["name"], key), "Bucket": bucket["name"], "Key": key,
            "ETag": model.quote_etag(etag), "VersionId": versions.written_version_id(bucket, version_id),
            "Expiration": versions.expiration(ctx, bucket, key, size, attrs, written),
            **versions.checksum_fields(attrs), **objects.written_encryption(attrs),
            "__xml_root__": "CompleteMultipartUploadResult"}


def _repeated_completion(ctx, params) -> dict | None:
    """S3 answers a Complete retried after it succeeded (its answer was lost) as it answered
    the first, less the checksum, whatever its conditions say: the upload is gone, but a
    version it made from the same parts is still there (current or not). None when the
    upload is still open, or when the retry has nothing to match (NoSuchUpload then, from
    the usual checks)."""
    upload_id = params["UploadId"]
    if upload_store.get_upload(ctx.state.db, upload_id) is not None:
        return None
    bucket = access.request_bucket(ctx, params)
    row = _made_by(ctx, bucket, params["Key"], upload_id)
    if row is None:
        return None
    requested = (params.get("MultipartUpload") or {}).get("Parts") or []
    try:
        etag = model.multipart_etag([model.unquote_etag(part.get("ETag") or "") for part in requested])
    except ValueError:
        return None                   # an ETag that is not hex names no part S3 made
    if row["etag"] != etag:
        return None
    attrs = store.loads(row["attrs"])
    attrs.pop("Checksum", None)
    return _completed(ctx, bucket, params["Key"], row["etag"], row["version_id"], row["size"], attrs,
                      row["last_modified"])


def _superseded(ctx, bucket, key: str, upload) -> bool:
    """In a bucket that never had versioning, S3 orders a multipart object by when its
    upload began (its LastModified): completing an upload begun before the key's current
    object was written succeeds but leaves that newer object in place (the upload's
    object is not kept)."""
    if bucket["versioning"]:
        return False
    row = store.latest(ctx.state.db, bucket["name"], key)
    return row is not None and row["last_modified"] > upload["initiated"]


UPLOAD_KEY_MISSING = ("The multipart upload initiate requested encryption. Subsequent part requests must include "
                      "the appropriate encryption parameters.")


def check_upload_key(attrs: dict, params: dict, missing: str = UPLOAD_KEY_MISSING):
    """A later request of an SSE-C upload must bring the upload's key: without one it is
    InvalidRequest `missing`, with another InvalidRequest too, not a read's AccessDenied
    (radkawar/stackd customer_encryption_data_replay.json: part-checksum-missing/-wrong,
    list-parts-checksum-missing/-wrong, complete-checksum-wrong; the words are those S3
    clients record)."""
    try:
        versions.check_customer_key(attrs, params)
    except AwsError as refused:
        if refused.code == "AccessDenied":
            raise errors.error("InvalidRequest", "The provided encryption parameters did not match the ones used "
                               "originally.") from None
        if refused.code == "InvalidRequest" and attrs.get("SSECustomerKeyMD5"):
            raise errors.error("InvalidRequest", missing) from None
        raise


def _made_by(ctx, bucket, key: str, upload_id: str):
    """The version of `key` the upload `upload_id` made, if it is still there."""
    for row in store.upload_versions(ctx.state.db, bucket["name"], key, upload_id):
        if store.loads(row["attrs"]).get("UploadId") == upload_id:
            return row
    return None


def _completion_plan(ctx, params) -> dict:
    """Every check S3 makes before completing, and what completing will write."""
    bucket = access.request_bucket(ctx, params)
    key = params["Key"]
    upload = require_upload(ctx, bucket, key, params["UploadId"])
    attrs = store.loads(upload["attrs"])
    chosen = _chosen_parts(ctx, upload, (params.get("MultipartUpload") or {}).get("Parts") or [], attrs)
    total = sum(part["size"] for part in chosen)
    if params.get("MpuObjectSize") is not None and params["MpuObjectSize"] != total:
        raise errors.error("InvalidRequest", "The provided 'x-amz-mp-object-size' header value does not match "
                           "what was computed.")
    if params.get("ChecksumType") and params["ChecksumType"] != attrs.get("ChecksumType"):
        raise errors.error("InvalidRequest", f"The upload was created using the {attrs.get('ChecksumType') or 'null'} "
                           f"checksum mode. The complete request must use the same checksum mode.")
    versions.check_write_conditions(ctx, bucket, key, params)
    check_upload_key(attrs, params)      # SSE-C: the whole is encrypted with the key sent now
    algorithm = attrs.pop("ChecksumAlgorithm", None) or DEFAULT_CHECKSUM
    checksum_type = attrs.pop("ChecksumType", None) or "FULL_OBJECT"
    return {"bucket": bucket, "upload": upload, "attrs": attrs, "chosen": chosen, "total": total,
            "owner": attrs.pop(OBJECT_OWNER, None),
            "etag": model.multipart_etag([part["etag"] for part in chosen]),
            "checksum": (algorithm, checksum_type)}


def _assemble(blobs, sources, sync: bool, plan: dict) -> tuple[str, dict]:
    """Worker-thread part of Complete: the parts concatenated into a temp file, and the
    whole object's checksum (combining 10,000 part CRCs is CPU work too)."""
    temp = files.concatenate(blobs, sources, sync)
    try:
        return temp, _object_checksum(plan)
    except BaseException:
        files.discard(temp)
        raise


def _discard_temp(result):
    files.discard(result[0])


def _check_unchanged(ctx, plan):
    """The upload still exists and every chosen part is still the one planned with.

    NoSuchUpload if it was aborted or completed meanwhile (as S3 answers then);
    `Changed` if a chosen part was uploaded again, to plan with the new part (whose
    ETag may no longer match the request's: InvalidPart then).
    """
    upload_id = plan["upload"]["upload_id"]
    if upload_store.get_upload(ctx.state.db, upload_id) is None:
        raise errors.error("NoSuchUpload", UploadId=upload_id)
    stored = {row["part_number"]: row for row in upload_store.upload_parts(ctx.state.db, upload_id)}
    for part in plan["chosen"]:
        row = stored.get(part["part_number"])
        if row is None or (row["blob_id"], row["etag"], row["size"], row["checksums"]) != \
                (part["blob_id"], part["etag"], part["size"], part["checksums_text"]):
            raise concurrency.Changed()


def _chosen_parts(ctx, upload, requested: list, attrs: dict) -> list[dict]:
    """The parts the request lists, checked: ascending, present, matching, big enough
    (and, for a composite checksum, each with its checksum)."""
    if not requested:
        raise errors.error("MalformedXML")
    needed = attrs.get("ChecksumAlgorithm") if attrs.get("ChecksumType") == "COMPOSITE" else None
    numbers = [item.get("PartNumber") for item in requested]
    if None in numbers or any(a >= b for a, b in zip(numbers, numbers[1:])):
        raise errors.error("InvalidPartOrder", UploadId=upload["upload_id"])
    stored = {row["part_number"]: row for row in upload_store.upload_parts(ctx.state.db, upload["upload_id"])}
    chosen = []
    for index, item in enumerate(requested):
        number, etag = item["PartNumber"], model.unquote_etag(item.get("ETag") or "")
        row = stored.get(number)
        if row is None or row["etag"] != etag:
            raise errors.error("InvalidPart", UploadId=upload["upload_id"], PartNumber=number, ETag=etag)
        if needed and item.get("Checksum" + needed) is None:
            raise errors.error("InvalidRequest", f"The upload was created using a {needed.lower()} checksum. "
                               f"The complete request must include the checksum for each part. It was missing for "
                               f"part {number} in the request.")
        part_checksums = store.loads(row["checksums"]) or {}
        for algorithm in checksums.ALGORITHMS:
            given = item.get("Checksum" + algorithm)
            # An upload begun without a checksum algorithm takes no part checksum at all.
            if given is not None and (part_checksums.get(algorithm) != given or not attrs.get("ChecksumAlgorithm")):
                raise errors.error("InvalidPart", UploadId=upload["upload_id"], PartNumber=number, ETag=etag)
        if index < len(requested) - 1 and row["size"] < model.MIN_PART_SIZE:
            raise errors.error("EntityTooSmall", ProposedSize=row["size"], MinSizeAllowed=model.MIN_PART_SIZE,
                               PartNumber=number, ETag=etag)
        chosen.append({"part_number": number, "etag": row["etag"], "size": row["size"],
                       "blob_id": row["blob_id"], "checksums_text": row["checksums"], "sums": part_checksums})
    return chosen


def _check_stated_checksum(params, checksum: dict):
    """A checksum the Complete request states must be the object's: the full-object one,
    or the composite checksum of the parts (with or without its `-<parts>` suffix)."""
    stated = params.get("Checksum" + checksum["Algorithm"])
    if stated is None:
        return
    value = checksum["Value"]
    if stated != value and (checksum["Type"] != "COMPOSITE" or stated != value.rpartition("-")[0]):
        raise errors.error("BadDigest",
                           f"The {checksum['Algorithm']} you specified did not match the calculated checksum.")


def _object_checksum(plan: dict) -> dict:
    """The whole object's checksum, from the parts': COMPOSITE or FULL_OBJECT.

    An upload that named no algorithm still gets S3's default, a full-object CRC64NVME.
    """
    algorithm, checksum_type = plan["checksum"]
    chosen = plan["chosen"]
    if checksum_type == "COMPOSITE":
        value = checksums.composite(algorithm, [part["sums"][algorithm] for part in chosen])
    else:
        value = checksums.full_object(algorithm, [(part["sums"][algorithm], part["size"]) for part in chosen])
    return {"Algorithm": algorithm, "Value": value, "Type": checksum_type}


def _location(ctx, bucket: str, key: str) -> str:
    host = ctx.request.host or "localhost"
    path = urllib.parse.quote(key, safe="/~")
    if host.startswith(bucket + "."):
        return f"http://{host}/{path}"
    return f"http://{host}/{bucket}/{path}"
