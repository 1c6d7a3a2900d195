"""What every engine behind the seam shares: its errors, in Athena's terms."""
import decimal
import re


class QueryCancelled(Exception):
    """The query was interrupted (StopQueryExecution, or a scan cut-off)."""


class ScanLimitExceeded(QueryCancelled):
    """The query scanned past its cut-off (`DuckQuery.limit_scan`) and was stopped."""

    def __init__(self, scanned: int):
        super().__init__(f"{scanned} bytes scanned")
        self.scanned = scanned


class EngineError(Exception):
    """A query that failed while planning or running. `error_name` is Trino's error
    name (`TABLE_NOT_FOUND`, `COLUMN_NOT_FOUND`, `TYPE_MISMATCH`, `NOT_SUPPORTED`, ...),
    `user_error` says whether the query (not the engine) is at fault."""

    def __init__(self, error_name: str, message: str, user_error: bool = True, subject: str | None = None):
        super().__init__(message)
        self.error_name = error_name
        self.message = message
        self.user_error = user_error
        self.subject = subject          # the column (`c` or `t.c`) Trino places the error at, if any

    @classmethod
    def from_duckdb(cls, error) -> "EngineError":
        text = str(error).strip()
        first = text.splitlines()[0] if text else type(error).__name__
        kind = type(error).__name__
        failure = re.search(r"lakebox-failure:([A-Z_]+):(.*)", first)     # a lakebox macro's error()
        if failure:
            return cls(failure.group(1), failure.group(2))
        for pattern, name, words in _TRINO_WORDS:
            found = re.search(pattern, first)
            if found:
                message = words(*found.groups()) if callable(words) else words.format(*found.groups())
                return cls("INVALID_CAST_ARGUMENT" if isinstance(message, _CastRefused) else name, str(message))
        for pattern, name, words in _COLUMN_WORDS:
            found = re.search(pattern, first)
            if found:
                subject = ".".join(part for part in found.groups() if part)
                return cls(name, words.format(subject), subject=subject)
        for pattern, name in _ERROR_NAMES:
            if re.search(pattern, first):
                return cls(name, _detail(first))
        if kind in ("BinderException", "ParserException", "ConversionException", "InvalidInputException",
                    "OutOfRangeException", "CatalogException", "NotImplementedException"):
            return cls("GENERIC_USER_ERROR" if kind != "NotImplementedException" else "NOT_SUPPORTED", _detail(first))
        return cls("GENERIC_INTERNAL_ERROR", _detail(first), user_error=False)


_ABS_TYPES = {"-128": "tinyint", "-32768": "smallint", "-2147483648": "integer"}

# DuckDB errors whose Trino name and words are known: (pattern, name, message template).
_TRINO_WORDS = [
    (r"Unknown TimeZone '(.*)'", "NOT_SUPPORTED", "Time zone not supported: {0}"),
    (r"Could not convert string '(.*)' to INT32\b", "INVALID_CAST_ARGUMENT", "Cannot cast '{0}' to INT"),
    (r"Could not convert string '(.*)' to INT64\b", "INVALID_CAST_ARGUMENT", "Cannot cast '{0}' to BIGINT"),
    (r"Could not convert string '(.*)' to INT16\b", "INVALID_CAST_ARGUMENT", "Cannot cast '{0}' to SMALLINT"),
    (r"Could not convert string '(.*)' to INT8\b", "INVALID_CAST_ARGUMENT", "Cannot cast '{0}' to TINYINT"),
    (r"Could not convert string '(.*)' to BOOL\b", "INVALID_CAST_ARGUMENT", "Cannot cast '{0}' to BOOLEAN"),
    (r"Could not convert string '(.*)' to FLOAT\b", "INVALID_CAST_ARGUMENT", "Cannot cast '{0}' to REAL"),
    (r"Could not convert string '(.*)' to ([A-Z]+?)(?:\d+)?\b", "INVALID_CAST_ARGUMENT", "Cannot cast '{0}' to {1}"),
    (r'Could not convert string "(.*)" to DECIMAL\((\d+),(\d+)\)', "INVALID_CAST_ARGUMENT",
     lambda text, precision, scale: _text_to_decimal(text, precision, scale)),
    (r"Division by zero", "DIVISION_BY_ZERO", "Division by zero"),
    # decimal + - * past 38 digits (DuckDB's HUGEINT sum of decimals likewise): Trino's DecimalOperators
    (r"Overflow in \w+ of DECIMAL\(\d+\)|Overflow in HUGEINT addition", "NUMERIC_VALUE_OUT_OF_RANGE", "Decimal overflow"),
    (r"Argument for ntile must be greater than zero", "INVALID_FUNCTION_ARGUMENT", "Buckets must be greater than 0"),
    # the one value of each integer type whose absolute value it cannot hold
    (r"Overflow on abs\((-\d+)\)", "NUMERIC_VALUE_OUT_OF_RANGE",
     lambda value: f"Value {value} is out of range for abs({_ABS_TYPES.get(value, 'bigint')})"),
    (r"Invalid input for arg_min/arg_max: n value must be > 0", "INVALID_FUNCTION_ARGUMENT",
     "third argument of max_by/min_by must be a positive integer"),
    (r"APPROXIMATE QUANTILE can only take parameters in range \[0, 1\]", "INVALID_FUNCTION_ARGUMENT",
     "Percentile must be between 0 and 1"),
    (r"Overflow in (\w+) of INT32 \((.*)\)", "NUMERIC_VALUE_OUT_OF_RANGE", "integer {0} overflow: {1}"),
    (r"Overflow in (\w+) of INT64 \((.*)\)", "NUMERIC_VALUE_OUT_OF_RANGE", "bigint {0} overflow: {1}"),
    (r"Overflow in (\w+) of INT16 \((.*)\)", "NUMERIC_VALUE_OUT_OF_RANGE", "smallint {0} overflow: {1}"),
    (r"Overflow in (\w+) of INT8 \((.*)\)", "NUMERIC_VALUE_OUT_OF_RANGE", "tinyint {0} overflow: {1}"),
    *((rf"Type (?:U?INT\d+) with value (-?\d+) can't be cast because the value is out of range for the "
       rf"destination type {duck}\b", "NUMERIC_VALUE_OUT_OF_RANGE", f"Out of range for {trino}: {{0}}")
      for duck, trino in (("INT64", "bigint"), ("INT32", "integer"), ("INT16", "smallint"), ("INT8", "tinyint"))),
    *((rf"Type DOUBLE with value (\S+) can't be cast because the value is out of range for the destination "
       rf"type {duck}\b", "NUMERIC_VALUE_OUT_OF_RANGE", lambda value, trino=trino: _double_out_of_range(value, trino))
      for duck, trino in (("INT64", "bigint"), ("INT32", "integer"), ("INT16", "smallint"), ("INT8", "tinyint"))),
    (r"Macro trino_(\w+)\(\) does not support the supplied arguments", "FUNCTION_NOT_FOUND",
     "Unexpected parameters for function {0}"),
    (r'Could not parse string "(.*)" according to format specifier', "INVALID_FUNCTION_ARGUMENT",
     'Invalid format: "{0}"'),
    (r"Function with name \"?(\w+?)\"? is not in the catalog, but it exists in the \w+ extension",
     "NOT_SUPPORTED", "Function '{0}' is not supported"),
    (r"(?:Scalar|Aggregate|Table) Function with name \"?(\w+?)\"? (?:does not exist|is not in the catalog)",
     "FUNCTION_NOT_FOUND", "Function '{0}' not registered"),
    (r"One MERGE target table row matched more than one source row", "MERGE_TARGET_ROW_MULTIPLE_MATCHES",
     "One MERGE target table row matched more than one source row"),
]

