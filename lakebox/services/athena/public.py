"""What other services may use of Athena's Iceberg writer: the first metadata file of
an empty Iceberg table (Glue's CreateTable with `OpenTableFormatInput`)."""
from lakebox.engine import EngineError
from lakebox.services.athena import iceberg


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
