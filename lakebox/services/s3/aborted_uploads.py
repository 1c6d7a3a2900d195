"""What S3 remembers of an aborted multipart upload: aborting it again is answered 204,
and its id as ListMultipartUploads' UploadIdMarker still marks its place among the key's
uploads (radkawar/stackd testdata/aws/s3/multipart_controls_replay.json abort-repeated,
multipart_events_replay.json abort-repeat, multipart_raw_replay.json upload-marker-deleted).
Kept per bucket, beside its configurations (under their own id, so never in the cached
set), and gone with the bucket."""
from lakebox.services.s3 import store, upload_store

KIND = "aborted-upload"


def remember(db, bucket: str, upload) -> None:
    """Call before the upload's row goes: its place among the key's uploads is its row number."""
    store.put_config(db, bucket, KIND, {"key": upload["key"], "seq": upload_store.upload_seq(db, upload["upload_id"])},
                     upload["upload_id"])


def find(db, bucket: str, upload_id: str, key: str) -> dict | None:
    """The remembered upload `upload_id` of `key`, or None."""
    found = store.get_config(db, bucket, KIND, upload_id)
    return found if found is not None and found["key"] == key else None
