"""Audit of issue 11 against the developer guide's "Custom Prefixes for Amazon S3 Objects"
rules, as a user checks them with boto3: object names exactly as Firehose writes them
(`<prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><ext>`, the version the
stream's configuration version), where failed records go when no ErrorOutputPrefix is
given, the documented example prefixes, and ErrorOutputPrefix's own rule."""
import datetime
import json
import re
import uuid

import pytest
from botocore.exceptions import ClientError

from firehose_helpers import ROLE, wait_for_objects

pytestmark = pytest.mark.local_only      # the clock is moved to flush

ERRORS = "errors/!{firehose:error-output-type}/"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _suffix(name, version, extension=""):
    """The suffix Firehose gives every object; group 1 the time, which names the folders too."""
    return (rf"{re.escape(name)}-{version}-(\d{{4}})-(\d{{2}})-(\d{{2}})-(\d{{2}})-\d{{2}}-\d{{2}}-{UUID}"
            + re.escape(extension))


def test_gzip_object_name_and_the_version_after_update_destination(firehose, s3, bucket, make_stream, clock):
    name = make_stream(Prefix="raw/", CompressionFormat="GZIP", BufferingHints={"SizeInMBs": 1,
                                                                                "IntervalInSeconds": 60})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"one\n"})
    clock(61)
    (first,), = [list(wait_for_objects(s3, bucket, "raw/"))]
    match = re.fullmatch(r"raw/(\d{4})/(\d{2})/(\d{2})/(\d{2})/" + _suffix(name, 1, ".gz"), first)
    assert match, first
    assert match.groups()[:4] == match.groups()[4:]      # folders and name tell the same hour

    firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                                DestinationId="destinationId-000000000001",
                                ExtendedS3DestinationUpdate={"Prefix": "v2/", "CompressionFormat": "UNCOMPRESSED"})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"two\n"})
    clock(61)
    (second, body), = wait_for_objects(s3, bucket, "v2/").items()
    assert re.fullmatch(r"v2/\d{4}/\d{2}/\d{2}/\d{2}/" + _suffix(name, 2), second), second
    assert body == b"two\n"


def test_failed_records_go_under_the_plain_prefix_when_no_error_prefix_is_given(firehose, s3, bucket,
                                                                                  make_stream, clock):
    """Semantic rules: "ErrorOutputPrefix can be null only if Prefix contains no
    expressions. In this case ... ErrorOutputPrefix evaluates to <specified-prefix>
    <error-output-type>YYYY/MM/DD/HH/"; the guide's example: myFirehosePrefix ->
    myFirehosePrefix/processing-failed/2018/08/27/."""
    name = make_stream(Prefix="app/", BufferingHints={"IntervalInSeconds": 60}, DataFormatConversionConfiguration={
        "Enabled": True,
        "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": "no_such_db", "TableName": "no_such_table"},
        "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
        "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b'{"id": 1}'})
    clock(61)
    (key, body), = wait_for_objects(s3, bucket).items()
    assert re.fullmatch(r"app/format-conversion-failed/\d{4}/\d{2}/\d{2}/\d{2}/" + _suffix(name, 1), key), key
    assert json.loads(body)["lastErrorCode"] == "DataFormatConversion.InvalidSchema"


def test_the_guides_example_prefixes(firehose, s3, bucket, make_stream, clock):
    """The guide's fourth example: quoted literals inside one timestamp expression, the
    error type at the end of the error prefix."""
    name = make_stream(
        Prefix="myPrefix/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
        ErrorOutputPrefix="myErrorPrefix/!{timestamp:'year='yyyy'/month='MM'/day='dd'/hour='HH}/"
                          "!{firehose:error-output-type}",
        BufferingHints={"IntervalInSeconds": 60})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"x"})
    clock(61)
    (key, body), = wait_for_objects(s3, bucket).items()
    match = re.fullmatch(r"myPrefix/year=(\d{4})/month=(\d{2})/day=(\d{2})/hour=(\d{2})/" + _suffix(name, 1), key)
    assert match, key
    assert match.groups()[:4] == match.groups()[4:]
    assert body == b"x"


