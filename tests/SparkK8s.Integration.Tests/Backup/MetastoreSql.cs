using System.Globalization;

namespace SparkK8s.Integration.Tests.Backup;

/// <summary>A cut-down Hive Metastore schema (upper-case quoted names as Hive uses) and generated data.</summary>
public static class MetastoreSql
{
    public static readonly string[] Tables = ["DBS", "SDS", "TBLS", "COLUMNS_V2", "TABLE_PARAMS", "PARTITIONS", "FUNC_RESOURCES"];

    public const string Schema = """
        CREATE TABLE "DBS" ("DB_ID" bigint PRIMARY KEY, "NAME" varchar(128) NOT NULL UNIQUE, "DB_LOCATION_URI" varchar(4000) NOT NULL, "DESC" varchar(4000));
        CREATE TABLE "SDS" ("SD_ID" bigint PRIMARY KEY, "LOCATION" varchar(4000), "INPUT_FORMAT" varchar(4000), "IS_COMPRESSED" boolean NOT NULL);
        CREATE TABLE "TBLS" ("TBL_ID" bigint PRIMARY KEY, "DB_ID" bigint REFERENCES "DBS", "SD_ID" bigint REFERENCES "SDS", "TBL_NAME" varchar(256), "CREATE_TIME" integer NOT NULL, "TBL_TYPE" varchar(128));
        CREATE TABLE "COLUMNS_V2" ("CD_ID" bigint NOT NULL, "COLUMN_NAME" varchar(767) NOT NULL, "TYPE_NAME" text, "INTEGER_IDX" integer NOT NULL, PRIMARY KEY ("CD_ID", "COLUMN_NAME"));
        CREATE TABLE "TABLE_PARAMS" ("TBL_ID" bigint REFERENCES "TBLS", "PARAM_KEY" varchar(256) NOT NULL, "PARAM_VALUE" text, PRIMARY KEY ("TBL_ID", "PARAM_KEY"));
        CREATE TABLE "PARTITIONS" ("PART_ID" bigserial PRIMARY KEY, "TBL_ID" bigint REFERENCES "TBLS", "PART_NAME" varchar(767), "CREATE_TIME" integer NOT NULL);
        CREATE TABLE "FUNC_RESOURCES" ("FUNC_ID" bigint PRIMARY KEY, "RESOURCE_URI" varchar(4000), "JAR" bytea, "DOC" text);
        CREATE INDEX "TBLS_N49" ON "TBLS" ("DB_ID");
        CREATE VIEW "TABLE_COUNTS" AS SELECT "DB_ID", count(*) AS n FROM "TBLS" GROUP BY "DB_ID";
        """;

    /// <summary>About 20k rows per unit of <paramref name="scale"/>, with bytea blobs and large text values.</summary>
    public static string Data(int scale)
    {
        var dbs = (20 * scale).ToString(CultureInfo.InvariantCulture);
        var tables = (2000 * scale).ToString(CultureInfo.InvariantCulture);
        var blobs = (40 * scale).ToString(CultureInfo.InvariantCulture);
        return $"""
            INSERT INTO "DBS" SELECT i, 'db_' || i, 's3a://warehouse/db_' || i, repeat('description ', i % 50) FROM generate_series(1, {dbs}) i;
            INSERT INTO "SDS" SELECT i, 's3a://warehouse/t/' || i, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat', i % 2 = 0 FROM generate_series(1, {tables}) i;
            INSERT INTO "TBLS" SELECT i, 1 + i % {dbs}, i, 'table_' || i, 1700000000 + i, 'EXTERNAL_TABLE' FROM generate_series(1, {tables}) i;
            INSERT INTO "COLUMNS_V2" SELECT t, 'col_' || c, CASE c % 3 WHEN 0 THEN 'string' WHEN 1 THEN 'bigint' ELSE 'struct<a:int,b:array<string>>' END, c FROM generate_series(1, {tables}) t, generate_series(1, 4) c;
            INSERT INTO "TABLE_PARAMS" SELECT t, k, CASE WHEN k = 'comment' THEN repeat('long comment text ', 200) ELSE md5(t::text) END FROM generate_series(1, {tables}) t, unnest(ARRAY['numRows', 'totalSize', 'comment']) k;
            INSERT INTO "PARTITIONS" ("TBL_ID", "PART_NAME", "CREATE_TIME") SELECT 1 + i % {tables}, 'dt=2026-01-' || (i % 28 + 1) || '/h=' || (i % 24), 1700000000 + i FROM generate_series(1, {tables} * 2) i;
            INSERT INTO "FUNC_RESOURCES" SELECT i, 's3a://jars/udf_' || i || '.jar',
                (SELECT string_agg(decode(md5(i::text || '-' || j), 'hex'), ''::bytea) FROM generate_series(1, 2000) j),
                repeat(md5(i::text), 3000) FROM generate_series(1, {blobs}) i;
            ANALYZE;
            """;
    }
}
