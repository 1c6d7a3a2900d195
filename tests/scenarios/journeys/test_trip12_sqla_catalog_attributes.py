"""A catalog engineer cleans product attributes kept as JSON lines (a map of attributes
and a list of tags per product) with boto3's Athena client. Supplier overrides are laid
over the attributes with map_concat (the last map wins a key), map_filter drops the
empty ones, transform_values trims them and element_at answers NULL for an attribute a
product lacks; tags become a map of their lengths with map_from_entries, and the
catalog's attribute counts come from map_agg, multimap_agg and histogram over UNNEST.
The mistakes along the way fail as Trino fails them: MAP over keys and values of
different lengths, a key given twice to MAP or to map_from_entries, a NULL key, and
transform_keys that shortens 'color' and 'colour' into one key."""
import json

import pytest

from sqla_helpers import loaded_table

PRODUCTS = [
    {"sku": "p1", "attrs": {"color": "red", "size": "M", "fit": " slim "}, "tags": ["sale", "summer"]},
    {"sku": "p2", "attrs": {"color": "blue", "size": ""}, "tags": ["new"]},
    {"sku": "p3", "attrs": {"color": "GREEN", "colour": "green"}, "tags": ["sale", "sale"]},
]


@pytest.fixture
def catalog(client, bucket, database):
    body = "".join(json.dumps(product) + "\n" for product in PRODUCTS)
    return loaded_table(client, bucket, database, "products/part-0.json", body.encode(), f"""
        CREATE EXTERNAL TABLE products (sku string, attrs map<string,string>, tags array<string>)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/products/'""")


def test_overrides_laid_over_and_cleaned(catalog):
    rows, _ = catalog
    columns, found = rows("""
        SELECT sku,
               element_at(map_concat(attrs, MAP(ARRAY['size', 'origin'], ARRAY['L', 'PT'])), 'size') AS size,
               cardinality(map_concat(attrs, MAP(ARRAY['size', 'origin'], ARRAY['L', 'PT']))) AS n,
               array_sort(map_keys(map_filter(attrs, (k, v) -> length(trim(v)) > 0))) AS filled,
               transform_values(attrs, (k, v) -> trim(v))['color'] AS color,
               element_at(transform_values(attrs, (k, v) -> trim(v)), 'fit') AS fit
        FROM products WHERE sku IN ('p1', 'p2') ORDER BY sku""")
    assert columns == [("sku", "varchar"), ("size", "varchar"), ("n", "bigint"), ("filled", "array"),
                       ("color", "varchar"), ("fit", "varchar")]
    assert found == [["p1", "L", "4", "[color, fit, size]", "red", "slim"],
                     ["p2", "L", "3", "[color]", "blue", None]]


def test_tag_lengths_as_a_map(catalog):
    rows, refused = catalog
    columns, found = rows("""
        SELECT sku, map_from_entries(transform(tags, t -> ROW(t, length(t)))) AS lengths,
               typeof(map_from_entries(transform(tags, t -> ROW(t, length(t))))) AS kind
        FROM products WHERE sku = 'p2'""")
    assert columns == [("sku", "varchar"), ("lengths", "map"), ("kind", "varchar")]
    assert found == [["p2", "{new=3}", "map(varchar, bigint)"]]
    # p3 carries its tag twice: map_from_entries reads the entries in order and stops there
    assert refused("SELECT map_from_entries(transform(tags, t -> ROW(t, length(t)))) FROM products") == \
        "INVALID_FUNCTION_ARGUMENT: Duplicate keys (sale) are not allowed"
    assert refused("SELECT map_from_entries(ARRAY[ROW('a', 1), ROW(NULL, 2)])") == \
        "INVALID_FUNCTION_ARGUMENT: map key cannot be null"
    assert refused("SELECT map_from_entries(ARRAY[ROW('a', 1), NULL])") == \
        "INVALID_FUNCTION_ARGUMENT: map entry cannot be null"


def test_maps_built_from_two_arrays(catalog):
    rows, refused = catalog
    _, found = rows("SELECT MAP(tags, transform(tags, t -> upper(t)))['new'] FROM products WHERE sku = 'p2'")
    assert found == [["NEW"]]
    assert refused("SELECT MAP(tags, ARRAY['x']) FROM products WHERE sku = 'p1'") == \
        "INVALID_FUNCTION_ARGUMENT: Key and value arrays must be the same length"
    assert refused("SELECT MAP(tags, tags) FROM products") == \
        "INVALID_FUNCTION_ARGUMENT: Duplicate map keys (sale) are not allowed"
    assert refused("SELECT MAP(ARRAY['a', NULL], ARRAY[1, 2])") == "INVALID_FUNCTION_ARGUMENT: map key cannot be null"
    # nothing to build, nothing refused
    _, found = rows("SELECT count(MAP(tags, tags)) FROM products WHERE sku = 'nope'")
    assert found == [["0"]]


def test_keys_lower_cased_collide(catalog):
    rows, refused = catalog
    _, found = rows("""SELECT sku, array_sort(map_keys(transform_keys(attrs, (k, v) -> upper(k)))) FROM products
                       WHERE sku = 'p1'""")
    assert found == [["p1", "[COLOR, FIT, SIZE]"]]
    # the British spelling of p3 shortens into the same key
    assert refused("SELECT transform_keys(attrs, (k, v) -> substr(k, 1, 3)) FROM products") == \
        "INVALID_FUNCTION_ARGUMENT: Duplicate keys (col) are not allowed"
    assert refused("SELECT transform_keys(attrs, (k, v) -> IF(k = 'fit', NULL, k)) FROM products") == \
        "INVALID_FUNCTION_ARGUMENT: map key cannot be null"


def test_catalog_counts_over_unnested_attributes(catalog):
    rows, _ = catalog
    columns, found = rows("""
        SELECT element_at(histogram(k), 'color') AS with_color, element_at(histogram(k), 'origin') AS with_origin,
               typeof(histogram(k)) AS kind,
               array_sort(multimap_agg(k, sku)['size']) AS sized,
               cardinality(map_agg(sku, v)) AS products
        FROM products CROSS JOIN UNNEST(attrs) AS a(k, v)""")
    assert columns == [("with_color", "bigint"), ("with_origin", "bigint"), ("kind", "varchar"),
                       ("sized", "array"), ("products", "bigint")]
    assert found == [["3", None, "map(varchar, bigint)", "[p1, p2]", "3"]]
