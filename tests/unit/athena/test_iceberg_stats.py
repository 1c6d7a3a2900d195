import datetime
import decimal

from lakebox.services.athena import iceberg_stats as stats


def test_single_value_serialization_follows_the_spec():
    assert stats.serialize("int", 1) == b"\x01\x00\x00\x00"
    assert stats.serialize("long", -1) == b"\xff" * 8
    assert stats.serialize("date", datetime.date(1970, 1, 2)) == b"\x01\x00\x00\x00"
    assert stats.serialize("timestamp", datetime.datetime(1970, 1, 1, 0, 0, 1)) == (1_000_000).to_bytes(8, "little")
    assert stats.serialize("boolean", True) == b"\x01"
    assert stats.serialize("string", "é") == "é".encode()
    assert stats.serialize("double", float("nan")) is None
    assert stats.serialize("decimal(10,2)", decimal.Decimal("1.28")) == b"\x00\x80"
    assert stats.serialize("decimal(10,2)", decimal.Decimal("-1.28")) == b"\x80"
    assert stats.serialize("decimal(10,0)", decimal.Decimal("0")) == b"\x00"


def test_string_and_binary_bounds_are_truncated_and_the_upper_one_rounded_up():
    assert stats.lower("string", "x" * 20) == b"x" * 16
    assert stats.upper("string", "x" * 20) == b"x" * 15 + b"y"
    assert stats.upper("string", "short") == b"short"
    assert stats.upper("string", "a" + "\U0010ffff" * 19) == b"b"
    assert stats.upper("string", "\U0010ffff" * 17) is None
    assert stats.upper("string", "a" * 15 + "\ud7ff" + "z") == ("a" * 15 + "\ue000").encode()
    assert stats.upper("binary", b"\x01" + b"\xff" * 16) == b"\x02"
    assert stats.upper("binary", b"\xff" * 17) is None


def test_partition_summaries_give_each_fields_range_and_nulls():
    fields = [{"name": "day", "result_type": "date"}, {"name": "region", "result_type": "string"}]
    files = [{"partition": {"day": datetime.date(1970, 1, 3), "region": "us"}},
             {"partition": {"day": 1, "region": None}}]
    assert stats.partition_summaries(fields, files) == [
        {"contains_null": False, "contains_nan": None, "lower_bound": b"\x01\x00\x00\x00",
         "upper_bound": b"\x02\x00\x00\x00"},
        {"contains_null": True, "contains_nan": None, "lower_bound": b"us", "upper_bound": b"us"}]
    assert stats.partition_summaries([], files) is None


def _stats_file(kind, low, high, values=3, nulls=0):
    return {"value_counts": [{"key": 1, "value": values}], "null_value_counts": [{"key": 1, "value": nulls}],
            "lower_bounds": [{"key": 1, "value": stats.serialize(kind, low)}],
            "upper_bounds": [{"key": 1, "value": stats.upper(kind, high)}]}


def test_files_are_ruled_out_only_when_their_bounds_prove_no_row_matches():
    columns = {"id": (1, "long")}
    data = _stats_file("long", 10, 20)
    for predicate, expected in ((("id", "=", [15]), True), (("id", "=", [21]), False), (("id", "in", [1, 20]), True),
                                (("id", ">", [20]), False), (("id", ">=", [20]), True), (("id", "<", [10]), False),
                                (("id", "<=", [10]), True), (("id", "between", [21, 30]), False),
                                (("id", "between", [5, 10]), True), (("id", "<>", [15]), True),
                                (("and", [("id", ">", [12]), ("id", "<", [10])]), False),
                                (("or", [("id", "=", [1]), ("id", "=", [12])]), True),
                                (("other", "=", [1]), True)):
        assert stats.may_contain(predicate, columns, data) is expected, predicate
    assert stats.may_contain(("id", "=", [1]), columns, {}) is True                     # no statistics
    assert stats.may_contain(("id", "<>", [1]), columns, _stats_file("long", 1, 1, 3, 3)) is False   # only NULLs


def test_truncated_string_bounds_and_promoted_int_bounds_still_hold():
    data = _stats_file("string", "apple" * 5, "pear" * 5)
    columns = {"s": (1, "string")}
    assert stats.may_contain(("s", "=", ["pear" * 5]), columns, data) is True
    assert stats.may_contain(("s", "=", ["apple" * 5]), columns, data) is True
    assert stats.may_contain(("s", ">", ["pz"]), columns, data) is False
    narrow = _stats_file("int", 1, 2)           # written while the column was an int, read as a long
    assert stats.may_contain(("n", ">", [2]), {"n": (1, "long")}, narrow) is False
