{{/* Pieces shared by the metastore Deployment and its schema Job. */}}

{{/* Env: DB password from the Secret, passed to the JVM as a system property (never in the ConfigMap). */}}
{{- define "spark-k8s.metastore.env" -}}
{{- $db := include "spark-k8s.metastoreDb" . | fromYaml }}
- name: DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.secret | quote }}
      key: {{ $db.key | quote }}
- name: SERVICE_OPTS
  value: {{ printf "-Xmx%s -Djavax.jdo.option.ConnectionPassword=$(DB_PASSWORD)" .Values.metastore.heap | quote }}
- name: HADOOP_OPTIONAL_TOOLS
  value: hadoop-aws
- name: DB_DRIVER
  value: postgres
{{ include "spark-k8s.s3Env" . }}
{{- end }}

{{/* Init container fetching the PostgreSQL JDBC driver (the Hive image has none) with the Spark image's wget and
checking its SHA-256, unless the image bundles it (jars.bundled: images/metastore). Renders "initContainers:" with the
fetch when there is one, else nothing; callers append their own init containers with initContainersOpen. */}}
{{- define "spark-k8s.metastore.fetchJars" -}}
{{- if not .Values.jars.bundled }}
{{- include "spark-k8s.jarsInitContainer" (dict "root" . "image" .Values.connect.image "jars" (list .Values.metastore.jdbcDriver) "target" "/jars") }}
{{- end }}
{{- end }}

{{- define "spark-k8s.metastore.initContainers" -}}
{{- with include "spark-k8s.metastore.fetchJars" . | trim }}
initContainers:
  {{- . | nindent 2 }}
{{- end }}
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
{{- end }}
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "spark-k8s.metastore.volumes" -}}
- name: config
  configMap:
    name: {{ include "spark-k8s.componentName" (dict "root" . "component" "metastore") | quote }}
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
  "secret" ($a.existingSecret | default (include "spark-k8s.componentName" (dict "root" . "component" "postgresql")))
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
