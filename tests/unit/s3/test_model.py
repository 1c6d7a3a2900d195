"""S3's pure rules: names, ranges, conditions, ETags, tags, listing pages."""
import datetime
import hashlib

import pytest

from lakebox.aws.errors import ServiceError
from lakebox.services.s3 import model

from s3_unit_helpers import raises_s3


@pytest.mark.parametrize("name", ["abc", "my-bucket", "my.bucket.1", "a" * 63, "1bucket", "bucket9"])
def test_valid_bucket_names(name):
    assert model.is_valid_bucket_name(name)


@pytest.mark.parametrize("name", [
    "ab", "a" * 64, "MyBucket", "my_bucket", "-bucket", "bucket-", ".bucket", "bucket.", "my..bucket",
    "192.168.5.4", "xn--bucket", "sthree-bucket", "amzn-s3-demo-bucket", "bucket-s3alias", "bucket--ol-s3",
    "bucket.mrap", "bucket--x-s3", "bucket--table-s3", "buck et",
])
def test_invalid_bucket_names(name):
    assert not model.is_valid_bucket_name(name)


def test_key_length_is_counted_in_utf8_bytes():
    model.check_key("é" * 512)                      # 1,024 bytes
    with raises_s3("KeyTooLongError") as raised:
        model.check_key("é" * 512 + "x")
    assert raised.value.fields == {"Size": 1025, "MaxSizeAllowed": 1024}


@pytest.mark.parametrize("header,size,expected", [
    ("bytes=0-9", 100, (0, 9)),
    ("bytes=90-200", 100, (90, 99)),          # end clipped to the last byte
    ("bytes=50-", 100, (50, 99)),             # open range
    ("bytes=-10", 100, (90, 99)),             # suffix
    ("bytes=-500", 100, (0, 99)),             # suffix longer than the object
    ("bytes=5-5", 100, (5, 5)),
    (None, 100, None),
    ("bytes=9-2", 100, None),                 # invalid: ignored, whole object
    ("bytes=0-1,4-5", 100, None),             # several ranges: ignored
    ("items=0-1", 100, None),
    ("bytes=-", 100, None),
])
def test_parse_range(header, size, expected):
    assert model.parse_range(header, size) == expected


@pytest.mark.parametrize("header,size", [("bytes=100-", 100), ("bytes=100-200", 100), ("bytes=0-", 0),
                                         ("bytes=-0", 100), ("bytes=-5", 0)])
def test_unsatisfiable_ranges(header, size):
    with raises_s3("InvalidRange") as raised:
        model.parse_range(header, size)
    assert raised.value.status == 416
    assert raised.value.fields == {"RangeRequested": header, "ActualObjectSize": size}


def test_multipart_etag_is_md5_of_part_md5s():
    parts = [hashlib.md5(b"a").hexdigest(), hashlib.md5(b"b").hexdigest()]
    expected = hashlib.md5(hashlib.md5(b"a").digest() + hashlib.md5(b"b").digest()).hexdigest() + "-2"
    assert model.multipart_etag(parts) == expected


T = 1_700_000_000.5
BEFORE = datetime.datetime.fromtimestamp(T - 10, datetime.timezone.utc)
AFTER = datetime.datetime.fromtimestamp(T + 10, datetime.timezone.utc)
SAME_SECOND = datetime.datetime.fromtimestamp(int(T), datetime.timezone.utc)


@pytest.mark.parametrize("params,outcome", [
    ({"IfMatch": '"abc"'}, None),
    ({"IfMatch": '"other", "abc"'}, None),
    ({"IfMatch": "*"}, None),
    ({"IfMatch": '"other"'}, "PreconditionFailed"),
    ({"IfNoneMatch": '"abc"'}, "NotModified"),
    ({"IfNoneMatch": '"other"'}, None),
    ({"IfModifiedSince": AFTER}, "NotModified"),
    ({"IfModifiedSince": SAME_SECOND}, "NotModified"),
    ({"IfModifiedSince": BEFORE}, None),
    ({"IfUnmodifiedSince": BEFORE}, "PreconditionFailed"),
    ({"IfUnmodifiedSince": SAME_SECOND}, None),
    # If-Match true overrides a failing If-Unmodified-Since (200)
    ({"IfMatch": '"abc"', "IfUnmodifiedSince": BEFORE}, None),
    # If-None-Match false (the ETag matches) answers 304 even if modified since
    ({"IfNoneMatch": '"abc"', "IfModifiedSince": BEFORE}, "NotModified"),
    # If-None-Match true overrides If-Modified-Since
    ({"IfNoneMatch": '"other"', "IfModifiedSince": AFTER}, None),
    ({"IfMatch": '"other"', "IfNoneMatch": '"abc"'}, "PreconditionFailed"),
])
def test_read_conditions(params, outcome):
    if outcome is None:
        model.check_read_conditions(params, "abc", T)
    else:
        with raises_s3(outcome):
            model.check_read_conditions(params, "abc", T)


