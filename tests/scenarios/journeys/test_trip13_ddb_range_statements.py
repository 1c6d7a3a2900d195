"""A sensor service keeps readings by device (pk) and reading number (sk) and reads them
with PartiQL, as recorded against DynamoDB (radkawar/stackd, testdata/aws/dynamodb/
partiql_ordered_ranges.json and partiql_compound_predicates.json): a device's readings
named by their numbers (sk = n, or IN a list) are read one by one as GetItem reads them
(each its own units, a missing one still one) in the order of the number, Limit counting
the readings found, and the page that reaches Limit with no number left answers
LastEvaluatedKey without a NextToken; a number listed twice, also as 2 and 2.0, is
refused; two conditions on the number are no key condition: DynamoDB scans for them and
refuses them with ORDER BY, unless they are the same equality."""
from trip_helpers import client_table, error_of

SIZES = {"-2": 700, "2": 4500, "10": 7500, "20": 12500}     # read units: 1, 2, 2, 4


def test_range_statements(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"), ("sk", "N"))
    for device in ("a", "b"):
        for number, size in SIZES.items():
            ddb.put_item(TableName=table_name, Item={"pk": {"S": device}, "sk": {"N": number},
                                                     "payload": {"S": "x" * size}})

    def select(where, **extra):
        return ddb.execute_statement(Statement=f'SELECT pk, sk FROM "{table_name}" WHERE {where}',
                                     ReturnConsumedCapacity="TOTAL", ConsistentRead=True, **extra)

    def numbers(answer):
        return [item["sk"]["N"] for item in answer["Items"]]

    def units(answer):
        return answer["ConsumedCapacity"]["CapacityUnits"]

    everything = select("pk='a' AND sk IN [20,2,-2,10] ORDER BY sk ASC")
    assert (numbers(everything), units(everything)) == (["-2", "2", "10", "20"], 9.0)
    one = select("pk='a' AND sk=2")
    assert (numbers(one), units(one)) == (["2"], 2.0)
    missing = select("pk='a' AND sk IN [7,8] ORDER BY sk ASC", Limit=1)
    assert (missing["Items"], units(missing)) == ([], 2.0)
    assert "NextToken" not in missing and "LastEvaluatedKey" not in missing

    pages, token = [], None
    while True:
        page = select("pk='a' AND sk IN [20,2,-2,10] ORDER BY sk ASC", Limit=2,
                      **({"NextToken": token} if token else {}))
        pages.append((numbers(page), units(page), page["LastEvaluatedKey"]["sk"]["N"]))
        token = page.get("NextToken")
        if token is None:
            break
    assert pages == [(["-2", "2"], 3.0, "2"), (["10", "20"], 6.0, "20")]

    for listed in ("[20,7,2,-2,2,10,7]", "[2,2.0,2e0,20,-2]"):
        assert error_of(select, f"pk='a' AND sk IN {listed} ORDER BY sk ASC") == (
            "ValidationException", "Overlapping conditions with range keys are not supported in where clause")

    for compound, found in (("sk>-2 AND sk<20", ["2", "10"]), ("sk>2 AND sk>10", ["20"]),
                            ("sk BETWEEN -2 AND 20 AND sk<10", ["-2", "2"]), ("sk=2 AND sk=10", []),
                            ("sk IN [-2,2,10,20] AND sk>2", ["10", "20"])):
        scanned = select(f"pk='a' AND {compound}")
        assert sorted(numbers(scanned), key=int) == found
        assert units(scanned) > 7.0                    # more than the device's partition: the table
        assert error_of(select, f"pk='a' AND {compound} ORDER BY pk ASC, sk ASC") == (
            "ValidationException",
            "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.")
    same = select("pk='a' AND sk=2 AND sk=2.0 ORDER BY pk ASC, sk ASC")
    assert (numbers(same), units(same)) == (["2"], 2.0)


def test_one_sort_key_bound_queries_its_range(client, table_name):
    """One bound on the sort key is the Query's key condition: only the items in range are
    read and charged (partiql_ordered_ranges.json: BETWEEN -2 AND 20 with Limit 1 charged
    1, 2, 2 and 4 units page by page, the items' own reads)."""
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"), ("sk", "N"))
    for number, size in SIZES.items():
        ddb.put_item(TableName=table_name, Item={"pk": {"S": "a"}, "sk": {"N": number}, "payload": {"S": "x" * size}})
    above = ddb.execute_statement(Statement=f"SELECT pk, sk FROM \"{table_name}\" WHERE pk='a' AND sk>2",
                                  ReturnConsumedCapacity="TOTAL", ConsistentRead=True)
    assert [item["sk"]["N"] for item in above["Items"]] == ["10", "20"]
    assert above["ConsumedCapacity"]["CapacityUnits"] == 5.0            # (7500 + 12500) / 4 KB, not the 7 of all
    charged, token = [], None
    for _ in range(4):
        page = ddb.execute_statement(
            Statement=f"SELECT pk, sk FROM \"{table_name}\" WHERE pk='a' AND sk BETWEEN -2 AND 20 ORDER BY sk ASC",
            ReturnConsumedCapacity="TOTAL", ConsistentRead=True, Limit=1, **({"NextToken": token} if token else {}))
        charged.append((page["Items"][0]["sk"]["N"], page["ConsumedCapacity"]["CapacityUnits"]))
        token = page.get("NextToken")
    assert charged == [("-2", 1.0), ("2", 2.0), ("10", 2.0), ("20", 4.0)]


def test_last_page_ends_the_read(client, table_name):
    """A page that reaches its Limit where the read ends has LastEvaluatedKey but no
    NextToken, filtered or not (partiql_key_ordering.json, calls 15-18: Limit 2 over four
    orders, the second page answers 30 and 40 and no NextToken)."""
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"), ("sk", "N"))
    for number, flag in (("10", "yes"), ("20", "no"), ("30", "yes"), ("40", "no")):
        ddb.put_item(TableName=table_name, Item={"pk": {"S": "order"}, "sk": {"N": number}, "flag": {"S": flag}})
    for where, found in (("pk='order'", [["10", "20"], ["30", "40"]]), ("pk='order' AND flag='never'", [[], []])):
        pages, token = [], None
        while True:
            page = ddb.execute_statement(Statement=f'SELECT pk, sk FROM "{table_name}" WHERE {where} ORDER BY sk ASC',
                                         Limit=2, ConsistentRead=True, **({"NextToken": token} if token else {}))
            pages.append(([item["sk"]["N"] for item in page["Items"]], page.get("LastEvaluatedKey", {}).get("sk")))
            token = page.get("NextToken")
            if token is None:
                break
        assert pages == [(found[0], {"N": "20"}), (found[1], None)]


def test_partition_fan_out_pages(client, table_name):
    """A SELECT naming several partitions (pk IN [...]) reads them one after the other in
    the order listed, a page across them; the page that ends with a partition answers a
    NextToken and no LastEvaluatedKey, the last partition's last item both, then an empty
    page (partiql_pagination.json, calls 40-47)."""
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"), ("sk", "S"))
    for device, count in (("A", 4), ("B", 3)):
        for number in range(1, count + 1):
            ddb.put_item(TableName=table_name, Item={"pk": {"S": device}, "sk": {"S": f"0{number}"}})
    pages, token = [], None
    while True:
        page = ddb.execute_statement(Statement=f'SELECT pk, sk FROM "{table_name}" WHERE pk IN [?, ?]',
                                     Parameters=[{"S": "A"}, {"S": "B"}], Limit=1, ConsistentRead=True,
                                     **({"NextToken": token} if token else {}))
        token = page.get("NextToken")
        pages.append(([item["pk"]["S"] + item["sk"]["S"] for item in page["Items"]],
                      "LastEvaluatedKey" in page, token is not None))
        if token is None:
            break
    assert pages == [(["A01"], True, True), (["A02"], True, True), (["A03"], True, True), (["A04"], False, True),
                     (["B01"], True, True), (["B02"], True, True), (["B03"], True, True), ([], False, False)]
