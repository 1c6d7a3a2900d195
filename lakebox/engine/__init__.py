"""The SQL engine seam. A service hands an engine a parsed Trino query and the tables
it reads (`sources.TableSource`: columns, format, files) and gets back a query object:

    engine = new_engine()
    engine.prune(tree, table_ref, source)        # drop partitions the WHERE excludes
    query = engine.prepare(tree, sources, default_database)
    query.bind()                                 # views over the files; .columns, .bytes_scanned
    query.limit_scan(cutoff)                     # stop it once it has scanned past `cutoff` bytes
    query.write_csv(path) / query.write_files(directory, ...) / query.rows()
    query.cancel()                               # from any thread: the run raises QueryCancelled

Errors are `base.EngineError` (Trino's error names) and `base.QueryCancelled` (its
`base.ScanLimitExceeded` for a cut-off). DuckDB is the engine today (`duck.py`); another
(Spark, Trino) fits behind the same methods.
"""
from lakebox.engine.base import EngineError, QueryCancelled, ScanLimitExceeded  # noqa: F401


def new_engine():
    from lakebox.engine.duck import DuckEngine
    return DuckEngine()
