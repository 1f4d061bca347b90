{{/*
Shared helpers. Helpers that need a component take a dict: (dict "root" $ "component" "connect").
*/}}

{{/*
A Kubernetes name of at most "max" characters that always ends with "suffix" (optional, e.g. "-r3").
A name that is too long is cut and gets "-" plus 6 hex digits of the SHA-256 of the full name, so
two long names that share their first characters still differ and the suffix is never dropped.
Takes name, suffix, max.
*/}}
{{- define "spark-k8s.truncName" -}}
{{- $suffix := .suffix | default "" }}
{{- $full := printf "%s%s" .name $suffix }}
{{- if le (len $full) (int .max) }}
{{- $full }}
{{- else }}
{{- $keep := sub (int .max) (add (len $suffix) 7) | int }}
{{- printf "%s-%s%s" (.name | trunc $keep | trimSuffix "-" | trimSuffix ".") (sha256sum $full | trunc 6) $suffix }}
{{- end }}
{{- end }}

{{/* Chart name. */}}
{{- define "spark-k8s.name" -}}
{{- include "spark-k8s.truncName" (dict "name" (default .Chart.Name .Values.nameOverride) "max" 63) }}
{{- end }}

{{/* Release fullname; every object name starts with it. */}}
{{- define "spark-k8s.fullname" -}}
{{- $full := .Values.fullnameOverride }}
{{- if not $full }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- $full = ternary .Release.Name (printf "%s-%s" .Release.Name $name) (contains $name .Release.Name) }}
{{- end }}
{{- include "spark-k8s.truncName" (dict "name" $full "max" 40) }}
{{- end }}

{{/* Name of a component's objects: <fullname>-<component>. */}}
{{- define "spark-k8s.componentName" -}}
{{- include "spark-k8s.truncName" (dict "name" (printf "%s-%s" (include "spark-k8s.fullname" .root) .component) "max" 63) }}
{{- end }}

