"""What an action knows about its request: the HTTP request, the caller, the time."""
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

from lakebox.aws.errors import new_request_id


@dataclass
class HttpRequest:
    method: str
    raw_path: str                       # percent-encoded, as sent
    query: list[tuple[str, str]]        # in order; `?uploads` is ("uploads", "")
    headers: dict[str, str]             # lower-cased names
    body: bytes = b""
    host: str = ""
    client_ip: str = ""                 # the peer's address (policies' aws:SourceIp)
    scheme: str = "http"                # "https" when served over TLS (aws:SecureTransport)

    @property
    def path(self) -> str:
        return unquote(self.raw_path)

    def query_dict(self) -> dict[str, str]:
        """The query string as a dict (the first value of a repeated key, as AWS reads
        it), built once: routing, presign checks, identity and actions all ask. Read it,
        don't change it."""
        cached = self.__dict__.get("_query_dict")
        if cached is None:
            cached = self.__dict__["_query_dict"] = _first_values(self.query)
        return cached

    def form(self) -> dict[str, str]:
        """Fields of a form-encoded body (the query protocol), parsed once."""
        cached = self.__dict__.get("_form")
        if cached is None:
            cached = {}
            if self.method == "POST" and isinstance(self.body, (bytes, bytearray)) and \
                    self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                cached = _first_values(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
            self.__dict__["_form"] = cached
        return cached


def _first_values(pairs) -> dict[str, str]:
    values = {}
    for name, value in pairs:
        values.setdefault(name, value)
    return values


@dataclass
class RequestContext:
    service: str
    operation: str
    account: str
    region: str
    access_key: str
    caller_arn: str
    now: float
    state: object
    request: HttpRequest
    request_id: str = field(default_factory=new_request_id)
    session: dict | None = None         # the STS session behind the access key, if any
    anonymous: bool = False             # an unsigned S3 request: no account; `account` is ""
    unverified_secret: str | None = None    # a signature over a body not yet read: checked once it is
    via_service: str | None = None      # the service calling another's public.py for the caller (kms:ViaService)

    @property
    def headers(self) -> dict[str, str]:
        return self.request.headers

    @property
    def limits_on(self) -> bool:
        return self.state.config.limits_on
