{{/*
Traces and logs of the chart's components (values tracing.* and logging.*; docs/en/tracing-and-logs.md).

Traces: the OpenTelemetry Java agent in the JVMs of the Connect driver and its executors, the History Server, the
standalone master and workers and the metastore. mode agent attaches the copy baked into images/spark and
images/metastore (tracing.agent, pinned by SHA-256 in the version table) with -javaagent:
  - Connect driver:  spark.driver.extraJavaOptions (client mode: the launcher puts it on the driver's own JVM,
                     SparkSubmitCommandBuilder in apache/spark launcher/);
  - executors:       spark.executor.extraJavaOptions (Spark turns it into the SPARK_JAVA_OPT_* env vars the image's
                     entrypoint.sh passes to the executor JVM; on standalone the worker adds it to the executor command);
  - History Server, master, worker: SPARK_DAEMON_JAVA_OPTS (SparkClassCommandBuilder adds it for these classes);
  - metastore:       JAVA_TOOL_OPTIONS of the metastore container only (the JVM reads it itself; the schema Job and
                     the wait-for-schema init container stay without the agent).
mode operator renders an Instrumentation (opentelemetry.io/v1alpha1) and annotates the same pods with
instrumentation.opentelemetry.io/inject-java, so an OpenTelemetry Operator injects its agent instead
(opentelemetry-operator README, "OpenTelemetry auto-instrumentation injection").
The agent reads its settings from OTEL_* env vars (opentelemetry-java sdk-extensions/autoconfigure README):
endpoint, protocol, sampler, service name and resource attributes; -Dotel.service.name on executors wins over the
env (system properties take precedence), so executors launched by a standalone worker report as executors.

Logs (logging.format json):
  - Spark 4.x: spark.log.structuredLogging.enabled (default false since 4.0.0, core/.../internal/config/package.scala
    STRUCTURED_LOGGING_ENABLED) in every spark-defaults.conf, and as a system property on the daemons, whose main
    classes read it before their first line (Utils.resetStructuredLogging in MasterArguments, WorkerArguments,
    HistoryServerArguments). Spark then logs with its JsonTemplateLayout template
    (common/utils/src/main/resources/org/apache/spark/SparkLayout.json: ts, level, msg, context = MDC, exception,
    logger);
  - Spark 3.5: -Dlog4j2.configurationFile pointing at files/logging/spark-log4j2-json.properties, a JsonTemplateLayout
    (log4j-layout-template-json, added to the 3.5 line's extraJars) with the same fields as Spark 4's template;
  - metastore: files/logging/metastore-log4j2-json.properties mounted as the conf dir's hive-log4j2.properties and
    metastore-log4j2.properties (the names Hive's LogUtils looks up), with log4j-core's JsonLayout (Hive ships
    jackson-databind, which it needs);
  - MinIO: minio server --json; PostgreSQL: log_destination=jsonlog (15+), which PostgreSQL writes only through its
    logging collector, into files under $PGDATA/log (docs/en/tracing-and-logs.md).
The OpenTelemetry agent's log4j context-data instrumentation puts trace_id, span_id and trace_flags into log4j2's
context data (opentelemetry-java-instrumentation instrumentation/log4j/log4j-context-data-2.17), which every JSON
layout here prints.
*/}}

{{/* The components whose JVMs the agent traces. */}}
{{- define "spark-k8s.tracing.components" -}}
{{- toYaml (list "connect" "executor" "history-server" "standalone-master" "standalone-worker" "metastore" "job-driver" "job-executor") }}
{{- end }}

{{/* "true" when tracing is on for this component (a traced component and tracing.enabled). Takes root, component. */}}
{{- define "spark-k8s.tracing.on" -}}
{{- and .root.Values.tracing.enabled (has .component (include "spark-k8s.tracing.components" . | fromYamlArray)) }}
{{- end }}

{{/* "true" in agent mode for a traced component: the chart attaches the baked-in agent. Takes root, component. */}}
{{- define "spark-k8s.tracing.agentOn" -}}
{{- and (eq (include "spark-k8s.tracing.on" .) "true") (eq .root.Values.tracing.mode "agent") }}
{{- end }}

{{/* OTEL_SERVICE_NAME of a component: its object name (<fullname>-<component>). Takes root, component. */}}
{{- define "spark-k8s.tracing.serviceName" -}}
{{- include "spark-k8s.componentName" . }}
{{- end }}

