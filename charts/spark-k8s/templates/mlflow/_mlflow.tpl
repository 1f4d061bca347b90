{{/*
MLflow helpers: the tracking URI clients get, the image, the database the server connects to and the start script.
Server flags and environment variables are MLflow's own (mlflow/cli/__init__.py `server` in mlflow/mlflow: every
flag, --backend-store-uri read from MLFLOW_BACKEND_STORE_URI; mlflow/server/auth/config.py for the auth config file
named by MLFLOW_AUTH_CONFIG_PATH).
*/}}

{{/* The in-cluster tracking URI of this release's MLflow: http://<fullname>-mlflow.<namespace>.svc:<port>. */}}
{{- define "spark-k8s.mlflow.trackingUri" -}}
{{- printf "http://%s.%s.svc:%d" (include "spark-k8s.componentName" (dict "root" . "component" "mlflow")) .Release.Namespace (int .Values.mlflow.port) }}
{{- end }}

{{/* The MLflow image map; an empty tag uses v<mlflow.version>-full (the official image with the PostgreSQL driver, boto3 and the auth app). */}}
{{- define "spark-k8s.mlflow.image" -}}
{{- $image := deepCopy .Values.mlflow.image }}
{{- if not $image.tag }}{{ $_ := set $image "tag" (printf "v%s-full" .Values.mlflow.version) }}{{ end }}
{{- toYaml $image }}
{{- end }}

{{/* "true" when MLflow keeps its databases in the chart's PostgreSQL (a row of the application-database table). */}}
{{- define "spark-k8s.mlflow.inChartDb" -}}
{{- and .Values.mlflow.enabled .Values.postgresql.enabled (not .Values.mlflow.externalDatabase.host) }}
{{- end }}

{{/*
The MLflow databases (YAML map: host, port, database, authDatabase, username, secret, key): the chart's PostgreSQL
with the mlflow role (the roles Job creates it from the application-database table, password from the
postgresql-mlflow credential), else mlflow.externalDatabase (also with the chart's PostgreSQL when its host is set).
Every string is quoted (toYaml), so names such as 0123 stay strings through fromYaml.
*/}}
{{- define "spark-k8s.mlflow.database" -}}
{{- $m := .Values.mlflow }}
{{- if or (eq (include "spark-k8s.mlflow.inChartDb" .) "true") (and (not $m.enabled) .Values.postgresql.enabled (not $m.externalDatabase.host)) }}
{{- $secret := "" }}
{{- if $m.enabled }}{{ $secret = include "spark-k8s.credential.secretName" (dict "root" . "id" "postgresql-mlflow") }}{{ end }}
{{- toYaml (dict
  "host" (printf "%s.%s.svc" (include "spark-k8s.componentName" (dict "root" . "component" "postgresql")) .Release.Namespace)
  "port" 5432
  "database" (toString $m.database.name)
  "authDatabase" (toString $m.auth.database)
  "username" (toString $m.database.username)
  "secret" $secret
  "key" (toString $m.database.passwordKey)) }}
{{- else }}
{{- $e := $m.externalDatabase }}
{{- toYaml (dict
  "host" (toString $e.host)
  "port" (int $e.port)
  "database" (toString $e.database)
  "authDatabase" (toString $m.auth.database)
  "username" (toString $e.username)
  "secret" (toString $e.existingSecret)
  "key" (toString $e.passwordKey)) }}
{{- end }}
{{- end }}

{{/*
Host header values the server accepts (mlflow server --allowed-hosts). MLflow 3.x rejects any other Host with
"Invalid Host header" except on /health and /version, and its default list is only localhost and private IP
addresses (mlflow/server/security_utils.py get_default_allowed_hosts), so a client calling the Service by name needs
these: every DNS form of the Service, with and without the port, localhost for kubectl port-forward, and
mlflow.allowedHosts.
*/}}
{{- define "spark-k8s.mlflow.allowedHosts" -}}
{{- $svc := include "spark-k8s.componentName" (dict "root" . "component" "mlflow") }}
{{- $ns := .Release.Namespace }}
{{- $hosts := list }}
{{- range $name := list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) "localhost" "127.0.0.1" }}
{{- $hosts = concat $hosts (list $name (printf "%s:%d" $name (int $.Values.mlflow.port))) }}
{{- end }}
{{- concat $hosts .Values.mlflow.allowedHosts | uniq | join "," }}
{{- end }}

{{/*
"true" when the server exports Prometheus metrics (monitoring.enabled, without basic auth). mlflow server
--expose-prometheus <dir> (mlflow/cli/__init__.py) sets prometheus_multiproc_dir for the server processes, and the
Flask app then registers prometheus_flask_exporter's GunicornInternalPrometheusMetrics (mlflow/server/__init__.py,
mlflow/server/prometheus_exporter.py), which serves /metrics on the app's own port through the uvicorn app that
mounts it (mlflow/server/fastapi_app.py); the package comes with mlflow[extras], which the -full image installs.
With mlflow.auth.enabled the basic-auth app asks for a password on every path but /static, /favicon.ico and /health
(mlflow/server/auth/__init__.py is_unprotected_route), so Prometheus would need an MLflow user's password: the chart
leaves the exporter off then (docs/en/observability.md).
*/}}
{{- define "spark-k8s.mlflow.metricsOn" -}}
{{- and .Values.mlflow.enabled .Values.monitoring.enabled (not .Values.mlflow.auth.enabled) }}
{{- end }}

{{/* The exporter's multiprocess directory: one file per metric type and worker process, on the /tmp emptyDir. */}}
{{- define "spark-k8s.mlflow.metricsDir" -}}/tmp/prometheus{{- end }}