# DuckDB binder errors about one column, in Trino's words; the groups make the column as
# the query wrote it (`t.c`), where the engine places the error (`line L:C: `).
_COLUMN_WORDS = [
    (r'column "()([^"]+)" must appear in the GROUP BY clause or (?:must be part of|be used in) an aggregate',
     "EXPRESSION_NOT_AGGREGATE", "'{0}' must be an aggregate expression or appear in GROUP BY clause"),
    (r'Ambiguous reference to column name "()([^"]+)"', "AMBIGUOUS_NAME", "Column '{0}' is ambiguous"),
    (r'(?:Table|Values list) "([^"]+)" does not have a column named "([^"]+)"', "COLUMN_NOT_FOUND",
     "Column '{0}' cannot be resolved or requester is not authorized to access requested resources"),
    # a field a struct does not have (`device.model`): Trino cannot resolve the dereference
    (r'Could not find key "()([^"]+)" in struct', "COLUMN_NOT_FOUND",
     "Column '{0}' cannot be resolved or requester is not authorized to access requested resources"),
]

_ERROR_NAMES = [
    (r'Referenced column ".*" not found|Column with name .* does not exist|not found in FROM clause',
     "COLUMN_NOT_FOUND"),
    (r"Table with name .* does not exist", "TABLE_NOT_FOUND"),
    (r"No function matches|Cannot compare|Could not convert|cannot be cast|Cannot mix|"
     r"Could not choose a best candidate", "TYPE_MISMATCH"),
    (r"Division by zero", "DIVISION_BY_ZERO"),
    (r"Not implemented", "NOT_SUPPORTED"),
]


class _CastRefused(str):
    """Words of a failure whose name is not the pattern's (a NaN cast is INVALID_CAST_ARGUMENT)."""


def _double_out_of_range(value: str, trino: str) -> str:
    """Trino's DoubleOperators words for a double cast to an integer type it does not fit:
    the double as Java prints it (`1.0E10`, `Infinity`)."""
    from lakebox.engine.text import java_double
    if value.lower() == "nan":
        return _CastRefused(f"Cannot cast double NaN to {trino}")
    return f"Out of range for {trino}: {java_double(float(value))}"


def _text_to_decimal(text: str, precision: str, scale: str) -> str:
    """Trino's words for a text CAST to a decimal it does not fit: not a number, or a
    number of more digits than the type holds (DuckDB words both alike)."""
    try:
        decimal.Decimal(text.strip())
        reason = "Value too large."
    except decimal.InvalidOperation:
        reason = "Value is not a number."
    return f"Cannot cast VARCHAR '{text}' to DECIMAL({precision}, {scale}). {reason}"


def _detail(line: str) -> str:
    """DuckDB's message without its `Binder Error: ` prefix."""
    return re.sub(r"^[A-Za-z ]+ Error: ", "", line)
