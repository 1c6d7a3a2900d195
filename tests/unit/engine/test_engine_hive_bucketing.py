"""Hive's bucketing hash (version 1), against values Java computes: String.hashCode
over UTF-8 bytes as signed bytes, Long/Double.hashCode folding, Float.floatToIntBits."""
import datetime

from lakebox.engine import bucketing


def test_values_hash_as_hive_hashes_them():
    assert bucketing.value_hash("hello", "VARCHAR") == 99162322
    assert bucketing.value_hash("\u00e9", "VARCHAR") == -1978          # bytes C3 A9, signed
    assert bucketing.value_hash(2 ** 40 + 5, "BIGINT") == 261
    assert bucketing.value_hash(-1, "BIGINT") == 0
    assert bucketing.value_hash(1.5, "DOUBLE") == 1073217536
    assert bucketing.value_hash(1.5, "FLOAT") == 1069547520
    assert bucketing.value_hash(True, "BOOLEAN") == 1
    assert bucketing.value_hash(datetime.date(2024, 1, 1), "DATE") == 19723
    assert bucketing.value_hash(None, "INTEGER") == 0


def test_columns_combine_and_negative_hashes_wrap():
    assert bucketing.bucket_of([-5], ["INTEGER"], 4) == 3              # (-5 & 0x7fffffff) % 4
    assert bucketing.bucket_of([1, "a"], ["INTEGER", "VARCHAR"], 1000) == (31 + 97) % 1000
    assert bucketing.bucket_of(["hello" * 50], ["VARCHAR"], 7) == \
        (bucketing.value_hash("hello" * 50, "VARCHAR") & 0x7FFFFFFF) % 7


def test_bucket_file_names():
    assert bucketing.file_name(12, "q-1", ".gz") == "000012_0_q-1.gz"
