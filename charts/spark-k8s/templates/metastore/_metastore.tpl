{{/* Pieces shared by the metastore Deployment and its schema Job. */}}

{{/*
Env of the metastore and schematool containers. No database password: it is in the hive-site.xml that the
render-config init container writes from the mounted Secret file (spark-k8s.metastore.renderConfig), so it is never
on the JVM command line, in an env var, or in the image entrypoint's `set -x` trace of SERVICE_OPTS/HADOOP_CLIENT_OPTS
(apache/hive packaging/src/docker/entrypoint.sh).
*/}}
{{- define "spark-k8s.metastore.env" -}}
{{ include "spark-k8s.metastore.schemaEnv" . }}
{{ include "spark-k8s.s3Env" . }}
{{- end }}

{{/*
Env of the metastore server container: spark-k8s.metastore.env, with (monitoring.enabled) the Prometheus JMX exporter
javaagent in SERVICE_OPTS, which the image's entrypoint passes to the metastore JVM only (HADOOP_CLIENT_OPTS,
apache/hive packaging/src/docker/entrypoint.sh), not to schematool or the init containers.
*/}}
{{- define "spark-k8s.metastore.serverEnv" -}}
{{ include "spark-k8s.metastore.schemaEnv" (dict "Values" .Values "agent" (include "spark-k8s.metastore.agentOpts" .)) }}
{{ include "spark-k8s.s3Env" . }}
{{- end }}

{{/* -javaagent option of the JMX exporter (jar in /opt/hive/lib, config from the ConfigMap), or "" without monitoring. */}}
{{- define "spark-k8s.metastore.agentOpts" -}}
{{- if .Values.monitoring.enabled }}
{{- printf "-javaagent:/opt/hive/lib/%s=%d:/opt/jmx-exporter/jmx-exporter.yaml" (include "spark-k8s.metastore.agentJarName" .) (int .Values.monitoring.jmxExporter.port) }}
{{- end }}
{{- end }}

{{- define "spark-k8s.metastore.agentJarName" -}}
{{- base (include "spark-k8s.mavenPath" .Values.monitoring.jmxExporter.jar.coordinate) }}
{{- end }}

{{/* Env of the schematool Job: no S3 keys, as schematool only talks to the database (its row in templates/_components.tpl has no S3 flow either). */}}
{{- define "spark-k8s.metastore.schemaEnv" -}}
- name: SERVICE_OPTS
  value: {{ printf "-Xmx%s %s" .Values.metastore.heap (.agent | default "") | trim | quote }}
- name: HADOOP_OPTIONAL_TOOLS
  value: hadoop-aws
- name: DB_DRIVER
  value: postgres
{{- end }}

{{/* Init container fetching the PostgreSQL JDBC driver (the Hive image has none) with the Spark image's wget and
checking its SHA-256, unless the image bundles it (jars.bundled: images/metastore). Renders the list item, or nothing. */}}
{{- define "spark-k8s.metastore.fetchJars" -}}
{{- if not .Values.jars.bundled }}
{{- $jars := list .Values.metastore.jdbcDriver }}
{{- if .Values.monitoring.enabled }}{{ $jars = append $jars .Values.monitoring.jmxExporter.jar }}{{ end }}
{{- include "spark-k8s.jarsInitContainer" (dict "root" . "image" .Values.connect.image "jars" $jars "target" "/jars") }}
{{- end }}
{{- end }}

{{/* The render-config init container (a list item): writes hive-site.xml with the database password (below). */}}
{{- define "spark-k8s.metastore.renderConfigContainer" -}}
# The Spark image (bash, like the jar download below), not the Hive one: only bash builtins run here, no JVM, and the
# heap checks (SPK008) treat every container of the Hive image as a metastore JVM.
- name: render-config
  {{- include "spark-k8s.containerImage" (dict "root" . "image" .Values.connect.image) | trim | nindent 2 }}
  command:
    - /bin/bash
    - -c
    - {{ include "spark-k8s.metastore.renderConfig" . | quote }}
  {{- include "spark-k8s.containerSecurityContext" . | trim | nindent 2 }}
  resources:
    requests:
      cpu: 10m
      memory: 16Mi
      ephemeral-storage: 16Mi
    limits:
      memory: 32Mi
      ephemeral-storage: 64Mi
  volumeMounts:
    - name: config-template
      mountPath: /config-template
      readOnly: true
    - name: db-password
      mountPath: /db-password
      readOnly: true
    - name: config
      mountPath: /config
{{- end }}

{{/* Init containers of the schema Job: the config renderer, then the JDBC driver download when the image lacks it. */}}
{{- define "spark-k8s.metastore.initContainers" -}}
initContainers:
  {{- include "spark-k8s.metastore.renderConfigContainer" . | trim | nindent 2 }}
  {{- with include "spark-k8s.metastore.fetchJars" . | trim }}
  {{- . | nindent 2 }}
  {{- end }}
{{- end }}