{{/* OTEL_RESOURCE_ATTRIBUTES: the release, its namespace, the Spark version, then tracing.resourceAttributes. Takes root. */}}
{{- define "spark-k8s.tracing.resourceAttributes" -}}
{{- $v := .Values }}
{{- $attrs := list (printf "service.namespace=%s" (include "spark-k8s.fullname" .)) (printf "k8s.namespace.name=%s" .Release.Namespace) (printf "spark.version=%s" (include "spark-k8s.release" . | fromYaml).sparkVersion) }}
{{- range $name := keys $v.tracing.resourceAttributes | sortAlpha }}
{{- $attrs = append $attrs (printf "%s=%s" $name (index $v.tracing.resourceAttributes $name)) }}
{{- end }}
{{- join "," $attrs }}
{{- end }}

{{/* Fails the render on a tracing setting that cannot work. */}}
{{- define "spark-k8s.tracing.validate" -}}
{{- $t := .Values.tracing }}
{{- if and $t.enabled (eq $t.mode "agent") (not .Values.jars.bundled) }}
{{- fail "tracing.mode agent attaches the OpenTelemetry agent baked into the project's images, which needs jars.bundled: true (images/build.sh); with the official images set tracing.mode: operator and run the OpenTelemetry Operator" }}
{{- end }}
{{- if and $t.enabled (eq $t.mode "agent") (not $t.agent.jar.sha256) }}
{{- fail (printf "tracing.agent.jar: %s has no sha256 pin; record one with images/pin.sh %s" $t.agent.jar.coordinate $t.agent.jar.coordinate) }}
{{- end }}
{{- end }}

{{/* The JVM options of the agent (mode agent), or nothing. Takes root, component. */}}
{{- define "spark-k8s.tracing.javaOpts" -}}
{{- if eq (include "spark-k8s.tracing.agentOn" .) "true" }}
{{- printf "-javaagent:%s" .root.Values.tracing.agent.path }}
{{- end }}
{{- end }}

{{/* Env of a traced container (list items), or nothing: OTLP export, sampler, service name and resources. Takes root, component. */}}
{{- define "spark-k8s.tracing.env" -}}
{{- if eq (include "spark-k8s.tracing.on" .) "true" }}
{{- $t := .root.Values.tracing }}
- name: OTEL_SERVICE_NAME
  value: {{ include "spark-k8s.tracing.serviceName" . | quote }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ include "spark-k8s.tracing.resourceAttributes" .root | quote }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $t.otlp.endpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ $t.otlp.protocol | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ $t.sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ $t.samplerRatio | quote }}
# Traces only: metrics come from Prometheus scrapes, logs from the containers' output.
- name: OTEL_METRICS_EXPORTER
  value: none
- name: OTEL_LOGS_EXPORTER
  value: none
{{- end }}
{{- end }}

{{/* Pod annotations of a traced pod in mode operator (YAML map lines), or nothing. Takes root, component. */}}
{{- define "spark-k8s.tracing.podAnnotations" -}}
{{- if and (eq (include "spark-k8s.tracing.on" .) "true") (eq .root.Values.tracing.mode "operator") }}
instrumentation.opentelemetry.io/inject-java: {{ include "spark-k8s.componentName" (dict "root" .root "component" "tracing") | quote }}
{{- end }}
{{- end }}

{{/* "true" when the JVM components log JSON. */}}
{{- define "spark-k8s.logging.json" -}}
{{- eq .Values.logging.format "json" }}
{{- end }}

{{/* "true" when Spark pods mount the logging ConfigMap (JSON logs on Spark 3.5, whose log4j2 needs a config file). */}}
{{- define "spark-k8s.logging.sparkConfigFile" -}}
{{- and (eq (include "spark-k8s.logging.json" .) "true") (semverCompare "<4.0.0-0" (include "spark-k8s.release" . | fromYaml).sparkVersion) }}
{{- end }}

{{/* Where Spark pods mount the logging ConfigMap. */}}
{{- define "spark-k8s.logging.mountPath" -}}
/opt/spark-k8s/logging
{{- end }}

{{/* JVM options of a Spark process for its logs: the log4j2 config file (3.5) or the structured-logging flag (4.x, daemons). Takes root, daemon (bool). */}}
{{- define "spark-k8s.logging.sparkJavaOpts" -}}
{{- if eq (include "spark-k8s.logging.sparkConfigFile" .root) "true" }}
{{- printf "-Dlog4j2.configurationFile=%s/spark-log4j2.properties" (include "spark-k8s.logging.mountPath" .root) }}
{{- else if and (eq (include "spark-k8s.logging.json" .root) "true") .daemon }}
{{- /* The daemons read the system property before their first line (Utils.resetStructuredLogging()). */}}
{{- print "-Dspark.log.structuredLogging.enabled=true" }}
{{- end }}
{{- end }}

{{/* Spark properties for logs (YAML map): spark.log.structuredLogging.enabled with JSON logs on 4.x, else nothing
(text keeps Spark's default, false). */}}
{{- define "spark-k8s.logging.sparkConf" -}}
{{- if and (eq (include "spark-k8s.logging.json" .) "true") (semverCompare ">=4.0.0-0" (include "spark-k8s.release" . | fromYaml).sparkVersion) }}
spark.log.structuredLogging.enabled: "true"
{{- end }}
{{- end }}

