"""READY -> RUNNING -> STOPPING -> READY on a server whose transitions take time
(`--transition-delay`): an ended crawl stays STOPPING until the clock passes it."""
import time

import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


def test_an_ended_crawl_is_stopping_for_the_transition_delay():
    server = LakeboxServer(env={"LAKEBOX_TRANSITION_DELAY": "30"}).start()
    try:
        glue, s3 = server.client("glue"), server.client("s3")
        s3.create_bucket(Bucket="lake")
        s3.put_object(Bucket="lake", Key="t/a.json", Body='{"a": 1}\n')
        glue.create_crawler(Name="c", Role="r", DatabaseName="d", Targets={"S3Targets": [{"Path": "s3://lake/t/"}]})
        glue.start_crawler(Name="c")
        seen = set()
        deadline = time.monotonic() + 60
        while "LastCrawl" not in glue.get_crawler(Name="c")["Crawler"] and time.monotonic() < deadline:
            seen.add(glue.get_crawler(Name="c")["Crawler"]["State"])
            time.sleep(0.05)
        crawler = glue.get_crawler(Name="c")["Crawler"]
        assert (crawler["State"], crawler["LastCrawl"]["Status"]) == ("STOPPING", "SUCCEEDED")
        assert seen <= {"RUNNING", "STOPPING"}
        with pytest.raises(glue.exceptions.CrawlerRunningException):
            glue.start_crawler(Name="c")
        with pytest.raises(glue.exceptions.CrawlerStoppingException):
            glue.stop_crawler(Name="c")
        server.advance_clock(31)
        assert glue.get_crawler(Name="c")["Crawler"]["State"] == "READY"
        glue.start_crawler(Name="c")
    finally:
        server.stop()
