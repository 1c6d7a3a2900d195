"""An acknowledged write survives `kill -9`; restarting on the same data dir keeps it."""
import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


def test_issued_credentials_survive_kill_9(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        sts = server.client("sts")
        credentials = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/durable",
                                      RoleSessionName="before-crash")["Credentials"]
        server.kill()
        server.start()
        after = server.client("sts", aws_access_key_id=credentials["AccessKeyId"],
                              aws_secret_access_key=credentials["SecretAccessKey"],
                              aws_session_token=credentials["SessionToken"])
        assert after.get_caller_identity()["Arn"] == \
            "arn:aws:sts::123456789012:assumed-role/durable/before-crash"
    finally:
        server.stop()


def test_clock_offset_survives_restart(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        server.advance_clock(3600)
        server.kill()
        server.start()
        assert server._call("GET", "/_lakebox/clock")["offset"] == 3600
    finally:
        server.stop()


def test_reset_forgets_everything(tmp_path):
    with LakeboxServer(data_dir=str(tmp_path / "data")) as server:
        sts = server.client("sts")
        credentials = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/gone",
                                      RoleSessionName="wiped")["Credentials"]
        server.reset()
        info = sts.get_access_key_info(AccessKeyId=credentials["AccessKeyId"])
        assert info["Account"] == "000000000000"
