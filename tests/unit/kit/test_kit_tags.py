"""The kit's tag table: each service's rules and its own words for a broken one."""
import pytest

from lakebox.aws.errors import ServiceError
from lakebox.kit import tags


def _refusal(service, call, *args, **details):
    with pytest.raises(ServiceError) as caught:
        call(service, *args, **details)
    return caught.value


def test_every_row_names_a_code_for_each_refusal_it_makes():
    for service, rules in tags.RULES.items():
        assert rules.max_tags > 0 and rules.max_key == 128, service
        for kind, refusal in rules.refusals.items():
            assert kind in (tags.TOO_MANY, tags.DUPLICATE, tags.KEY_LENGTH, tags.VALUE_LENGTH, tags.KEY_CHARACTERS,
                            tags.VALUE_CHARACTERS, tags.CHARACTERS, tags.REFUSED, tags.AWS_PREFIX), service
            assert refusal.code, service


def test_kinesis_refuses_tab_newline_semicolon_and_comma_first_then_percent():
    details = {"account": "111122223333", "label": "stream s", "action": "add tags to"}
    for text in ("a\tb", "a\nb", "a;b", "a,b"):
        error = _refusal("kinesis", tags.check_tags, {text: "v"}, **details)
        assert error.code == "InvalidArgumentException" and error.message.startswith("Some tags contain invalid")
    error = _refusal("kinesis", tags.check_tags, {"a": "50%"}, **details)
    assert error.message.startswith("Failed to add tags to stream s under account 111122223333 because some")
    tags.check_tags("kinesis", {"ü0 _./=+-@": "日本"}, **details)


def test_kinesis_count_names_the_resource():
    error = _refusal("kinesis", tags.check_count, [str(i) for i in range(51)], account="1", label="consumer c", tail="")
    assert error.message == ("Failed to add tags to consumer c under account 1 because a given resource "
                             "cannot have more than 50 tags.")
    tags.check_count("kinesis", [str(i) for i in range(50)], account="1", label="consumer c")


def test_s3_rules_carry_the_tag_in_the_error():
    error = _refusal("s3-bucket", tags.check_tags, [("k", "x" * 257)])
    assert (error.code, error.status, error.fields) == ("InvalidTag", 400, {"TagKey": "k", "TagValue": "x" * 257})
    assert _refusal("s3-object", tags.check_tags, [("AWS:k", "")]).message == "Your TagKey cannot be prefixed with aws:"
    assert _refusal("s3-object", tags.check_tags, [("", "v")]).message == "The TagKey you have provided is invalid"


@pytest.mark.parametrize("which", ["s3-object", "s3-bucket"])
def test_s3_takes_letters_numbers_spaces_and_its_punctuation_and_compares_keys_case_sensitively(which):
    tags.check_tags(which, [("K", "1"), ("k", "2"), ("Ünïcode 日本 ٣", "a b\u00a0c"), ("_.:/=+-@", "_.:/=+-@"),
                            ("empty", "")])


@pytest.mark.parametrize("which", ["s3-object", "s3-bucket"])
@pytest.mark.parametrize("text", ["a,b", "a(b)", "a;b", "50%", "a\tb", "a\nb", "a#b", "a*b", "\"q\"", "a&b"])
def test_s3_refuses_other_characters_naming_the_key_or_the_value(which, text):
    key_error = _refusal(which, tags.check_tags, [(text, "v")])
    assert (key_error.code, key_error.message, key_error.fields) == (
        "InvalidTag", "The TagKey you have provided is invalid", {"TagKey": text})
    value_error = _refusal(which, tags.check_tags, [("k", text)])
    assert (value_error.code, value_error.message, value_error.fields) == (
        "InvalidTag", "The TagValue you have provided is invalid", {"TagKey": "k", "TagValue": text})


def test_a_rule_without_a_refusal_is_left_to_the_model():
    tags.check_tags("glue", {"k" * 200: "v"})        # Glue's model bounds key lengths
    assert _refusal("glue", tags.check_tags, {"aws:x": "v"}).code == "InvalidInputException"
