"""The StorageDescriptor and table parameters a crawler writes for each format: the
Hive input/output formats, the SerDe and its parameters, and the statistics Glue
keeps in `Parameters` (recordCount, averageRecordSize, objectCount, sizeKey, ...)."""
from lakebox.services.glue import infer

TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
LAZY_SIMPLE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"

_FIXED = {
    "parquet": ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", {"serialization.format": "1"}),
    "orc": ("org.apache.hadoop.hive.ql.io.orc.OrcInputFormat", "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
            "org.apache.hadoop.hive.ql.io.orc.OrcSerde", {"serialization.format": "1"}),
    "avro": ("org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
             "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
             "org.apache.hadoop.hive.serde2.avro.AvroSerDe", {}),
}
GROK_SERDE = "com.amazonaws.glue.serde.GrokSerDe"
XML_INPUT = "com.amazonaws.glue.serde.xml.XmlInputFormat"
XML_SERDE = "com.amazonaws.glue.serde.xml.XmlSerDe"


def serde_of(schema) -> tuple[str, str, str, dict, dict]:
    """(InputFormat, OutputFormat, SerializationLibrary, SerDe parameters, extra table
    parameters) for a file schema (`classify.FileSchema`)."""
    kind = schema.classification
    if kind in _FIXED:
        input_format, output_format, library, serde_params = _FIXED[kind]
        serde_params = dict(serde_params)
        extra = {"avro.schema.literal": schema.details["avro.schema"]} if kind == "avro" else {}
        return input_format, output_format, library, serde_params, extra
    details = schema.details
    if kind == "json" or "jsonPath" in details:
        serde_params = {"paths": ",".join(name for name, _ in schema.columns)}
        extra = {"jsonPath": details["jsonPath"]} if "jsonPath" in details else {}
        return TEXT_INPUT, TEXT_OUTPUT, JSON_SERDE, serde_params, extra
    if "rowTag" in details:
        return XML_INPUT, TEXT_OUTPUT, XML_SERDE, {}, {"rowTag": details["rowTag"]}
    if kind == "csv":
        delimiter = details["delimiter"]
        extra = {"delimiter": delimiter, "areColumnsQuoted": "false", "columnsOrdered": "true"}
        if details.get("header"):
            extra["skip.header.line.count"] = "1"
        if details.get("serde") == "LazySimpleSerDe":
            return TEXT_INPUT, TEXT_OUTPUT, LAZY_SIMPLE, {"field.delim": delimiter}, extra
        if details.get("quoted") or details.get("serde") == "OpenCSVSerDe":
            extra["areColumnsQuoted"] = "true"
            return TEXT_INPUT, TEXT_OUTPUT, OPEN_CSV, {"separatorChar": delimiter,
                                                       "quoteChar": details.get("quote") or '"'}, extra
        return TEXT_INPUT, TEXT_OUTPUT, LAZY_SIMPLE, {"field.delim": delimiter}, extra
    pattern = details.get("pattern")
    if pattern:
        serde_params = {"input.format": pattern}
        if details.get("custom"):
            serde_params["input.grokCustomPatterns"] = details["custom"]
        return TEXT_INPUT, TEXT_OUTPUT, GROK_SERDE, serde_params, {"grokPattern": pattern}
    return TEXT_INPUT, TEXT_OUTPUT, LAZY_SIMPLE, {}, {}


def statistics(files) -> dict:
    """Glue's statistics parameters for a set of crawled files."""
    records = sum(f.schema.records for f in files)
    size = sum(f.size for f in files)
    compressions = {f.schema.compression for f in files}
    return {"recordCount": str(records), "averageRecordSize": str(size // records if records else 0),
            "objectCount": str(len(files)), "sizeKey": str(size),
            "compressionType": compressions.pop() if len(compressions) == 1 else "none"}


def parameters(schema, files, crawler_name: str) -> dict:
    *_, extra = serde_of(schema)
    params = {"classification": schema.classification, "typeOfData": "file",
              "CrawlerSchemaDeserializerVersion": "1.0", "CrawlerSchemaSerializerVersion": "1.0",
              "UPDATED_BY_CRAWLER": crawler_name}
    params.update(extra)
    params.update(statistics(files))
    return params


def storage_descriptor(schema, columns, location: str, params: dict) -> dict:
    input_format, output_format, library, serde_params, _ = serde_of(schema)
    return {
        "Columns": [{"Name": name, "Type": infer.hive(t)} for name, t in columns],
        "Location": location, "InputFormat": input_format, "OutputFormat": output_format,
        "Compressed": params.get("compressionType", "none") != "none", "NumberOfBuckets": -1,
        "SerdeInfo": {"SerializationLibrary": library, "Parameters": serde_params},
        "BucketColumns": [], "SortColumns": [], "Parameters": params, "StoredAsSubDirectories": False,
    }


def table_input(plan, crawler_name: str, name: str) -> dict:
    """The TableInput for a planned table (`layout.TablePlan`)."""
    params = parameters(plan.sample, plan.files, crawler_name)
    return {
        "Name": name, "Owner": "owner", "Retention": 0, "TableType": "EXTERNAL_TABLE", "Parameters": params,
        "PartitionKeys": [{"Name": key, "Type": "string"} for key in plan.partition_keys],
        "StorageDescriptor": storage_descriptor(plan.sample, plan.columns, plan.location, params),
    }


def partition_input(plan, partition, crawler_name: str, inherit: bool = False) -> dict:
    """A partition's input: its own files' schema, or the table's when the crawler's
    Configuration says `"AddOrUpdateBehavior": "InheritFromTable"`."""
    params = parameters(plan.sample, partition.files, crawler_name)
    columns = plan.columns if inherit else partition.columns()
    return {"Values": partition.values, "Parameters": params,
            "StorageDescriptor": storage_descriptor(plan.sample, columns, partition.location, params)}