{{- define "spark-k8s.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The selected Spark line's pins (spark.releases.<spark.version>). */}}
{{- define "spark-k8s.release" -}}
{{- $release := index .Values.spark.releases .Values.spark.version }}
{{- if not $release }}
{{- fail (printf "spark.version %q has no entry in spark.releases" .Values.spark.version) }}
{{- end }}
{{- toYaml $release }}
{{- end }}

{{/* Selector labels: name, instance, component. */}}
{{- define "spark-k8s.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spark-k8s.name" .root | quote }}
app.kubernetes.io/instance: {{ .root.Release.Name | quote }}
app.kubernetes.io/component: {{ .component | quote }}
{{- end }}

{{/*
app.kubernetes.io/version of a component: the version of the image it runs (the Hive, PostgreSQL, MinIO,
Jupyter or tools image tag), the Spark release for Spark components and for objects of no image (the S3
Secret). Cut to a valid label value (63 characters, alphanumeric at both ends). Takes root, component.
*/}}
{{- define "spark-k8s.componentVersion" -}}
{{- $v := .root.Values }}
{{- $version := (include "spark-k8s.release" .root | fromYaml).sparkVersion }}
{{- if has .component (list "metastore" "metastore-schema") }}{{ $version = $v.metastore.image.tag }}
{{- else if has .component (list "postgresql" "postgresql-roles") }}{{ $version = $v.postgresql.image.tag }}
{{- else if eq .component "minio" }}{{ $version = $v.minio.image.tag }}
{{- else if eq .component "minio-buckets" }}{{ $version = $v.minio.mcImage.tag }}
{{- else if eq .component "jupyter" }}{{ $version = $v.jupyter.image.tag }}
{{- else if has .component (list "backup" "backup-verify" "restore") }}{{ $version = $v.backup.image.tag | default .root.Chart.Version }}
{{- end }}
{{- $cut := $version | toString | trunc 63 }}
{{- regexReplaceAll "^[^A-Za-z0-9]+" (regexReplaceAll "[^A-Za-z0-9]+$" $cut "") "" }}
{{- end }}

{{/*
Labels of pods that Spark creates (executors, from the executor pod template): no managed-by: Helm and no
helm.sh/chart, because Helm neither creates nor deletes them. Takes root, component.
*/}}
{{- define "spark-k8s.sparkPodLabels" -}}
{{ include "spark-k8s.selectorLabels" . }}
app.kubernetes.io/version: {{ include "spark-k8s.componentVersion" . | quote }}
app.kubernetes.io/part-of: spark-k8s
{{- end }}

{{/* All standard labels of a component's objects. */}}
{{- define "spark-k8s.labels" -}}
{{ include "spark-k8s.sparkPodLabels" . }}
app.kubernetes.io/managed-by: {{ .root.Release.Service | quote }}
helm.sh/chart: {{ include "spark-k8s.chart" .root | quote }}
{{- end }}

{{/* Name of a component's object with an optional suffix ("schema-r3"), at most 63 characters, suffix kept. */}}
{{- define "spark-k8s.objectName" -}}
{{- if .suffix }}
{{- include "spark-k8s.truncName" (dict "name" (printf "%s-%s" (include "spark-k8s.fullname" .root) .component) "suffix" (printf "-%s" .suffix) "max" 63) }}
{{- else }}
{{- include "spark-k8s.componentName" . }}
{{- end }}
{{- end }}

{{/* Standard metadata block: name, namespace, labels. Takes root, component, optional name suffix. */}}
{{- define "spark-k8s.metadata" -}}
name: {{ include "spark-k8s.objectName" . | quote }}
namespace: {{ .root.Release.Namespace | quote }}
labels:
  {{- include "spark-k8s.labels" . | trim | nindent 2 }}
{{- end }}

{{/*
"repository:tag" of a component image; an empty tag falls back to the Spark image tag of spark.version.
Only the Spark images (connect.image, historyServer.image) may leave the tag empty: the schema requires the
tag of every other image, so no non-Spark image gets a Spark tag (`spark-k8s validate` SPK015 checks renders).
*/}}
{{- define "spark-k8s.image" -}}
{{- $tag := .image.tag | default (include "spark-k8s.release" .root | fromYaml).imageTag }}
{{- printf "%s:%s" .image.repository $tag }}
{{- end }}

{{/* image + imagePullPolicy lines of a container. Takes root and image. */}}
{{- define "spark-k8s.containerImage" -}}
image: {{ include "spark-k8s.image" . | quote }}
imagePullPolicy: {{ .image.pullPolicy | default "IfNotPresent" | quote }}
{{- end }}

{{/*
Pod-level security context (Pod Security Standard "restricted"). Takes uid and optional gid.
fsGroupChangePolicy OnRootMismatch: the kubelet skips the recursive chown of a volume whose root already has the
fsGroup, so a large PVC (PostgreSQL, MinIO, notebooks) does not delay every restart.
*/}}
{{- define "spark-k8s.podSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .uid }}
  runAsGroup: {{ .gid | default .uid }}
  fsGroup: {{ .gid | default .uid }}
  fsGroupChangePolicy: OnRootMismatch
  seccompProfile:
    type: RuntimeDefault
{{- end }}

{{/* Container-level security context (restricted), identical for every container and init container. */}}
{{- define "spark-k8s.containerSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  capabilities:
    drop:
      - ALL
  seccompProfile:
    type: RuntimeDefault
{{- end }}

{{/* Common pod spec head: pull secrets, pod security context. Takes root, uid, optional gid. */}}
{{- define "spark-k8s.podSpecCommon" -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{ include "spark-k8s.podSecurityContext" . }}
{{- end }}

{{/* Resources block from a values map. */}}
{{- define "spark-k8s.resources" -}}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}

{{/* ---------- Secrets ---------- */}}

{{/*
A generated secret value: the existing Secret's value when the release already has one
(lookup; helm template has no cluster and always generates), else a random one.
Takes root, name (Secret name), key, length. Returns the base64 value.
*/}}
{{- define "spark-k8s.generatedSecretValue" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .name }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key }}
{{- else }}
{{- randAlphaNum (int .length) | b64enc }}
{{- end }}
{{- end }}

{{/* Name of the Secret holding S3 credentials. */}}
{{- define "spark-k8s.s3SecretName" -}}
{{- .Values.s3.credentials.existingSecret | default (include "spark-k8s.componentName" (dict "root" . "component" "s3")) }}
{{- end }}

{{/* Env vars with the S3 credentials from the Secret (read by the S3A env credential provider and mc/MinIO scripts). */}}
{{- define "spark-k8s.s3Env" -}}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "spark-k8s.s3SecretName" . | quote }}
      key: {{ .Values.s3.credentials.accessKeyIdKey | quote }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "spark-k8s.s3SecretName" . | quote }}
      key: {{ .Values.s3.credentials.secretAccessKeyKey | quote }}
- name: AWS_REGION
  value: {{ .Values.s3.region | quote }}
{{- end }}

{{/* ---------- S3 / Spark configuration ---------- */}}

{{/* The S3 endpoint: s3.endpoint, or the in-chart MinIO Service. */}}
{{- define "spark-k8s.s3Endpoint" -}}
{{- if .Values.s3.endpoint }}
{{- .Values.s3.endpoint }}
{{- else if .Values.minio.enabled }}
{{- printf "http://%s.%s.svc:%d" (include "spark-k8s.componentName" (dict "root" . "component" "minio")) .Release.Namespace (int .Values.minio.port) }}
{{- else }}
{{- fail "s3.endpoint: set it to your S3 endpoint URL when minio.enabled is false" }}
{{- end }}
{{- end }}

{{/* Spark event log directory on S3A. */}}
{{/* Key prefix of this release's event logs: spark-events/<namespace>/<fullname>. Each release writes and cleans
only its own prefix, so two releases sharing the events bucket never delete each other's logs (the History Server's
cleaner deletes by age and count under spark.history.fs.logDirectory). */}}
{{- define "spark-k8s.eventLogPrefix" -}}
{{- printf "spark-events/%s/%s" .Release.Namespace (include "spark-k8s.fullname" .) }}
{{- end }}

{{- define "spark-k8s.eventLogDir" -}}
{{- printf "s3a://%s/%s" .Values.s3.buckets.events (include "spark-k8s.eventLogPrefix" .) }}
{{- end }}

{{/* The Connect server's application name (spark-submit --name): one per release, shown by the History Server. */}}
{{- define "spark-k8s.connect.appName" -}}
{{- include "spark-k8s.componentName" (dict "root" . "component" "connect") }}
{{- end }}

{{/* S3A Hadoop properties shared by every Spark process (YAML map). */}}
{{- define "spark-k8s.s3aConf" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $endpoint := include "spark-k8s.s3Endpoint" . }}
spark.hadoop.fs.s3a.endpoint: {{ $endpoint | quote }}
spark.hadoop.fs.s3a.endpoint.region: {{ .Values.s3.region | quote }}
spark.hadoop.fs.s3a.path.style.access: {{ .Values.s3.pathStyleAccess | toString | quote }}
spark.hadoop.fs.s3a.connection.ssl.enabled: {{ hasPrefix "https://" $endpoint | toString | quote }}
spark.hadoop.fs.s3a.aws.credentials.provider: {{ $release.s3aCredentialsProvider | quote }}
spark.hadoop.fs.s3a.impl: "org.apache.hadoop.fs.s3a.S3AFileSystem"
{{- end }}

{{/* Class path entry of the downloaded jars, or nothing when the image bundles them. */}}
{{- define "spark-k8s.jarsClassPath" -}}
{{- if not .Values.jars.bundled }}{{ printf "%s/*" .Values.jars.mountPath }}{{ end }}
{{- end }}

{{/*
A Spark property value as Spark reads it: strings as they are, booleans as true/false, whole numbers
without an exponent (a YAML 1000000 is a float64 that toString would print as 1e+06).
*/}}
{{- define "spark-k8s.sparkValue" -}}
{{- if kindIs "bool" . }}{{ ternary "true" "false" . }}
{{- else if and (kindIs "float64" .) (eq (float64 (int64 .)) .) }}{{ int64 . }}
{{- else }}{{ toString . }}
{{- end }}
{{- end }}

{{/*
Renders a map of Spark properties as spark-defaults.conf: "key value", one per line, sorted.
Spark loads the file with java.util.Properties (Utils.getPropertiesFromFile in apache/spark), where a
backslash starts an escape and a value's leading "=" or ":" is taken as the separator, so backslashes are
doubled and a leading "=" or ":" is escaped; the schema keeps line breaks out of keys and values.
*/}}
{{- define "spark-k8s.sparkDefaults" -}}
{{- range $key := keys . | sortAlpha }}
{{- $value := include "spark-k8s.sparkValue" (index $ $key) | replace "\\" "\\\\" }}
{{- if or (hasPrefix "=" $value) (hasPrefix ":" $value) }}{{ $value = printf "\\%s" $value }}{{ end }}
{{ $key }} {{ $value }}
{{- end }}
{{- end }}

{{/* XML-escapes text for element content and attribute values (& < > " '). */}}
{{- define "spark-k8s.xml" -}}
{{- toString . | replace "&" "&amp;" | replace "<" "&lt;" | replace ">" "&gt;" | replace "\"" "&quot;" | replace "'" "&apos;" }}
{{- end }}

{{/* ---------- Jar download init container ---------- */}}

{{/* Maven coordinate group:artifact:version -> repository path. */}}
{{- define "spark-k8s.mavenPath" -}}
{{- $parts := splitList ":" . }}
{{- if ne (len $parts) 3 }}
{{- fail (printf "jar coordinate %q: use group:artifact:version" .) }}
{{- end }}
{{- $group := index $parts 0 | replace "." "/" }}
{{- $artifact := index $parts 1 }}
{{- $version := index $parts 2 }}
{{- printf "%s/%s/%s/%s-%s.jar" $group $artifact $version $artifact $version }}
{{- end }}

{{/*
Init container that downloads Maven jars (and checks each against its .sha1) into the
"extra-jars" emptyDir, using the Spark image (which has wget and sha1sum).
Takes root, image (values image map), coordinates (list), target (mount path).
*/}}
{{- define "spark-k8s.jarsInitContainer" -}}
{{- $root := .root }}
- name: fetch-jars
  {{- include "spark-k8s.containerImage" (dict "root" $root "image" .image) | trim | nindent 2 }}
  command:
    - /bin/bash
    - -ec
    # Values reach the script only through the env vars below, never as script text.
    - |
      set -f
      cd "$JARS_TARGET"
      fetch() {
        file="$(basename "$1")"
        wget -q -O "$file" "$JARS_REPOSITORY/$1"
        wget -q -O "$file.sha1" "$JARS_REPOSITORY/$1.sha1"
        echo "$(cut -c1-40 "$file.sha1")  $file" | sha1sum -c -
        rm -f "$file.sha1"
      }
      for path in $JARS_PATHS; do fetch "$path"; done
  env:
    - name: JARS_REPOSITORY
      value: {{ $root.Values.jars.repository | trimSuffix "/" | quote }}
    - name: JARS_TARGET
      value: {{ .target | quote }}
    - name: JARS_PATHS
      {{- $paths := list }}
      {{- range .coordinates }}
      {{- $paths = append $paths (include "spark-k8s.mavenPath" .) }}
      {{- end }}
      value: {{ join " " $paths | quote }}
  {{- include "spark-k8s.containerSecurityContext" $root | trim | nindent 2 }}
  {{- include "spark-k8s.resources" $root.Values.jars.resources | trim | nindent 2 }}
  volumeMounts:
    - name: extra-jars
      mountPath: {{ .target | quote }}
{{- end }}

{{/* Maven coordinates of the jars Spark pods need beyond the image: extraJars, plus the Connect server where it is not built in. */}}
{{- define "spark-k8s.sparkExtraJars" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $jars := $release.extraJars }}
{{- if not $release.connectBuiltIn }}
{{- $jars = append $jars (printf "org.apache.spark:spark-connect_%s:%s" $release.scalaVersion $release.sparkVersion) }}
{{- end }}
{{- toYaml $jars }}
{{- end }}

{{/* Spark pods' init containers (jar download) unless the image bundles the jars. Takes root and image. */}}
{{- define "spark-k8s.sparkInitContainers" -}}
{{- $root := .root }}
{{- if not $root.Values.jars.bundled }}
initContainers:
  {{- include "spark-k8s.jarsInitContainer" (dict "root" $root "image" .image "coordinates" (include "spark-k8s.sparkExtraJars" $root | fromYamlArray) "target" $root.Values.jars.mountPath) | trim | nindent 2 }}
{{- end }}
{{- end }}

{{/* Volumes every Spark pod mounts: the jar emptyDir (when downloaded) and a scratch /tmp. */}}
{{- define "spark-k8s.sparkVolumes" -}}
- name: tmp
  emptyDir: {}
{{- if not .Values.jars.bundled }}
- name: extra-jars
  emptyDir: {}
{{- end }}
{{- end }}

{{- define "spark-k8s.sparkVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if not .Values.jars.bundled }}
- name: extra-jars
  mountPath: {{ .Values.jars.mountPath | quote }}
  readOnly: true
{{- end }}
{{- end }}

{{/* ---------- Validation ---------- */}}

{{/* Fails early, with the values key named, on combinations the schema cannot express. */}}
{{- define "spark-k8s.validate" -}}
{{- if and .Values.connect.enabled (ne .Values.connect.backend "k8s") }}
{{- fail (printf "connect.backend: %q is not implemented yet; use \"k8s\"" .Values.connect.backend) }}
{{- end }}
{{- if and (not .Values.minio.enabled) (not .Values.s3.endpoint) }}
{{- fail "s3.endpoint: set it to your S3 endpoint URL when minio.enabled is false" }}
{{- end }}
{{- if and (not .Values.minio.enabled) (not .Values.s3.credentials.existingSecret) }}
{{- fail "s3.credentials.existingSecret: name a Secret with the S3 credentials when minio.enabled is false" }}
{{- end }}
{{- if and .Values.metastore.enabled (not .Values.postgresql.enabled) (not .Values.metastore.externalDatabase.host) }}
{{- fail "metastore.externalDatabase.host: set it (and metastore.externalDatabase.existingSecret) when postgresql.enabled is false" }}
{{- end }}
{{- if and .Values.metastore.enabled (not .Values.postgresql.enabled) (not .Values.metastore.externalDatabase.existingSecret) }}
{{- fail "metastore.externalDatabase.existingSecret: name a Secret with the database password when postgresql.enabled is false" }}
{{- end }}
{{- if and .Values.postgresql.enabled (eq (toString .Values.postgresql.auth.username) (toString .Values.postgresql.auth.adminUsername)) }}
{{- fail "postgresql.auth.adminUsername: must differ from postgresql.auth.username, which the metastore and backups use and which is not a superuser" }}
{{- end }}
{{- if and .Values.jupyter.enabled (not .Values.connect.enabled) }}
{{- fail "jupyter.enabled: Jupyter talks to the Spark Connect server; enable connect.enabled too" }}
{{- end }}
{{- end }}

{{/* Thrift URI of the in-chart Hive Metastore. */}}
{{- define "spark-k8s.metastoreUri" -}}
{{- printf "thrift://%s.%s.svc:%d" (include "spark-k8s.componentName" (dict "root" . "component" "metastore")) .Release.Namespace (int .Values.metastore.port) }}
{{- end }}

{{/*
A generated Secret: metadata plus base64 data keys. Takes root, component, keys (map key -> length) and
existingSecretKey (the values key that names an existing Secret instead, for the messages below).
- helm.sh/resource-policy: keep: `helm uninstall` leaves the Secret, so a reinstall under the same release name and
  namespace finds it through lookup and reuses its values; the PostgreSQL volume (a StatefulSet PVC, which uninstall
  keeps too) keeps matching the password. Remaining case: a Secret deleted by hand, or a reinstall under another
  release name, generates a new value the kept database does not know (docs/en/chart.md "Secrets").
- spark-k8s.io/generated-secret: read by `spark-k8s validate` (SPK030): `helm template` (Argo CD, Flux) has no
  cluster, so lookup finds nothing and every render rotates the values.
- secrets.requireExisting (staging, prod) refuses to generate at all.
*/}}
{{- define "spark-k8s.generatedSecret" -}}
{{- if .root.Values.secrets.requireExisting }}
{{- fail (printf "%s: secrets.requireExisting is true (the staging and prod environments set it): create the Secret first (kubectl create secret generic ...) and name it in %s" .existingSecretKey .existingSecretKey) }}
{{- end }}
{{- $name := include "spark-k8s.componentName" . }}
apiVersion: v1
kind: Secret
metadata:
  {{- include "spark-k8s.metadata" . | trim | nindent 2 }}
  annotations:
    helm.sh/resource-policy: keep
    spark-k8s.io/generated-secret: {{ .existingSecretKey | quote }}
type: Opaque
data:
  {{- range $key, $length := .keys }}
  {{ $key | quote }}: {{ include "spark-k8s.generatedSecretValue" (dict "root" $.root "name" $name "key" $key "length" $length) | quote }}
  {{- end }}
{{- end }}

{{/* A PersistentVolumeClaim body: a top-level PVC, or a volumeClaimTemplate when "name" is given. Takes root, component, persistence, name. */}}
{{- define "spark-k8s.pvc" -}}
metadata:
  name: {{ .name | default (include "spark-k8s.componentName" .) | quote }}
  {{- if .name }}
  # volumeClaimTemplates are immutable: only the stable selector labels, so upgrades can change versions.
  labels:
    {{- include "spark-k8s.selectorLabels" . | trim | nindent 4 }}
  {{- else }}
  namespace: {{ .root.Release.Namespace | quote }}
  labels:
    {{- include "spark-k8s.labels" . | trim | nindent 4 }}
  {{- end }}
spec:
  accessModes:
    - ReadWriteOnce
  {{- with .persistence.storageClass }}
  storageClassName: {{ . | quote }}
  {{- end }}
  resources:
    requests:
      storage: {{ .persistence.size | quote }}
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

{{/* Spark Connect URL clients use inside the cluster. */}}
{{- define "spark-k8s.connectUrl" -}}
{{- printf "sc://%s.%s.svc:%d" (include "spark-k8s.componentName" (dict "root" . "component" "connect")) .Release.Namespace (int .Values.connect.ports.grpc) }}
{{- end }}

{{/* Name of the Secret with the Jupyter token. */}}
{{- define "spark-k8s.jupyterSecretName" -}}
{{- .Values.jupyter.token.existingSecret | default (include "spark-k8s.componentName" (dict "root" . "component" "jupyter")) }}
{{- end }}

{{/*
A Service selecting one component of this release. Takes root, component, optional suffix,
type, ports (list of dicts: name, port; targetPort is the container port of that name),
headless (bool).
*/}}
{{- define "spark-k8s.service" -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "spark-k8s.metadata" . | trim | nindent 2 }}
spec:
  {{- if .headless }}
  clusterIP: None
  publishNotReadyAddresses: true
  {{- else }}
  type: {{ .type | default "ClusterIP" | quote }}
  {{- end }}
  selector:
    {{- include "spark-k8s.selectorLabels" . | trim | nindent 4 }}
  ports:
    {{- range .ports }}
    - name: {{ .name | quote }}
      port: {{ .port }}
      targetPort: {{ .name | quote }}
    {{- end }}
{{- end }}

{{/*
Readiness and liveness probes of a long-running container. Takes handler (probe action map,
e.g. (dict "tcpSocket" (dict "port" "grpc"))), optional livenessHandler (defaults to handler),
readyDelay (seconds, default 10), liveDelay (seconds, default 60) and startupSeconds: with it, a
startupProbe (the readiness handler every 10 s) gives a slow first start (jar download, initdb, crash
recovery) that long before liveness may restart the container.
*/}}
{{- define "spark-k8s.probes" -}}
{{- with .startupSeconds }}
startupProbe:
  {{- toYaml $.handler | nindent 2 }}
  periodSeconds: 10
  failureThreshold: {{ div (int .) 10 }}
{{- end }}
readinessProbe:
  {{- toYaml .handler | nindent 2 }}
  initialDelaySeconds: {{ .readyDelay | default 10 }}
  periodSeconds: 10
livenessProbe:
  {{- toYaml (.livenessHandler | default .handler) | nindent 2 }}
  initialDelaySeconds: {{ .liveDelay | default 60 }}
  periodSeconds: 20
  failureThreshold: 6
{{- end }}

{{/* A Spark size string ("512m", "2g", "1024" in MiB; k/m/g/t/p, optional "b") as whole MiB. */}}
{{- define "spark-k8s.sizeMiB" -}}
{{- $text := lower (toString .) }}
{{- $number := regexFind "^[0-9]+" $text }}
{{- $unit := trimSuffix "b" (trimPrefix $number $text) }}
{{- $n := $number | int64 }}
{{- if eq $unit "" "m" }}{{ $n }}
{{- else if eq $unit "k" }}{{ div $n 1024 }}
{{- else if eq $unit "g" }}{{ mul $n 1024 }}
{{- else if eq $unit "t" }}{{ mul $n 1048576 }}
{{- else if eq $unit "p" }}{{ mul $n 1073741824 }}
{{- else }}{{ fail (printf "%q is not a Spark size (use a number with k, m, g, t or p, e.g. 512m)" .) }}
{{- end }}
{{- end }}

{{/*
Pod anti-affinity spreading the replicas of a component over nodes (preferred, so a one-node cluster still
schedules them). Renders an "affinity:" block only with more than one replica. Takes root, component, replicas.
*/}}
{{- define "spark-k8s.spreadAffinity" -}}
{{- if gt (int .replicas) 1 }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "spark-k8s.selectorLabels" . | trim | nindent 14 }}
{{- end }}
{{- end }}

{{/*
A PodDisruptionBudget letting a drain evict one replica at a time, for a component with more than one
replica (with one replica a budget would block every drain). Takes root, component, replicas.
*/}}
{{- define "spark-k8s.pdb" -}}
{{- if gt (int .replicas) 1 }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "spark-k8s.metadata" . | trim | nindent 2 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "spark-k8s.selectorLabels" . | trim | nindent 6 }}
{{- end }}
{{- end }}
