"""What other services may use of Athena's Iceberg writer: the first metadata file of
an empty Iceberg table (Glue's CreateTable with `OpenTableFormatInput`), and rows a
streaming writer (Firehose's Iceberg destination) inserts, updates and deletes."""
from lakebox.engine import EngineError
from lakebox.services.athena import iceberg, iceberg_stream


class IcebergInputError(ValueError):
    """Columns, partitioning or a location an Iceberg table cannot have."""


def create_iceberg_metadata(ctx, location: str, columns: list[tuple[str, str]], properties: dict,
                            partitioning: list[str] = ()) -> tuple[str, list[dict]]:
    """Write `<location>/metadata/00000-<uuid>.metadata.json` of an empty format version 2
    table of (name, Hive type) `columns`, partitioned as Athena declares it (`day(ts)`,
    `bucket(16, id)`). Returns where it is and the table's Glue columns (with their
    `iceberg.field.*` parameters)."""
    try:
        metadata_location, document = iceberg.write_first_metadata(ctx, location, columns, properties, partitioning)
    except EngineError as error:
        raise IcebergInputError(error.message) from None
    return metadata_location, iceberg.glue_columns(document)


def write_iceberg_rows(ctx, database: str, name: str, rows, keys: list[str], removed: set):
    """A streaming writer's change to an Iceberg table (Firehose's Iceberg destination):
    the rows whose `keys` values (tuples of `iceberg_key`s) are in `removed` deleted, then
    `rows` (an Arrow table of the table's columns) appended, as one snapshot. Raises
    IcebergInputError when the table is not an Iceberg table or cannot be written."""
    try:
        iceberg_stream.apply(ctx, database, name, rows, keys, removed)
    except EngineError as error:
        raise IcebergInputError(error.message) from None


def iceberg_key(value):
    """A unique key's value as `write_iceberg_rows` compares them."""
    return iceberg_stream.key_value(value)

