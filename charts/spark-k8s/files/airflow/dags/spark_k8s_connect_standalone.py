"""Example pipeline on Spark Connect (backend standalone): the Airflow task is a Spark Connect client of a Connect
server whose executors run on the release's Spark Standalone workers.

What it does, in four tasks of one run:

1. ``table_name``: a table name scoped to this run, so two runs never share a table.
2. ``write_table``: generates rows with ``spark.range`` and writes them as a Parquet table registered in the Hive
   metastore; its files land in the warehouse on S3 (the Connect server's ``spark.sql.warehouse.dir``).
3. ``check_count``: reads the table back through the metastore and fails the task when the count differs.
4. ``drop_table``: drops the table, whatever happened before (trigger rule ``all_done``).

Why a plain ``@task`` and not the Spark provider's ``SparkConnectHook`` or ``@task.pyspark``: the URL is built here
from the ``spark_connect`` connection in a few visible lines, the same code works with the PySpark 3.5 client (the
provider's 6.x releases require PySpark 4), and nothing but ``pyspark`` runs inside the task. The driver is the
Connect server of the release; the task only sends plans over gRPC, so it needs no Java and little memory.

Connection read: ``spark_connect`` (host and port of the release's Connect Service, the Connect token as its
password on Spark 4.x). Nothing secret is in this file or in the task's log.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import quote

from airflow.sdk import BaseHook, dag, get_current_context, task

DAG_ID = "spark_k8s_connect_standalone"
CONNECTION_ID = "spark_connect"
DATABASE = "spark_k8s_examples"
ROWS = 100_000


def connect_url(connection) -> str:
    """sc://host:port/;token=...;use_ssl=... from an Airflow connection (Spark Connect's client URL format)."""
    host = connection.host or ""
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.rstrip("/")
    port = connection.port or 15002
    parameters = []
    if connection.login:
        parameters.append(f"user_id={quote(connection.login)}")
    if connection.password:
        parameters.append(f"token={quote(connection.password)}")
    use_ssl = connection.extra_dejson.get("use_ssl")
    if use_ssl is not None:
        parameters.append(f"use_ssl={str(use_ssl).lower()}")
    return f"sc://{host}:{port}/;" + ";".join(parameters) if parameters else f"sc://{host}:{port}"


def spark_session():
    """A Spark Connect session to the release's Connect server."""
    from pyspark.sql import SparkSession

    return SparkSession.builder.remote(connect_url(BaseHook.get_connection(CONNECTION_ID))).getOrCreate()


@dag(
    dag_id=DAG_ID,
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    is_paused_upon_creation=True,
    tags=["spark-k8s-example", "spark-connect", "standalone"],
    doc_md=__doc__,
)
def spark_k8s_connect_standalone():
    @task
    def table_name() -> str:
        run_id = get_current_context()["run_id"]
        return f"{DATABASE}.pipeline_{hashlib.sha256(run_id.encode()).hexdigest()[:12]}"

    @task
    def write_table(table: str) -> int:
        spark = spark_session()
        try:
            spark.sql(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
            rows = spark.range(ROWS).selectExpr("id", "id % 10 AS bucket", "sha2(CAST(id AS STRING), 256) AS digest")
            rows.write.format("parquet").mode("overwrite").saveAsTable(table)
            print(f"wrote {ROWS} rows to {table}")
            return ROWS
        finally:
            spark.stop()

    @task
    def check_count(table: str, written: int) -> int:
        spark = spark_session()
        try:
            counted = spark.table(table).count()
            if counted != written:
                raise ValueError(f"{table}: read back {counted} rows, but {written} were written")
            print(f"{table}: read back {counted} rows, as written")
            return counted
        finally:
            spark.stop()

    @task(trigger_rule="all_done")
    def drop_table(table: str) -> None:
        spark = spark_session()
        try:
            spark.sql(f"DROP TABLE IF EXISTS {table}")
        finally:
            spark.stop()

    table = table_name()
    written = write_table(table)
    check_count(table, written) >> drop_table(table)


spark_k8s_connect_standalone()
