{{/*
Airflow 3 helpers. Facts from apache/airflow (airflow-core, v3.x) and its official chart (chart/):
- components: `airflow api-server` (REST API /api/v2, UI, and the task execution API under /execution/ that task
  processes call instead of the database, [core] execution_api_server_url), `airflow scheduler`, `airflow
  dag-processor` (standalone since 3.0) and `airflow triggerer`;
- configuration through AIRFLOW__<SECTION>__<KEY> environment variables (airflow-core/docs/howto/set-config.rst); the
  secrets come from Secrets as plain env vars through secretKeyRef, and the database URL from the _CMD form of the
  sensitive option sql_alchemy_conn (spark-k8s.airflow.dbUrlCommand), so the password is percent-encoded at run time;
- health: the api-server's /api/v2/monitor/health, the scheduler's health check server ([scheduler]
  enable_health_check, scheduler_health_check_server_port 8974, /health: 503 when its job's heartbeat is stale), and
  `airflow jobs check --job-type TriggererJob|DagProcessorJob --local` for the others (what the official chart's
  triggerer and dag-processor liveness probes run);
- the FAB auth manager (apache-airflow-providers-fab, in the apache/airflow image): users in the database, roles and
  LDAP/OAuth, and POST /auth/token for database users; the Simple auth manager is documented by Airflow as meant for
  development only.
*/}}

{{/* "true" when Airflow's database is in the chart's PostgreSQL (a row of the application-database table). */}}
{{- define "spark-k8s.airflow.inChartDb" -}}
{{- and .Values.airflow.enabled .Values.postgresql.enabled (not .Values.airflow.externalDatabase.host) }}
{{- end }}

{{/* The chart's one Airflow version: the release part of airflow.baseImage.tag (<release>-python<minor>). */}}
{{- define "spark-k8s.airflow.version" -}}
{{- regexReplaceAll "-python[0-9.]+$" (toString .Values.airflow.baseImage.tag) "" }}
{{- end }}

{{/*
The image map the Airflow pods run: airflow.image with an empty tag resolved. The official repository
(airflow.baseImage.repository) gets airflow.baseImage's tag and digest; any other repository is the project image
images/airflow, tagged as images/versions.py tags it: <Airflow release>-spark<sparkVersion of spark.version's line>.
*/}}
{{- define "spark-k8s.airflow.image" -}}
{{- $a := .Values.airflow }}
{{- $image := deepCopy $a.image }}
{{- if not $image.tag }}
{{- if eq (toString $image.repository) (toString $a.baseImage.repository) }}
{{- $_ := set $image "tag" (toString $a.baseImage.tag) }}
{{- if not $image.digest }}{{ $_ := set $image "digest" (toString $a.baseImage.digest) }}{{ end }}
{{- else }}
{{- $_ := set $image "tag" (printf "%s-spark%s" (include "spark-k8s.airflow.version" .) (include "spark-k8s.release" . | fromYaml).sparkVersion) }}
{{- end }}
{{- end }}
{{- toYaml $image }}
{{- end }}

{{/*
pip requirement specifiers of what images/airflow adds for spark.version's line (YAML list): the PySpark client at
the exact Spark release (pythonClientPackage==sparkVersion) and airflow.sparkPackages.<line>, each pinned.
*/}}
{{- define "spark-k8s.airflow.sparkPackages" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $line := toString .Values.spark.version }}
{{- $extra := index .Values.airflow.sparkPackages $line }}
{{- if not $extra }}
{{- fail (printf "airflow.sparkPackages.%s: list what images/airflow adds on Spark %s (the Spark provider release for that line, as in images/airflow/requirements-%s.txt); lines with packages: %s" $line $line $line (keys .Values.airflow.sparkPackages | sortAlpha | join ", ")) }}
{{- end }}
{{- $packages := list (printf "%s==%s" $release.pythonClientPackage $release.sparkVersion) }}
{{- range $name := keys $extra | sortAlpha }}
{{- $packages = append $packages (printf "%s==%s" $name (index $extra $name)) }}
{{- end }}
{{- toYaml $packages }}
{{- end }}

{{/* "true" when the component's pods run task code and get the Spark client from installPackages. Takes root, component. */}}
{{- define "spark-k8s.airflow.installsClient" -}}
{{- and .root.Values.airflow.installPackages (eq .component (include "spark-k8s.airflow.taskComponent" .root)) }}
{{- end }}

{{/* Where installPackages puts the client: the path images/airflow bakes it into (its PYTHONPATH). */}}
{{- define "spark-k8s.airflow.clientDir" -}}/opt/spark-k8s/python{{- end }}

