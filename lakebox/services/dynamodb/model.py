"""A table's definition as the item operations use it: its keys, its indexes, and the
key values of an item encoded for storage. Pure logic: no database, no clock."""
import orjson

from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException, invalid
from lakebox.services.dynamodb.store import partition_hash

KEY_TYPES = ("S", "N", "B")


class Key:
    """One key attribute: its name and scalar type."""
    __slots__ = ("name", "type")

    def __init__(self, name, kind):
        self.name, self.type = name, kind


def _keys(key_schema, attribute_types):
    hash_key = range_key = None
    for element in key_schema:
        key = Key(element["AttributeName"], attribute_types.get(element["AttributeName"]))
        if element["KeyType"] == "HASH":
            hash_key = key
        else:
            range_key = key
    return hash_key, range_key


class Index:
    def __init__(self, kind, spec, attribute_types, table):
        self.kind = kind                         # "GSI" or "LSI"
        self.spec = spec
        self.name = spec["IndexName"]
        self.hash_key, self.range_key = _keys(spec["KeySchema"], attribute_types)
        projection = spec["Projection"]
        self.projection_type = projection.get("ProjectionType", "ALL")
        self.non_key = set(projection.get("NonKeyAttributes", []))
        self.key_names = {table.hash_key.name, self.hash_key.name}
        for key in (table.range_key, self.range_key):
            if key is not None:
                self.key_names.add(key.name)

    def entry(self, item: dict):
        """(h, ipk, isk) of the item in this index, or None: an item without the index's
        key attributes is not in the index (a sparse index)."""
        hash_value = item.get(self.hash_key.name)
        if hash_value is None:
            return None
        range_value = item.get(self.range_key.name) if self.range_key else None
        if self.range_key is not None and range_value is None:
            return None
        ipk = av.encode_key(hash_value)
        isk = av.encode_key(range_value) if range_value is not None else b""
        return partition_hash(ipk), ipk, isk

    def check_item(self, item: dict, updated=False):
        """Index key attributes in an item must have the index's types and not be empty.
        `updated`: the item an update made, whose wrong type DynamoDB words its own way."""
        for key in (self.hash_key, self.range_key):
            value = item.get(key.name) if key else None
            if value is None:
                continue
            kind = av.kind_of(value)
            if kind != key.type and updated:
                raise ValidationException("The update expression attempted to update the secondary index key to "
                                          "unsupported type")
            if kind != key.type:
                raise self.type_mismatch(key, kind)
            if not value[kind]:
                raise ValidationException(
                    "One or more parameter values are not valid. A value specified for a secondary index key is "
                    "not supported. The AttributeValue for a key attribute cannot contain an empty "
                    f"{'string' if kind == 'S' else 'binary'} value. IndexName: {self.name}, IndexKey: {key.name}")
            self._check_key_size(key, value, updated)

    def _check_key_size(self, key, value, updated):
        """An index key is held to the table's key limits: 2048 bytes for its partition
        key, 1024 for its sort key (numbers aside)."""
        if av.kind_of(value) == "N":
            return
        size = av.value_size(value)
        limit = av.MAX_PARTITION_KEY_BYTES if key is self.hash_key else av.MAX_SORT_KEY_BYTES
        if size <= limit:
            return
        if updated:
            raise ValidationException("The update expression attempted to update the secondary index key beyond "
                                      "allowed size limits")
        raise invalid(f"Size limit exceeded for Index Key {key.name} Actual Size: {size} bytes Max Size: {limit} "
                      f"bytes IndexName: {self.name}")

    def type_mismatch(self, key, kind) -> ValidationException:
        return invalid(f"Type mismatch for Index Key {key.name} Expected: {key.type} Actual: {kind} "
                       f"IndexName: {self.name}")

    def project(self, item: dict) -> dict:
        if self.projection_type == "ALL":
            return item
        keep = self.key_names | (self.non_key if self.projection_type == "INCLUDE" else set())
        return {name: value for name, value in item.items() if name in keep}

    def projects(self, names) -> bool:
        return self.projection_type == "ALL" or all(n in self.key_names or n in self.non_key for n in names)


