"""header_problem(): AWS's words for incomplete Authorization headers (recorded Kinesis replies)."""
import pytest

from lakebox.aws.signing import header_problem

DATED = {"x-amz-date": "20260101T000000Z"}
SDK = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, "
       "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64)


def test_what_an_sdk_sends_is_complete():
    assert header_problem(SDK, DATED) is None
    assert header_problem(SDK, {"date": "Thu, 01 Jan 2026 00:00:00 GMT"}) is None


def test_without_a_date_header_the_signature_is_incomplete():
    assert header_problem(SDK, {}) == ("Authorization header requires existence of either a 'X-Amz-Date' or a "
                                       f"'Date' header. Authorization={SDK}")


@pytest.mark.parametrize("header", ["AWS4- Signature=b Credential=a", "AWS4- Signature=b,Credential=a",
                                    "AWS4- Signature=b, Credential=a"])
def test_parts_may_be_separated_by_commas_spaces_or_both(header):
    assert header_problem(header, {"date": "a"}) == \
        f"Authorization header requires 'SignedHeaders' parameter. Authorization={header}"


@pytest.mark.parametrize("header", ["AWS4-HMAC-SHA256 Credential=a b, SignedHeaders=h, Signature=s",
                                    "AWS4-HMAC-SHA256 Credential=a,x, SignedHeaders=h, Signature=s"])
def test_a_stray_word_is_refused_even_among_all_three_parts(header):
    assert header_problem(header, DATED).startswith("Invalid key=value pair (missing equal-sign)")