{{/*
The init container of installPackages: pip install --no-deps of spark-k8s.airflow.sparkPackages into the
spark-client emptyDir (what images/airflow's Dockerfile does at build time, without the hashes; pyspark 3.5 is a
source distribution built with the image's own setuptools, --no-build-isolation), so the task
processes import pyspark and the Spark provider from PYTHONPATH; everything else they need (grpcio, protobuf,
pandas, pyarrow, the cncf-kubernetes and amazon providers) is in the official image, installed with Airflow's
constraints. Values reach the script only through env vars. Takes root.
*/}}
{{- define "spark-k8s.airflow.installContainer" -}}
{{- $a := .root.Values.airflow }}
- name: install-spark-client
  {{- include "spark-k8s.containerImage" (dict "root" .root "image" (include "spark-k8s.airflow.image" .root | fromYaml)) | trim | nindent 2 }}
  command:
    - /bin/bash
    - -ec
    - |
      set -f
      python3 -m pip install --no-cache-dir --no-deps --no-build-isolation --disable-pip-version-check --target "$SPARK_CLIENT_DIR" $SPARK_CLIENT_PACKAGES
      echo "installed $SPARK_CLIENT_PACKAGES into $SPARK_CLIENT_DIR"
  env:
    - name: SPARK_CLIENT_DIR
      value: {{ include "spark-k8s.airflow.clientDir" .root | quote }}
    - name: SPARK_CLIENT_PACKAGES
      value: {{ include "spark-k8s.airflow.sparkPackages" .root | fromYamlArray | join " " | quote }}
    - name: HOME
      value: /tmp
    {{- with $a.pipIndexUrl }}
    - name: PIP_INDEX_URL
      value: {{ . | quote }}
    {{- end }}
  {{- include "spark-k8s.containerSecurityContext" .root | trim | nindent 2 }}
  {{- include "spark-k8s.resources" $a.installResources | trim | nindent 2 }}
  volumeMounts:
    - name: spark-client
      mountPath: {{ include "spark-k8s.airflow.clientDir" .root | quote }}
    - name: tmp
      mountPath: /tmp
{{- end }}

{{/* Airflow's database connection (YAML map: host, port, database, username, secret, key, sslmode). */}}
{{- define "spark-k8s.airflow.db" -}}
{{- $a := .Values.airflow }}
{{- if eq (include "spark-k8s.airflow.inChartDb" .) "true" }}
{{- toYaml (dict
  "host" (printf "%s.%s.svc" (include "spark-k8s.componentName" (dict "root" . "component" "postgresql")) .Release.Namespace)
  "port" 5432
  "database" (toString $a.database.name)
  "username" (toString $a.database.username)
  "secret" (include "spark-k8s.credential.secretName" (dict "root" . "id" "postgresql-airflow"))
  "key" (toString $a.database.passwordKey)
  "sslmode" "disable") }}
{{- else }}
{{- $e := $a.externalDatabase }}
{{- if and $a.enabled (not $e.host) }}
{{- fail "airflow.externalDatabase.host: set it (Airflow needs PostgreSQL), or keep postgresql.enabled true so Airflow gets a database in the chart's PostgreSQL" }}
{{- end }}
{{- if and $a.enabled (not $e.existingSecret) }}
{{- fail "airflow.externalDatabase.existingSecret: name the Secret with the password of airflow.externalDatabase.username (key airflow.externalDatabase.passwordKey)" }}
{{- end }}
{{- toYaml (dict
  "host" (toString $e.host)
  "port" (int $e.port)
  "database" (toString $e.database)
  "username" (toString $e.username)
  "secret" (toString $e.existingSecret)
  "key" (toString $e.passwordKey)
  "sslmode" (toString $e.sslmode)) }}
{{- end }}
{{- end }}

{{/* Executor in effect: "LocalExecutor" or "KubernetesExecutor". */}}
{{- define "spark-k8s.airflow.kubernetesExecutor" -}}
{{- eq .Values.airflow.executor "KubernetesExecutor" }}
{{- end }}

{{/* Backends of the release's jobs (YAML map: submit, operator booleans): which Spark-job DAGs and RBAC Airflow gets. */}}
{{- define "spark-k8s.airflow.jobKinds" -}}
{{- $submit := false }}{{ $operator := false }}
{{- range $name, $job := .Values.jobs }}
{{- $type := $job.type | default $.Values.jobDefaults.type }}
{{- if eq $type "submit" }}{{ $submit = true }}{{ else if eq $type "operator" }}{{ $operator = true }}{{ end }}
{{- end }}
{{- toYaml (dict "submit" $submit "operator" $operator) }}
{{- end }}

{{/* "true" when Airflow tasks talk to the Kubernetes API to run Spark jobs (submit or operator jobs present) or the data-quality example DAG's runner pod. */}}
{{- define "spark-k8s.airflow.tasksUseKubeApi" -}}
{{- $k := include "spark-k8s.airflow.jobKinds" . | fromYaml }}
{{- or $k.submit $k.operator (and .Values.airflow.dags.examples (eq (include "spark-k8s.dataQuality.active" .) "true")) }}
{{- end }}

{{/* Component whose pods run the task processes: airflow-worker (KubernetesExecutor) or airflow-scheduler. */}}
{{- define "spark-k8s.airflow.taskComponent" -}}
{{- ternary "airflow-worker" "airflow-scheduler" (eq (include "spark-k8s.airflow.kubernetesExecutor" .) "true") }}
{{- end }}

{{/* In-cluster URL of the API server. */}}
{{- define "spark-k8s.airflow.apiUrl" -}}
{{- printf "http://%s.%s.svc:%d" (include "spark-k8s.componentName" (dict "root" . "component" "airflow-api-server")) .Release.Namespace (int .Values.airflow.apiServer.port) }}
{{- end }}

{{/* Where DAG files are mounted. */}}
{{- define "spark-k8s.airflow.dagsRoot" -}}/opt/airflow/dags{{- end }}

