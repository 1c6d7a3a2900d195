"""A data engineer writes a crawler's Configuration by hand, as the Developer Guide's
"Customizing crawler behavior" pages show it, and gets it wrong a few times before
getting it right: a document without its Version, a Version written as the string
"1.0", a stray brace in UpdateCrawler, and an Iceberg-only crawler created without a
DatabaseName are each refused with Glue's words, and nothing of a refused call is kept
(the crawler's Configuration stays the one last accepted, byte for byte). Stopping the
idle crawler is refused too."""
import json
import uuid

from trip_helpers import error_of

ROLE = "arn:aws:iam::000000000000:role/GlueCrawlerRole-trip11"
NOT_VALID = "Crawler configuration not valid: "


def test_configuration_mistakes_are_refused(client, bucket, database):
    glue = client("glue")
    name = f"tuned-{uuid.uuid4().hex[:8]}"
    targets = {"S3Targets": [{"Path": f"s3://{bucket}/events/"}]}
    grouping = {"Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}}
    assert error_of(glue.create_crawler, Name=name, Role=ROLE, DatabaseName=database, Targets=targets,
                    Configuration=json.dumps(grouping)) == (
        "InvalidInputException", NOT_VALID + "Crawler configuration missing required key: Version.")
    assert error_of(glue.create_crawler, Name=name, Role=ROLE, DatabaseName=database, Targets=targets,
                    Configuration=json.dumps({"Version": "1.0", **grouping})) == (
        "InvalidInputException", NOT_VALID + "Version type invalid: expected Double, received String")
    assert error_of(glue.get_crawler, Name=name)[0] == "EntityNotFoundException"

    accepted = '{"Version": 1.0, "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}}'
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database, Targets=targets, Configuration=accepted)
    try:
        _refusals_after_create(glue, bucket, name, accepted)
    finally:
        glue.delete_crawler(Name=name)


def _refusals_after_create(glue, bucket, name, accepted):
    assert error_of(glue.update_crawler, Name=name,
                    Configuration='{"Version": 1.0, "CrawlerOutput": {"Tables": {"AddOrUpdateBehavior": '
                                  '"MergeNewColumns"}}') == ("InvalidInputException", NOT_VALID + "Error parsing JSON")
    assert glue.get_crawler(Name=name)["Crawler"]["Configuration"] == accepted

    assert error_of(glue.create_crawler, Name=f"{name}-ice", Role=ROLE,
                    Targets={"IcebergTargets": [{"Paths": [f"s3://{bucket}/warehouse/"]}]}) == (
        "InvalidInputException",
        "You must provide the DatabaseName parameter when you specify a non-catalog targeted crawler. "
        "Specify the parameter.")
    assert error_of(glue.stop_crawler, Name=name) == ("CrawlerNotRunningException",
                                                      f"Crawler with name {name} is not running")
    assert glue.get_crawler(Name=name)["Crawler"]["State"] == "READY"
