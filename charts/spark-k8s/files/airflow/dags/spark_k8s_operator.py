"""Example pipeline through the Spark operator: Airflow creates a SparkApplication and waits for it.

This one file is both the DAG (when Airflow imports it) and the Spark application (when the driver runs it as
``__main__``): the pipeline at the bottom generates rows, writes them as a Parquet table registered in the Hive
metastore (warehouse on S3), reads the table back, fails on a count mismatch and drops the table at the end.

Tasks:

1. ``stage_application`` uploads this file through the ``s3`` connection next to the warehouse
   (``s3a://<warehouse bucket>/<warehouse path>/_airflow/...``), where the driver reads its main file, and reads the
   labels of this release's pods (the NetworkPolicies select on them) through ``kubernetes_default``.
2. ``run_application`` creates the SparkApplication of ``spark_k8s_operator_app.yaml`` (a Jinja template: Airflow
   fills in the Variables and what ``stage_application`` returned) for the operator named by
   ``SPARK_K8S_OPERATOR_FLAVOUR`` and waits until it ends; the task fails when the application fails.
   - ``kubeflow`` (``sparkoperator.k8s.io/v1beta2``): the cncf-kubernetes provider's ``SparkKubernetesOperator``,
     which creates the object, waits for the driver pod and streams its log into the task log (``get_logs``), then
     deletes the application (``delete_on_termination``).
   - ``apache`` (``spark.apache.org/v1``): ``SparkKubernetesOperator`` only knows the kubeflow shape (it reads
     ``spec.driver`` and ``status.applicationState``), so a task creates the object with ``KubernetesHook``, polls
     ``status.currentState.currentStateSummary`` until it is terminal, prints the driver's log and deletes the
     application after a success (a failed one is kept for inspection until its ``ttlAfterStopMillis``).
3. ``remove_application_file`` deletes the uploaded file, whatever happened before.

Connections read: ``s3``, ``kubernetes_default`` and ``spark_operator`` (the namespace the operator watches).
Variables read: ``SPARK_K8S_NAMESPACE``, ``SPARK_K8S_SPARK_IMAGE``, ``SPARK_K8S_SPARK_VERSION``,
``SPARK_K8S_JOB_SERVICE_ACCOUNT``, ``SPARK_K8S_OPERATOR_FLAVOUR``, ``SPARK_K8S_WAREHOUSE``,
``SPARK_K8S_METASTORE_URI`` and ``SPARK_K8S_SPARK_CONF``. Nothing secret is in this file, the template or the task
log; credentials reach the pods only as ``secretKeyRef`` entries of the Spark conf.
"""
from __future__ import annotations

import sys

DAG_ID = "spark_k8s_operator"
DATABASE = "spark_k8s_examples"
ROWS = 100_000


def run_pipeline(spark, table: str, rows: int) -> int:
    """Generate rows, write them as a metastore Parquet table, read it back and check the count; drop it at the end."""
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
    try:
        generated = spark.range(rows).selectExpr("id", "id % 10 AS bucket", "sha2(CAST(id AS STRING), 256) AS digest")
        generated.write.format("parquet").mode("overwrite").saveAsTable(table)
        counted = spark.table(table).count()
        if counted != rows:
            raise ValueError(f"{table}: read back {counted} rows, but {rows} were written")
        print(f"{table}: wrote and read back {counted} rows")
        return counted
    finally:
        spark.sql(f"DROP TABLE IF EXISTS {table}")


if __name__ == "__main__":
    # The Spark application: the driver runs <main file> <table> <rows>.
    from pyspark.sql import SparkSession

    session = SparkSession.builder.appName(DAG_ID).enableHiveSupport().getOrCreate()
    try:
        run_pipeline(session, sys.argv[1], int(sys.argv[2]))
    finally:
        session.stop()