{{/*
Airflow 3 DAG bundles ([dag_processor] dag_bundle_config_list, JSON list): one LocalDagBundle
(airflow.dag_processing.bundles.local.LocalDagBundle, kwargs "path") per DAG source the release mounts: the example
DAGs (ConfigMap), the git-sync checkout, the PVC. Workers find a task's DAG file by its bundle name, so every pod
that parses or runs DAGs gets the same list.
*/}}
{{- define "spark-k8s.airflow.bundles" -}}
{{- $d := .Values.airflow.dags }}
{{- $root := include "spark-k8s.airflow.dagsRoot" . }}
{{- $bundles := list }}
{{- $local := "airflow.dag_processing.bundles.local.LocalDagBundle" }}
{{- if $d.gitSync.enabled }}
{{- $path := printf "%s/git/repo" $root }}
{{- with $d.gitSync.subPath }}{{ $path = printf "%s/%s" $path (trimAll "/" .) }}{{ end }}
{{- $bundles = append $bundles (dict "name" "git" "classpath" $local "kwargs" (dict "path" $path)) }}
{{- end }}
{{- if $d.persistence.enabled }}
{{- $bundles = append $bundles (dict "name" "volume" "classpath" $local "kwargs" (dict "path" (printf "%s/volume" $root))) }}
{{- end }}
{{- if and $d.examples (include "spark-k8s.airflow.exampleFiles" . | fromYaml) }}
{{- $bundles = append $bundles (dict "name" "spark-k8s-examples" "classpath" $local "kwargs" (dict "path" (printf "%s/examples" $root))) }}
{{- end }}
{{- if not $bundles }}
{{- $bundles = append $bundles (dict "name" "dags-folder" "classpath" $local "kwargs" (dict "path" (printf "%s/local" $root))) }}
{{- end }}
{{- toJson $bundles }}
{{- end }}

{{/*
The example DAG files of charts/spark-k8s/files/airflow/dags/ for the backends this release has (YAML map file name
-> content): spark_k8s_connect_k8s.py (Connect on the k8s backend), spark_k8s_connect_standalone.py (Connect on
standalone), spark_k8s_submit.py (submit jobs), spark_k8s_operator.py and its SparkApplication template
spark_k8s_operator_app.yaml (operator jobs). A file the chart does not ship is left out.
*/}}
{{- define "spark-k8s.airflow.exampleFiles" -}}
{{- $v := .Values }}
{{- $k := include "spark-k8s.airflow.jobKinds" . | fromYaml }}
{{- $names := list }}
{{- if and $v.connect.enabled (eq $v.connect.backend "k8s") }}{{ $names = append $names "spark_k8s_connect_k8s.py" }}{{ end }}
{{- if and $v.connect.enabled (eq $v.connect.backend "standalone") }}{{ $names = append $names "spark_k8s_connect_standalone.py" }}{{ end }}
{{- if $k.submit }}{{ $names = append $names "spark_k8s_submit.py" }}{{ end }}
{{- if $k.operator }}{{ $names = concat $names (list "spark_k8s_operator.py" "spark_k8s_operator_app.yaml") }}{{ end }}
{{- $files := dict }}
{{- range $name := $names }}
{{- with $.Files.Get (printf "files/airflow/dags/%s" $name) }}{{ $_ := set $files $name . }}{{ end }}
{{- end }}
{{- if $v.dataQuality.enabled }}{{ $_ := set $files "spark_k8s_data_quality.py" ($.Files.Get "files/airflow/dags/spark_k8s_data_quality.py") }}{{ with include "spark-k8s.dataQuality.airflowPod" $ }}{{ $_ := set $files "spark_k8s_data_quality_pod.yaml" . }}{{ end }}{{ end }}
{{- if $files }}{{ toYaml $files }}{{ end }}
{{- end }}

{{/*
Connections (YAML map id -> JSON), set as AIRFLOW_CONN_<ID> env vars (Airflow's environment-variable secrets backend,
JSON form; airflow-core/docs/howto/connection.rst). Secret parts never appear here: the Connect token and the S3
keys are $(VAR) references that Kubernetes fills from secretKeyRef env vars of the same container
(spark-k8s.airflow.connectionSecretEnv).
- spark_connect: conn_type spark_connect (apache-airflow-providers-apache-spark SparkConnectHook: host, port,
  password = token). Spark 4.x servers check the token as a Bearer header on a plaintext channel (see
  spark-k8s.connect.clientEnv): a client sends it as the "authorization=Bearer <token>" URL parameter;
- kubernetes_default, spark_operator: conn_type kubernetes, in_cluster, this namespace;
- spark_k8s_submit: conn_type spark, master k8s://https://kubernetes.default.svc, deploy-mode cluster;
- s3: conn_type aws with endpoint_url of the release's S3 (login/password = the Spark S3 keys when static keys are used).
*/}}
{{- define "spark-k8s.airflow.connections" -}}
{{- $v := .Values }}
{{- $ns := .Release.Namespace }}
{{- $conns := dict }}
{{- if $v.connect.enabled }}
{{- $c := dict "conn_type" "spark_connect" "host" (printf "%s.%s.svc" (include "spark-k8s.componentName" (dict "root" . "component" "connect")) $ns) "port" (int $v.connect.ports.grpc) "extra" (dict "use_ssl" false) }}
{{- if eq (include "spark-k8s.connect.authEnabled" .) "true" }}{{ $_ := set $c "password" "$(SPARK_CONNECT_TOKEN)" }}{{ end }}
{{- $_ := set $conns "spark_connect" $c }}
{{- end }}
{{- $_ := set $conns "kubernetes_default" (dict "conn_type" "kubernetes" "extra" (dict "in_cluster" true "namespace" $ns)) }}
{{- $_ := set $conns "spark_operator" (dict "conn_type" "kubernetes" "extra" (dict "in_cluster" true "namespace" $ns)) }}
{{- $_ := set $conns "spark_k8s_submit" (dict "conn_type" "spark" "host" "k8s://https://kubernetes.default.svc" "extra" (dict "deploy-mode" "cluster" "namespace" $ns "spark-binary" "spark-submit")) }}
{{- $s3 := dict "conn_type" "aws" "extra" (dict "endpoint_url" (include "spark-k8s.s3Endpoint" .) "region_name" (toString $v.s3.region)) }}
{{- if eq (include "spark-k8s.s3.staticKeys" .) "true" }}
{{- $_ := set $s3 "login" "$(S3_ACCESS_KEY_ID)" }}
{{- $_ := set $s3 "password" "$(S3_SECRET_ACCESS_KEY)" }}
{{- end }}
{{- $_ := set $conns "s3" $s3 }}
{{- range $id, $c := $conns }}
{{ $id }}: {{ toJson $c | quote }}
{{- end }}
{{- end }}

