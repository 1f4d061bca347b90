using System.Globalization;

namespace SparkK8s.Core.Operations.Load;

/// <summary>One query of the fixed load set.</summary>
/// <param name="Name">stable name, the key of baseline comparisons.</param>
/// <param name="Sql">the query; {trips} and {zones} are replaced by the tables.</param>
public sealed record LoadQuery(string Name, string Description, string Sql);

/// <summary>
/// The NYC-taxi-shaped workload, generated with Spark SQL on the cluster: a trips table with the column names and
/// types of the TLC yellow-taxi trip records (yellow_tripdata_*.parquet: VendorID, tpep_pickup_datetime, ...,
/// Airport_fee) and a 265-row taxi zones table. Every value is a pure function of the row id and the seed
/// (xxhash64), so the data is the same whatever the number of partitions or executors.
/// </summary>
public static class TaxiWorkload
{
    public const long DefaultRows = 11_000_000;
    public const int Zones = 265;

    /// <summary>The columns and Spark SQL types of the trips table, in order.</summary>
    public static readonly IReadOnlyList<(string Name, string Type)> TripColumns =
    [
        ("VendorID", "INT"),
        ("tpep_pickup_datetime", "TIMESTAMP"),
        ("tpep_dropoff_datetime", "TIMESTAMP"),
        ("passenger_count", "BIGINT"),
        ("trip_distance", "DOUBLE"),
        ("RatecodeID", "BIGINT"),
        ("store_and_fwd_flag", "STRING"),
        ("PULocationID", "INT"),
        ("DOLocationID", "INT"),
        ("payment_type", "BIGINT"),
        ("fare_amount", "DOUBLE"),
        ("extra", "DOUBLE"),
        ("mta_tax", "DOUBLE"),
        ("tip_amount", "DOUBLE"),
        ("tolls_amount", "DOUBLE"),
        ("improvement_surcharge", "DOUBLE"),
        ("total_amount", "DOUBLE"),
        ("congestion_surcharge", "DOUBLE"),
        ("Airport_fee", "DOUBLE"),
    ];

    /// <summary>The fixed query set: aggregations by zone and hour, a join with the zones table, window functions, a shuffle-heavy distinct.</summary>
    public static readonly IReadOnlyList<LoadQuery> Queries =
    [
        new("zone-hour-aggregation", "trips, average fare and distance by pickup zone and hour",
            "SELECT PULocationID, hour(tpep_pickup_datetime) AS pickup_hour, count(*) AS trips, round(avg(total_amount), 2) AS avg_total, round(avg(trip_distance), 2) AS avg_distance FROM {trips} GROUP BY PULocationID, hour(tpep_pickup_datetime)"),
        new("zone-join", "revenue by pickup borough and service zone (join with the zones table)",
            "SELECT z.Borough, z.service_zone, count(*) AS trips, round(sum(t.total_amount), 2) AS revenue FROM {trips} t JOIN {zones} z ON t.PULocationID = z.LocationID GROUP BY z.Borough, z.service_zone"),
        new("window-rank", "top 3 pickup zones per day by revenue, and each vendor's running fare (window functions)",
            "SELECT r.day, r.PULocationID, r.revenue, r.rank_in_day, v.max_running FROM (SELECT day, PULocationID, revenue, rank() OVER (PARTITION BY day ORDER BY revenue DESC) AS rank_in_day FROM (SELECT to_date(tpep_pickup_datetime) AS day, PULocationID, sum(total_amount) AS revenue FROM {trips} GROUP BY to_date(tpep_pickup_datetime), PULocationID)) r CROSS JOIN (SELECT max(running) AS max_running FROM (SELECT sum(fare_amount) OVER (PARTITION BY VendorID, PULocationID ORDER BY tpep_pickup_datetime ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM {trips})) v WHERE r.rank_in_day <= 3"),
        new("shuffle-distinct", "distinct (pickup, drop-off, passengers, distance) combinations (shuffle-heavy distinct)",
            "SELECT count(*) AS combinations FROM (SELECT DISTINCT PULocationID, DOLocationID, passenger_count, round(trip_distance, 1) AS distance FROM {trips})"),
    ];

    public static string Apply(LoadQuery query, string database) =>
        query.Sql.Replace("{trips}", $"{database}.yellow_trips", StringComparison.Ordinal).Replace("{zones}", $"{database}.taxi_zones", StringComparison.Ordinal);

    public static string CreateDatabase(string database) => $"CREATE DATABASE IF NOT EXISTS {database}";

    public static string DropDatabase(string database) => $"DROP DATABASE IF EXISTS {database} CASCADE";

