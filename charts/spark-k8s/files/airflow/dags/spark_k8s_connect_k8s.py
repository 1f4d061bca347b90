"""Placeholder of the Spark Connect example DAG (the dags part of issue 11 replaces this file)."""

import pendulum
from airflow.sdk import dag, task


@dag(
    dag_id="spark_k8s_connect_k8s",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    is_paused_upon_creation=True,
    tags=["spark-k8s-example"],
)
def spark_k8s_connect_k8s():
    @task
    def hello() -> str:
        return "spark-k8s"

    hello()


spark_k8s_connect_k8s()
