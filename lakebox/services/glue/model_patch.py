"""Where botocore's Glue model differs from the service, applied when the model is loaded
(`lakebox/aws/specs.py`; see "model patches" in `lakebox/services/__init__.py`).

PATTERN_ERRATA: the model gives schema definitions the pattern `.*\\S.*`, which, held to as
Java's `Matcher.matches()` holds to it (`.` stops at a line end), refuses any definition
written on several lines; Glue registers them (a .proto file always is, and the schema
registry's Protobuf serializer sends it as it is). The definition is judged by its data
format instead (`schema_compat.py`).
"""
PATTERN_ERRATA = ("SchemaDefinitionString",)
