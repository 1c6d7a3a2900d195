"""What every catalog operation shares: the catalog id check, name folding, lookups
that raise Glue's errors, ARNs and page tokens."""
import base64
import json

from lakebox.kit import arns
from lakebox.services.glue import store
from lakebox.services.glue.errors import AccessDeniedException, EntityNotFoundException, InvalidInputException


def check_catalog(ctx, params):
    """One catalog per account and region, whose id is the account id. Another
    account's catalog is refused as AWS refuses a caller without a grant on it."""
    catalog_id = params.get("CatalogId")
    if catalog_id and catalog_id != ctx.account:
        raise AccessDeniedException(
            f"User: {ctx.caller_arn} is not authorized to perform: glue:{ctx.operation} on resource: "
            f"{arns.build('glue', ctx.region, catalog_id, 'catalog')}")


def fold(name: str) -> str:
    """Glue keeps database, table and column names in lower case."""
    return name.lower()


def database_or_error(ctx, name: str) -> dict:
    found = store.get_database(ctx.state.db, ctx.account, ctx.region, fold(name))
    if found is None:
        raise EntityNotFoundException(f"Database {name} not found.")
    return found


def table_or_error(ctx, database: str, name: str) -> dict:
    database_or_error(ctx, database)
    found = store.get_table(ctx.state.db, ctx.account, ctx.region, fold(database), fold(name))
    if found is None:
        raise EntityNotFoundException(f"Table {name} not found.")
    return found


def arn(ctx, kind: str, *names: str) -> str:
    return arns.build("glue", ctx.region, ctx.account, f"{kind}/" + "/".join(names))


def encode_token(position) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def decode_token(token: str | None, default):
    """The position a NextToken stands for; a token Glue never gave is InvalidInputException."""
    if not token:
        return default
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        raise InvalidInputException("Invalid pagination token") from None


def page_size(params, default: int, largest: int) -> int:
    return min(params.get("MaxResults") or default, largest)


def list_page(items: list, params, largest: int) -> tuple[list, str | None]:
    """A page of an in-memory list by MaxResults/NextToken: (page, next token or None)."""
    start = decode_token(params.get("NextToken"), 0)
    if not isinstance(start, int):
        raise InvalidInputException("Invalid pagination token")
    limit = page_size(params, largest, largest)
    token = encode_token(start + limit) if start + limit < len(items) else None
    return items[start:start + limit], token