{{/* secretKeyRef env vars the connections reference (Connect token, S3 keys). */}}
{{- define "spark-k8s.airflow.connectionSecretEnv" -}}
{{- if eq (include "spark-k8s.connect.authEnabled" .) "true" }}
- name: SPARK_CONNECT_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "spark-k8s.connect.authSecretName" . | quote }}
      key: {{ .Values.connect.auth.key | quote }}
{{- end }}
{{- if eq (include "spark-k8s.s3.staticKeys" .) "true" }}
{{- include "spark-k8s.credential.env" (dict "root" . "id" "s3-spark" "name" "S3_ACCESS_KEY_ID" "key" .Values.s3.credentials.accessKeyIdKey) | nindent 0 }}
{{- include "spark-k8s.credential.env" (dict "root" . "id" "s3-spark" "name" "S3_SECRET_ACCESS_KEY" "key" .Values.s3.credentials.secretAccessKeyKey) | nindent 0 }}
{{- end }}
{{- end }}

{{/*
Airflow Variables (YAML map name -> value) the chart sets as AIRFLOW_VAR_<NAME> (a ConfigMap: no secrets): where and
how a DAG runs Spark on this release.
*/}}
{{- define "spark-k8s.airflow.variables" -}}
{{- $v := .Values }}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $conf := dict "spark.eventLog.enabled" "true" "spark.eventLog.dir" (include "spark-k8s.eventLogDir" .) }}
{{- $conf = merge $conf (include "spark-k8s.s3aConf" . | fromYaml) (include "spark-k8s.metastoreConf" . | fromYaml | default dict) }}
SPARK_K8S_NAMESPACE: {{ .Release.Namespace | quote }}
SPARK_K8S_SPARK_IMAGE: {{ include "spark-k8s.image" (dict "root" . "image" $v.jobDefaults.image) | quote }}
SPARK_K8S_SPARK_VERSION: {{ $release.sparkVersion | toString | quote }}
{{- if $v.jobs }}
SPARK_K8S_JOB_SERVICE_ACCOUNT: {{ include "spark-k8s.job.driverServiceAccount" . | quote }}
{{- end }}
SPARK_K8S_OPERATOR_FLAVOUR: {{ $v.operator.flavor | toString | quote }}
SPARK_K8S_WAREHOUSE: {{ printf "s3a://%s/warehouse" $v.s3.buckets.warehouse | quote }}
{{- if $v.metastore.enabled }}
SPARK_K8S_METASTORE_URI: {{ include "spark-k8s.metastoreUri" . | quote }}
{{- end }}
SPARK_K8S_SPARK_CONF: {{ toJson $conf | quote }}
{{- end }}

