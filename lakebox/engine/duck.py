"""The DuckDB engine: one in-process database, a connection per query (so a query can
be interrupted on its own), catalog tables as temporary views over the files.
"""
import functools
import os
import re
import shutil
import tempfile
import threading
import uuid

import duckdb
import pyarrow as pa
import pyarrow.orc as orc
from sqlglot import exp
from sqlglot.tokens import TokenType

from lakebox.engine import (alias_references, ambiguous_columns, argument_types, arity, avro_read,
                            bucketing as hive_buckets, clauses, codecs, dialect, distinct_order, duck_read,
                            functions, intervals, json_keys, json_records, json_rows, listagg, map_keys, placement,
                            pseudo_star, regex_read, result_names, scan_bytes, scan_rows, set_types, star_names, strict,
                            text, time_zones, types, written_files)
from lakebox.engine.base import EngineError, QueryCancelled, ScanLimitExceeded
from lakebox.engine.sources import DataFile, TableSource
from lakebox.storage.lru import Lru

REINTERRUPTS = 200               # a stop repeats its interrupt for up to 10 s ...
REINTERRUPT_SECONDS = 0.05       # ... until the statement under way has ended
SCAN_POLL_SECONDS = 0.01         # how often a query with a scan cut-off has its progress read
_BUCKET = "__lakebox_bucket"     # the folder (then file) a written row's Hive bucket decides

# DuckDB result types Trino has no name for, shown as the Trino type a query would give
# (TIMESTAMP_NS is kept: it is Trino's timestamp(6), dialect.microsecond_timestamps).
_RESULT_CASTS = {"HUGEINT": "BIGINT", "UBIGINT": "BIGINT", "UINTEGER": "BIGINT", "USMALLINT": "INTEGER",
                 "UTINYINT": "SMALLINT", "TIMESTAMP_MS": "TIMESTAMP",
                 "TIMESTAMP_S": "TIMESTAMP", "TIMESTAMP WITH TIME ZONE": "TIMESTAMP WITH TIME ZONE"}
# The result's types as metadata names them: a timestamp with time zone of another zone
# than UTC is one too, though its value stays the STRUCT of its instant and zone (which
# text.py prints in its zone).
_RESULT_TYPES = {**_RESULT_CASTS, time_zones.ZONED_TYPE.upper(): "TIMESTAMP WITH TIME ZONE",
                 time_zones.NANOS_TYPE.upper(): "TIMESTAMP WITH TIME ZONE"}


def _stored(value: str, kind) -> str:
    """A result value as data files hold it: a timestamp(6) in microseconds, a timestamp
    with time zone of another zone than UTC as its instant (`time_zones.ZONED_TYPE`)."""
    upper = str(kind).upper()
    if upper == "TIMESTAMP_NS":
        return f"CAST({value} AS TIMESTAMP)"
    zoned = upper in (time_zones.ZONED_TYPE.upper(), time_zones.NANOS_TYPE.upper())
    return f"{value}.{time_zones.INSTANT_FIELD}" if zoned else value


