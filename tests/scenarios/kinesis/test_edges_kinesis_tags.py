"""Which characters a Kinesis tag may hold, as Kinesis itself answers.

Source: kinesalite's addTagsToStream and removeTagsFromStream tests, recorded against
live Kinesis: `;`, `,`, tab and newline in a key or value are refused with "Some tags
contain invalid characters. ..."; `%` passes that check and is refused by a second one
naming the stream and account; letters (any script), digits, the space and
`_ . / = + - @` are accepted. Keys named for removal are checked the same way.
"""
import pytest

from kinesis_helpers import ACCOUNT
from kinesis_helpers import error_of

INVALID = ("InvalidArgumentException",
           "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, "
           "_ . / = + - % @.")
PERCENT_TAIL = ("because some tags contained illegal characters. The allowed characters are Unicode letters, "
                "white-spaces, '_',',','/','=','+','-','@'.")
BAD_TEXT = {"semicolon": "abc;def", "comma": "abc,def", "tab": "abc\tdef", "newline": "abc\ndef"}


def _arn(name):
    return f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{name}"


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_a_key_or_value_with_a_refused_character_is_invalid(kinesis, make_stream, text):
    name = make_stream()
    for tags in ({text: "1"}, {"a": text}):
        with pytest.raises(kinesis.exceptions.ClientError) as raised:
            kinesis.add_tags_to_stream(StreamName=name, Tags=tags)
        assert error_of(raised) == INVALID
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.remove_tags_from_stream(StreamName=name, TagKeys=[text])
    assert error_of(raised) == INVALID
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == []


def test_percent_is_refused_in_the_words_of_the_operation(kinesis, make_stream):
    name = make_stream()
    for tags in ({"abc%def": "1"}, {"a": "abc%def"}):
        with pytest.raises(kinesis.exceptions.ClientError) as raised:
            kinesis.add_tags_to_stream(StreamName=name, Tags=tags)
        assert error_of(raised) == (
            "InvalidArgumentException", f"Failed to add tags to stream {name} under account {ACCOUNT} {PERCENT_TAIL}")
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["abc%def"])
    assert error_of(raised) == (
        "InvalidArgumentException", f"Failed to remove tags from stream {name} under account {ACCOUNT} {PERCENT_TAIL}")


def test_tag_resource_by_arn_follows_the_same_rules(kinesis, make_stream):
    name = make_stream()
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.tag_resource(ResourceARN=_arn(name), Tags={"a;b": "1"})
    assert error_of(raised) == INVALID
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.untag_resource(ResourceARN=_arn(name), TagKeys=["a%b"])
    assert error_of(raised)[1].startswith(f"Failed to remove tags from stream {name} under account {ACCOUNT}")


def test_create_stream_refuses_bad_tags_and_creates_nothing(kinesis):
    name = "tags-refused-at-creation"
    with pytest.raises(kinesis.exceptions.ClientError) as raised:
        kinesis.create_stream(StreamName=name, ShardCount=1, Tags={"a\tb": "1"})
    assert error_of(raised) == INVALID
    assert name not in kinesis.list_streams()["StreamNames"]


def test_letters_of_any_script_digits_space_and_the_listed_signs_are_accepted(kinesis, make_stream):
    name = make_stream()
    tags = {"a": "a", "ü0 _.": "a", "/=+-@": "a", "b": "ü0 _./=+-@", "c": "", "日本語": "値"}
    kinesis.add_tags_to_stream(StreamName=name, Tags=tags)
    listed = {t["Key"]: t["Value"] for t in kinesis.list_tags_for_stream(StreamName=name)["Tags"]}
    assert listed == tags
    kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["ü0 _.", "/=+-@"])
    assert set(t["Key"] for t in kinesis.list_tags_for_stream(StreamName=name)["Tags"]) == {"a", "b", "c", "日本語"}