def test_an_error_prefix_with_expressions_must_name_the_error_type(firehose, bucket):
    """Semantic rules: "If you specify an expression for ErrorOutputPrefix, you must
    include at least one instance of !{firehose:error-output-type}"."""
    name = f"audit-{uuid.uuid4().hex[:10]}"
    code, message = _error(firehose.create_delivery_stream, DeliveryStreamName=name,
                           ExtendedS3DestinationConfiguration={
                               "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                               "Prefix": "data/!{timestamp:yyyy}/", "ErrorOutputPrefix": "errors/!{timestamp:yyyy}/"})
    assert code == "InvalidArgumentException"
    # the rule is documented; the words after the recorded constraint prefix are lakebox's
    assert message.startswith("Ths supplied prefix(es) do not satisfy the following constraint: ")
    assert "!{firehose:error-output-type}" in message
    assert name not in firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]


def test_a_week_based_year_turns_with_the_sunday_week_that_holds_january_first(firehose, s3, bucket, make_stream,
                                                                                 clock):
    """On a December 31st that is a Thursday, Friday or Sunday, `YYYY` is already the next
    year and `w` is 1: DateTimeFormatter's en_US week fields count weeks from Sunday, week
    1 holding January 1st (ISO's weeks would still say the old year, week 53 or 52)."""
    now = datetime.datetime.fromisoformat(clock(0)["now"].replace("Z", "+00:00"))
    year = now.year
    while datetime.date(year, 12, 31).weekday() not in (3, 4, 6) or \
            datetime.datetime(year, 12, 31, 12, tzinfo=datetime.timezone.utc) <= now:
        year += 1
    clock((datetime.datetime(year, 12, 31, 12, tzinfo=datetime.timezone.utc) - now).total_seconds())
    name = make_stream(Prefix="weeks/year=!{timestamp:YYYY}/week=!{timestamp:w}/calendar=!{timestamp:yyyy}/",
                       ErrorOutputPrefix=ERRORS, BufferingHints={"IntervalInSeconds": 60})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"x"})
    clock(61)
    (key,), = [list(wait_for_objects(s3, bucket, "weeks/"))]
    assert key.startswith(f"weeks/year={year + 1}/week=1/calendar={year}/{name}-1-{year}-12-31-12-"), key


def test_a_week_based_year_and_a_quarter_are_patterns_java_knows(firehose, s3, bucket, make_stream, clock):
    """`YYYY` (the week-based year) is the classic slip for `yyyy`; DateTimeFormatter
    takes it, and so does Firehose: the stream is created and delivers."""
    name = make_stream(Prefix="logs/!{timestamp:YYYY}/q=!{timestamp:Q}/", ErrorOutputPrefix=ERRORS,
                       BufferingHints={"IntervalInSeconds": 60})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"x"})
    clock(61)
    (key,), = [list(wait_for_objects(s3, bucket))]
    assert re.fullmatch(r"logs/\d{4}/q=[1-4]/" + _suffix(name, 1), key), key


@pytest.mark.parametrize("pattern", ["MMMMMM", "EEEEEE", "aa"])
def test_more_pattern_letters_than_java_takes_are_refused(firehose, bucket, pattern):
    """DateTimeFormatter refuses six letters of text ("Too many pattern letters") and a
    doubled am/pm marker, so no stream is made with them (the words after the code are
    lakebox's: AWS's are not recorded)."""
    name = f"audit-{uuid.uuid4().hex[:10]}"
    code, message = _error(firehose.create_delivery_stream, DeliveryStreamName=name,
                           ExtendedS3DestinationConfiguration={
                               "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                               "Prefix": f"data/!{{timestamp:{pattern}}}/", "ErrorOutputPrefix": ERRORS})
    assert code == "InvalidArgumentException" and f"!{{timestamp:{pattern}}}" in message
    assert name not in firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]


def test_five_letters_of_text_are_the_narrow_form(firehose, s3, bucket, make_stream, clock):
    """MMMMM is the month's initial and QQQQQ the quarter's number (the narrow forms)."""
    name = make_stream(Prefix="narrow/m=!{timestamp:MMMMM}/q=!{timestamp:QQQQQ}/", ErrorOutputPrefix=ERRORS,
                       BufferingHints={"IntervalInSeconds": 60})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"x"})
    now = datetime.datetime.fromisoformat(clock(61)["now"].replace("Z", "+00:00")) - datetime.timedelta(seconds=61)
    (key,), = [list(wait_for_objects(s3, bucket, "narrow/"))]
    assert key.startswith(f"narrow/m={now.strftime('%B')[0]}/q={(now.month - 1) // 3 + 1}/{name}-1-"), key