{{/* Non-secret Airflow configuration (YAML map env name -> value), the airflow-config ConfigMap. */}}
{{- define "spark-k8s.airflow.config" -}}
{{- $a := .Values.airflow }}
{{- $cfg := dict }}
{{- $_ := set $cfg "AIRFLOW_HOME" "/opt/airflow" }}
{{- $_ := set $cfg "PYTHONDONTWRITEBYTECODE" "1" }}
{{- $_ := set $cfg "AIRFLOW__CORE__EXECUTOR" $a.executor }}
{{- $_ := set $cfg "AIRFLOW__CORE__PARALLELISM" (toString $a.parallelism) }}
{{- $_ := set $cfg "AIRFLOW__CORE__LOAD_EXAMPLES" "False" }}
{{- $_ := set $cfg "AIRFLOW__CORE__AUTH_MANAGER" "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager" }}
{{- $_ := set $cfg "AIRFLOW__CORE__EXECUTION_API_SERVER_URL" (printf "%s/execution/" (include "spark-k8s.airflow.apiUrl" .)) }}
{{- $_ := set $cfg "AIRFLOW__CORE__DAGS_FOLDER" (index (include "spark-k8s.airflow.bundles" . | fromJsonArray) 0).kwargs.path }}
{{- $_ := set $cfg "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST" (include "spark-k8s.airflow.bundles" .) }}
{{- $_ := set $cfg "AIRFLOW__API__PORT" (toString $a.apiServer.port) }}
{{- $_ := set $cfg "AIRFLOW__API__EXPOSE_CONFIG" "False" }}
{{- $_ := set $cfg "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK" "True" }}
{{- $_ := set $cfg "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT" (toString $a.scheduler.healthCheckPort) }}
{{- $_ := set $cfg "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT" (toString $a.scheduler.logServerPort) }}
{{- $_ := set $cfg "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT" (toString $a.triggerer.logServerPort) }}
{{- $_ := set $cfg "AIRFLOW__LOGGING__BASE_LOG_FOLDER" "/opt/airflow/logs" }}
{{- if eq (include "spark-k8s.logging.json" .) "true" }}
{{- /* logging.format json: Airflow 3's structlog writes every component's own output (and the API server's
uvicorn/access logs) as newline-delimited JSON ([logging] json_logs, apache/airflow PR #63365, Airflow 3.2+); task
logs stay Airflow's own NDJSON files that the UI reads. */}}
{{- $_ := set $cfg "AIRFLOW__LOGGING__JSON_LOGS" "True" }}
{{- $_ := set $cfg "AIRFLOW__LOGGING__COLORED_CONSOLE_LOG" "False" }}
{{- end }}
{{- with $a.logging.remoteBaseLogFolder }}
{{- $_ := set $cfg "AIRFLOW__LOGGING__REMOTE_LOGGING" "True" }}
{{- $_ := set $cfg "AIRFLOW__LOGGING__REMOTE_BASE_LOG_FOLDER" . }}
{{- $_ := set $cfg "AIRFLOW__LOGGING__REMOTE_LOG_CONN_ID" "s3" }}
{{- end }}
{{- if $a.statsd.enabled }}
{{- $_ := set $cfg "AIRFLOW__METRICS__STATSD_ON" "True" }}
{{- $_ := set $cfg "AIRFLOW__METRICS__STATSD_HOST" (printf "%s.%s.svc" (include "spark-k8s.componentName" (dict "root" . "component" "airflow-statsd")) .Release.Namespace) }}
{{- $_ := set $cfg "AIRFLOW__METRICS__STATSD_PORT" (toString $a.statsd.port) }}
{{- $_ := set $cfg "AIRFLOW__METRICS__STATSD_PREFIX" "airflow" }}
{{- end }}
{{- if .Values.mlflow.enabled }}
{{- /* The release's MLflow tracking server (proxied artifacts: tasks need no S3 key for MLflow). */}}
{{- $_ := set $cfg "MLFLOW_TRACKING_URI" (include "spark-k8s.mlflow.trackingUri" .) }}
{{- end }}
{{- if eq (include "spark-k8s.airflow.kubernetesExecutor" .) "true" }}
{{- $_ := set $cfg "AIRFLOW__KUBERNETES_EXECUTOR__NAMESPACE" .Release.Namespace }}
{{- $_ := set $cfg "AIRFLOW__KUBERNETES_EXECUTOR__POD_TEMPLATE_FILE" "/opt/airflow/pod-templates/pod_template.yaml" }}
{{- $_ := set $cfg "AIRFLOW__KUBERNETES_EXECUTOR__DELETE_WORKER_PODS" "True" }}
{{- $_ := set $cfg "AIRFLOW__KUBERNETES_EXECUTOR__DELETE_WORKER_PODS_ON_FAILURE" "False" }}
{{- end }}
{{- range $key, $value := $a.config }}
{{- if not (regexMatch "^AIRFLOW__[A-Z0-9_]+__[A-Z0-9_]+$" $key) }}
{{- fail (printf "airflow.config.%s: keys are Airflow settings as environment variables, AIRFLOW__<SECTION>__<KEY> (e.g. AIRFLOW__CORE__DEFAULT_TIMEZONE)" $key) }}
{{- end }}
{{- if regexMatch "(_CMD|_SECRET|FERNET_KEY|SECRET_KEY|JWT_SECRET|SQL_ALCHEMY_CONN|PASSWORD|TOKEN)$" $key }}
{{- fail (printf "airflow.config.%s: a secret setting does not belong in a ConfigMap; the chart sets the keys and the database connection from Secrets" $key) }}
{{- end }}
{{- $_ := set $cfg $key (toString $value) }}
{{- end }}
{{- toYaml $cfg }}
{{- end }}

{{/*
The command Airflow runs for [database] sql_alchemy_conn (AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD): it prints the
SQLAlchemy URL built from the AIRFLOW_DB_* env vars with the user, the password and the database name percent-encoded
(urllib.parse.quote with safe=""), so a password with @ : / % # ? or any other character connects as it is, and
the chart never needs to know it (it comes from a secretKeyRef, also with secrets.provider). Airflow reads the
<OPTION>_CMD env var for its sensitive options (sql_alchemy_conn is one: airflow-core config.yml "sensitive: true",
howto/set-config.rst "_cmd"), and its run_command splits the command with shlex.split, runs it without a shell and
takes its stdout as the value; nothing here is shell text, and the values reach it only through the environment.
Printed without a newline, so the URL is exactly the output.
*/}}
{{- define "spark-k8s.airflow.dbUrlCommand" -}}
python3 -c "import os, urllib.parse; e = os.environ; q = lambda v: urllib.parse.quote(v, safe=''); print('postgresql+psycopg2://' + q(e['AIRFLOW_DB_USER']) + ':' + q(e['AIRFLOW_DB_PASSWORD']) + '@' + e['AIRFLOW_DB_HOST'] + ':' + e['AIRFLOW_DB_PORT'] + '/' + q(e['AIRFLOW_DB_NAME']) + '?sslmode=' + q(e['AIRFLOW_DB_SSLMODE']), end='')"
{{- end }}

