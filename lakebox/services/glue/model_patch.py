"""Where botocore's Glue model differs from the service, applied when the model is loaded
(`lakebox/aws/specs.py`; see "model patches" in `lakebox/services/__init__.py`).

PATTERN_ERRATA: the model gives schema definitions the pattern `.*\\S.*`, which, held to as
Java's `Matcher.matches()` holds to it (`.` stops at a line end), refuses any definition
written on several lines; Glue registers them (a .proto file always is, and the schema
registry's Protobuf serializer sends it as it is). The definition is judged by its data
format instead (`schema_compat.py`).

The model gives resource ARNs (GetTags, TagResource, UntagResource and the resource
policy calls) an `arn:aws...:glue:.*` pattern that Glue does not check at the door: a
GetTags of `not-an-arn` is InvalidInputException with no message (recorded from Glue:
radkawar/stackd testdata/aws/glue/controls_native.json, get-tags-malformed-arn), not a
ValidationException; the tagging and policy calls refuse it themselves.
"""
PATTERN_ERRATA = ("SchemaDefinitionString", "GlueResourceArn")
