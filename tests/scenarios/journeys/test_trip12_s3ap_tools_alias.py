"""Analysts' tools that only know bucket names, given an access point alias instead (S3
User Guide, "Access point aliases": usable wherever a bucket name is, for object
operations): the aws cli copies, syncs, lists and removes under `s3://<alias>/`,
awswrangler writes a partitioned Parquet dataset through the alias and reads it back
(whole and by partition filter), and pandas reads a CSV through s3fs — the objects land
in the bucket itself. When the access point's policy denies deletes to the owner's own
account, `aws s3 rm` through the alias fails while reads go on (S3 User Guide,
"Configuring IAM policies for using access points")."""
import json
import uuid

import pandas as pd

from s3ap_helpers import control_client
from trip_helpers import KEY, SECRET, aws, ok, ran


def test_tools_given_an_alias(lakebox_server, wr, client, bucket, session, tmp_path):
    account = client("sts").get_caller_identity()["Account"]
    control, s3 = control_client(lakebox_server), client("s3")
    name = f"analysts-{uuid.uuid4().hex[:8]}"
    alias = control.create_access_point(AccountId=account, Name=name, Bucket=bucket)["Alias"]
    try:
        (tmp_path / "drops").mkdir()
        (tmp_path / "drops" / "a.csv").write_text("sku,qty\napple,3\npear,1\n")
        (tmp_path / "drops" / "b.csv").write_text("sku,qty\nplum,7\n")
        ran(aws(lakebox_server, "s3", "sync", str(tmp_path / "drops"), f"s3://{alias}/drops/"))
        listing = ran(aws(lakebox_server, "s3", "ls", f"s3://{alias}/drops/", output=None))
        assert [line.split()[-2:] for line in listing.splitlines()] == [["23", "a.csv"], ["15", "b.csv"]]
        assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="drops/")["Contents"]) == [
            "drops/a.csv", "drops/b.csv"]
        ran(aws(lakebox_server, "s3", "cp", f"s3://{alias}/drops/a.csv", str(tmp_path / "back.csv")))
        assert (tmp_path / "back.csv").read_text() == "sku,qty\napple,3\npear,1\n"
        head = ok(aws(lakebox_server, "s3api", "head-object", "--bucket", alias, "--key", "drops/b.csv"))
        assert head["ContentLength"] == 15

        frame = wr.s3.read_csv(f"s3://{alias}/drops/", boto3_session=session)
        assert sorted(frame.itertuples(index=False, name=None)) == [("apple", 3), ("pear", 1), ("plum", 7)]
        frame["dt"] = ["2026-12-04", "2026-12-04", "2026-12-05"]
        written = wr.s3.to_parquet(frame, f"s3://{alias}/curated/", dataset=True, partition_cols=["dt"],
                                   boto3_session=session)
        assert sorted(written["partitions_values"]) == [f"s3://{alias}/curated/dt=2026-12-04/",
                                                        f"s3://{alias}/curated/dt=2026-12-05/"]
        back = wr.s3.read_parquet(f"s3://{alias}/curated/", dataset=True, boto3_session=session)
        assert sorted(back[["sku", "qty"]].itertuples(index=False, name=None)) == [
            ("apple", 3), ("pear", 1), ("plum", 7)]
        late = wr.s3.read_parquet(f"s3://{alias}/curated/", dataset=True, boto3_session=session,
                                  partition_filter=lambda p: p["dt"] == "2026-12-05")
        assert list(late["sku"]) == ["plum"]
        assert len(s3.list_objects_v2(Bucket=bucket, Prefix="curated/dt=2026-12-05/")["Contents"]) == 1

        options = {"key": KEY, "secret": SECRET, "client_kwargs": {"region_name": "us-east-1"}}
        if lakebox_server.endpoint:
            options["client_kwargs"]["endpoint_url"] = lakebox_server.endpoint
        read = pd.read_csv(f"s3://{alias}/drops/b.csv", storage_options=options)
        assert read.to_dict("records") == [{"sku": "plum", "qty": 7}]

        # Reads only, from now on, through this access point.
        control.put_access_point_policy(AccountId=account, Name=name, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                 "Resource": f"arn:aws:s3:us-east-1:{account}:accesspoint/{name}/object/*"}]}))
        removed = aws(lakebox_server, "s3", "rm", f"s3://{alias}/drops/a.csv")
        assert removed.returncode != 0
        assert "AccessDenied" in removed.stderr
        assert s3.get_object(Bucket=alias, Key="drops/a.csv")["ContentLength"] == 23
        ran(aws(lakebox_server, "s3", "rm", f"s3://{bucket}/drops/a.csv"))     # the bucket's own name: allowed
        assert [o["Key"] for o in s3.list_objects_v2(Bucket=alias, Prefix="drops/")["Contents"]] == ["drops/b.csv"]
    finally:
        control.delete_access_point(AccountId=account, Name=name)