{{/*
Env vars of an Airflow container from Secrets: the database connection (AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD,
spark-k8s.airflow.dbUrlCommand, with the password from a secretKeyRef: no password in the manifest), the Fernet key,
the API secret key and the JWT secret. Task pods (worker: true) get only the API secret key (their log server checks the API server's signed
requests with it): in Airflow 3 a task talks to the task execution API with the token the executor hands it, never
to the database. Takes root, optional connections (true: also the connections and their secret parts), worker.
*/}}
{{- define "spark-k8s.airflow.secretEnv" -}}
{{- $root := .root }}
{{- $keys := include "spark-k8s.credential.secretName" (dict "root" $root "id" "airflow") }}
{{- $secrets := dict "AIRFLOW__API__SECRET_KEY" "api-secret-key" }}
{{- if not .worker }}
{{- $db := include "spark-k8s.airflow.db" $root | fromYaml }}
{{- $secrets = merge $secrets (dict "AIRFLOW__CORE__FERNET_KEY" "fernet-key" "AIRFLOW__API_AUTH__JWT_SECRET" "jwt-secret") }}
- name: AIRFLOW_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.secret | quote }}
      key: {{ $db.key | quote }}
- name: AIRFLOW_DB_USER
  value: {{ $db.username | quote }}
- name: AIRFLOW_DB_HOST
  value: {{ $db.host | quote }}
- name: AIRFLOW_DB_PORT
  value: {{ $db.port | toString | quote }}
- name: AIRFLOW_DB_NAME
  value: {{ $db.database | quote }}
- name: AIRFLOW_DB_SSLMODE
  value: {{ $db.sslmode | quote }}
- name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD
  value: {{ include "spark-k8s.airflow.dbUrlCommand" $root | quote }}
{{- end }}
{{- range $env, $key := $secrets }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $keys | quote }}
      key: {{ $key | quote }}
{{- end }}
{{- if .connections }}
{{- include "spark-k8s.airflow.connectionSecretEnv" $root | nindent 0 }}
{{- range $id, $json := include "spark-k8s.airflow.connections" $root | fromYaml }}
- name: {{ printf "AIRFLOW_CONN_%s" (upper $id) | quote }}
  value: {{ $json | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* envFrom of every Airflow container: the configuration and the variables ConfigMaps. */}}
{{- define "spark-k8s.airflow.envFrom" -}}
envFrom:
  - configMapRef:
      name: {{ include "spark-k8s.objectName" (dict "root" . "component" "airflow" "suffix" "config") | quote }}
  - configMapRef:
      name: {{ include "spark-k8s.objectName" (dict "root" . "component" "airflow" "suffix" "variables") | quote }}
{{- end }}

{{/* Volume mounts of an Airflow container: home (airflow.cfg and webserver_config.py are written there), logs, /tmp, DAGs. Takes root, optional podTemplate (KubernetesExecutor pod template mount), client (installPackages' spark-client volume, read-only). */}}
{{- define "spark-k8s.airflow.volumeMounts" -}}
{{- $d := .root.Values.airflow.dags }}
{{- $dags := include "spark-k8s.airflow.dagsRoot" .root }}
- name: home
  mountPath: /opt/airflow
- name: logs
  mountPath: /opt/airflow/logs
- name: tmp
  mountPath: /tmp
{{- if and $d.examples (include "spark-k8s.airflow.exampleFiles" .root | fromYaml) }}
- name: dags-examples
  mountPath: {{ printf "%s/examples" $dags | quote }}
  readOnly: true
{{- end }}
{{- if $d.gitSync.enabled }}
- name: dags-git
  mountPath: {{ printf "%s/git" $dags | quote }}
  readOnly: true
{{- end }}
{{- if $d.persistence.enabled }}
- name: dags-volume
  mountPath: {{ printf "%s/volume" $dags | quote }}
  readOnly: true
{{- end }}
{{- if not (or $d.gitSync.enabled $d.persistence.enabled (and $d.examples (include "spark-k8s.airflow.exampleFiles" .root | fromYaml))) }}
- name: dags-local
  mountPath: {{ printf "%s/local" $dags | quote }}
  readOnly: true
{{- end }}
{{- if .podTemplate }}
- name: pod-template
  mountPath: /opt/airflow/pod-templates
  readOnly: true
{{- end }}
{{- if .client }}
- name: spark-client
  mountPath: {{ include "spark-k8s.airflow.clientDir" .root | quote }}
  readOnly: true
{{- end }}
{{- end }}

{{/* Volumes of an Airflow pod. Takes root, optional podTemplate, client (installPackages' spark-client emptyDir). */}}
{{- define "spark-k8s.airflow.volumes" -}}
{{- $root := .root }}
{{- $d := $root.Values.airflow.dags }}
- name: home
  emptyDir:
    sizeLimit: 64Mi
- name: logs
  emptyDir:
    sizeLimit: 1Gi
