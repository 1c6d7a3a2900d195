"""S3 Select's errors: each code with S3's words (S3 API reference, "Error responses":
List of SELECT Object Content error codes). All are 400 Bad Request."""
from lakebox.aws.errors import AwsError
from lakebox.engine import s3select

MESSAGES = {
    **s3select.MESSAGES,
    "InvalidExpressionType": "The ExpressionType value is not valid. Only SQL expressions are supported.",
    "MissingRequiredParameter":
        "The SelectRequest entity is missing a required parameter. Check the service documentation and try again.",
    "ObjectSerializationConflict":
        "The InputSerialization specified more than one format (CSV, JSON, or Parquet), or OutputSerialization "
        "specified more than one format (CSV or JSON). For InputSerialization and OutputSerialization, you can "
        "specify only one format each.",
    "InvalidCompressionFormat":
        "The file is not in a supported compression format. Only GZIP and BZIP2 are supported.",
    "InvalidFileHeaderInfo": "The FileHeaderInfo value is not valid. Only NONE, USE, and IGNORE are supported.",
    "InvalidJsonType": "The JsonType value is not valid. Only DOCUMENT and LINES are supported.",
    "InvalidQuoteFields": "The QuoteFields value is not valid. Only ALWAYS and ASNEEDED are supported.",
    "InvalidRequestParameter":
        "The value of a parameter in the SelectRequest element is not valid. Check the service documentation and "
        "try again.",
    "UnsupportedScanRangeInput": "Scan range queries are not supported on this type of object.",
    "TruncatedInput": "Object decompression failed. Check that the object is properly compressed using the format "
                      "specified in the request.",
    "InvalidTextEncoding": "Invalid encoding type. Only UTF-8 encoding is supported.",
    "CSVParsingError": "An error occurred while parsing the CSV file. Check the file and try again.",
    "JSONParsingError": "An error occurred while parsing the JSON file. Check the file and try again.",
    "ParquetParsingError": "An error occurred while parsing the Parquet file. Check the file and try again.",
    "OverMaxRecordSize":
        "The length of a record in the input or result is greater than the maxCharsPerRecord limit of 1 MB.",
    "MissingHeaders": "Some headers in the query are missing from the file. Check the file and try again.",
    "AmbiguousFieldName":
        "The field name matches to multiple fields in the file. Check the SQL expression and the file, and try again.",
    "InvalidColumnIndex": "The column index in the SQL expression is not valid.",
    "EvaluatorBindingDoesNotExist": "A column name or a path provided does not exist in the SQL expression.",
    "CastFailed": "An attempt to convert from one data type to another using CAST failed in the SQL expression.",
    "IncorrectSqlFunctionArgumentType":
        "An incorrect argument type was specified in a function call in the SQL expression.",
}


def error(code: str) -> AwsError:
    return AwsError(code, MESSAGES[code], 400)
