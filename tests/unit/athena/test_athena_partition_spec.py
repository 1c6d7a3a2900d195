"""Partition specs of ALTER TABLE ... ADD/DROP PARTITION, read in the table's key order."""
import pytest

from lakebox.services.athena.ddl import DdlFailure, _partition_values


@pytest.mark.parametrize("spec", ["dt='2024-01-01', h=3", "`h` = 3, `dt` = '2024-01-01'", "DT = '2024-01-01',h=3"])
def test_keys_plain_quoted_or_in_any_order(spec):
    assert _partition_values(spec, ["dt", "h"]) == ["2024-01-01", "3"]


def test_a_missing_key_is_refused_in_hive_words():
    with pytest.raises(DdlFailure) as caught:
        _partition_values("`dt` = '2024-01-01'", ["dt", "h"])
    assert str(caught.value).startswith("FAILED: SemanticException Partition spec (`dt` = '2024-01-01') does not match "
                                        "the partition keys (dt, h)")