def test_write_conditions():
    model.check_write_conditions({"IfNoneMatch": "*"}, None)
    with raises_s3("PreconditionFailed"):
        model.check_write_conditions({"IfNoneMatch": "*"}, "abc")
    model.check_write_conditions({"IfMatch": '"abc"'}, "abc")
    with raises_s3("PreconditionFailed"):
        model.check_write_conditions({"IfMatch": '"xyz"'}, "abc")
    with raises_s3("NoSuchKey"):
        model.check_write_conditions({"IfMatch": '"abc"', "Key": "k"}, None)


def test_tags():
    assert model.parse_tagging_header("a=1&b=two%20words&c=") == [
        {"Key": "a", "Value": "1"}, {"Key": "b", "Value": "two words"}, {"Key": "c", "Value": ""}]
    model.check_tags([{"Key": str(i), "Value": ""} for i in range(10)], model.OBJECT_TAGS)
    with pytest.raises(ServiceError, match="Object tags cannot be greater than 10") as caught:
        model.check_tags([{"Key": str(i), "Value": ""} for i in range(11)], model.OBJECT_TAGS)
    assert (caught.value.code, caught.value.status) == ("BadRequest", 400)
    with pytest.raises(ServiceError, match="same key") as caught:
        model.check_tags([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], model.OBJECT_TAGS)
    assert (caught.value.code, caught.value.fields) == ("InvalidTag", {"TagKey": "a"})
    with pytest.raises(ServiceError, match="aws:") as caught:
        model.check_tags([{"Key": "aws:x", "Value": "1"}], model.OBJECT_TAGS)
    assert caught.value.code == "InvalidTag"
    with pytest.raises(ServiceError, match="Bucket tag count cannot be greater than 50"):
        model.check_tags([{"Key": str(i), "Value": ""} for i in range(51)], model.BUCKET_TAGS)


@pytest.mark.parametrize("prefix,bound", [("a", "b"), ("a/", "a0"), ("", None), ("\U0010ffff", None),
                                          ("a\U0010ffff", "b"), ("\ud7ff", "\ue000")])
def test_prefix_upper_bound(prefix, bound):
    assert model.prefix_upper_bound(prefix) == bound


def _lister(keys):
    keys = sorted(keys)
    seeks = []

    def seek_from(start):
        seeks.append(start)
        return ((k, k) for k in keys if k >= start)
    return keys, seek_from, seeks


def _page(keys, prefix="", delimiter=None, max_items=1000, after=None):
    keys, seek_from, seeks = _lister(keys)
    start = [(k, k) for k in keys if k.startswith(prefix) and (after is None or k > after)]
    rows = iter(start)

    def bounded(key):
        return ((k, r) for k, r in seek_from(key) if k.startswith(prefix))
    return model.list_page(rows, bounded, prefix, delimiter, max_items, marker=after), seeks


def test_list_page_rolls_up_common_prefixes_with_one_seek_each():
    keys = [f"dir{d}/file{i:05d}" for d in range(3) for i in range(1000)] + ["top"]
    page, seeks = _page(keys, delimiter="/")
    assert page.items == ["top"]
    assert page.prefixes == ["dir0/", "dir1/", "dir2/"]
    assert seeks == ["dir00", "dir10", "dir20"]       # jumps past each prefix, no scan
    assert not page.truncated


def test_list_page_truncates_and_resumes_after_a_common_prefix():
    keys = ["a/1", "a/2", "b", "c/1", "d"]
    first, _ = _page(keys, delimiter="/", max_items=2)
    assert (first.prefixes, first.items, first.truncated, first.last) == (["a/"], ["b"], True, "b")
    second, _ = _page(keys, delimiter="/", max_items=2, after=first.last)
    assert (second.prefixes, second.items, second.truncated) == (["c/"], ["d"], False)
    resumed, _ = _page(keys, delimiter="/", max_items=1, after="a/")
    assert resumed.items == ["b"]                      # 'a/' itself is not listed again


def test_list_page_with_prefix_and_multi_character_delimiter():
    keys = ["logs--2024--a", "logs--2024--b", "logs--2025--a", "logsx"]
    page, _ = _page(keys, prefix="logs--", delimiter="--")
    assert page.prefixes == ["logs--2024--", "logs--2025--"]
    assert page.items == []


def test_list_page_zero_max_items():
    page, _ = _page(["a", "b"], max_items=0)
    assert (page.items, page.prefixes, page.truncated) == ([], [], False)


def test_url_encoding_of_listed_values():
    assert model.url_encode("a b/c+d&é", "url") == "a%20b/c%2Bd%26%C3%A9"     # a space is %20 (issue 15)
    assert model.url_encode("a b", None) == "a b"


def test_continuation_tokens_round_trip():
    for key in ["", "a", "ü/../x", "a" * 1024]:
        assert model.decode_token(model.encode_token(key)) == key
    with raises_s3("InvalidArgument"):
        model.decode_token("!!!")


def test_upload_ids_never_start_like_a_command_line_option():
    from lakebox.services.s3.multipart import _new_upload_id
    assert all(_new_upload_id()[0].isalnum() for _ in range(2000))
