"""Iceberg table maintenance of a spark-k8s release (iceberg.maintenance, templates/iceberg/maintenance.yaml).

Runs as its own Spark application in local mode inside the CronJob's pod (spark-submit with the ConfigMap's
spark-defaults.conf) and calls Iceberg's Spark procedures on every listed table, in the order Iceberg's maintenance
guide suggests: rewrite_data_files (compact), expire_snapshots (drop old snapshots and the files only they held),
remove_orphan_files (files no snapshot references).

The plan (plan.json next to this file) is data rendered from values; this script never evaluates it as code. Every
name is checked against a strict pattern again here, quoted as an identifier or escaped as a SQL string literal, and
every number is converted with int() before it reaches SQL.
Procedure arguments as Iceberg 1.11 declares them (spark/v3.5 and v4.1 .../procedures in apache/iceberg):
expire_snapshots(table, older_than timestamp, retain_last int), remove_orphan_files(table, older_than timestamp),
rewrite_data_files(table, strategy, options map<string,string>).
"""

import datetime
import json
import re
import sys

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
STRATEGIES = ("binpack", "sort")


def identifier(name):
    """A catalog or namespace name as a quoted Spark SQL identifier."""
    if not isinstance(name, str) or not NAME.match(name):
        raise ValueError("not a valid name: %r (letters, digits and underscores, not starting with a digit)" % (name,))
    return "`" + name + "`"


def literal(text):
    """A Spark SQL string literal (backslash and quote escaped, as Spark's parser unescapes them)."""
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"


def table_name(entry):
    """<namespace>.<table>, both parts checked."""
    parts = entry.split(".") if isinstance(entry, str) else []
    if len(parts) != 2:
        raise ValueError("iceberg.maintenance.tables: %r is not <namespace>.<table>" % (entry,))
    for part in parts:
        identifier(part)
    return entry


def timestamp(now, days):
    """now minus days, as a TIMESTAMP literal in UTC (the run sets spark.sql.session.timeZone UTC)."""
    moment = now - datetime.timedelta(days=int(days))
    return "TIMESTAMP " + literal(moment.strftime("%Y-%m-%d %H:%M:%S"))


def statements(plan, now):
    """The CALL statements of one run, table by table."""
    catalog = identifier(plan["catalog"])
    expire = plan["expireSnapshots"]
    orphans = plan["removeOrphanFiles"]
    rewrite = plan["rewriteDataFiles"]
    if rewrite["strategy"] not in STRATEGIES:
        raise ValueError("iceberg.maintenance.rewriteDataFiles.strategy: %r is not one of %s" % (rewrite["strategy"], ", ".join(STRATEGIES)))
    calls = []
    for entry in plan["tables"]:
        table = literal(table_name(entry))
        if rewrite["enabled"]:
            calls.append("CALL %s.system.rewrite_data_files(table => %s, strategy => %s, options => map('target-file-size-bytes', %s))"
                         % (catalog, table, literal(rewrite["strategy"]), literal(int(rewrite["targetFileSizeBytes"]))))
        if expire["enabled"]:
            calls.append("CALL %s.system.expire_snapshots(table => %s, older_than => %s, retain_last => %d)"
                         % (catalog, table, timestamp(now, expire["olderThanDays"]), int(expire["retainLast"])))
        if orphans["enabled"]:
            calls.append("CALL %s.system.remove_orphan_files(table => %s, older_than => %s)"
                         % (catalog, table, timestamp(now, max(1, int(orphans["olderThanDays"])))))
    return calls


def main(argv):
    with open(argv[1], encoding="utf-8") as handle:
        plan = json.load(handle)
    calls = statements(plan, datetime.datetime.now(datetime.timezone.utc))

    from pyspark.sql import SparkSession  # only in the Spark image; statements() above needs no Spark

    spark = SparkSession.builder.appName("iceberg-maintenance").getOrCreate()
    failed = 0
    for call in calls:
        print("iceberg-maintenance: " + call, flush=True)
        try:
            for row in spark.sql(call).collect():
                print("iceberg-maintenance:   " + json.dumps(row.asDict(), default=str), flush=True)
        except Exception as error:  # one table's failure must not skip the others; the run still fails at the end
            failed += 1
            print("iceberg-maintenance: FAILED: %s" % (str(error).splitlines()[0] if str(error) else type(error).__name__), file=sys.stderr, flush=True)
    spark.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
