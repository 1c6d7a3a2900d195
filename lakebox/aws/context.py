"""What an action knows about its request: the HTTP request, the caller, the time."""
import uuid
from dataclasses import dataclass, field
from urllib.parse import unquote


@dataclass
class HttpRequest:
    method: str
    raw_path: str                       # percent-encoded, as sent
    query: list[tuple[str, str]]        # in order; `?uploads` is ("uploads", "")
    headers: dict[str, str]             # lower-cased names
    body: bytes = b""
    host: str = ""

    @property
    def path(self) -> str:
        return unquote(self.raw_path)

    def query_dict(self) -> dict[str, str]:
        return dict(self.query)


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
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    session: dict | None = None         # the STS session behind the access key, if any

    @property
    def headers(self) -> dict[str, str]:
        return self.request.headers

    @property
    def limits_on(self) -> bool:
        return self.state.config.limits_on
