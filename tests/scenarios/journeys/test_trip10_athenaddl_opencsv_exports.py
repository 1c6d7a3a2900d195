"""An analyst querying a CRM's nightly CSV export: quoted fields with commas and escaped
quotes, a header line, and empty fields where a contact has no phone or no score. The
table uses the OpenCSV SerDe (separatorChar, quoteChar, escapeChar) and skips the header
with skip.header.line.count. OpenCSV knows no NULL: an empty field of a string column is
an empty string, so `phone = ''` finds the contacts without a phone and `phone IS NULL`
none; an empty number reads as NULL. A line cut short lacks its last fields (NULL)."""
from trip_helpers import athena_execution, athena_rows

EXPORT = (b'"id","name","phone","score","note"\n'
          b'1,"Smith, Jane",555-0100,4.5,"said \\"call me\\""\n'
          b'2,"Doe, John",,,\n'
          b'3,"Roe, Ann","",7,""\n'
          b'4,Short\n')


def test_empty_fields_are_empty_strings(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    output = f"s3://{bucket}/results/"
    s3.put_object(Bucket=bucket, Key="crm/contacts.csv", Body=EXPORT)
    athena_execution(athena, f"""CREATE EXTERNAL TABLE contacts (id int, name string, phone string, score double,
                                                                 note string)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
        WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '"', 'escapeChar' = '\\\\')
        LOCATION 's3://{bucket}/crm/' TBLPROPERTIES ('skip.header.line.count' = '1')""", database, output)

    assert athena_rows(athena, "SELECT * FROM contacts ORDER BY id", database, output) == [
        ["1", "Smith, Jane", "555-0100", "4.5", 'said "call me"'],
        ["2", "Doe, John", "", None, ""],
        ["3", "Roe, Ann", "", "7.0", ""],
        ["4", "Short", None, None, None]]
    assert athena_rows(athena, "SELECT id FROM contacts WHERE phone = '' ORDER BY id", database, output) == [
        ["2"], ["3"]]
    assert athena_rows(athena, "SELECT count(*) FILTER (WHERE phone IS NULL), count(*) FILTER (WHERE score IS NULL), "
                               "length(note) FROM contacts WHERE id = 2 GROUP BY note", database, output) == [
        ["0", "1", "0"]]
    assert athena_rows(athena, "SELECT coalesce(nullif(phone, ''), 'none') FROM contacts WHERE id IN (1, 2) "
                               "ORDER BY id", database, output) == [["555-0100"], ["none"]]
