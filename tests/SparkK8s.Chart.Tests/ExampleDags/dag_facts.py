#!/usr/bin/env python3
"""Static facts of the chart's example DAG files, read with Python's ast module only (no Airflow needed):

  dag_facts.py facts FILE...          JSON per file: DAG ids, tags, schedule, is_paused_upon_creation, connection ids,
                                      Variables and the pipeline steps it calls
  dag_facts.py template FILE          JSON: the Variables a Jinja template reads (var.value.* / var.json.*)
  dag_facts.py run FILE TASK JSON     imports the DAG file against stand-ins of the Airflow API and runs one task
                                      function with {"variables", "connections", "labels"} from JSON; prints what
                                      the task returns (so the tests check the pod or application it builds)
  dag_facts.py render TEMPLATE JSON   the SparkApplication template rendered with Jinja2 (Airflow's template engine)
                                      from {"variables": {...}, "staged": {...}}: var.value.* and the stage task's XCom

Used by ExampleDagTests.cs; prints one JSON document on stdout, errors on stderr with exit 1.
"""
import ast
import json
import re
import sys
from pathlib import Path

VARIABLE_IN_TEMPLATE = re.compile(r"\bvar\.(?:value|json)\.([A-Za-z_][A-Za-z0-9_]*)")
VARIABLE_ENV = re.compile(r"^AIRFLOW_VAR_([A-Z0-9_]+)$")


def constants(tree):
    """Module-level (and top-level if/else block) NAME = "string" assignments."""
    values = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    values[target.id] = node.value.value
    return values


def literal(node, names):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [literal(e, names) for e in node.elts]
    return None


def call_name(node):
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def facts(path):
    source = Path(path).read_text(encoding="utf-8")
    tree = ast.parse(source, filename=path)
    names = constants(tree)
    result = {"file": Path(path).name, "dags": [], "connections": set(), "variables": set(), "steps": set(), "unresolved": []}

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = call_name(node)
            if name in ("dag", "DAG"):
                kwargs = {k.arg: k.value for k in node.keywords if k.arg}
                result["dags"].append({
                    "dagId": literal(kwargs.get("dag_id"), names) if "dag_id" in kwargs else None,
                    "tags": literal(kwargs["tags"], names) if "tags" in kwargs else None,
                    "scheduleGiven": "schedule" in kwargs,
                    "schedule": literal(kwargs["schedule"], names) if "schedule" in kwargs else None,
                    "paused": literal(kwargs["is_paused_upon_creation"], names) if "is_paused_upon_creation" in kwargs else None,
                })
            for keyword in node.keywords:
                if keyword.arg and (keyword.arg == "conn_id" or keyword.arg.endswith("_conn_id")):
                    value = literal(keyword.value, names)
                    (result["connections"].add(value) if isinstance(value, str) else result["unresolved"].append(f"{keyword.arg} at line {node.lineno}"))
            if name in ("get_connection", "get_connection_from_secrets") or (name == "get" and isinstance(node.func, ast.Attribute)
                                                                               and isinstance(node.func.value, ast.Name) and node.func.value.id == "Connection"):
                value = literal(node.args[0], names) if node.args else None
                (result["connections"].add(value) if isinstance(value, str) else result["unresolved"].append(f"{name} at line {node.lineno}"))
            if name == "get" and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id == "Variable":
                value = literal(node.args[0], names) if node.args else None
                (result["variables"].add(value) if isinstance(value, str) else result["unresolved"].append(f"Variable.get at line {node.lineno}"))
            if name == "saveAsTable":
                result["steps"].add("write")
            if name == "table" or (name in ("parquet", "load") and "read" in ast.unparse(node.func)):
                result["steps"].add("read")
            if name == "count":
                result["steps"].add("count")
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and any(isinstance(op, (ast.NotEq, ast.Eq)) for op in node.test.ops):
            compared = ast.unparse(node.test)
            if "count" in compared and any(isinstance(n, ast.Raise) for n in ast.walk(node)):
                result["steps"].add("assert-count")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for match in VARIABLE_IN_TEMPLATE.finditer(node.value):
                result["variables"].add(match.group(1))
            env = VARIABLE_ENV.match(node.value)
            if env:
                result["variables"].add(env.group(1))

    for key in ("connections", "variables", "steps"):
        result[key] = sorted(result[key])
    return result


class _Attributes:
    def __init__(self, values):
        self._values = values

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"Variable {name} is not set") from None


class _TaskInstance:
    def __init__(self, staged):
        self._staged = staged

    def xcom_pull(self, task_ids):
        if task_ids != "stage_application":
            raise KeyError(f"the template pulls XCom of {task_ids}, which the test does not provide")
        return self._staged


def render(template, inputs):
    import jinja2

    data = json.loads(Path(inputs).read_text(encoding="utf-8"))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(template).parent)), undefined=jinja2.StrictUndefined)
    variables = data["variables"]
    context = {"ti": _TaskInstance(data["staged"]), "var": _Attributes({"value": _Attributes(variables), "json": _Attributes({})})}
    return env.get_template(Path(template).name).render(**context)


def template_facts(path):
    text = Path(path).read_text(encoding="utf-8")
    return {"file": Path(path).name, "variables": sorted(set(VARIABLE_IN_TEMPLATE.findall(text)))}


