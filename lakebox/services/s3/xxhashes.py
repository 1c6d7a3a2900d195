"""The XXHASH64, XXHASH3 and XXHASH128 checksums S3 takes (seed 0, big-endian digests,
as S3 returns them: radkawar/stackd testdata/aws/s3/checksum_algorithms_object_replay.json),
computed by awscrt when the installed release has them."""
from awscrt import checksums as crt

_XXHASH = getattr(crt, "XXHash", None)       # awscrt releases before XXHash have none
_MAKERS = {"XXHASH64": "xxhash64", "XXHASH3": "xxhash3_64", "XXHASH128": "xxhash3_128"}
SIZES = {"XXHASH64": 8, "XXHASH3": 8, "XXHASH128": 16}
ALGORITHMS = tuple(_MAKERS) if _XXHASH is not None else ()


class _Hasher:
    """An XXHash with hashlib's update() and digest()."""
    def __init__(self, name: str):
        self._hash = getattr(_XXHASH, "new_" + name)()

    def update(self, data):
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.finalize()


def hasher_makers() -> dict:
    return {algorithm: (lambda name=name: _Hasher(name)) for algorithm, name in _MAKERS.items() if ALGORITHMS}


def digest_functions() -> dict:
    return {algorithm: getattr(_XXHASH, "compute_" + name) for algorithm, name in _MAKERS.items() if ALGORITHMS}