else:
    # The DAG.
    import hashlib
    import os
    import time
    from datetime import datetime, timedelta
    from urllib.parse import urlparse

    import yaml
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook
    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook
    from airflow.providers.cncf.kubernetes.operators.spark_kubernetes import SparkKubernetesOperator
    from airflow.sdk import BaseHook, Variable, dag, get_current_context, task

    APPLICATION_TEMPLATE = "spark_k8s_operator_app.yaml"
    # Read when the DAG file is parsed, from the Variable's environment variable (no database access): which
    # operator is installed decides which task runs the application.
    FLAVOUR = os.environ.get("AIRFLOW_VAR_SPARK_K8S_OPERATOR_FLAVOUR", "kubeflow")
    # apache/spark-kubernetes-operator ApplicationStateSummary (spark-operator-api .../status/ApplicationStateSummary.java).
    APACHE_FAILURES = {"DriverStartTimedOut", "ExecutorsStartTimedOut", "SchedulingFailure", "DriverEvicted", "Failed", "DriverReadyTimedOut"}
    APACHE_ENDED = {"Succeeded", "ResourceReleased", "TerminatedWithoutReleaseResources"} | APACHE_FAILURES
    RUN_LABEL = "spark-k8s.io/airflow-run"

    def release_labels(namespace: str) -> dict:
        """app.kubernetes.io/name and instance of this release, read from the pod this task runs in."""
        pod = KubernetesHook(conn_id="kubernetes_default").core_v1_client.read_namespaced_pod(os.environ["HOSTNAME"], namespace)
        labels = pod.metadata.labels or {}
        return {key: labels[key] for key in ("app.kubernetes.io/name", "app.kubernetes.io/instance") if key in labels}

    def warehouse_location() -> tuple[str, str]:
        """Bucket and key prefix of SPARK_K8S_WAREHOUSE (s3a://bucket/path)."""
        url = urlparse(Variable.get("SPARK_K8S_WAREHOUSE"))
        return url.netloc, url.path.strip("/")

    @dag(
        dag_id=DAG_ID,
        schedule=None,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        is_paused_upon_creation=True,
        tags=["spark-k8s-example", "spark-operator"],
        doc_md=__doc__,
    )
    def spark_k8s_operator():
        @task
        def stage_application() -> dict:
            run_id = get_current_context()["run_id"]
            run = hashlib.sha256(run_id.encode()).hexdigest()[:12]
            namespace = BaseHook.get_connection("spark_operator").extra_dejson.get("namespace") or Variable.get("SPARK_K8S_NAMESPACE")
            bucket, prefix = warehouse_location()
            key = "/".join(part for part in (prefix, "_airflow", DAG_ID, run, "spark_k8s_operator.py") if part)
            S3Hook(aws_conn_id="s3").load_file(filename=__file__, key=key, bucket_name=bucket, replace=True)
            conf = dict(Variable.get("SPARK_K8S_SPARK_CONF", deserialize_json=True))
            conf.setdefault("spark.sql.catalogImplementation", "hive")
            conf.setdefault("spark.sql.warehouse.dir", Variable.get("SPARK_K8S_WAREHOUSE"))
            conf.setdefault("spark.hadoop.hive.metastore.uris", Variable.get("SPARK_K8S_METASTORE_URI"))
            conf["spark.blockManager.port"] = "7079"
            return {
                "name": f"spark-k8s-operator-{run}",
                "namespace": namespace,
                "run": run,
                "application_file": f"s3a://{bucket}/{key}",
                "key": key,
                "table": f"{DATABASE}.pipeline_{run}",
                "rows": ROWS,
                "labels": release_labels(namespace),
                "spark_conf": {k: str(v) for k, v in conf.items()},
            }

        @task
        def remove_application_file(staged: dict) -> None:
            bucket, _ = warehouse_location()
            S3Hook(aws_conn_id="s3").delete_objects(bucket=bucket, keys=[staged["key"]])

        staged = stage_application()
        if FLAVOUR == "apache":

            @task(execution_timeout=timedelta(hours=2))
            def run_application(staged: dict) -> str:
                context = get_current_context()
                body = yaml.safe_load(context["dag"].get_template_env().get_template(APPLICATION_TEMPLATE).render(**context))
                group, version = body["apiVersion"].split("/")
                hook = KubernetesHook(conn_id="kubernetes_default")
                hook.create_custom_object(group=group, version=version, plural="sparkapplications", body=body, namespace=staged["namespace"])
                state = "Submitted"
                while True:
                    current = hook.get_custom_object(group=group, version=version, plural="sparkapplications", name=staged["name"], namespace=staged["namespace"])
                    status = current.get("status", {})
                    summary = status.get("currentState", {}).get("currentStateSummary", "Submitted")
                    if summary != state:
                        print(f"{staged['name']}: {summary}")
                        state = summary
                    if summary in APACHE_ENDED:
                        break
                    time.sleep(10)
                history = [entry.get("currentStateSummary") for entry in status.get("stateTransitionHistory", {}).values()]
                drivers = hook.core_v1_client.list_namespaced_pod(staged["namespace"], label_selector=f"{RUN_LABEL}={staged['run']},spark-role=driver").items
                for driver in drivers:
                    print(hook.core_v1_client.read_namespaced_pod_log(driver.metadata.name, staged["namespace"]))
                if "Succeeded" not in history and summary != "Succeeded":
                    raise RuntimeError(f"SparkApplication {staged['name']} ended in {summary}: {status.get('currentState', {}).get('message', '')}")
                hook.delete_custom_object(group=group, version=version, plural="sparkapplications", name=staged["name"], namespace=staged["namespace"])
                return summary

            run = run_application(staged)
        else:
            run = SparkKubernetesOperator(
                task_id="run_application",
                application_file=APPLICATION_TEMPLATE,
                namespace="{{ ti.xcom_pull(task_ids='stage_application')['namespace'] }}",
                kubernetes_conn_id="kubernetes_default",
                get_logs=True,
                delete_on_termination=True,
                random_name_suffix=False,
                startup_timeout_seconds=600,
                execution_timeout=timedelta(hours=2),
            )
            staged >> run
        run >> remove_application_file.override(trigger_rule="all_done")(staged)

    spark_k8s_operator()
