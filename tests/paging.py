"""boto3's paginators as users drive them, checked against a list of items a test made.
Shared by the `test_<svc>_paginators.py` scenarios of every service.

`check_paginator` reads the paginator's own configuration from botocore
(`paginators-1.json`): its result keys, its `more_results` key and its output token, and
checks that
- paging with `PageSize` 2 gives pages of at most 2 items, more than one page, every
  item exactly once (in the expected order when the service documents one), the
  `more_results` key on every page and an output token on every page but the last;
- `MaxItems` cuts the listing and its `NextToken` resumes it where it stopped (also in
  the middle of a page, which botocore resumes by truncating the server's page);
- the non-aggregate keys a test names are on the pages."""
import uuid

import botocore.session
import jmespath
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

NO_RETRIES = Config(retries={"total_max_attempts": 1})
_SESSION = botocore.session.get_session()


def account_client(lakebox_server, service, account):
    """A client acting for `account` (lakebox treats a 12-digit access key as that
    account), so that an account-wide listing holds only what the test made."""
    return lakebox_server.client(service, aws_access_key_id=account, config=NO_RETRIES)


def fresh_account() -> str:
    return str(uuid.uuid4().int)[:12].rjust(12, "1")


def _config_of(client, operation: str) -> dict:
    service = client.meta.service_model.service_name
    return _SESSION.get_paginator_model(service).get_paginator(operation)


def _listed(config) -> list:
    keys = config["result_key"]
    return keys if isinstance(keys, list) else [keys]


def _items(result, config, key_of) -> list:
    """The items of a page or a full result under the paginator's first list result key."""
    found = jmespath.search(_listed(config)[0], result) or []
    return [key_of(item) for item in found]


def _has_token(page, config) -> bool:
    tokens = config["output_token"]
    tokens = tokens if isinstance(tokens, list) else [tokens]
    return any(jmespath.search(token, page) for token in tokens)


def check_paginator(client, operation, expected, key_of=lambda item: item, ordered=True,
                    page_size=2, keys=(), **params):
    """Pages `operation` (with `params`) every way a user does; `expected` is the list of
    item keys (`key_of(item)`) the listing must give."""
    config = _config_of(client, operation)
    paginator = client.get_paginator(xform_name(operation))
    sizing = {"PageSize": page_size} if page_size and "limit_key" in config else {}
    pages = list(paginator.paginate(**params, PaginationConfig=sizing))
    got = [item for page in pages for item in _items(page, config, key_of)]
    _same(got, expected, ordered)
    if sizing:
        assert all(len(_items(page, config, key_of)) <= page_size for page in pages)
        assert len(pages) >= -(-len(expected) // page_size), [len(_items(p, config, key_of)) for p in pages]
    for page in pages:
        assert any(jmespath.search(key, page) is not None for key in _listed(config)), page
        if "more_results" in config:
            assert jmespath.search(config["more_results"], page) is not None, page
        for key in keys:
            assert jmespath.search(key, page) is not None, (key, page)
    assert all(_has_token(page, config) for page in pages[:-1])
    if "more_results" in config:        # then the flag, not the token, ends the listing
        assert not jmespath.search(config["more_results"], pages[-1])
    else:
        assert not _has_token(pages[-1], config)
    _resumed(paginator, params, sizing, config, key_of, expected, ordered)


def _resumed(paginator, params, sizing, config, key_of, expected, ordered):
    """MaxItems 3 then the rest, and one item at a time, give the listing again."""
    first = paginator.paginate(**params, PaginationConfig={**sizing, "MaxItems": 3}).build_full_result()
    head = _items(first, config, key_of)
    assert len(head) == min(3, len(expected))
    token = first.get("NextToken")
    assert (token is not None) == (len(expected) > 3)
    if token is not None:
        rest = paginator.paginate(**params, PaginationConfig={**sizing, "StartingToken": token}).build_full_result()
        head += _items(rest, config, key_of)
    _same(head, expected, ordered)
    one_by_one, token = [], None
    while True:
        part = paginator.paginate(**params, PaginationConfig={**sizing, "MaxItems": 1,
                                                              "StartingToken": token}).build_full_result()
        one_by_one += _items(part, config, key_of)
        token = part.get("NextToken")
        if token is None:
            break
        assert len(one_by_one) <= len(expected)
    _same(one_by_one, expected, ordered)


def _same(got, expected, ordered):
    if ordered:
        assert got == expected
    else:
        assert len(got) == len(expected) and sorted(map(repr, got)) == sorted(map(repr, expected)), (got, expected)


def error_of(call, **params):
    """(code, message) of the error `call(**params)` raises."""
    try:
        call(**params)
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["Error"].get("Message")
    raise AssertionError("no error")
