"""Query and Scan: pages of at most Limit items and 1 MB read, filters applied after the
read, LastEvaluatedKey to continue, indexes read through their own entries."""
from lakebox.services.dynamodb import capacity, expressions, key_conditions, lookup, partiql_index, store, throttle
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.dynamodb.expr_eval import matches, project
from lakebox.services.dynamodb.items import writable_table
from lakebox.services.dynamodb.store import partition_hash

PAGE_BYTES = 1024 * 1024
CHUNK = 1000                       # rows fetched per SQL statement
HASH_SPACE = 2 ** 32


class Page:
    """What one Query or Scan call reads, filters and returns."""

    def __init__(self, ctx, table, index, params, compiled, query):
        self.ctx, self.table, self.index, self.params, self.compiled = ctx, table, index, params, compiled
        global_index = [index.name] if index is not None and index.kind == "GSI" else []
        throttle.check(ctx, table, "read", global_index, include_table=not global_index)
        self.limit = params.get("Limit")
        self.read_bytes = 0
        self.scanned = 0
        self.items = []
        self.count = 0
        self.last = None
        self.select = _select(params, index, compiled, query)

    def full(self) -> bool:
        return (self.limit is not None and self.scanned >= self.limit) or self.read_bytes >= PAGE_BYTES

    def take(self, size, item):
        """Count one item read; keep it if the filter passes."""
        if self.index is not None:
            size = av.item_size(self.index.project(item))
            # A local index fetches from the table what it does not project, for every
            # attribute asked for; a global index has only what it projects.
            fetched = self.select == "ALL_ATTRIBUTES" or (self.index.kind == "LSI" and
                                                          self.select == "SPECIFIC_ATTRIBUTES")
            item = item if fetched else self.index.project(item)
        self.scanned += 1
        self.read_bytes += size
        self.last = item
        if "filter" in self.compiled and not matches(item, self.compiled["filter"]):
            return
        self.count += 1
        if self.select == "COUNT":
            return
        if "projection" in self.compiled:
            item = project(item, self.compiled["projection"])
        self.items.append(item)

    def result(self, more: bool) -> dict:
        result = {"Count": self.count, "ScannedCount": self.scanned}
        if self.select != "COUNT":
            result["Items"] = self.items
        if more and self.last is not None:
            result["LastEvaluatedKey"] = self.key_of(self.last)
        tally = capacity.Tally()
        units = capacity.read_units(self.read_bytes, self.params.get("ConsistentRead", False)) \
            if self.read_bytes else (0.5 if not self.params.get("ConsistentRead") else 1.0)
        tally.read(self.table, units, self.index)
        if self.index is not None:
            throttle.charge(self.ctx, self.table, "read", 0, {self.index.name: units})
        else:
            throttle.charge(self.ctx, self.table, "read", units)
        consumed = tally.report(self.params.get("ReturnConsumedCapacity"), self.table.name)
        if consumed is not None:
            result["ConsumedCapacity"] = consumed
        return result

    def key_of(self, item) -> dict:
        names = list(self.table.key_names)
        if self.index is not None:
            names += [k.name for k in (self.index.hash_key, self.index.range_key) if k and k.name not in names]
        return {name: item[name] for name in names}