{{/*
The JVM options of a Spark process (agent, then logs), space-separated, or "". Takes root, component, daemon.
*/}}
{{- define "spark-k8s.observability.sparkJavaOpts" -}}
{{- $opts := list }}
{{- with include "spark-k8s.tracing.javaOpts" . }}{{ $opts = append $opts . }}{{ end }}
{{- with include "spark-k8s.logging.sparkJavaOpts" . }}{{ $opts = append $opts . }}{{ end }}
{{- join " " $opts }}
{{- end }}

{{/*
A Spark application's conf (YAML map) with the observability properties added: the structured-logging flag on 4.x
and the driver's and executors' JVM options, put in front of any extraJavaOptions the values set (so user options
still apply and may override system properties). Takes root, conf, optional driver and executor (the components of
the driver and executor pods: connect and executor by default, job-driver and job-executor for jobs:).
*/}}
{{- define "spark-k8s.observability.applicationConf" -}}
{{- $root := .root }}
{{- $driverComponent := .driver | default "connect" }}
{{- $executorComponent := .executor | default "executor" }}
{{- $conf := merge (dict) .conf }}
{{- $conf = mergeOverwrite (include "spark-k8s.logging.sparkConf" $root | fromYaml) $conf }}
{{- $driver := include "spark-k8s.observability.sparkJavaOpts" (dict "root" $root "component" $driverComponent "daemon" false) }}
{{- $executor := include "spark-k8s.observability.sparkJavaOpts" (dict "root" $root "component" $executorComponent "daemon" false) }}
{{- if eq (include "spark-k8s.tracing.agentOn" (dict "root" $root "component" $executorComponent)) "true" }}
{{- $executor = printf "%s -Dotel.service.name=%s" $executor (include "spark-k8s.tracing.serviceName" (dict "root" $root "component" $executorComponent)) }}
{{- end }}
{{- range $key, $opts := dict "spark.driver.extraJavaOptions" $driver "spark.executor.extraJavaOptions" $executor }}
{{- if $opts }}
{{- $_ := set $conf $key (trim (printf "%s %s" $opts (index $conf $key | default ""))) }}
{{- end }}
{{- end }}
{{- toYaml $conf }}
{{- end }}

{{/* Env of a Spark daemon (History Server, master, worker; list items): SPARK_DAEMON_JAVA_OPTS and tracing. Takes root, component. */}}
{{- define "spark-k8s.observability.daemonEnv" -}}
{{- with include "spark-k8s.observability.sparkJavaOpts" (dict "root" .root "component" .component "daemon" true) }}
- name: SPARK_DAEMON_JAVA_OPTS
  value: {{ . | quote }}
{{- end }}
{{- include "spark-k8s.tracing.env" . }}
{{- end }}

{{/* The logging ConfigMap volume of Spark pods (list item), or nothing. */}}
{{- define "spark-k8s.logging.sparkVolume" -}}
{{- if eq (include "spark-k8s.logging.sparkConfigFile" .) "true" }}
- name: logging
  configMap:
    name: {{ include "spark-k8s.componentName" (dict "root" . "component" "logging") | quote }}
{{- end }}
{{- end }}

{{/* The logging ConfigMap mount of Spark containers (list item), or nothing. */}}
{{- define "spark-k8s.logging.sparkVolumeMount" -}}
{{- if eq (include "spark-k8s.logging.sparkConfigFile" .) "true" }}
- name: logging
  mountPath: {{ include "spark-k8s.logging.mountPath" . | quote }}
  readOnly: true
{{- end }}
{{- end }}

{{/* "true" when the metastore logs JSON (its log4j2 files come from the logging ConfigMap). */}}
{{- define "spark-k8s.logging.metastoreJson" -}}
{{- and .Values.metastore.enabled (eq (include "spark-k8s.logging.json" .) "true") }}
{{- end }}

{{/* Volume mounts of the metastore container for JSON logs (list items), or nothing. */}}
{{- define "spark-k8s.logging.metastoreVolumeMounts" -}}
{{- if eq (include "spark-k8s.logging.metastoreJson" .) "true" }}
{{- range list "hive-log4j2.properties" "metastore-log4j2.properties" }}
- name: logging
  mountPath: {{ printf "/opt/hive/conf/%s" . | quote }}
  subPath: metastore-log4j2.properties
  readOnly: true
{{- end }}
{{- end }}
{{- end }}

{{/* The logging ConfigMap volume of the metastore pod (list item), or nothing. */}}
{{- define "spark-k8s.logging.metastoreVolume" -}}
{{- if eq (include "spark-k8s.logging.metastoreJson" .) "true" }}
- name: logging
  configMap:
    name: {{ include "spark-k8s.componentName" (dict "root" . "component" "logging") | quote }}
{{- end }}
{{- end }}

