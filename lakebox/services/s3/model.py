"""S3's rules as pure functions: names, ranges, conditions, ETags, tags, listing pages.

Nothing here touches the database or the disk, so every rule is testable on its own.
"""
import base64
import binascii
import datetime
import functools
import hashlib
import ipaddress
import re
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field

from lakebox.kit import tags as kit_tags
from lakebox.services.s3.upload import CHECKSUM_ALGORITHMS, new_hasher

from lakebox.services.s3 import errors

MAX_KEY_BYTES = 1024
MAX_METADATA_BYTES = 2048
OBJECT_TAGS = "s3-object"              # rows of the kit's tag rules
BUCKET_TAGS = "s3-bucket"
MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_SIZE = 5 * 1024 ** 3
MAX_PART_NUMBER = 10_000
MAX_SINGLE_PUT = 5 * 1024 ** 3
DEFAULT_CONTENT_TYPE = "binary/octet-stream"
NULL_VERSION = "null"
LOCK_MODES = ("GOVERNANCE", "COMPLIANCE")       # exactly so: S3 refuses any other spelling

_BUCKET_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_VERSION_ID = re.compile(r"^[A-Za-z0-9._-]{32}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_MAX_CHAR = 0x10FFFF
_URL_SAFE = re.compile(r"^[A-Za-z0-9._~/-]*$")


# ---- names ---------------------------------------------------------------------

def is_valid_bucket_name(name: str) -> bool:
    """General-purpose bucket naming rules (S3 User Guide, 'Bucket naming rules')."""
    if not _BUCKET_CHARS.match(name) or ".." in name:
        return False
    if name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
        return False
    except ValueError:
        return True


def check_bucket_name(name: str):
    if not is_valid_bucket_name(name):
        raise errors.error("InvalidBucketName", BucketName=name)


def check_key(key: str):
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > MAX_KEY_BYTES:
        raise errors.error("KeyTooLongError", Size=size, MaxSizeAllowed=MAX_KEY_BYTES)
    if size == 0:
        raise errors.error("InvalidArgument", "A key must be specified", ArgumentName="key", ArgumentValue="")


def check_content_length(headers: dict):
    """An upload must say its length up front. A chunked transfer encoding is let through
    (S3 refuses it, but streaming HTTP clients send it and nothing is lost by taking it)."""
    if "content-length" not in headers and "transfer-encoding" not in headers:
        raise errors.error("MissingContentLength")


def check_metadata(metadata: dict | None):
    """User metadata: at most 2 KB, counted as the UTF-8 bytes of names and values."""
    if not metadata:
        return
    size = sum(len(k.encode()) + len(v.encode()) for k, v in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise errors.error("MetadataTooLarge", Size=size, MaxSizeAllowed=MAX_METADATA_BYTES)


def new_version_id() -> str:
    """32 URL-safe characters, like S3's ids: the creation time in nanoseconds, then
    random bytes, so that a listing can find where a version was after it is deleted."""
    stamp = time.time_ns().to_bytes(8, "big")
    return base64.urlsafe_b64encode(stamp + secrets.token_bytes(16)).decode("ascii")


def version_time(version_id: str) -> int | None:
    """When a version id of `new_version_id` was made (ns), or None for any other id."""
    if not _VERSION_ID.match(version_id):
        return None
    try:
        raw = base64.urlsafe_b64decode(version_id)
    except ValueError:
        return None
    return int.from_bytes(raw[:8], "big") if len(raw) == 24 else None


def check_version_id(version_id: str, versioned: bool = True):
    """A version id S3 could have made: "null", or (in a bucket that has had versioning
    turned on) one of the form it gives."""
    if version_id != NULL_VERSION and (not versioned or not _VERSION_ID.match(version_id)):
        raise invalid_version_id(version_id)


def invalid_version_id(version_id: str):
    return errors.error("InvalidArgument", "Invalid version id specified", ArgumentName="versionId",
                        ArgumentValue=version_id)


# No version can be older than S3 Versioning itself (launched 8 February 2010).
VERSIONING_BEGAN_NS = 1265587200 * 10**9


def never_issued(version_id: str) -> bool:
    """A well-formed id no version can have had: its time stamp is still to come, or
    older than versioning (S3 knows the ids it gave; one of another's making, such as 32
    A's or 32 zeros, is refused, not taken as deleted)."""
    made = version_time(version_id)
    return made is not None and not VERSIONING_BEGAN_NS <= made <= time.time_ns()


@functools.lru_cache(maxsize=4096)      # bounded: any 12-digit access key is an account
def canonical_user_id(account: str) -> str:
    """A stable 64-hex canonical user id per account, as S3 shows in Owner/ID."""
    return hashlib.sha256(("lakebox-canonical-user:" + account).encode()).hexdigest()


def owner(account: str) -> dict:
    return {"ID": canonical_user_id(account)}


def timestamp(epoch: float) -> datetime.datetime:
    """A stored time as S3 answers it: whole seconds. S3 keeps second precision, so its XML
    timestamps always end in `.000Z`, and a listing's LastModified equals the object's
    `Last-Modified` header (which carries whole seconds)."""
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)


# ---- ETags -----------------------------------------------------------------------

def quote_etag(etag: str) -> str:
    return f'"{etag}"'


def unquote_etag(value: str) -> str:
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"')


def multipart_etag(part_md5_hexes: list[str]) -> str:
    """MD5 of the concatenated binary part MD5s, then '-<number of parts>'."""
    digest = hashlib.md5(b"".join(bytes.fromhex(h) for h in part_md5_hexes)).hexdigest()
    return f"{digest}-{len(part_md5_hexes)}"


def content_md5_matches(content_md5: str, md5_hex: str) -> bool:
    """Check a Content-MD5 header (base64 of the binary digest) against a body's MD5."""
    try:
        given = base64.b64decode(content_md5, validate=True)
    except (binascii.Error, ValueError):
        raise errors.error("InvalidDigest", **{"Content-MD5": content_md5})
    if len(given) != 16:
        raise errors.error("InvalidDigest", **{"Content-MD5": content_md5})
    return given.hex() == md5_hex


def check_body_digest(headers: dict, body: bytes, required: bool = False):
    """Content-MD5 / x-amz-checksum-* of a small XML body (DeleteObjects, configurations)."""
    content_md5 = headers.get("content-md5")
    sent = [(name, headers[f"x-amz-checksum-{name.lower()}"]) for name in CHECKSUM_ALGORITHMS
            if f"x-amz-checksum-{name.lower()}" in headers]
    if required and content_md5 is None and not sent:
        raise errors.error("InvalidRequest", "Missing required header for this request: Content-MD5")
    computed = hashlib.md5(body)
    if content_md5 is not None and not content_md5_matches(content_md5, computed.hexdigest()):
        # ExpectedDigest as sent (radkawar/stackd testdata/aws/s3/logging_raw_replay.json, bad MD5)
        raise errors.error("BadDigest", ExpectedDigest=content_md5,
                           CalculatedDigest=base64.b64encode(computed.digest()).decode())
    for name, value in sent:
        hasher = new_hasher(name)
        hasher.update(body)
        if base64.b64encode(hasher.digest()).decode() != value:
            raise errors.error("BadDigest", f"The {name} you specified did not match the calculated checksum.")


# ---- ranges ----------------------------------------------------------------------

def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes a Range header selects, or None to send the whole object.

    Like S3: a malformed or multi-range header is ignored (whole object, 200); a range
    that starts at or beyond the end is `InvalidRange` (416); an end past the object is
    clipped to the last byte.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:                              # suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise errors.error("InvalidRange", RangeRequested=header, ActualObjectSize=size)
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise errors.error("InvalidRange", RangeRequested=header, ActualObjectSize=size)
    return start, min(end, size - 1)


def content_range(first: int, last: int, size: int) -> str:
    return f"bytes {first}-{last}/{size}"


# ---- conditional requests -------------------------------------------------------

def _etag_in(header: str, etag: str) -> bool:
    candidates = [unquote_etag(v) for v in header.split(",")]
    return "*" in candidates or etag in candidates


def _seconds(value) -> int:
    """HTTP dates carry whole seconds; compare at that resolution."""
    if isinstance(value, datetime.datetime):
        return int(value.timestamp())
    return int(value)


READ_CONDITIONS = frozenset(("IfMatch", "IfNoneMatch", "IfModifiedSince", "IfUnmodifiedSince"))


def check_read_conditions(params: dict, etag: str, last_modified: float, now: float | None = None):
    """GET/HEAD conditions, with S3's precedence (RFC 7232, section 6).

    If-Match that holds overrides a failing If-Unmodified-Since; If-None-Match that
    fails (the ETag matches) answers 304 even when If-Modified-Since would not. An
    If-Modified-Since later than `now` is ignored (RFC 7232, 3.3: such a date is invalid).
    """
    if READ_CONDITIONS.isdisjoint(params):
        return                      # the usual read is unconditional
    if now is not None and params.get("IfModifiedSince") is not None and \
            _seconds(params["IfModifiedSince"]) > now:
        params = {k: v for k, v in params.items() if k != "IfModifiedSince"}
    _check_conditions(params, "If", "If", etag, last_modified, not_modified=True)


def check_copy_source_conditions(params: dict, etag: str, last_modified: float, now: float | None = None):
    """x-amz-copy-source-if-* headers: every failure is 412, with the same precedence; a
    future x-amz-copy-source-if-modified-since is ignored, as a read's If-Modified-Since."""
    if now is not None and params.get("CopySourceIfModifiedSince") is not None and \
            _seconds(params["CopySourceIfModifiedSince"]) > now:
        params = {k: v for k, v in params.items() if k != "CopySourceIfModifiedSince"}
    _check_conditions(params, "CopySourceIf", "x-amz-copy-source-If", etag, last_modified, not_modified=False)


def _check_conditions(params, member_prefix, header_prefix, etag, last_modified, not_modified):
    """The four conditions under `<member_prefix>Match` etc.; a failed None-Match or
    Modified-Since raises 304 NotModified when `not_modified`, else 412 naming the header."""
    def failed(condition):
        if not_modified and condition in ("None-Match", "Modified-Since"):
            return errors.error("NotModified")
        return errors.error("PreconditionFailed", Condition=f"{header_prefix}-{condition}")

    if_match = params.get(member_prefix + "Match")
    if_none_match = params.get(member_prefix + "NoneMatch")
    modified_since = params.get(member_prefix + "ModifiedSince")
    unmodified_since = params.get(member_prefix + "UnmodifiedSince")
    modified = _seconds(last_modified)
    if if_match is not None:
        if not _etag_in(if_match, etag):
            raise failed("Match")
    elif unmodified_since is not None and modified > _seconds(unmodified_since):
        raise failed("Unmodified-Since")
    if if_none_match is not None:
        if _etag_in(if_none_match, etag):
            raise failed("None-Match")
    elif modified_since is not None and modified <= _seconds(modified_since):
        raise failed("Modified-Since")


def check_write_conditions(params: dict, current_etag: str | None):
    """Conditional writes: `If-None-Match: *` needs no object; `If-Match` needs this one."""
    if_none_match = params.get("IfNoneMatch")
    if_match = params.get("IfMatch")
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise errors.error("NotImplemented", "A header you provided implies functionality that is not implemented",
                               Header="If-None-Match")
        if current_etag is not None:
            raise errors.error("PreconditionFailed", Condition="If-None-Match")
    if if_match is not None:
        if current_etag is None:
            raise errors.error("NoSuchKey", Key=params.get("Key"))
        if not _etag_in(if_match, current_etag):
            raise errors.error("PreconditionFailed", Condition="If-Match")


# ---- tags ------------------------------------------------------------------------

def parse_tagging_header(header: str) -> list[dict]:
    """x-amz-tagging is URL-query encoded: k1=v1&k2=v2."""
    pairs = urllib.parse.parse_qsl(header, keep_blank_values=True)
    return [{"Key": k, "Value": v} for k, v in pairs]


def check_tags(tags: list[dict], which: str):
    """Object (`OBJECT_TAGS`) or bucket (`BUCKET_TAGS`) tags, by S3's rules in the kit."""
    pairs = [(tag.get("Key", ""), tag.get("Value", "")) for tag in tags]
    kit_tags.check_count(which, pairs)
    kit_tags.check_tags(which, pairs)


# ---- listing ---------------------------------------------------------------------

def prefix_upper_bound(prefix: str) -> str | None:
    """The least string above every string that starts with `prefix` (None: no bound).

    Python compares code points and SQLite compares UTF-8 bytes; UTF-8 keeps code point
    order, so the bound is right for both.
    """
    chars = list(prefix)
    while chars and ord(chars[-1]) == _MAX_CHAR:
        chars.pop()
    if not chars:
        return None
    following = ord(chars[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:          # surrogates are not valid in keys
        following = 0xE000
    chars[-1] = chr(following)
    return "".join(chars)


def common_prefix(key: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter:
        return None
    at = key.find(delimiter, len(prefix))
    return None if at < 0 else key[:at + len(delimiter)]


@dataclass
class Page:
    items: list = field(default_factory=list)       # rows, in key order
    prefixes: list = field(default_factory=list)    # common prefixes, in order
    truncated: bool = False
    last: str | None = None                         # key or common prefix listed last


def list_page(rows, seek_from, prefix: str, delimiter: str | None, max_items: int,
              marker: str | None = None) -> Page:
    """One page of a listing: rows, with keys rolled up into common prefixes.

    `rows` yields (key, row) pairs in key order from where the page starts;
    `seek_from(key)` yields pairs with keys >= key. After each common prefix we seek past
    every key under it, so a prefix holding a million keys costs one index seek. A common
    prefix equal to `marker` was the last entry of the previous page: it is skipped.
    """
    page = Page()
    if max_items <= 0:
        return page
    count = 0
    while rows is not None:
        source, rows = rows, None
        for key, row in source:
            rolled = common_prefix(key, prefix, delimiter)
            if rolled is not None and rolled == marker:
                rows = _past(rolled, seek_from)
                break
            if count == max_items:
                page.truncated = True
                return page
            count += 1
            if rolled is None:
                page.items.append(row)
                page.last = key
                continue
            page.prefixes.append(rolled)
            page.last = rolled
            rows = _past(rolled, seek_from)
            break
    return page


def _past(common: str, seek_from):
    bound = prefix_upper_bound(common)
    return iter(()) if bound is None else seek_from(bound)


def encode_token(position: str) -> str:
    return base64.urlsafe_b64encode(position.encode("utf-8")).decode("ascii")


def decode_token(token: str) -> str:
    try:
        return base64.b64decode(token.encode("ascii"), altchars=b"-_", validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise errors.error("InvalidArgument", "The continuation token provided is incorrect",
                           ArgumentName="continuation-token", ArgumentValue=token)


def url_encode(value: str | None, encoding_type: str | None) -> str | None:
    """encoding-type=url: keys and prefixes come back percent-encoded, a space as %20 as
    S3 writes it (recorded against AWS, issue 15); botocore unquotes them."""
    if value is None or encoding_type != "url" or _URL_SAFE.match(value):
        return value
    return urllib.parse.quote(value, safe="/")


def is_account_id(text: str) -> bool:
    """Twelve digits, as an AWS account id is written."""
    return _ACCOUNT_ID.match(text) is not None


def page_size(params, member: str, argument: str, cap: int = 1000) -> int:
    """A listing's page size (MaxKeys, MaxParts, MaxUploads): a negative one is refused in
    S3's words, one over the cap is served at the cap."""
    value = params.get(member, cap)
    if value < 0:
        raise errors.error("InvalidArgument", f"Argument {argument} must be an integer between 0 and 2147483647",
                           ArgumentName=argument, ArgumentValue=str(value))
    return min(value, cap)


def name_rules(rules: list):
    """Names each rule given no ID, or an empty one (S3 makes one up), and refuses an ID
    over 255 characters or used twice (InvalidArgument), as S3 does for lifecycle and
    replication rules."""
    seen = set()
    for rule in rules:
        if not rule.get("ID"):
            rule["ID"] = secrets.token_hex(16)
        if len(rule["ID"]) > 255:
            raise errors.error("InvalidArgument", "ID length should not exceed allowed limit of 255",
                               ArgumentName="ID", ArgumentValue=rule["ID"])
        if rule["ID"] in seen:
            raise errors.error("InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule")
        seen.add(rule["ID"])
