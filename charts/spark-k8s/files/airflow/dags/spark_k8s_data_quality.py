"""Example pipeline with a data quality gate: load, validate with Great Expectations, then publish.

What it does, in three tasks of one run:

1. ``load_trips``: writes the trips and zones tables the example suites describe (``spark_k8s_load.yellow_trips`` and
   ``spark_k8s_load.taxi_zones``: the column names and value ranges of ``spark-k8s load``) through Spark Connect, reads
   the trips back and fails on a count mismatch.
2. ``validate``: runs the chart's data quality runner (``charts/spark-k8s/files/data-quality/runner.py``) on the suites
   ``yellow_trips`` and ``taxi_zones``. A failed expectation makes the runner exit 1, the task fails, and ``publish``
   does not run. Results land on S3 under ``data-quality/<suite>/<run id>.json``, the data docs under
   ``data-quality/docs/``.
3. ``publish``: the next step, here a per-zone summary table; it runs only when the data passed (or when validation is
   switched off: dataQuality.mode skip, or production_only outside prod).

Why ``KubernetesPodOperator`` with the runner image and not the runner inside the Airflow task:

- Great Expectations brings its own dependency tree (pandas, numpy, altair, marshmallow, ...) that would have to fit
  Airflow's constraints; the runner image (``images/data-quality``) pins it per Spark line instead.
- The pod is the chart's ``data-quality`` pod (``spark_k8s_data_quality_pod.yaml`` next to this file, rendered by the
  chart): its ServiceAccount, labels (so its NetworkPolicy applies), the suites ConfigMap, and the S3 keys and Connect
  token as ``secretKeyRef`` env vars. The Airflow task never sees a credential.
- The pod's exit code is the task's result and its output is the task's log (``get_logs``).

Connections read: ``spark_connect`` (load and publish) and ``kubernetes_default`` (the in-cluster API, for the pod).
Nothing secret is in this file or in the task's log.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from airflow.sdk import BaseHook, dag, task

DAG_ID = "spark_k8s_data_quality"
CONNECTION_ID = "spark_connect"
KUBERNETES_CONNECTION_ID = "kubernetes_default"
DATABASE = "spark_k8s_load"
SUITES = ["yellow_trips", "taxi_zones"]
POD_FILE = Path(__file__).with_name("spark_k8s_data_quality_pod.yaml")
ROWS = 100_000
ZONES = 265


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


def runner_arguments() -> list:
    """The runner's arguments: the suites of this pipeline and Airflow's run id (templated), so each run has its keys."""
    arguments = ["--run-id", "{{ run_id }}"]
    for suite in SUITES:
        arguments += ["--suite", suite]
    return arguments


@dag(
    dag_id=DAG_ID,
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    is_paused_upon_creation=True,
    max_active_runs=1,
    tags=["spark-k8s-example", "data-quality"],
    doc_md=__doc__,
)
def spark_k8s_data_quality():
    @task
    def load_trips() -> None:
        spark = spark_session()
        try:
            spark.sql(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
            trips = spark.range(ROWS).selectExpr(
                "CAST(1 + id % 2 AS INT) AS VendorID",
                "timestamp_seconds(1704067200 + id * 26) AS tpep_pickup_datetime",
                "timestamp_seconds(1704067200 + id * 26 + 60 + id % 3600) AS tpep_dropoff_datetime",
                "CAST(1 + id % 6 AS BIGINT) AS passenger_count",
                "round(0.3 + (id % 2000) / 100.0, 2) AS trip_distance",
                "CAST(1 AS BIGINT) AS RatecodeID",
                "CASE WHEN id % 100 = 0 THEN 'Y' ELSE 'N' END AS store_and_fwd_flag",
                f"CAST(1 + id % {ZONES} AS INT) AS PULocationID",
                f"CAST(1 + (id * 7) % {ZONES} AS INT) AS DOLocationID",
                "CAST(1 + id % 4 AS BIGINT) AS payment_type",
                "round(3.0 + (id % 2000) / 40.0, 2) AS fare_amount",
                "round(5.0 + (id % 2000) / 40.0, 2) AS total_amount",
            )
            trips.write.format("parquet").mode("overwrite").saveAsTable(f"{DATABASE}.yellow_trips")
            zones = spark.range(1, ZONES + 1).selectExpr(
                "CAST(id AS INT) AS LocationID",
                "element_at(array('Manhattan', 'Brooklyn', 'Queens', 'Bronx', 'Staten Island'), CAST(id % 5 + 1 AS INT)) AS Borough",
            )
            zones.write.format("parquet").mode("overwrite").saveAsTable(f"{DATABASE}.taxi_zones")
            counted = spark.table(f"{DATABASE}.yellow_trips").count()
            if counted != ROWS:
                raise ValueError(f"{DATABASE}.yellow_trips: read back {counted} rows, but {ROWS} were written")
            print(f"wrote {ROWS} trips and {ZONES} zones to {DATABASE}")
        finally:
            spark.stop()

    if POD_FILE.exists():
        from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

        validate = KubernetesPodOperator(
            task_id="validate",
            kubernetes_conn_id=KUBERNETES_CONNECTION_ID,
            pod_template_file=str(POD_FILE),
            base_container_name="runner",
            arguments=runner_arguments(),
            get_logs=True,
            on_finish_action="delete_pod",
            startup_timeout_seconds=600,
        )
    else:

        @task(task_id="validate")
        def validate_switched_off() -> None:
            from airflow.exceptions import AirflowSkipException

            raise AirflowSkipException("data quality is switched off for this release (dataQuality.mode)")

        validate = validate_switched_off()

    @task(trigger_rule="none_failed")
    def publish() -> None:
        spark = spark_session()
        try:
            summary = spark.sql(
                f"SELECT PULocationID, count(*) AS trips, round(sum(total_amount), 2) AS revenue "
                f"FROM {DATABASE}.yellow_trips GROUP BY PULocationID"
            )
            summary.write.format("parquet").mode("overwrite").saveAsTable(f"{DATABASE}.trips_by_zone")
            print(f"published {DATABASE}.trips_by_zone")
        finally:
            spark.stop()

    load_trips() >> validate >> publish()


spark_k8s_data_quality()
