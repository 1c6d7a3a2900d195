"""Items to Ion text and back, every type."""
from lakebox.services.dynamodb.ion import ion_items, ion_line

ITEM = {"s": {"S": 'quote " and ünï'}, "n": {"N": "-12.5"}, "i": {"N": "7"}, "b": {"B": b"\x00\xff"},
        "t": {"BOOL": True}, "z": {"NULL": True}, "l": {"L": [{"S": "a"}, {"N": "1"}]},
        "m": {"M": {"inner": {"BS": [b"x"]}}}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}}


def test_round_trip():
    text = "$ion_1_0 " + ion_line(ITEM).decode() + ion_line({"k": {"S": "second"}}).decode()
    assert list(ion_items(text)) == [ITEM, {"k": {"S": "second"}}]


def test_numbers_are_decimals():
    assert '"i":7.' in ion_line(ITEM).decode()
