"""Example pipeline with spark-submit on Kubernetes: Airflow starts the Spark driver as a pod of the release.

This one file is both the DAG (when Airflow imports it) and the Spark application (when ``spark-submit`` runs it as
``__main__``): the pipeline at the bottom generates rows, writes them as a Parquet table registered in the Hive
metastore (warehouse on S3), reads the table back, fails on a count mismatch and drops the table at the end.

Why ``KubernetesPodOperator`` running ``spark-submit`` and not ``SparkSubmitOperator``:

- ``SparkSubmitOperator`` runs ``spark-submit`` inside the Airflow worker, so the Airflow image would need Java and a
  full Spark distribution, and the worker's ServiceAccount would need to create driver pods, Services and ConfigMaps.
- Here the task starts one pod from the release's Spark image (``SPARK_K8S_SPARK_IMAGE``: Java, Spark and the jars the
  chart bundles) with the jobs' driver ServiceAccount (``SPARK_K8S_JOB_SERVICE_ACCOUNT``: pods and ConfigMaps, what a
  driver needs, nothing more). That pod *is* the driver (``spark-submit --deploy-mode client`` inside it): the
  ``spark_k8s_submit`` connection gives the Kubernetes master and namespace, the driver creates its executor pods
  there, and they are owned by the driver pod (``spark.kubernetes.driver.pod.name``), so deleting the pod removes
  them.
- Logs: the driver's whole output is the task's log in Airflow (``get_logs``), and the pod's exit code is the
  application's result, so a failed count check fails the task. The event log goes to the History Server.
- The application travels with the pod: the task passes this file's text as an environment variable and the pod
  writes it to ``/tmp`` before ``spark-submit``; nothing has to be mounted or uploaded first.

Connections read: ``spark_k8s_submit`` (master, namespace) and ``kubernetes_default`` (in-cluster API, for the pod
and to read this release's pod labels, which the NetworkPolicies select on). Variables read: ``SPARK_K8S_NAMESPACE``,
``SPARK_K8S_SPARK_IMAGE``, ``SPARK_K8S_JOB_SERVICE_ACCOUNT``, ``SPARK_K8S_WAREHOUSE``, ``SPARK_K8S_METASTORE_URI`` and
``SPARK_K8S_SPARK_CONF``. Credentials reach the pods only as ``secretKeyRef`` (Secret names in the Spark conf's
``spark.kubernetes.{driver,executor}.secretKeyRef.*`` entries), never as values.
"""
from __future__ import annotations

import sys

DAG_ID = "spark_k8s_submit"
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
    # The Spark application: spark-submit ... spark_k8s_submit.py <table> <rows>
    from pyspark.sql import SparkSession

    session = SparkSession.builder.appName(DAG_ID).enableHiveSupport().getOrCreate()
    try:
        run_pipeline(session, sys.argv[1], int(sys.argv[2]))
    finally:
        session.stop()
