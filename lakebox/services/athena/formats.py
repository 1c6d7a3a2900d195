"""The Glue storage descriptors Athena writes for each file format (CTAS, STORED AS)."""
import re

_TEXT_IN = "org.apache.hadoop.mapred.TextInputFormat"
_TEXT_OUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

DESCRIPTORS = {
    "PARQUET": ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", {"serialization.format": "1"}),
    "ORC": ("org.apache.hadoop.hive.ql.io.orc.OrcInputFormat", "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
            "org.apache.hadoop.hive.ql.io.orc.OrcSerde", {"serialization.format": "1"}),
    "AVRO": ("org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
             "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
             "org.apache.hadoop.hive.serde2.avro.AvroSerDe", {}),
    "JSON": (_TEXT_IN, _TEXT_OUT, "org.openx.data.jsonserde.JsonSerDe", {}),
    "TEXTFILE": (_TEXT_IN, _TEXT_OUT, "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                 {"field.delim": "\x01", "serialization.format": "\x01"}),
}
CLASSIFICATION = {"PARQUET": "parquet", "ORC": "orc", "AVRO": "avro", "JSON": "json", "TEXTFILE": "csv"}


def storage_descriptor(file_format: str, location: str, columns: list[dict], serde: dict | None = None) -> dict:
    input_format, output_format, library, parameters = DESCRIPTORS[file_format]
    return {"Columns": columns, "Location": location, "InputFormat": input_format, "OutputFormat": output_format,
            "Compressed": False, "NumberOfBuckets": -1, "StoredAsSubDirectories": False,
            "SerdeInfo": {"SerializationLibrary": library, "Parameters": {**parameters, **(serde or {})}}}


def parse_with_properties(text: str) -> dict:
    """`format = 'PARQUET', partitioned_by = ARRAY['dt']` -> {"format": "PARQUET",
    "partitioned_by": ["dt"]} (names lower-cased)."""
    props = {}
    for match in re.finditer(r"(\w+)\s*=\s*(ARRAY\s*\[([^\]]*)\]|'((?:[^']|'')*)'|(\w+))", text or "", re.IGNORECASE):
        name = match.group(1).lower()
        if match.group(3) is not None:
            props[name] = re.findall(r"'((?:[^']|'')*)'", match.group(3))
        elif match.group(4) is not None:
            props[name] = match.group(4).replace("''", "'")
        else:
            props[name] = match.group(5)
    return props