- name: tmp
  emptyDir:
    sizeLimit: {{ $root.Values.ephemeralStorage.tmp | quote }}
{{- if and $d.examples (include "spark-k8s.airflow.exampleFiles" $root | fromYaml) }}
- name: dags-examples
  configMap:
    name: {{ include "spark-k8s.objectName" (dict "root" $root "component" "airflow" "suffix" "dags") | quote }}
{{- end }}
{{- if $d.gitSync.enabled }}
- name: dags-git
  emptyDir:
    sizeLimit: 1Gi
{{- if $d.gitSync.existingSecret }}
- name: git-credentials
  secret:
    secretName: {{ $d.gitSync.existingSecret | quote }}
    defaultMode: 0440
{{- end }}
{{- end }}
{{- if $d.persistence.enabled }}
- name: dags-volume
  persistentVolumeClaim:
    claimName: {{ required "airflow.dags.persistence.existingClaim: name the PersistentVolumeClaim with the DAG files" $d.persistence.existingClaim | quote }}
    readOnly: true
{{- end }}
{{- if not (or $d.gitSync.enabled $d.persistence.enabled (and $d.examples (include "spark-k8s.airflow.exampleFiles" $root | fromYaml))) }}
- name: dags-local
  emptyDir:
    sizeLimit: 16Mi
{{- end }}
{{- if .podTemplate }}
- name: pod-template
  configMap:
    name: {{ include "spark-k8s.objectName" (dict "root" $root "component" "airflow" "suffix" "pod-template") | quote }}
{{- end }}
{{- if .client }}
- name: spark-client
  emptyDir:
    sizeLimit: 1Gi
{{- end }}
{{- end }}

{{/*
The git-sync container (registry.k8s.io/git-sync/git-sync v4: GITSYNC_* env, README of kubernetes/git-sync): a
sidecar that keeps /opt/airflow/dags/git/repo at the ref, or with oneTime an init container that syncs once (task
pods). Credentials from airflow.dags.gitSync.existingSecret: GITSYNC_USERNAME/GITSYNC_PASSWORD for https, the "ssh"
key and "known_hosts" files for ssh. Takes root, oneTime.
*/}}
{{- define "spark-k8s.airflow.gitSyncContainer" -}}
{{- $g := .root.Values.airflow.dags.gitSync }}
{{- $ssh := hasPrefix "ssh://" $g.repo }}
- name: {{ ternary "git-sync-init" "git-sync" (.oneTime | default false) }}
  {{- include "spark-k8s.containerImage" (dict "root" .root "image" $g.image) | trim | nindent 2 }}
  env:
    - name: GITSYNC_REPO
      value: {{ required "airflow.dags.gitSync.repo: set the repository URL (https://... or ssh://...)" $g.repo | quote }}
    - name: GITSYNC_REF
      value: {{ $g.ref | quote }}
    - name: GITSYNC_PERIOD
      value: {{ $g.period | quote }}
    - name: GITSYNC_ROOT
      value: /git
    - name: GITSYNC_LINK
      value: repo
    - name: GITSYNC_DEPTH
      value: "1"
    - name: HOME
      value: /tmp
    {{- if .oneTime }}
    - name: GITSYNC_ONE_TIME
      value: "true"
    {{- else }}
    - name: GITSYNC_HTTP_BIND
      value: ":8090"
    {{- end }}
    {{- if $g.existingSecret }}
    {{- if $ssh }}
    - name: GITSYNC_SSH_KEY_FILE
      value: /etc/git-secret/ssh
    - name: GITSYNC_SSH_KNOWN_HOSTS_FILE
      value: /etc/git-secret/known_hosts
    {{- else }}
    - name: GITSYNC_USERNAME
      valueFrom:
        secretKeyRef:
          name: {{ $g.existingSecret | quote }}
          key: GITSYNC_USERNAME
    - name: GITSYNC_PASSWORD
      valueFrom:
        secretKeyRef:
          name: {{ $g.existingSecret | quote }}
          key: GITSYNC_PASSWORD
    {{- end }}
    {{- end }}
  {{- if not .oneTime }}
  ports:
    - name: git-sync
      containerPort: 8090
  {{- include "spark-k8s.probes" (dict "handler" (dict "httpGet" (dict "path" "/" "port" "git-sync")) "readyDelay" 5 "liveDelay" 60 "startupSeconds" 300) | trim | nindent 2 }}
  {{- end }}
  {{- include "spark-k8s.containerSecurityContext" .root | trim | nindent 2 }}
  {{- include "spark-k8s.resources" $g.resources | trim | nindent 2 }}
  volumeMounts:
    - name: dags-git
      mountPath: /git
    - name: tmp
      mountPath: /tmp
    {{- if and $g.existingSecret $ssh }}
    - name: git-credentials
      mountPath: /etc/git-secret
      readOnly: true
    {{- end }}
{{- end }}

{{/*
Init container of every long-running Airflow pod and of the admin Job: waits until `airflow db migrate` (the migrate
Job of this revision) has brought the schema to this Airflow version; `airflow db check-migrations` fails until then.
*/}}
{{- define "spark-k8s.airflow.waitForMigrations" -}}
- name: wait-for-migrations
  {{- include "spark-k8s.containerImage" (dict "root" .root "image" (include "spark-k8s.airflow.image" .root | fromYaml)) | trim | nindent 2 }}
  command:
    - /bin/bash
    - -c
    - |
      until airflow db check-migrations --migration-wait-timeout 60; do
        echo "waiting for the airflow-migrate Job to migrate the metadata database"; sleep 10
      done
  {{- include "spark-k8s.airflow.envFrom" .root | trim | nindent 2 }}
  env:
    {{- include "spark-k8s.airflow.secretEnv" (dict "root" .root) | trim | nindent 4 }}
  {{- include "spark-k8s.containerSecurityContext" .root | trim | nindent 2 }}
  {{- include "spark-k8s.resources" .resources | trim | nindent 2 }}
  volumeMounts:
    {{- include "spark-k8s.airflow.volumeMounts" (dict "root" .root) | trim | nindent 4 }}
{{- end }}