{{/* Combinations the schema cannot express. Takes the root context. */}}
{{- define "spark-k8s.mlflow.validate" -}}
{{- $m := .Values.mlflow }}
{{- if $m.enabled }}
{{- $b := .Values.s3.buckets }}
{{- if has $b.mlflow (list $b.events $b.warehouse $b.backups (.Values.backup.target.bucket | default $b.backups)) }}
{{- fail "s3.buckets.mlflow: must differ from s3.buckets.events, warehouse and backups (and backup.target.bucket): the MLflow server's key is read-write on its bucket, and Spark's or the backups' keys must not reach the artifacts" }}
{{- end }}
{{- if ne (include "spark-k8s.mlflow.inChartDb" .) "true" }}
{{- if not $m.externalDatabase.host }}
{{- fail "mlflow.externalDatabase.host: set it (and mlflow.externalDatabase.existingSecret) when postgresql.enabled is false, or keep postgresql.enabled true so MLflow gets a database in the chart's PostgreSQL" }}
{{- end }}
{{- if not $m.externalDatabase.existingSecret }}
{{- fail "mlflow.externalDatabase.existingSecret: name the Secret with the password of mlflow.externalDatabase.username (key mlflow.externalDatabase.passwordKey)" }}
{{- end }}
{{- else }}
{{- $taken := list (toString .Values.postgresql.auth.username) (toString .Values.postgresql.auth.adminUsername) (toString .Values.postgresql.auth.backup.username) (toString .Values.postgresql.auth.restore.username) }}
{{- if .Values.airflow.enabled }}{{ $taken = append $taken (toString .Values.airflow.database.username) }}{{ end }}
{{- if has (toString $m.database.username) $taken }}
{{- fail (printf "mlflow.database.username: %q is already a role of the chart's PostgreSQL (metastore, superuser, backup, restore or Airflow); give MLflow its own role" (toString $m.database.username)) }}
{{- end }}
{{- $dbTaken := list (toString .Values.postgresql.auth.database) "postgres" "template0" "template1" }}
{{- if .Values.airflow.enabled }}{{ $dbTaken = append $dbTaken (toString .Values.airflow.database.name) }}{{ end }}
{{- if has (toString $m.database.name) $dbTaken }}
{{- fail (printf "mlflow.database.name: %q is the metastore's, Airflow's or a system database; give MLflow its own database" (toString $m.database.name)) }}
{{- end }}
{{- end }}
{{- if and $m.auth.enabled (eq (toString $m.auth.database) (toString (ternary $m.database.name $m.externalDatabase.database (eq (include "spark-k8s.mlflow.inChartDb" .) "true")))) }}
{{- fail "mlflow.auth.database: must differ from the MLflow tracking database (the auth app keeps its own tables and migrations)" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Start script of the MLflow container (Python 3, the image's interpreter; its arguments are the mlflow command line).
It builds the backend store URI from the parts in the environment, with the password percent-encoded, and passes it
as MLFLOW_BACKEND_STORE_URI (never as an argument); with basic auth it writes the auth config (configparser syntax:
"%" doubled) to the file MLFLOW_AUTH_CONFIG_PATH names (on the /tmp emptyDir), mode 0600; with metrics it empties
the exporter's directory (PROMETHEUS_MULTIPROC_DIR) of a previous container's files. The passwords leave
the environment of the server process. Values reach it only through the environment, never as script text
(tests/SparkK8s.Chart.Tests/MlflowChartTests.cs runs it).
*/}}
{{- define "spark-k8s.mlflow.startScript" -}}
import os, sys, urllib.parse

env = os.environ
def quote(value):
    return urllib.parse.quote(value, safe="")
def uri(database):
    credentials = quote(env["MLFLOW_DB_USER"]) + ":" + quote(env["MLFLOW_DB_PASSWORD"])
    return "postgresql+psycopg2://" + credentials + "@" + env["MLFLOW_DB_HOST"] + ":" + env["MLFLOW_DB_PORT"] + "/" + quote(database)
env["MLFLOW_BACKEND_STORE_URI"] = uri(env["MLFLOW_DB_NAME"])
if env.get("MLFLOW_AUTH_DB_NAME"):
    settings = {
        "default_permission": env["MLFLOW_AUTH_DEFAULT_PERMISSION"],
        "database_uri": uri(env["MLFLOW_AUTH_DB_NAME"]),
        "admin_username": env["MLFLOW_AUTH_ADMIN_USERNAME"],
        "admin_password": env["MLFLOW_AUTH_ADMIN_PASSWORD"],
    }
    for name, value in settings.items():
        if value != value.strip() or "\n" in value or "\r" in value or not value:
            sys.exit("mlflow auth: %s is empty, has line breaks or surrounding spaces, which the auth config file cannot hold" % name)
    path = env["MLFLOW_AUTH_CONFIG_PATH"]
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as config:
        config.write("[mlflow]\n")
        for name, value in settings.items():
            config.write("%s = %s\n" % (name, value.replace("%", "%%")))
metrics_dir = env.get("PROMETHEUS_MULTIPROC_DIR")
if metrics_dir:
    # prometheus_client's multiprocess mode wants the directory empty at start; the emptyDir outlives a container restart.
    os.makedirs(metrics_dir, mode=0o700, exist_ok=True)
    for name in os.listdir(metrics_dir):
        if name.endswith(".db"):
            os.remove(os.path.join(metrics_dir, name))
for name in ("MLFLOW_DB_PASSWORD", "MLFLOW_AUTH_ADMIN_PASSWORD"):
    env.pop(name, None)
os.execvp(sys.argv[1], sys.argv[1:])
{{- end }}
