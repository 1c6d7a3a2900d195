"""Helpers shared by the SQS scenario tests."""
import pathlib


def error_of(raised) -> tuple:
    """(Code, Message) of a botocore ClientError, as a user reads them."""
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def receive_all(sqs, url, **args) -> list:
    """Every message receivable now, by repeated receives of up to 10."""
    found = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **args).get("Messages", [])
        if not batch:
            return found
        found.extend(batch)


def disk_holds(root: str, needle: bytes) -> bool:
    """Whether any file under `root` contains `needle`."""
    return any(needle in path.read_bytes() for path in pathlib.Path(root).rglob("*") if path.is_file())
