"""Helpers of the S3 edge-behaviour scenarios (checksums, multipart, response headers)."""
import base64
import datetime
import zlib

from awscrt import checksums
from botocore.config import Config


def b64(raw):
    return base64.b64encode(raw).decode()


def crc32_b64(data):
    return b64(zlib.crc32(data).to_bytes(4, "big"))


def crc64nvme_b64(data):
    return b64(checksums.crc64nvme(data).to_bytes(8, "big"))


def crc32c_b64(data):
    return b64(checksums.crc32c(data).to_bytes(4, "big"))


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def headers_of(response):
    return response["ResponseMetadata"]["HTTPHeaders"]


def plain_client(lakebox_server):
    """A client that sends checksums only when an operation requires one."""
    return lakebox_server.client("s3", config=Config(request_checksum_calculation="when_required",
                                                     response_checksum_validation="when_required"))


def status_of(response):
    return response["ResponseMetadata"]["HTTPStatusCode"]


def multipart(s3, bucket, key, parts, create_args=None, part_args=None, complete_args=None, with_checksum=None):
    """Uploads `parts` as a multipart upload; returns (complete response, part answers)."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **(create_args or {}))
    done, answers = [], []
    for number, data in enumerate(parts, 1):
        answer = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number,
                                Body=data, **(part_args or {}))
        answers.append(answer)
        part = {"PartNumber": number, "ETag": answer["ETag"]}
        if with_checksum:
            part[with_checksum] = answer[with_checksum]
        done.append(part)
    complete = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                                            MultipartUpload={"Parts": done}, **(complete_args or {}))
    return complete, answers, upload
