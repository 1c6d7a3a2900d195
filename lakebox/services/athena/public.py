"""What other services may use of Athena: its Iceberg writer (the first metadata file of
an empty Iceberg table, Glue's CreateTable with `OpenTableFormatInput`, and rows a
streaming writer, Firehose's Iceberg destination, inserts, updates and deletes), and its
engine's reads of catalog tables (Glue Data Quality's rules: `plan_select`)."""
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


class SelectFailed(ValueError):
    """A SELECT that cannot be planned or run: `name` is Trino's error name, the message its words."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


def plan_select(ctx, sql: str, database: str):
    """A SELECT over catalog tables (Athena's SQL), planned now on the event loop (its
    tables resolved through Glue, their files listed), to run later on a worker: returns
    a function that runs it and answers its rows as Python values. Raises SelectFailed
    (planning or running) as Athena would fail the query."""
    from lakebox.engine import dialect
    from lakebox.services.athena import planning, queries

    engine = queries.engine_of(ctx.state)
    try:
        tree = dialect.parse(sql)
        sources = planning.resolve_sources(ctx, engine, tree, database)
    except EngineError as error:
        raise SelectFailed(error.error_name, error.message) from None
    except (dialect.SqlSyntaxError, dialect.NotSupported) as error:
        raise SelectFailed("SYNTAX_ERROR", str(error)) from None

    def run() -> list[tuple]:
        query = engine.prepare(tree, sources, database)
        try:
            query.bind()
            return query.rows()
        except EngineError as error:
            raise SelectFailed(error.error_name, error.message) from None
        finally:
            query.close()
    return run
