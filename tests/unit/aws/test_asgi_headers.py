"""Response headers reach the wire whatever their characters (S3 User Guide, "Working
with object metadata": non-ASCII user metadata comes back RFC 2047-encoded)."""
from lakebox.aws.asgi import header_value


def test_header_values_beyond_latin_1_are_rfc_2047_encoded_words():
    assert header_value("plain é") == "plain é".encode("latin-1")
    assert header_value("a — b") == b"=?UTF-8?B?YSDigJQgYg==?="