def run_task(path, task_name, inputs):
    """Imports the DAG file with stand-in airflow modules (recording tasks instead of building a DAG) and calls one task."""
    import os
    import types

    data = json.loads(Path(inputs).read_text(encoding="utf-8"))
    tasks = {}
    calls = []

    class Node:
        def __rshift__(self, other):
            return other

        def __rlshift__(self, other):
            return self

    class TaskFactory:
        def __init__(self, function):
            self.function = function
            tasks[function.__name__] = function

        def __call__(self, *args, **kwargs):
            return Node()

        def override(self, **kwargs):
            return self

    def task(function=None, **kwargs):
        return TaskFactory(function) if function is not None else (lambda f: TaskFactory(f))

    def dag(**kwargs):
        return lambda function: (lambda: function())

    class Connection:
        def __init__(self, values):
            self.host = values.get("host")
            self.port = values.get("port")
            self.login = values.get("login")
            self.password = values.get("password")
            self.extra_dejson = values.get("extra", {})

    class BaseHook:
        @staticmethod
        def get_connection(conn_id):
            return Connection(data["connections"][conn_id])

    class Variable:
        @staticmethod
        def get(key, deserialize_json=False, **kwargs):
            value = data["variables"][key]
            return json.loads(value) if deserialize_json else value

    class Pod:
        def __init__(self):
            self.metadata = types.SimpleNamespace(labels=dict(data["labels"]), name=os.environ["HOSTNAME"])

    class CoreV1:
        def read_namespaced_pod(self, name, namespace):
            calls.append(["read_namespaced_pod", name, namespace])
            return Pod()

    class KubernetesHook:
        def __init__(self, conn_id=None, **kwargs):
            calls.append(["KubernetesHook", conn_id])
            self.core_v1_client = CoreV1()

    class S3Hook:
        def __init__(self, aws_conn_id=None, **kwargs):
            calls.append(["S3Hook", aws_conn_id])

        def load_file(self, filename, key, bucket_name, replace=False):
            calls.append(["load_file", Path(filename).name, key, bucket_name])

        def delete_objects(self, bucket, keys):
            calls.append(["delete_objects", bucket, keys])

    class Operator(Node):
        def __init__(self, **kwargs):
            calls.append([type(self).__name__, kwargs.get("task_id")])

    class KubernetesPodOperator(Operator):
        pass

    class SparkKubernetesOperator(Operator):
        pass

    modules = {
        "airflow": {},
        "airflow.sdk": {"BaseHook": BaseHook, "Variable": Variable, "dag": dag, "task": task,
                        "get_current_context": lambda: {"run_id": data.get("runId", "manual__2026-01-01T00:00:00+00:00")}},
        "airflow.utils": {},
        "airflow.utils.trigger_rule": {"TriggerRule": types.SimpleNamespace(ALL_DONE="all_done")},
        "airflow.providers": {}, "airflow.providers.cncf": {}, "airflow.providers.cncf.kubernetes": {},
        "airflow.providers.cncf.kubernetes.hooks": {},
        "airflow.providers.cncf.kubernetes.hooks.kubernetes": {"KubernetesHook": KubernetesHook},
        "airflow.providers.cncf.kubernetes.operators": {},
        "airflow.providers.cncf.kubernetes.operators.pod": {"KubernetesPodOperator": KubernetesPodOperator},
        "airflow.providers.cncf.kubernetes.operators.spark_kubernetes": {"SparkKubernetesOperator": SparkKubernetesOperator},
        "airflow.providers.amazon": {}, "airflow.providers.amazon.aws": {}, "airflow.providers.amazon.aws.hooks": {},
        "airflow.providers.amazon.aws.hooks.s3": {"S3Hook": S3Hook},
    }
    for name, attributes in modules.items():
        module = types.ModuleType(name)
        module.__dict__.update(attributes)
        module.__path__ = []
        sys.modules[name] = module
    if "yaml" not in sys.modules:
        try:
            import yaml  # noqa: F401
        except ImportError:
            sys.modules["yaml"] = types.ModuleType("yaml")
    os.environ["HOSTNAME"] = data.get("hostname", "spark-spark-k8s-airflow-scheduler-0")
    for key, value in data["variables"].items():
        os.environ[f"AIRFLOW_VAR_{key}"] = value

    import importlib.util

    spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if task_name not in tasks:
        raise KeyError(f"{Path(path).name} has no task {task_name} (tasks: {', '.join(sorted(tasks))})")
    return {"result": tasks[task_name](), "calls": calls}


def main(argv):
    if len(argv) == 2 and argv[0] == "template":
        print(json.dumps(template_facts(argv[1]), indent=2))
        return 0
    if len(argv) == 4 and argv[0] == "run":
        print(json.dumps(run_task(argv[1], argv[2], argv[3]), indent=2))
        return 0
    if len(argv) >= 2 and argv[0] == "facts":
        print(json.dumps([facts(p) for p in argv[1:]], indent=2))
        return 0
    if len(argv) == 3 and argv[0] == "render":
        print(render(argv[1], argv[2]))
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as error:  # a message for the test's assertion, not a traceback
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
