"""A data engineer registers the warehouse's JDBC connection in the Glue catalog for the
crawlers and jobs that will use it, the way Glue answered a capture of these calls
(radkawar/stackd, testdata/aws/glue/controls_native.json): CreateConnection says nothing
back, the connection comes back with ConnectionSchemaVersion 1 (no status, no match
criteria it was not given), the password shows unless HidePassword is asked, an update
keeps the creation time, a second create is refused, and another account's catalog is
refused with the reason."""
from trip_helpers import error_of

PROPERTIES = {"JDBC_CONNECTION_URL": "jdbc:postgresql://warehouse.internal:5432/sales",
              "USERNAME": "loader", "PASSWORD": "s3cret"}


def test_jdbc_connection_for_the_crawlers(client):
    glue = client("glue")
    caller = client("sts").get_caller_identity()["Arn"]
    connection = {"Name": "warehouse-jdbc", "ConnectionType": "JDBC", "Description": "first",
                  "ConnectionProperties": PROPERTIES}
    created = glue.create_connection(ConnectionInput=connection)
    created.pop("ResponseMetadata")
    assert created == {}
    try:
        assert error_of(glue.create_connection, ConnectionInput=connection) == (
            "AlreadyExistsException", "Connection already exists.")
        shown = glue.get_connection(Name="warehouse-jdbc")["Connection"]
        assert {k: v for k, v in shown.items() if k not in ("CreationTime", "LastUpdatedTime", "LastUpdatedBy")} == {
            "Name": "warehouse-jdbc", "Description": "first", "ConnectionType": "JDBC",
            "ConnectionProperties": PROPERTIES, "ConnectionSchemaVersion": 1}
        hidden = glue.get_connection(Name="warehouse-jdbc", HidePassword=True)["Connection"]
        assert hidden["ConnectionProperties"] == {k: v for k, v in PROPERTIES.items() if k != "PASSWORD"}

        glue.update_connection(Name="warehouse-jdbc", ConnectionInput=dict(connection, Description="second"))
        after = glue.get_connection(Name="warehouse-jdbc", HidePassword=True)["Connection"]
        assert (after["Description"], after["CreationTime"], after["ConnectionSchemaVersion"]) == (
            "second", shown["CreationTime"], 1)
        assert "Status" not in after and "MatchCriteria" not in after
        listed = glue.get_connections(Filter={"ConnectionType": "JDBC"}, HidePassword=True)["ConnectionList"]
        assert [(c["Name"], "PASSWORD" in c["ConnectionProperties"]) for c in listed
                if c["Name"] == "warehouse-jdbc"] == [("warehouse-jdbc", False)]

        other = "917546008205"
        assert error_of(glue.get_connection, Name="warehouse-jdbc", CatalogId=other, HidePassword=True) == (
            "AccessDeniedException", f"User: {caller} is not authorized to perform: glue:GetConnection on "
                                     f"resource: arn:aws:glue:us-east-1:{other}:catalog because no resource-based "
                                     "policy allows the glue:GetConnection action")
    finally:
        glue.delete_connection(ConnectionName="warehouse-jdbc")
    assert error_of(glue.get_connection, Name="warehouse-jdbc")[0] == "EntityNotFoundException"