def _select(params, index, compiled, query) -> str:
    select = params.get("Select")
    projected = "projection" in compiled
    if select is None:
        return "SPECIFIC_ATTRIBUTES" if projected else ("ALL_PROJECTED_ATTRIBUTES" if index else "ALL_ATTRIBUTES")
    if select == "SPECIFIC_ATTRIBUTES" and not projected:
        raise ValidationException("Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                                  "SPECIFIC_ATTRIBUTES")
    if select != "SPECIFIC_ATTRIBUTES" and projected:
        given = "ProjectionExpression" if "ProjectionExpression" in params else "AttributesToGet"
        if select == "COUNT":
            # Recorded from DynamoDB (ExtendDB's parity tests, us-east-1; DynamoDB Local's
            # error table): "only the Count", and Query alone words it as a validation error.
            prefix = "1 validation error detected: " if query else ""
            raise ValidationException(f"{prefix}Cannot specify the {given} when choosing to get only the Count")
        raise ValidationException(f"Cannot specify the {given} when choosing to get {select}")
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is None:
        raise ValidationException("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    if select == "ALL_ATTRIBUTES" and index is not None and index.kind == "GSI" and index.projection_type != "ALL":
        raise ValidationException(f"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
                                  f"supported for global secondary index {index.name} because its projection type "
                                  "is not ALL")
    return select


def _index_of(ctx, table, params, compiled):
    name = params.get("IndexName")
    if name is None:
        return None
    index = table.indexes.get(name)
    if index is None:
        raise ValidationException(f"The table does not have the specified index: {name}")
    # Described as CREATING with Backfilling until its backfill is done and the
    # transition delay has passed: unreadable for as long as it is described so.
    if lookup.index_status(ctx, index.spec) == "CREATING":
        raise ValidationException(f"Cannot read from backfilling global secondary index: {name}")
    if index.kind == "GSI" and params.get("ConsistentRead"):
        raise ValidationException("Consistent reads are not supported on global secondary indexes")
    if "projection" in compiled:
        partiql_index.check_named(index, list(compiled["projection"]))
    return index


def _start_key(table, index, params, query):
    """The encoded position of ExclusiveStartKey: (h, pk, sk) of the table, and for an
    index also (h, ipk, isk) of the index entry. Query and Scan word a bad one apart."""
    start = params.get("ExclusiveStartKey")
    if start is None:
        return None, None
    refusal = ValidationException("The provided starting key is invalid" if query else
                                  "The provided starting key is invalid: The provided key element does not match "
                                  "the schema")
    start = av.check_item(start)
    names = set(table.key_names)
    if index is not None:
        names |= {k.name for k in (index.hash_key, index.range_key) if k}
    if set(start) != names:
        raise refusal
    try:
        base = table.key_of_item(start)
        entry = index.entry(start) if index is not None else None
    except ValidationException:
        raise refusal from None
    return base, entry


def query(ctx, params):
    # Expressions are refused before the table is looked up, as DynamoDB does.
    compiled = expressions.compile_request(params, "key", "filter", "projection")
    if "key" not in compiled:
        raise ValidationException("Either the KeyConditions or KeyConditionExpression parameter must be specified "
                                  "in the request.")
    table = writable_table(ctx, params["TableName"], index=params.get("IndexName"))
    index = _index_of(ctx, table, params, compiled)
    if "filter" in compiled:
        _refuse_key_filters(compiled["filter"], index or table, "QueryFilter" if "QueryFilter" in params
                            else "Filter Expression")
        _refuse_paths_into_keys(compiled["filter"], table)
    return run_query(ctx, table, index, params, compiled)


def _refuse_key_filters(node, schema, label):
    """A Query's filter may not name a key attribute of what it queries: those belong in
    its key condition (a Scan's filter may)."""
    heads = {elements[0] for elements in _paths(node)}
    for key in (schema.hash_key, schema.range_key):
        if key is not None and key.name in heads:
            raise ValidationException(f"{label} can only contain non-primary key attributes: Primary key "
                                      f"attribute: {key.name}")


def _paths(node):
    """The element lists of the document paths a parsed condition reads."""
    if isinstance(node, list):
        for part in node:
            yield from _paths(part)
    elif isinstance(node, tuple):
        if node[0] == "path":
            yield node[1]
        elif node[0] != "value":
            for part in node[1:]:
                yield from _paths(part)


def run_query(ctx, table, index, params, compiled):
    """A Query of parsed expressions (also PartiQL's SELECT on a partition)."""
    hash_key, range_key = (index.hash_key, index.range_key) if index else (table.hash_key, table.range_key)
    hash_value, low, high = key_conditions.analyse(compiled["key"], hash_key, range_key)
    page = Page(ctx, table, index, params, compiled, query=True)
    forward = params.get("ScanIndexForward", True)
    base, entry = _start_key(table, index, params, query=True)
    encoded = av.encode_key(hash_value)
    if base is not None:
        _check_start_bounds(entry if index is not None else base, encoded, low, high)
    h = partition_hash(encoded)
    if index is None:
        more = _query_table(ctx, page, table, h, encoded, low, high, forward, base)
    else:
        after = (entry[2], base[1], base[2]) if entry is not None else None
        more = _query_index(ctx, page, table, index, h, encoded, low, high, forward, after)
    return page.result(more)


def _check_start_bounds(position, pk, low, high):
    """Refuse an ExclusiveStartKey outside what the key condition selects, in DynamoDB's
    words (as tests run against DynamoDB record them): first a sort key the range
    condition excludes, then another partition."""
    _, start_pk, start_sk = position
    ranged = low is not None or high is not None
    if ranged and not _within(start_sk, low, high):
        raise ValidationException("The provided starting key does not match the range key predicate")
    if start_pk != pk:
        raise ValidationException("The query can return at most one row and cannot be restarted" if ranged else
                                  "The provided starting key is outside query boundaries based on provided "
                                  "conditions")


def _within(sk, low, high) -> bool:
    if low is not None and (sk < low[0] or (sk == low[0] and not low[1])):
        return False
    return high is None or sk < high[0] or (sk == high[0] and high[1])


def _query_table(ctx, page, table, h, pk, low, high, forward, start):
    if start is not None:
        if forward:
            low = (start[2], False)
        else:
            high = (start[2], False)

    def rows_from(bounds, size):
        return store.items_in_partition(ctx.state.db, table.uid, h, pk, *bounds, forward, size)

    def bounds_after(row):
        return ((row["sk"], False), high) if forward else (low, (row["sk"], False))
    return _feed(page, rows_from, bounds_after, (low, high))


def _query_index(ctx, page, table, index, h, ipk, low, high, forward, after):
    def rows_from(position, size):
        return store.index_partition(ctx.state.db, table.uid, index.name, h, ipk, low, high, position, forward,
                                     size)
    return _feed(page, rows_from, lambda row: (row["isk"], row["pk"], row["sk"]), after)


def _feed(page, rows_from, position_after, position):
    """Read rows into `page` a chunk at a time: `rows_from(position, size)` fetches a chunk
    and `position_after(row)` is where the next one starts. True when the page filled up
    before the rows ran out (LastEvaluatedKey is due)."""
    while True:
        size = _chunk(page)
        rows = rows_from(position, size)
        for row in rows:
            page.take(row["size"], store.load_item(row["item"]))
            if page.full():
                return True
        if len(rows) < size:
            return False
        position = position_after(rows[-1])


def _chunk(page):
    if page.limit is None:
        return CHUNK
    return max(1, min(CHUNK, page.limit - page.scanned))


def scan(ctx, params):
    compiled = expressions.compile_request(params, "filter", "projection")
    table = writable_table(ctx, params["TableName"], index=params.get("IndexName"))
    index = _index_of(ctx, table, params, compiled)
    if "filter" in compiled:
        _refuse_paths_into_keys(compiled["filter"], table)
    return run_scan(ctx, table, index, params, compiled)


def _refuse_paths_into_keys(node, table):
    """A filter may not look inside a key attribute of the table or of an index: keys are
    scalars (DynamoDB's words name which)."""
    index_keys = {k.name for i in table.indexes.values() for k in (i.hash_key, i.range_key) if k is not None}
    for elements in _paths(node):
        if len(elements) > 1 and (elements[0] in table.key_names or elements[0] in index_keys):
            label = "Key" if elements[0] in table.key_names else "IndexKey"
            raise ValidationException("Key attributes must be scalars; list random access '[]' and map lookup '.' "
                                      f"are not allowed: {label}: {elements[0]}")


def run_scan(ctx, table, index, params, compiled):
    """A Scan of parsed expressions (also PartiQL's SELECT without a partition key)."""
    h_start, h_end = _segment(params)
    page = Page(ctx, table, index, params, compiled, query=False)
    base, entry = _start_key(table, index, params, query=False)
    start_h = (entry or base or (None,))[0]
    if start_h is not None and not h_start <= start_h < h_end:
        raise ValidationException("The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
                                  "ExclusiveStartKey with correct Segment. TotalSegments: "
                                  f"{params['TotalSegments']} Segment: {params['Segment']}")
    if index is None:
        more = _scan_table(ctx, page, table, base, h_start, h_end)
    else:
        start = (*entry, base[1], base[2]) if entry is not None else None
        more = _scan_index(ctx, page, table, index, start, h_start, h_end)
    return page.result(more)


def _segment(params):
    """The range of partition hashes a parallel Scan segment covers."""
    segment, total = params.get("Segment"), params.get("TotalSegments")
    if segment is not None and total is None:
        raise ValidationException("The TotalSegments parameter is required but was not present in the request when "
                                  "Segment parameter is present")
    if total is not None and segment is None:
        raise ValidationException("The Segment parameter is required but was not present in the request when "
                                  "parameter TotalSegments is present")
    if total is None:
        return 0, HASH_SPACE
    if segment >= total:
        raise ValidationException("The Segment parameter is zero-based and must be less than parameter "
                                  f"TotalSegments: Segment: {segment} is not less than TotalSegments: {total}")
    return segment * HASH_SPACE // total, (segment + 1) * HASH_SPACE // total


def _scan_table(ctx, page, table, start, h_start, h_end):
    def rows_from(position, size):
        return store.scan_items(ctx.state.db, table.uid, position, h_start, h_end, size)
    return _feed(page, rows_from, lambda row: (row["h"], row["pk"], row["sk"]), start)


def _scan_index(ctx, page, table, index, start, h_start, h_end):
    def rows_from(position, size):
        return store.index_scan(ctx.state.db, table.uid, index.name, position, h_start, h_end, size)
    return _feed(page, rows_from, lambda row: (row["h"], row["ipk"], row["isk"], row["pk"], row["sk"]), start)