else:
    # The DAG.
    import hashlib
    import json
    import os
    from datetime import datetime
    from pathlib import Path

    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
    from airflow.sdk import BaseHook, Variable, dag, get_current_context, task

    SPARK_UID = 185  # the apache/spark image's spark user (apache/spark-docker Dockerfile: ARG spark_uid=185)
    DRIVER_PORT = 7078  # the chart's job-driver ports (templates/_components.tpl)
    BLOCK_MANAGER_PORT = 7079
    WORK_DIR = "/tmp/pipeline"
    EXECUTOR_TEMPLATE = f"{WORK_DIR}/executor-pod-template.yaml"
    SUBMIT = (
        'set -eu\n'
        f'mkdir -p {WORK_DIR}\n'
        f'printf "%s" "$PIPELINE_SOURCE" > {WORK_DIR}/pipeline.py\n'
        f'printf "%s" "$EXECUTOR_POD_TEMPLATE" > {EXECUTOR_TEMPLATE}\n'
        f'exec /opt/spark/bin/spark-submit "$@" {WORK_DIR}/pipeline.py "$PIPELINE_TABLE" "$PIPELINE_ROWS"\n'
    )

    def restricted_container_security() -> dict:
        """Pod Security Standard "restricted" for a container, with a read-only root filesystem."""
        return {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        }

    def restricted_pod_security() -> dict:
        return {
            "runAsNonRoot": True,
            "runAsUser": SPARK_UID,
            "runAsGroup": SPARK_UID,
            "fsGroup": SPARK_UID,
            "seccompProfile": {"type": "RuntimeDefault"},
        }

    def release_labels(namespace: str) -> dict:
        """app.kubernetes.io/name and instance of this release, read from the pod this task runs in."""
        pod = KubernetesHook(conn_id="kubernetes_default").core_v1_client.read_namespaced_pod(os.environ["HOSTNAME"], namespace)
        labels = pod.metadata.labels or {}
        return {key: labels[key] for key in ("app.kubernetes.io/name", "app.kubernetes.io/instance") if key in labels}

    def secret_env(conf: dict, role: str) -> list:
        """env entries from spark.kubernetes.<role>.secretKeyRef.<ENV>=<secret>:<key> (Secret names, not values)."""
        prefix = f"spark.kubernetes.{role}.secretKeyRef."
        env = []
        for key, value in sorted(conf.items()):
            if key.startswith(prefix):
                secret, _, secret_key = str(value).partition(":")
                env.append({"name": key[len(prefix):], "valueFrom": {"secretKeyRef": {"name": secret, "key": secret_key}}})
        return env

    @dag(
        dag_id=DAG_ID,
        schedule=None,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        is_paused_upon_creation=True,
        render_template_as_native_obj=True,
        tags=["spark-k8s-example", "spark-submit"],
        doc_md=__doc__,
    )
    def spark_k8s_submit():
        @task
        def plan_submission() -> dict:
            """The driver pod: the release's Spark image running spark-submit in client mode against the k8s master."""
            run_id = get_current_context()["run_id"]
            submit = BaseHook.get_connection("spark_k8s_submit")
            namespace = submit.extra_dejson.get("namespace") or Variable.get("SPARK_K8S_NAMESPACE")
            image = Variable.get("SPARK_K8S_SPARK_IMAGE")
            labels = release_labels(namespace)
            table = f"{DATABASE}.pipeline_{hashlib.sha256(run_id.encode()).hexdigest()[:12]}"

            conf = dict(Variable.get("SPARK_K8S_SPARK_CONF", deserialize_json=True))
            conf.setdefault("spark.sql.catalogImplementation", "hive")
            conf.setdefault("spark.sql.warehouse.dir", Variable.get("SPARK_K8S_WAREHOUSE"))
            conf.setdefault("spark.hadoop.hive.metastore.uris", Variable.get("SPARK_K8S_METASTORE_URI"))
            driver_env = secret_env(conf, "driver")
            conf = {k: v for k, v in conf.items() if not k.startswith("spark.kubernetes.driver.secretKeyRef.")}
            master = submit.host if submit.host.startswith("k8s://") else f"k8s://{submit.host}"
            conf.update({
                "spark.master": master + (f":{submit.port}" if submit.port else ""),
                "spark.submit.deployMode": "client",
                "spark.app.name": DAG_ID,
                "spark.kubernetes.namespace": namespace,
                "spark.kubernetes.container.image": image,
                # Kubernetes substitutes $(POD_IP) and $(POD_NAME) from the container's env (downward API).
                "spark.driver.host": "$(POD_IP)",
                "spark.driver.bindAddress": "0.0.0.0",
                "spark.driver.port": str(DRIVER_PORT),
                "spark.driver.blockManager.port": str(BLOCK_MANAGER_PORT),
                "spark.blockManager.port": str(BLOCK_MANAGER_PORT),
                "spark.kubernetes.driver.pod.name": "$(POD_NAME)",
                "spark.kubernetes.executor.podTemplateFile": EXECUTOR_TEMPLATE,
                "spark.kubernetes.executor.podTemplateContainerName": "spark-executor",
                "spark.executor.instances": "2",
                "spark.executor.cores": "1",
                "spark.executor.memory": "1g",
            })
            executor_template = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"labels": {**labels, "app.kubernetes.io/component": "job-executor"}},
                "spec": {
                    "securityContext": restricted_pod_security(),
                    "containers": [{
                        "name": "spark-executor",
                        "securityContext": restricted_container_security(),
                        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                    }],
                    "volumes": [{"name": "tmp", "emptyDir": {}}],
                },
            }
            arguments = ["--driver-memory", "1g"]
            for key, value in sorted(conf.items()):
                arguments += ["--conf", f"{key}={value}"]
            # The two texts come first: Kubernetes expands $(NAME) in an env value only for NAMEs defined before it.
            env = [
                {"name": "PIPELINE_SOURCE", "value": Path(__file__).read_text(encoding="utf-8")},
                {"name": "EXECUTOR_POD_TEMPLATE", "value": json.dumps(executor_template)},
                {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {"name": "PIPELINE_TABLE", "value": table},
                {"name": "PIPELINE_ROWS", "value": str(ROWS)},
                *driver_env,
            ]
            pod = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"labels": {**labels, "app.kubernetes.io/component": "job-driver"}},
                "spec": {
                    "serviceAccountName": Variable.get("SPARK_K8S_JOB_SERVICE_ACCOUNT"),
                    "automountServiceAccountToken": True,
                    "restartPolicy": "Never",
                    "securityContext": restricted_pod_security(),
                    "containers": [{
                        "name": "base",
                        "image": image,
                        "command": ["/bin/sh", "-c", SUBMIT, "spark-submit", *arguments],
                        "env": env,
                        "ports": [
                            {"name": "driver", "containerPort": DRIVER_PORT},
                            {"name": "blockmanager", "containerPort": BLOCK_MANAGER_PORT},
                            {"name": "ui", "containerPort": 4040},
                        ],
                        "resources": {
                            "requests": {"cpu": "500m", "memory": "1536Mi", "ephemeral-storage": "256Mi"},
                            "limits": {"memory": "1536Mi", "ephemeral-storage": "1Gi"},
                        },
                        "securityContext": restricted_container_security(),
                        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                    }],
                    "volumes": [{"name": "tmp", "emptyDir": {}}],
                },
            }
            return {"namespace": namespace, "table": table, "pod": pod}

        plan = plan_submission()
        run = KubernetesPodOperator(
            task_id="spark_submit",
            kubernetes_conn_id="kubernetes_default",
            namespace="{{ ti.xcom_pull(task_ids='plan_submission')['namespace'] }}",
            pod_template_dict="{{ ti.xcom_pull(task_ids='plan_submission')['pod'] }}",
            name="spark-k8s-submit",
            get_logs=True,
            on_finish_action="delete_pod",
            startup_timeout_seconds=600,
        )
        plan >> run

    spark_k8s_submit()
