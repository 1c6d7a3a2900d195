"""Finding tables from request parameters (a name or an ARN), with a per-server cache of
parsed definitions, and the ARNs and states DynamoDB reports."""
import functools
import re
from datetime import datetime, timezone

from lakebox.kit import arns
from lakebox.services.dynamodb import access, store
from lakebox.services.dynamodb.errors import AccessDeniedException, ResourceInUseException, ValidationException, \
    table_not_found
from lakebox.services.dynamodb.model import Table

_TABLE_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:([^:]+):(\d{12}):table/([a-zA-Z0-9_.-]+)$")
_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]+")


def now_ms(ctx) -> int:
    return int(ctx.now * 1000)


def held_back_until(ctx, since_ms, period_ms: int) -> str | None:
    """While a change made at `since_ms` still holds the next one back for `period_ms`:
    the time to try again as DynamoDB writes it in its refusals (UTC to the millisecond,
    no zone); None when there was no such change or the period has passed."""
    if since_ms is None or now_ms(ctx) >= since_ms + period_ms:
        return None
    return datetime.fromtimestamp((since_ms + period_ms) / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def transition_ms(ctx) -> int:
    """How long CREATING/UPDATING last: the server's `--transition-delay` (0 by default)."""
    return int(ctx.state.config.transition_delay * 1000)


partition = arns.partition


def table_arn(account, region, name) -> str:
    return arns.build("dynamodb", region, account, f"table/{name}")


def arn_of(table: Table) -> str:
    return table_arn(table.account, table.region, table.name)


def stream_arn(account, region, table_name, label) -> str:
    return f"{table_arn(account, region, table_name)}/stream/{label}"


def where(ctx, name: str):
    """(account, region, table name) of a TableName parameter, which may be an ARN."""
    in_arn = _read_name(name)
    if in_arn is not None:
        region, account, table_name = in_arn
        return account, region, table_name
    return ctx.account, ctx.region, name


@functools.lru_cache(maxsize=1024)
def _read_name(name: str):
    """(region, account, table name) of a table ARN; None for a table name. Remembered:
    every item operation reads its TableName, and the regular expressions were a third
    of finding its table (a refused name raises, and is not remembered)."""
    match = _TABLE_ARN.match(name)
    if match:
        return match.groups()
    _check_name(name)
    return None


def _check_name(name: str):
    """The model types TableName as a name or an ARN (1-1024 characters), so DynamoDB
    itself refuses what is neither, in these words (recorded replies of the service)."""
    if not 3 <= len(name) <= 255:
        raise ValidationException("TableName must be at least 3 characters long and at most 255 characters long")
    if not _TABLE_NAME.fullmatch(name):
        raise ValidationException(f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
                                  "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")


def _cache(ctx) -> dict:
    return ctx.state.cache("dynamodb").setdefault("tables", {})


def find(ctx, name: str, *, named_error=False, action=None, index=None) -> Table:
    """The table, or ResourceNotFoundException (naming the table where DynamoDB does), or
    AccessDeniedException when its resource policy refuses the caller `action` (by default
    the operation's own) on the table, or on its `index` (the index's own ARN, which a
    statement must name besides the table's)."""
    key = where(ctx, name)
    if key[0] != ctx.account and store.table(ctx.state.db, *key) is None:
        # another account's ARN naming no table: the caller may not learn that (recorded
        # against DynamoDB, stackd controls.json call 17)
        raise AccessDeniedException("Access is denied")
    table = loaded(ctx, key, named_error)
    if table.policy is not None or table.account != ctx.account:
        arn = arn_of(table) if index is None else f"{arn_of(table)}/index/{index}"
        access.check(ctx, table.account, arn, table.policy, action)
    return table


def loaded(ctx, key: tuple, named_error=False) -> Table:
    """The table of an (account, region, name) key with its resource policy, unchecked:
    for lakebox's own work on it (replication to a global table's replicas)."""
    cache = _cache(ctx)
    table = cache.get(key)
    if table is None:
        row = store.table(ctx.state.db, *key)
        if row is None:
            raise table_not_found(key[2] if named_error else None)
        table = Table(row)
        table.policy = access.policy_of(ctx.state.db, table.account, table.region, arn_of(table))
        cache[key] = table
    return table


def forget(ctx, table: Table):
    _cache(ctx).pop((table.account, table.region, table.name), None)


def forget_all(ctx):
    """Drop every cached definition: after a refused change that may have altered some."""
    _cache(ctx).clear()


def save(ctx, table: Table):
    store.save_spec(ctx.state.db, table.uid, table.spec)
    forget(ctx, table)


def status(ctx, table: Table) -> str:
    if "deleting_until_ms" in table.spec:
        return "DELETING"
    if now_ms(ctx) < table.spec.get("ready_ms", 0):
        return table.spec.get("busy", "CREATING")
    if table.spec.get("backfilling"):
        return "CREATING" if table.spec.get("restoring") else "UPDATING"
    return "ACTIVE"


def require_active(ctx, table: Table):
    state = status(ctx, table)
    if state != "ACTIVE":
        doing = {"CREATING": "created", "UPDATING": "updated", "DELETING": "deleted"}[state]
        raise ResourceInUseException(f"Attempt to change a resource which is still in use: Table is being "
                                     f"{doing}: {table.name}")


def index_status(ctx, spec: dict) -> str:
    if "backfill" in spec or now_ms(ctx) < spec.get("ready_ms", 0):
        return "CREATING"
    return "ACTIVE"


def timestamp(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def stream_label(ms: int) -> str:
    return timestamp(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}"