class Table:
    """A row of ddb_tables with its spec parsed."""

    def __init__(self, row):
        self.uid = row["uid"]
        self.account, self.region, self.name = row["account"], row["region"], row["name"]
        self.table_id, self.created_ms = row["table_id"], row["created_ms"]
        self.spec = orjson.loads(row["spec"])
        self.attribute_types = {a["AttributeName"]: a["AttributeType"] for a in self.spec["AttributeDefinitions"]}
        self.hash_key, self.range_key = _keys(self.spec["KeySchema"], self.attribute_types)
        self.indexes = {}
        for kind, member in (("LSI", "LocalSecondaryIndexes"), ("GSI", "GlobalSecondaryIndexes")):
            for spec in self.spec.get(member, []):
                self.indexes[spec["IndexName"]] = Index(kind, spec, self.attribute_types, self)

    @property
    def has_local_indexes(self) -> bool:
        return any(index.kind == "LSI" for index in self.indexes.values())

    @property
    def key_names(self):
        return [k.name for k in (self.hash_key, self.range_key) if k is not None]

    def key_of_item(self, item: dict):
        """(h, pk, sk) of an item being written, with DynamoDB's refusals."""
        pk = self._encoded(self.hash_key, item.get(self.hash_key.name), hash_key=True)
        sk = b""
        if self.range_key is not None:
            sk = self._encoded(self.range_key, item.get(self.range_key.name), hash_key=False)
        return partition_hash(pk), pk, sk

    def key_of_param(self, key: dict):
        """(h, pk, sk) of a Key parameter, which must name exactly the key attributes."""
        self.check_key_schema(key)
        return self.key_of_item(key)

    def check_key_schema(self, key: dict):
        """Refuses a Key parameter that does not name exactly the key attributes with their types."""
        if len(key) != len(self.key_names) or any(name not in key for name in self.key_names):
            raise ValidationException("The provided key element does not match the schema")
        for name in self.key_names:
            if av.kind_of(key[name]) != self.attribute_types[name]:
                raise ValidationException("The provided key element does not match the schema")

    def _encoded(self, key: Key, value, hash_key):
        if value is None:
            raise invalid(f"Missing the key {key.name} in the item")
        kind = av.kind_of(value)
        if kind != key.type:
            raise invalid(f"Type mismatch for key {key.name} expected: {key.type} actual: {kind}")
        if kind in ("S", "B") and not value[kind]:
            raise ValidationException(
                "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
                f"an empty {'string' if kind == 'S' else 'binary'} value. Key: {key.name}")
        encoded = av.encode_key(value)
        if hash_key and kind != "N" and len(encoded) > av.MAX_PARTITION_KEY_BYTES:
            raise invalid("Size of hashkey has exceeded the maximum size limit of2048 bytes")
        if not hash_key and kind != "N" and len(encoded) > av.MAX_SORT_KEY_BYTES:
            raise invalid("Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
        return encoded

    def key_attributes(self, item: dict) -> dict:
        return {name: item[name] for name in self.key_names}

    def check_indexed_types(self, item: dict, updated=False):
        for index in self.indexes.values():
            index.check_item(item, updated)

    def check_index_key_updates(self, targets, known_kinds):
        """Refuse, before the item is read, an update of an index key attribute inside it
        (`targets`: the paths an update reads or writes) or to a value whose type is known
        and wrong (`known_kinds`: (attribute, type) pairs), in DynamoDB's words."""
        keys = {key.name: (index, key) for index in self.indexes.values()
                for key in (index.hash_key, index.range_key) if key is not None}
        for elements in targets:
            if len(elements) > 1 and elements[0] in keys:
                raise ValidationException("Key attributes must be scalars; list random access '[]' and map lookup "
                                          f"'.' are not allowed: IndexKey: {elements[0]}")
        for name, kind in known_kinds:
            if name in keys and kind != keys[name][1].type:
                raise keys[name][0].type_mismatch(keys[name][1], kind)
