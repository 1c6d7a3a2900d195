"""Trino's `numeric_histogram(buckets, value[, weight])`: at most `buckets` (centroid,
weight) pairs summing the group's values, a map from each centroid to its weight.

Trino builds it as Ben-Haim and Tom-Tov's streaming histogram: equal values become one
bucket of their summed weight; while there are too many buckets, the two neighbours
whose merge adds least to the weighted variance (`weight * (v1 - v2)^2 * w1 * w2 /
(w1 + w2)^2`) merge into their weighted mean (the leftmost pair first on a tie). Trino
merges as values stream in, so on more values than buckets its centroids depend on the
order rows arrive; lakebox merges once over the sorted values, which is what Trino
answers for a group read in order and exactly for groups of at most `buckets` values.
"""
import heapq

FUNCTION = "lakebox_numeric_histogram"


def install(db):
    import duckdb
    db.create_function(FUNCTION, numeric_histogram, [duckdb.sqltype("BIGINT"), duckdb.sqltype("DOUBLE[]"),
                                                     duckdb.sqltype("DOUBLE[]")], duckdb.sqltype("MAP(DOUBLE, DOUBLE)"))


def numeric_histogram(buckets: int, values: list, weights: list) -> dict | None:
    """{centroid: weight} of at most `buckets` entries, in centroid order; None when
    there are no values."""
    if not values:
        return None
    merged = {}
    for value, weight in zip(values, weights):
        merged[value] = merged.get(value, 0.0) + weight
    entries = [[value, merged[value], True] for value in sorted(merged)]     # value, weight, alive
    return {value: weight for value, weight, _ in _merged(entries, buckets)}


def _merged(entries: list, buckets: int) -> list:
    left = list(range(-1, len(entries) - 1))
    right = list(range(1, len(entries) + 1))
    queue = [(_penalty(entries[i], entries[i + 1]), i, i + 1) for i in range(len(entries) - 1)]
    heapq.heapify(queue)
    count = len(entries)
    while count > buckets and queue:
        _, first, second = heapq.heappop(queue)
        if not (entries[first][2] and entries[second][2]) or right[first] != second:
            continue                            # a pair one of whose buckets has merged since
        one, two = entries[first], entries[second]
        weight = one[1] + two[1]
        one[0], one[1] = (one[0] * one[1] + two[0] * two[1]) / weight, weight
        two[2] = False
        right[first] = right[second]
        if right[first] < len(entries):
            left[right[first]] = first
            heapq.heappush(queue, (_penalty(one, entries[right[first]]), first, right[first]))
        if left[first] >= 0:
            heapq.heappush(queue, (_penalty(entries[left[first]], one), left[first], first))
        count -= 1
    return [entry for entry in entries if entry[2]]


def _penalty(one: list, two: list) -> float:
    weight = one[1] + two[1]
    return weight * (one[0] - two[0]) ** 2 * one[1] * two[1] / (weight * weight)