{{/* Env of the metastore container (list items): the agent through JAVA_TOOL_OPTIONS, and tracing. */}}
{{- define "spark-k8s.observability.metastoreEnv" -}}
{{- $ctx := dict "root" . "component" "metastore" }}
{{- with include "spark-k8s.tracing.javaOpts" $ctx }}
- name: JAVA_TOOL_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- include "spark-k8s.tracing.env" $ctx }}
{{- end }}

{{/*
"true" when the Jupyter server logs JSON. jupyter_server 2.x configures its logging through traitlets'
Application.logging_config, a logging.config.dictConfig dictionary merged into the application's default one
(traitlets/config/application.py get_default_logging_config: the "console" handler on stderr and the "console"
formatter); files/logging/jupyter_server_config.json swaps that formatter for python-json-logger's JsonFormatter.
python-json-logger comes with jupyter_server itself (jupyter_server depends on jupyter_events, which depends on
python-json-logger), so every jupyter_server 2.x image has it; pythonjsonlogger.jsonlogger is the module name of
both its 2.x and 3.x lines (3.x keeps it as an alias of pythonjsonlogger.json).
*/}}
{{- define "spark-k8s.logging.jupyterJson" -}}
{{- and .Values.jupyter.enabled (eq (include "spark-k8s.logging.json" .) "true") }}
{{- end }}

{{/* Where the Jupyter container finds the JSON logging config (a directory of JUPYTER_CONFIG_PATH). */}}
{{- define "spark-k8s.logging.jupyterConfigDir" -}}/opt/spark-k8s/jupyter{{- end }}

{{/* Env of the Jupyter container for JSON logs (list items), or nothing. */}}
{{- define "spark-k8s.logging.jupyterEnv" -}}
{{- if eq (include "spark-k8s.logging.jupyterJson" .) "true" }}
# Searched after ~/.jupyter and before the image's /etc/jupyter (jupyter_core.paths.jupyter_config_path).
- name: JUPYTER_CONFIG_PATH
  value: {{ include "spark-k8s.logging.jupyterConfigDir" . | quote }}
{{- end }}
{{- end }}

{{/* The logging ConfigMap mount of the Jupyter container (list item), or nothing. */}}
{{- define "spark-k8s.logging.jupyterVolumeMount" -}}
{{- if eq (include "spark-k8s.logging.jupyterJson" .) "true" }}
- name: logging
  mountPath: {{ include "spark-k8s.logging.jupyterConfigDir" . | quote }}
  readOnly: true
{{- end }}
{{- end }}

{{/* The logging ConfigMap volume of the Jupyter pod (list item, the Jupyter config file only), or nothing. */}}
{{- define "spark-k8s.logging.jupyterVolume" -}}
{{- if eq (include "spark-k8s.logging.jupyterJson" .) "true" }}
- name: logging
  configMap:
    name: {{ include "spark-k8s.componentName" (dict "root" . "component" "logging") | quote }}
    items:
      - key: jupyter_server_config.json
        path: jupyter_server_config.json
{{- end }}
{{- end }}

{{/* "true" when the logging ConfigMap is rendered (Spark 3.5 JSON logs, the metastore's or the Jupyter server's JSON logs). */}}
{{- define "spark-k8s.logging.configMapOn" -}}
{{- or (eq (include "spark-k8s.logging.sparkConfigFile" .) "true") (eq (include "spark-k8s.logging.metastoreJson" .) "true") (eq (include "spark-k8s.logging.jupyterJson" .) "true") }}
{{- end }}

{{/* PostgreSQL server settings for JSON logs (args list items: -c name=value), or nothing. */}}
{{- define "spark-k8s.logging.postgresqlArgs" -}}
{{- if eq (include "spark-k8s.logging.json" .) "true" }}
{{- $major := regexFind "^[0-9]+" (toString .Values.postgresql.image.tag) }}
{{- if and $major (lt (int $major) 15) }}
{{- fail (printf "logging.format json: PostgreSQL %s has no jsonlog (it came with 15); use postgresql.image.tag 15 or newer, or logging.format text" (toString .Values.postgresql.image.tag)) }}
{{- end }}
{{- /* jsonlog needs the logging collector (runtime-config-logging.html, "log_destination"): daily files in
$PGDATA/log, postgresql-<weekday>.json, each overwritten a week later, so the data volume holds at most seven. */}}
{{- range list "logging_collector=on" "log_destination=jsonlog" "log_directory=log" "log_filename=postgresql-%a.log" "log_rotation_age=1d" "log_rotation_size=0" "log_truncate_on_rotation=on" }}
- -c
- {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}