{{/* Pod annotations that roll the pods when Airflow's configuration changes. */}}
{{- define "spark-k8s.airflow.checksums" -}}
checksum/config: {{ include "spark-k8s.airflow.config" . | sha256sum }}
checksum/variables: {{ include "spark-k8s.airflow.variables" . | sha256sum }}
checksum/connections: {{ include "spark-k8s.airflow.connections" . | sha256sum }}
{{- end }}

{{/*
A Deployment of one Airflow component. Takes root, component, values (the component's values: replicas, resources),
args (the airflow command line), ports (containerPorts list), probes (probe YAML), connections (bool), podTemplate
(bool: mount the KubernetesExecutor pod template), gitSync (bool: run the git-sync sidecar).
*/}}
{{- define "spark-k8s.airflow.deployment" -}}
{{- $root := .root }}
{{- $a := $root.Values.airflow }}
{{- $ctx := dict "root" $root "component" .component }}
{{- $row := include "spark-k8s.component" $ctx | fromYaml }}
{{- $install := eq (include "spark-k8s.airflow.installsClient" $ctx) "true" }}
apiVersion: apps/v1
kind: Deployment
metadata:
  {{- include "spark-k8s.metadata" $ctx | trim | nindent 2 }}
spec:
  replicas: {{ .values.replicas }}
  selector:
    matchLabels:
      {{- include "spark-k8s.selectorLabels" $ctx | trim | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "spark-k8s.labels" $ctx | trim | nindent 8 }}
        {{- if $row.identity }}
        {{- include "spark-k8s.workloadIdentity.podLabels" $root | nindent 8 }}
        {{- end }}
      annotations:
        {{- include "spark-k8s.airflow.checksums" $root | trim | nindent 8 }}
        {{- if eq .component "airflow-api-server" }}
        {{- /* The admin Secret's name (never its contents): `spark-k8s smoke` reads it here, since with
        airflow.admin.existingSecret it is not <fullname>-airflow-admin. */}}
        spark-k8s.io/airflow-admin-secret: {{ include "spark-k8s.credential.secretName" (dict "root" $root "id" "airflow-admin") | quote }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "spark-k8s.componentName" $ctx | quote }}
      automountServiceAccountToken: {{ $row.apiToken | default false }}
      {{- include "spark-k8s.podSpecCommon" (dict "root" $root "uid" 50000) | trim | nindent 6 }}
      {{- with include "spark-k8s.spreadAffinity" (dict "root" $root "component" .component "replicas" .values.replicas) | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      initContainers:
        {{- include "spark-k8s.airflow.waitForMigrations" (dict "root" $root "resources" .values.resources) | trim | nindent 8 }}
        {{- if $install }}
        {{- include "spark-k8s.airflow.installContainer" (dict "root" $root) | trim | nindent 8 }}
        {{- end }}
      containers:
        - name: {{ trimPrefix "airflow-" .component | quote }}
          {{- include "spark-k8s.containerImage" (dict "root" $root "image" (include "spark-k8s.airflow.image" $root | fromYaml)) | trim | nindent 10 }}
          args:
            {{- toYaml .args | nindent 12 }}
          {{- include "spark-k8s.airflow.envFrom" $root | trim | nindent 10 }}
          env:
            {{- include "spark-k8s.airflow.secretEnv" (dict "root" $root "connections" .connections) | trim | nindent 12 }}
            {{- if $install }}
            - name: PYTHONPATH
              value: {{ include "spark-k8s.airflow.clientDir" $root | quote }}
            {{- end }}
          {{- with .ports }}
          ports:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- .probes | trim | nindent 10 }}
          {{- include "spark-k8s.containerSecurityContext" $root | trim | nindent 10 }}
          {{- include "spark-k8s.resources" .values.resources | trim | nindent 10 }}
          volumeMounts:
            {{- include "spark-k8s.airflow.volumeMounts" (dict "root" $root "podTemplate" .podTemplate "client" $install) | trim | nindent 12 }}
        {{- if and .gitSync $a.dags.gitSync.enabled }}
        {{- include "spark-k8s.airflow.gitSyncContainer" (dict "root" $root) | trim | nindent 8 }}
        {{- end }}
      volumes:
        {{- include "spark-k8s.airflow.volumes" (dict "root" $root "podTemplate" .podTemplate "client" $install) | trim | nindent 8 }}
{{- end }}

{{/*
Liveness through `airflow jobs check --job-type <type> --local` (exits 1 without a live job of that type on this host),
slow to start (a Python interpreter loading Airflow), so long timeouts. Takes jobType.
*/}}
{{- define "spark-k8s.airflow.jobCheckProbes" -}}
{{- $cmd := list "airflow" "jobs" "check" "--job-type" .jobType "--local" }}
startupProbe:
  exec:
    command: {{ toJson $cmd }}
  periodSeconds: 15
  timeoutSeconds: 60
  failureThreshold: 20
readinessProbe:
  exec:
    command: {{ toJson $cmd }}
  periodSeconds: 60
  timeoutSeconds: 60
  failureThreshold: 3
livenessProbe:
  exec:
    command: {{ toJson $cmd }}
  periodSeconds: 60
  timeoutSeconds: 60
  failureThreshold: 5
{{- end }}