{{/*
Writes /config/hive-site.xml: the ConfigMap's file with javax.jdo.option.ConnectionPassword added before
</configuration>, XML-escaped, read from the Secret file. Only bash builtins touch the password (no process gets it
as an argument) and nothing is traced (no set -x). The rendered file lives in a memory-backed emptyDir.
*/}}
{{- define "spark-k8s.metastore.renderConfig" -}}
set -euo pipefail
umask 077
# Bash 5.2 expands & in ${var//pattern/replacement}; the escapes below need it literal.
if shopt -q patsub_replacement 2>/dev/null; then shopt -u patsub_replacement; fi
password=$(</db-password/password)
password=${password//&/'&amp;'}
password=${password//</'&lt;'}
password=${password//>/'&gt;'}
password=${password//\"/'&quot;'}
password=${password//\'/'&apos;'}
while IFS= read -r line || [[ -n $line ]]; do
  if [[ $line == '</configuration>' ]]; then
    printf '  <property>\n    <name>javax.jdo.option.ConnectionPassword</name>\n    <value>%s</value>\n  </property>\n' "$password"
  fi
  printf '%s\n' "$line"
done </config-template/hive-site.xml >/config/hive-site.xml
echo "rendered hive-site.xml"
{{- end }}

{{- define "spark-k8s.metastore.jdbcJarName" -}}
{{- base (include "spark-k8s.mavenPath" .Values.metastore.jdbcDriver.coordinate) }}
{{- end }}

{{- define "spark-k8s.metastore.volumeMounts" -}}
- name: config
  mountPath: /opt/hive/conf/hive-site.xml
  subPath: hive-site.xml
  readOnly: true
{{- if not .Values.jars.bundled }}
- name: extra-jars
  mountPath: {{ printf "/opt/hive/lib/%s" (include "spark-k8s.metastore.jdbcJarName" .) | quote }}
  subPath: {{ include "spark-k8s.metastore.jdbcJarName" . | quote }}
  readOnly: true
{{- if .Values.monitoring.enabled }}
- name: extra-jars
  mountPath: {{ printf "/opt/hive/lib/%s" (include "spark-k8s.metastore.agentJarName" .) | quote }}
  subPath: {{ include "spark-k8s.metastore.agentJarName" . | quote }}
  readOnly: true
{{- end }}
{{- end }}
{{- if .Values.monitoring.enabled }}
- name: config-template
  mountPath: /opt/jmx-exporter/jmx-exporter.yaml
  subPath: jmx-exporter.yaml
  readOnly: true
{{- end }}
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "spark-k8s.metastore.volumes" -}}
{{- $db := include "spark-k8s.metastoreDb" . | fromYaml }}
- name: config-template
  configMap:
    name: {{ include "spark-k8s.componentName" (dict "root" . "component" "metastore") | quote }}
# Only the metastore role's password, and only in the render-config init container.
- name: db-password
  secret:
    secretName: {{ $db.secret | quote }}
    items:
      - key: {{ $db.key | quote }}
        path: password
- name: config
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
{{- if not .Values.jars.bundled }}
- name: extra-jars
  emptyDir:
    sizeLimit: 64Mi  # the PostgreSQL JDBC driver, about 1 MB
{{- end }}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.ephemeralStorage.tmp | quote }}
{{- end }}

{{/* Major version of the metastore image (its tag's first number; 4 when the tag does not start with one). */}}
{{- define "spark-k8s.metastore.major" -}}
{{- $tag := toString .Values.metastore.image.tag }}
{{- if regexMatch "^[0-9]+[.]" $tag }}{{ regexFind "^[0-9]+" $tag }}{{ else }}4{{ end }}
{{- end }}

{{/* Thrift URI of the in-chart Hive Metastore. */}}
{{- define "spark-k8s.metastoreUri" -}}
{{- printf "thrift://%s.%s.svc:%d" (include "spark-k8s.componentName" (dict "root" . "component" "metastore")) .Release.Namespace (int .Values.metastore.port) }}
{{- end }}

{{/* Metastore database connection (YAML map: host, port, database, username, secret, key). */}}
{{- define "spark-k8s.metastoreDb" -}}
{{- /* Every string is quoted (toYaml), so a user or database named 0123, 2024 or yes stays a string through fromYaml. */}}
{{- if .Values.postgresql.enabled }}
{{- $a := .Values.postgresql.auth }}
{{- toYaml (dict
  "host" (printf "%s.%s.svc" (include "spark-k8s.componentName" (dict "root" . "component" "postgresql")) .Release.Namespace)
  "port" 5432
  "database" (toString $a.database)
  "username" (toString $a.username)
  "secret" (include "spark-k8s.credential.secretName" (dict "root" . "id" "postgresql"))
  "key" (toString $a.passwordKey)) }}
{{- else }}
{{- $e := .Values.metastore.externalDatabase }}
{{- toYaml (dict
  "host" (toString $e.host)
  "port" (int $e.port)
  "database" (toString $e.database)
  "username" (toString $e.username)
  "secret" (toString $e.existingSecret)
  "key" (toString $e.passwordKey)) }}
{{- end }}
{{- end }}