    /// <summary>The 265 taxi zones: LocationID, Borough, Zone, service_zone (the columns of taxi_zone_lookup.csv).</summary>
    public static string CreateZones(string database) =>
        $"CREATE TABLE {database}.taxi_zones USING parquet AS SELECT CAST(id AS INT) AS LocationID, " +
        "CASE WHEN id = 1 THEN 'EWR' ELSE element_at(array('Manhattan', 'Brooklyn', 'Queens', 'Bronx', 'Staten Island'), CAST(pmod(id, 5) + 1 AS INT)) END AS Borough, " +
        "concat('Zone ', CAST(id AS STRING)) AS Zone, " +
        "CASE WHEN id = 1 THEN 'EWR' WHEN id IN (132, 138) THEN 'Airports' WHEN pmod(id, 5) = 0 THEN 'Yellow Zone' ELSE 'Boro Zone' END AS service_zone " +
        $"FROM range(1, {Zones + 1})";

    /// <summary>The trips table, deterministic in <paramref name="seed"/>: January 2024 pickups, 1-61 minute trips, TLC-like fares.</summary>
    public static string CreateTrips(string database, long rows, long seed, int? partitions)
    {
        string H(int k) => $"xxhash64(id, {seed.ToString(CultureInfo.InvariantCulture)}L, {k})";
        var range = partitions is { } p ? $"range(0, {rows}, 1, {p})" : $"range(0, {rows})";
        var hashed =
            $"SELECT id, CAST(1 + pmod({H(1)}, 2) AS INT) AS VendorID, " +
            $"1704067200 + pmod({H(2)}, 2678400) AS pickup_s, 60 + pmod({H(3)}, 3600) AS duration_s, " +
            $"CAST(1 + pmod({H(4)}, 6) AS BIGINT) AS passenger_count, round(0.3 + pmod({H(5)}, 2000) / 100.0, 2) AS trip_distance, " +
            $"CAST(CASE WHEN pmod({H(6)}, 100) < 94 THEN 1 ELSE 2 + pmod({H(6)}, 5) END AS BIGINT) AS RatecodeID, " +
            $"CASE WHEN pmod({H(7)}, 100) = 0 THEN 'Y' ELSE 'N' END AS store_and_fwd_flag, " +
            $"CAST(1 + pmod({H(8)}, {Zones}) AS INT) AS PULocationID, CAST(1 + pmod({H(9)}, {Zones}) AS INT) AS DOLocationID, " +
            $"CAST(1 + pmod({H(10)}, 4) AS BIGINT) AS payment_type, " +
            $"CASE pmod({H(11)}, 3) WHEN 0 THEN 0.0 WHEN 1 THEN 1.0 ELSE 2.5 END AS extra, " +
            $"pmod({H(12)}, 30) AS tip_percent, CASE WHEN pmod({H(13)}, 20) = 0 THEN 6.94 ELSE 0.0 END AS tolls_amount, " +
            $"CASE WHEN pmod({H(14)}, 10) < 8 THEN 2.5 ELSE 0.0 END AS congestion_surcharge " +
            $"FROM {range}";
        var fares =
            "SELECT *, round(3.0 + trip_distance * 2.5 + duration_s / 60.0 * 0.5, 2) AS fare_amount, " +
            "CASE WHEN PULocationID IN (132, 138) THEN 1.75 ELSE 0.0 END AS Airport_fee " +
            $"FROM ({hashed})";
        var trips =
            "SELECT VendorID, timestamp_seconds(pickup_s) AS tpep_pickup_datetime, timestamp_seconds(pickup_s + duration_s) AS tpep_dropoff_datetime, " +
            "passenger_count, trip_distance, RatecodeID, store_and_fwd_flag, PULocationID, DOLocationID, payment_type, fare_amount, extra, " +
            "0.5 AS mta_tax, tip_amount, tolls_amount, 1.0 AS improvement_surcharge, " +
            "round(fare_amount + extra + 0.5 + tip_amount + tolls_amount + 1.0 + congestion_surcharge + Airport_fee, 2) AS total_amount, " +
            "congestion_surcharge, Airport_fee " +
            $"FROM (SELECT *, CASE WHEN payment_type = 1 THEN round(fare_amount * tip_percent / 100.0, 2) ELSE 0.0 END AS tip_amount FROM ({fares}))";
        var typed = string.Join(", ", TripColumns.Select(c => $"CAST({c.Name} AS {c.Type}) AS {c.Name}"));
        return $"CREATE TABLE {database}.yellow_trips USING parquet AS SELECT {typed} FROM ({trips})";
    }
}