class DuckEngine:
    def __init__(self):
        self._db = duckdb.connect(":memory:")
        text.install(self._db)
        functions.install(self._db)
        strict.install(self._db)
        map_keys.install(self._db)
        listagg.install(self._db)
        time_zones.install(self._db)
        for _, statement in dialect.SETTINGS:
            self._db.execute(statement)
        # A data file is a blob, never rewritten in place: its Parquet footer, once read,
        # is kept for the next query (binding a query reads each footer several times).
        self._db.execute("SET GLOBAL parquet_metadata_cache = true")
        # Parquet footers by file: one {top-level column: (compressed bytes, min, max)} per
        # row group. A data file is a blob, never rewritten in place: its footer never changes.
        self._footers = Lru(4096)
        self._footers_lock = threading.Lock()
        # JSON data files whose every line is a JSON object (blobs, never rewritten in place)
        self._json_checked = Lru(4096)

    def json_checked(self, path: str) -> bool:
        with self._footers_lock:
            return self._json_checked.get(path) is not None

    def json_check_passed(self, path: str):
        with self._footers_lock:
            self._json_checked.put(path, True)

    def footer(self, cursor, path: str) -> list[dict]:
        with self._footers_lock:
            found = self._footers.get(path)
        if found is None:
            rows = cursor.execute(
                "SELECT row_group_id, lower(split_part(path_in_schema, ', ', 1)), sum(total_compressed_size), "
                "min(stats_min_value), max(stats_max_value) "
                f"FROM parquet_metadata({duck_read.quote(path)}) GROUP BY 1, 2 ORDER BY 1").fetchall()
            groups = {}
            for group, name, size, low, high in rows:
                groups.setdefault(group, {})[name] = (size, low, high)
            found = list(groups.values())
            with self._footers_lock:
                self._footers.put(path, found)
        return found

    def _cursor(self):
        """A connection of its own (the settings are the database's)."""
        return self._db.cursor()

    def prepare(self, tree: exp.Expression, sources: list[TableSource], default_database: str) -> "DuckQuery":
        """A query ready to bind: `sources` are the tables of `dialect.table_refs(tree)`,
        a reference without a database naming one of `default_database`."""
        return DuckQuery(self._cursor(), tree, sources, default_database, self)

    def prune(self, tree: exp.Expression, table: exp.Table, source: TableSource):
        """Drop the partitions of `source` that the query's WHERE excludes, before any
        file is listed or opened."""
        keys = [name.lower() for name, _ in source.partition_keys]
        predicate = duck_read.partition_filter(tree, table, keys) if keys and source.parts else None
        if predicate is None:
            return
        cursor = self._cursor()
        try:
            cursor.register("__lakebox_parts", pa.table(duck_read.partition_values(source)))
            sql = duck_read.prune_sql(source, predicate, "__lakebox_parts")
            kept = {row[0] for row in cursor.execute(sql).fetchall()}
        except duckdb.Error:
            return            # a predicate the values cannot answer alone: keep every partition
        finally:
            cursor.close()
        source.parts = [part for index, part in enumerate(source.parts) if index in kept]

    def close(self):
        self._db.close()


class DuckQuery:
    """One query on its own connection: its result columns, what it scans, and where it
    writes; `cancel()` from any thread interrupts it."""

    def __init__(self, cursor, tree: exp.Expression, sources: list[TableSource], default_database: str, engine):
        self._cursor = cursor
        self._engine = engine
        self._footer = engine.footer
        self._default_database = (default_database or "").lower()
        self._cancelled = threading.Event()
        self._calls_done = threading.Event()     # set while no guarded call runs
        self._calls_done.set()
        self._tree = tree.copy()
        self._year_months = intervals.year_month_positions(tree)      # result columns of that type
        self._sources = sources
        self.bytes_scanned = 0
        self.rows_written = 0
        self._registered = []
        self._functions = []                         # Python functions this query registered
        self.columns: list[tuple[str, str]] = []     # (name, DuckDB type) of the result
        self._types = []                             # the same types, as DuckDB's type objects
        self._sql = None
        self._scratch = None                         # plain copies of compressed files, made on bind
        self._cutoff = None
        self._scanned = 0                            # bytes read so far, as progress shows it
        self._cut_off = False

    def cancel(self):
        self._cancelled.set()
        self._cursor.interrupt()
        # An interrupt that lands just before DuckDB starts a statement is lost; repeat it
        # while a guarded call is still under way, so a stop always ends the query.
        threading.Thread(target=self._keep_interrupting, daemon=True).start()

    def _keep_interrupting(self):
        for _ in range(REINTERRUPTS):
            if self._calls_done.wait(REINTERRUPT_SECONDS):
                return
            self._cursor.interrupt()

    def close(self):
        for function in self._functions:
            self._cursor.remove_function(function)
        self._cursor.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def limit_scan(self, cutoff: int):
        """Stop the query once it has scanned more than `cutoff` bytes (after `bind`).
        What it has scanned is read from DuckDB's progress while it runs, as the share of
        `bytes_scanned` done; a query that ends without passing the cut-off read what its
        progress showed, unless it had to read everything (no LIMIT): then it read more
        than the cut-off, and is stopped all the same."""
        if self.bytes_scanned > cutoff:
            self._cutoff = cutoff
            self._cursor.execute("SET enable_progress_bar = true")
            self._cursor.execute("SET enable_progress_bar_print = false")

    def _guard(self, fn, *args):
        if self._cancelled.is_set():
            raise QueryCancelled()
        self._calls_done.clear()
        watching = self._watch_scan() if self._cutoff is not None else None
        try:
            found = fn(*args)
        except duckdb.InterruptException:
            raise (ScanLimitExceeded(self._scanned) if self._cut_off else QueryCancelled()) from None
        except duckdb.Error as error:
            if self._cancelled.is_set():
                raise (ScanLimitExceeded(self._scanned) if self._cut_off else QueryCancelled()) from None
            raise self._in_trino_words(EngineError.from_duckdb(error)) from None
        finally:
            if watching is not None:
                watching[0].set()
                watching[1].join()
            self._calls_done.set()
        if watching is not None:
            self._settle_scan()
        return found

    def _watch_scan(self) -> tuple[threading.Event, threading.Thread]:
        done = threading.Event()
        watcher = threading.Thread(target=self._poll_scan, args=(done,), daemon=True)
        watcher.start()
        return done, watcher

    def _poll_scan(self, done: threading.Event):
        while not done.wait(SCAN_POLL_SECONDS):
            try:
                progress = self._cursor.query_progress()
            except duckdb.Error:            # the statement has ended: `_settle_scan` judges it
                return
            if progress > 0:
                self._scanned = max(self._scanned, int(self.bytes_scanned * min(progress, 100.0) / 100))
            if self._scanned > self._cutoff:
                self._cut_off = True
                self.cancel()
                return

    def _settle_scan(self):
        """After a watched statement ended on its own: what it scanned."""
        if self._cut_off:
            raise ScanLimitExceeded(self._scanned)
        if self._tree.args.get("limit") is None:
            raise ScanLimitExceeded(self.bytes_scanned)
        smallest = min((found.size for source in self._sources for found in source.files), default=0)
        self.bytes_scanned = min(max(self._scanned, smallest), self._cutoff)

    def _in_trino_words(self, error: EngineError) -> EngineError:
        """A missing column as Athena reports it: `line L:C: Column 'x' cannot be resolved
        or requester is not authorized to access requested resources` (Trino's words, with
        Athena's ending: a column Lake Formation hides fails alike); a missing function
        placed at its call: `line L:C: Function 'f' not registered`; the others
        `placement` knows, at their place."""
        if error.error_name == "FUNCTION_NOT_FOUND" and error.message.endswith("' not registered"):
            return self._function_placed(error)
        if time_zones.INSTANT_FIELD in error.message:      # a subquery's column of another zone, read by a function
            return EngineError("NOT_SUPPORTED", "A timestamp with time zone other than UTC read from a subquery's "
                                                "column is not supported (only shown, or read where it is made)")
        placed = placement.placed(self._tree, error)
        if placed is not None:
            return placed
        found = re.search(r'column "([^"]+)"', error.message, re.IGNORECASE)
        if error.error_name != "COLUMN_NOT_FOUND" or found is None:
            return error
        name = found.group(1)
        where = ""
        for column in self._tree.find_all(exp.Column):
            meta = column.this.meta if isinstance(column.this, exp.Identifier) else {}
            if column.name.lower() == name.lower() and "line" in meta:
                where = f"line {meta['line']}:{max(meta['col'] - len(column.name) + 1, 1)}: "
                break
        return EngineError("COLUMN_NOT_FOUND", f"{where}Column '{name}' cannot be resolved or requester is not "
                                               "authorized to access requested resources")

    def _function_placed(self, error: EngineError) -> EngineError:
        name = error.message.split("'")[1]
        sql = self._tree.meta.get("sql") or ""
        tokens = dialect.LakeboxTrino().tokenize(sql) if sql else []
        for token, following in zip(tokens, tokens[1:]):
            if token.text.lower() == name and following.token_type == TokenType.L_PAREN:
                return EngineError("FUNCTION_NOT_FOUND", f"{strict.line_and_column(sql, token.start)}: {error.message}")
        return error

    def _constant_type(self, argument: exp.Expression) -> str:
        """Trino's type of a call's argument that reads no column, as DuckDB types it
        (`unknown`, Trino's type of NULL, for one that reads a column)."""
        if argument.find(exp.Column) is not None:
            return "unknown"
        try:
            kind = self._cursor.sql(dialect.translate(exp.select(argument.copy()))).types[0]
        except duckdb.Error:
            return "unknown"
        return types.trino_type_of_duck(str(kind))

    def bind(self):
        """Resolve the tables to views over their files and learn the result's columns
        and the bytes it will read."""
        self._cursor.execute("SET enable_profiling = 'no_output'")      # for `input_rows`
        return self._guard(self._bind)

    def input_rows(self) -> int:
        """The rows the last statement run read from the tables' files."""
        try:
            found = scan_rows.input_rows(self._cursor.get_profiling_information(format="json"))
            parquet = [f.path for source in self._sources if source.format == "parquet" for f in source.files]
            if found is None and parquet:
                found = self._cursor.execute("SELECT sum(num_rows) FROM parquet_file_metadata(?)",
                                             [parquet]).fetchone()[0]
        except duckdb.Error:
            return 0
        return int(found or 0)

    def _bind(self):
        alias_references.check(self._tree, self._sources)
        ambiguous_columns.check(self._tree)
        names = dialect.column_names(self._tree)
        originals = {id(table): table for table in dialect.table_refs(self._tree)}
        reads = []          # (name, SELECT of the table's files): inlined where the query reads them
        pseudo = pseudo_star.hide(self._tree, lambda t: any(self._same_table(t, s) for s in self._sources))
        for number, source in enumerate(self._sources):
            view = f"__lakebox_t{number}"
            self._decompress(source)
            if source.format == "json" and not json_rows.ignores_malformed(source.serde_library, source.serde):
                self._refuse_malformed_json(source)
            schema = self._file_columns(source)
            register = functools.partial(self._register_files, source, f"{view}_{source.format}")
            reads.append((view, duck_read.table_sql(source, schema, pseudo, register)))
            references = sum(1 for table in originals.values() if self._same_table(table, source))
            self.bytes_scanned += self._bytes_of(source, names, references)
            for table in [t for t in originals.values() if self._same_table(t, source)]:
                alias = table.alias_or_name
                replacement = exp.Table(this=exp.to_identifier(view), alias=exp.TableAlias(
                    this=exp.to_identifier(alias, quoted=True)))
                if table.args.get("sample"):
                    replacement.set("sample", table.args["sample"])
                table.replace(replacement)
        column_types = {name.lower(): kind for source in self._sources for name, kind in source.columns}
        compared = {**{name.lower(): kind for source in self._sources for name, kind in source.partition_keys},
                    **column_types}         # partition columns are compared as they are typed, too
        text = self._tree.meta.get("sql", "")
        mismatch = clauses.function_trino_lacks(text) or \
            arity.unexpected_parameters(self._tree, compared, text, self._constant_type) or \
            argument_types.unexpected_types(self._tree, compared, text) or \
            set_types.incompatible_columns(self._tree, compared, text) or \
            set_types.in_list_mismatch(self._tree, compared, text) or clauses.out_of_place(self._tree, text) or \
            strict.json_path_not_a_path(self._tree) or distinct_order.order_not_in_distinct(self._tree, text) or \
            strict.operator_type_mismatch(self._tree, compared, text) or \
            strict.avg_of_a_date(self._tree, compared, text) or strict.unit_not_a_field(self._tree, compared)
        if mismatch is not None:
            raise EngineError(*mismatch)
        restore = star_names.restorer(self._tree)
        self._sql = dialect.translate(self._tree, column_types, copy=False)      # the tree is this query's own
        if reads:           # not temporary views: creating one binds its files once more
            tables = ", ".join(f"{view} AS NOT MATERIALIZED ({sql})" for view, sql in reads)
            self._sql = result_names.with_reads(tables, self._sql)
        relation = self._cursor.sql(self._sql)
        self.columns = [(name, str(kind)) for name, kind in zip(restore(relation.columns), relation.types)]
        self._types = relation.types

    def _same_table(self, table: exp.Table, source: TableSource) -> bool:
        database = (table.db or self._default_database).lower()
        return table.name.lower() == source.name.lower() and database == source.database.lower()

    def _file_columns(self, source) -> dict | None:
        """What the files hold. Parquet and ORC: each file's columns by its path (a catalog
        column that a partition's files lack reads as NULL there, as when a column was
        added after older partitions were written). JSON: how the files spell each key."""
        if not source.files:
            return None
        if source.format == "parquet":
            return {found.path: {name for group in self._footer(self._cursor, found.path) for name in group}
                    for found in source.files}
        if source.format == "orc":
            return {found.path: {name.lower() for name in orc.ORCFile(found.path).schema.names}
                    for found in source.files}
        if source.format == "avro":
            try:
                return {found.path: set(avro_read.field_names(found.path, found.uri)) for found in source.files}
            except avro_read.AvroError as error:
                raise EngineError("HIVE_CURSOR_ERROR", str(error)) from None
        if source.format == "json":
            return duck_read.with_json_mappings(source, self._json_keys(source))
        return None

    def _decompress(self, source):
        """Text files in a compression DuckDB cannot read (snappy, bzip2), and CloudTrail's
        files (their events as JSON lines), are read from a plain copy, made for this query
        and removed when it closes. `size` stays the object's: Athena bills the compressed
        bytes."""
        if source.format not in ("csv", "json", "regex"):
            return
        for part in source.parts:
            for index, found in enumerate(part.files):
                compression = duck_read.compression_of(found)
                if compression in codecs.READ_BY_DUCKDB and not source.json_records:
                    continue
                if self._cancelled.is_set():
                    raise QueryCancelled()
                if self._scratch is None:
                    self._scratch = tempfile.mkdtemp(prefix="lakebox-query-")
                target = os.path.join(self._scratch, str(len(os.listdir(self._scratch))))
                copy = json_records.records_copy if source.json_records else codecs.plain_copy
                try:
                    copy(found.path, compression, target, found.uri)
                except codecs.CorruptFile as error:
                    raise EngineError("HIVE_CURSOR_ERROR", str(error)) from None
                part.files[index] = DataFile(target, found.uri, found.size, "none")

    def _refuse_malformed_json(self, source):
        """HIVE_CURSOR_ERROR, in the SerDe's words, for the first line of the table's files
        that is not a JSON object (DuckDB finds the files that hold one; the SerDe's
        parser, `json_rows`, the line and its words). A file found whole is not read again."""
        unchecked = [found for found in source.files if not self._engine.json_checked(found.path)]
        groups = {}
        for found in unchecked:
            groups.setdefault(duck_read.compression_of(found), []).append(found)
        suspects = set()
        for compression, files in groups.items():
            paths = "[" + ", ".join(duck_read.quote(found.path) for found in files) + "]"
            suspects.update(row[0] for row in self._cursor.execute(
                f"SELECT DISTINCT filename FROM read_json_objects({paths}, format = 'newline_delimited', "
                f"ignore_errors = true, filename = true, compression = {duck_read.quote(compression)}) "
                "WHERE json IS NULL OR json_type(json) <> 'OBJECT'").fetchall())
        for found in unchecked:
            if found.path not in suspects:
                if self._scratch is None or not found.path.startswith(self._scratch):
                    self._engine.json_check_passed(found.path)
                continue
            error = json_rows.first_error(codecs.text_lines(found.path, duck_read.compression_of(found)),
                                          source.serde_library)
            if error is not None:
                raise EngineError("HIVE_CURSOR_ERROR", error)

    def _json_keys(self, source) -> dict:
        """How the files spell each key (`json_keys`): each sampled file's own spellings."""
        return json_keys.read(self._cursor, source.files, duck_read.compression_of, duck_read.quote,
                              duck_read.nested_spellings)

    def _register_files(self, source, prefix: str, files) -> str:
        """ORC (read by pyarrow), Avro (read by fastavro) and Regex SerDe text files, which
        DuckDB's wheel cannot read, as one Arrow relation of the columns the catalog names."""
        wanted = [name.lower() for name, _ in source.columns]
        tables = []
        pattern = regex_read.pattern_of(source.serde) if source.format == "regex" else None
        for found in files:
            if self._cancelled.is_set():
                raise QueryCancelled()
            if pattern is not None:
                tables.append(regex_read.read_table(found.path, found.uri, duck_read.compression_of(found), pattern,
                                                    wanted, source.regex_groups))
                continue
            if source.format == "avro":
                try:
                    tables.append(avro_read.read_table(found.path, found.uri, wanted))
                except avro_read.AvroError as error:
                    raise EngineError("HIVE_CURSOR_ERROR", str(error)) from None
                continue
            reader = orc.ORCFile(found.path)
            by_lower = {name.lower(): name for name in reader.schema.names}
            table = reader.read(columns=[by_lower[name] for name in wanted if name in by_lower])
            tables.append(table.rename_columns([name.lower() for name in table.column_names]))
        name = f"{prefix}_{len(self._registered)}"
        self._registered.append(name)
        self._cursor.register(name, pa.concat_tables(tables, promote_options="permissive"))
        return name

    def _bytes_of(self, source, names, references: int) -> int:
        """Text formats read whole files; Parquet reads the column chunks it needs, in the
        row groups the WHERE does not rule out (judged only for a table read once), and
        the delete files applied to them whole."""
        if source.format != "parquet" or not source.files:
            return sum(found.size for found in source.files)
        deletes = {path for found in source.files for path in found.deletes}
        wanted = None if names is None else {name.lower() for name, _ in source.columns if name.lower() in names}
        limits = scan_bytes.bounds(self._tree, {name.lower() for name, _ in source.columns}) \
            if references == 1 else []
        total = 0
        for found in source.files:
            for group in self._footer(self._cursor, found.path):
                if not scan_bytes.ruled_out(group, limits):
                    total += sum(size for name, (size, _, _) in group.items() if wanted is None or name in wanted)
        return total + sum(os.path.getsize(path) for path in deletes)

    def _by_position(self, item) -> str:
        """A SELECT over the query's result whose columns are `item(value, name, DuckDB type
        object)`, each value in Trino's type (no HUGEINT and the like). Columns are reached
        by position, as two may share a name (`SELECT 1 AS a, 2 AS a`)."""
        positions = [f"_c{number}" for number in range(len(self.columns))]
        items = []
        for position, (name, _), kind in zip(positions, self.columns, self._types):
            target = _RESULT_CASTS.get(str(kind).upper())
            value = f"CAST({position} AS {target})" if target and target != str(kind).upper() else position
            items.append(item(value, name, kind))
        return f"SELECT {', '.join(items)} FROM ({self._sql}) AS __result({', '.join(positions)})"

    def _final_sql(self) -> str:
        """The query with Trino's result types, as data files hold them (`_stored`)."""
        return self._by_position(lambda value, name, kind: f"{_stored(value, kind)} AS {duck_read.ident(name)}")

    @property
    def result_columns(self) -> list[tuple[str, str]]:
        return [(name, intervals.YEAR_MONTH if at in self._year_months else _RESULT_TYPES.get(kind.upper(), kind))
                for at, (name, kind) in enumerate(self.columns)]

    def write_csv(self, path: str) -> int:
        """Run the query into an Athena result file: a header row, every value quoted,
        NULL as nothing. Returns the number of rows."""
        select = self._by_position(lambda value, name, kind: f"{text.as_text(value, kind)} AS "
                                                             f"{duck_read.ident(name)}")
        return result_names.copy_csv(lambda sql: self._guard(lambda: self._cursor.execute(sql).fetchone()[0]),
                                     select, path, [name for name, _ in self.columns])

    def write_files(self, directory: str, file_format: str, compression: str | None, partitioned_by: list[str],
                    prefix: str, rename: list[str] | None = None, suffix: str = "",
                    delimiter: str = "\x01", bucketed: tuple[list[str], int] | None = None,
                    field_ids: dict | None = None) -> list[str]:
        """Run the query into data files under `directory` (Hive `key=value/` folders for
        `partitioned_by`), the columns named `rename` if given, rows spread over Hive
        buckets when `bucketed` is (columns, bucket count), Parquet columns carrying the
        `field_ids` given by name; returns the files' paths relative to `directory`.
        `rows_written` says how many rows they hold."""
        select = self._final_sql()
        if rename:
            items = [f"{duck_read.ident(old)} AS {duck_read.ident(new)}"
                     for (old, _), new in zip(self.result_columns, rename)]
            select = f"SELECT {', '.join(items)} FROM ({select})"
        if bucketed:
            select = self._with_buckets(select, rename, *bucketed)
            partitioned_by = list(partitioned_by) + [_BUCKET]
        convert, converted_compression = written_files.CONVERTED.get(file_format), compression
        if convert:                     # DuckDB writes no ORC or Avro: Parquet first, each file converted after
            file_format, compression = "parquet", "uncompressed"
        options = [f"FORMAT {file_format}"]
        if file_format == "csv":        # Hive text: \001 between fields, no quoting, NULL as \N
            options += [f"DELIMITER {duck_read.quote(delimiter)}", "QUOTE ''", "HEADER false", "NULLSTR '\\N'"]
        hadoop_snappy = compression == "snappy" and file_format in ("csv", "json")     # DuckDB writes it plain
        if compression and not hadoop_snappy:
            options.append(f"COMPRESSION {compression}")
        if field_ids:
            options.append("FIELD_IDS " + written_files.field_ids_text(field_ids))
        os.makedirs(directory, exist_ok=True)
        if partitioned_by:
            options += ["PARTITION_BY (" + ", ".join(duck_read.ident(name) for name in partitioned_by) + ")",
                        f"FILENAME_PATTERN {duck_read.quote(prefix + '_{i}')}",
                        f"FILE_EXTENSION {duck_read.quote(suffix.lstrip('.'))}"]
            target = directory
        else:
            target = os.path.join(directory, f"{prefix}_0{suffix}")
        sql = f"COPY ({select}) TO {duck_read.quote(target)} ({', '.join(options)})"
        self.rows_written = self._guard(lambda: self._cursor.execute(sql).fetchone()[0])
        found = []
        for root, _, names in os.walk(directory):
            for name in names:
                # Partitioned COPY names files `<prefix>_<i>.<extension>`, and for text
                # formats adds the compression's extension again (`.gz.gz`; `..gz` when the
                # extension is empty): each becomes `<prefix>_<i><suffix>`.
                wanted = name.split(".", 1)[0] + suffix if partitioned_by else name
                if wanted != name:
                    os.rename(os.path.join(root, name), os.path.join(root, wanted))
                found.append(os.path.relpath(os.path.join(root, wanted), directory))
        if convert:
            for relative in found:
                convert(os.path.join(directory, relative), converted_compression)
        if bucketed:
            found = written_files.bucket_files(directory, found, prefix, suffix)
        if hadoop_snappy:
            for relative in found:
                codecs.hadoop_snappy_in_place(os.path.join(directory, relative))
        return sorted(found)

    def _with_buckets(self, select: str, rename: list[str] | None, columns: list[str], count: int) -> str:
        """`select` with each row's Hive bucket as one more column (`_BUCKET`)."""
        names = rename or [name for name, _ in self.result_columns]
        by_lower = {new.lower(): (new, kind.upper()) for new, (_, kind) in zip(names, self.result_columns)}
        missing = [column for column in columns if column.lower() not in by_lower]
        if missing:
            raise EngineError("INVALID_TABLE_PROPERTY", f"Bucketing columns [{', '.join(missing)}] not present in "
                                                        f"schema")
        chosen = [by_lower[column.lower()] for column in columns]
        if any(kind not in hive_buckets.SUPPORTED for _, kind in chosen):
            raise EngineError("NOT_SUPPORTED", "Cannot create a table bucketed on an unsupported type")
        function = f"{_BUCKET}_{uuid.uuid4().hex}"      # unique: functions may be shared by connections
        self._functions.append(function)
        struct = ", ".join(f"c{i} {kind}" for i, (_, kind) in enumerate(chosen))
        self._cursor.create_function(function, hive_buckets.bucket_function([kind for _, kind in chosen], count),
                                     [duckdb.sqltype(f"STRUCT({struct})")], duckdb.sqltype("INTEGER"),
                                     type="arrow", null_handling="special")
        packed = ", ".join(f"c{i} := {duck_read.ident(name)}" for i, (name, _) in enumerate(chosen))
        return f"SELECT *, {function}(struct_pack({packed})) AS {_BUCKET} FROM ({select})"

    def rows(self) -> list[tuple]:
        """The result as Python values (small results: EXPLAIN, SHOW)."""
        return self._guard(lambda: self._cursor.execute(self._final_sql()).fetchall())

    def explain(self, analyze: bool) -> str:
        kind = "EXPLAIN ANALYZE" if analyze else "EXPLAIN"
        rows = self._guard(lambda: self._cursor.execute(f"{kind} {self._sql}").fetchall())
        return "\n".join(row[-1] for row in rows)
