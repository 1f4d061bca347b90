{{/*
Spark-wide helpers used by every Spark process (Connect server, History Server, executors, jobs): the
selected Spark line, spark-defaults.conf rendering, Spark sizes, event log location, S3A settings and the jar
download init container.
*/}}

{{/* The selected Spark line's pins (spark.releases.<spark.version>). */}}
{{- define "spark-k8s.release" -}}
{{- $release := index .Values.spark.releases .Values.spark.version }}
{{- if not $release }}
{{- fail (printf "spark.version %q has no entry in spark.releases" .Values.spark.version) }}
{{- end }}
{{- toYaml $release }}
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
backslash starts an escape and, after the key, whitespace and one "=" or ":" are taken as the separator; Spark then
trims each value (Utils.trimExceptCRLF: characters up to U+0020 except CR and LF). So the value is trimmed here first (spaces, tabs, form feeds: what Spark would
drop), backslashes are doubled, and a leading "=" or ":" left after trimming is escaped, so " :x" reaches Spark as
":x" rather than "x". The schema keeps line breaks out of keys and values; the characters YAML 1.1 also takes as line
breaks (NEL U+0085, LS U+2028, PS U+2029), which Helm 3's schema check lets through, are written as the \uXXXX escapes
Properties.load decodes, so the ConfigMap stays valid YAML and Spark still reads the value unchanged.
*/}}
{{- define "spark-k8s.sparkDefaults" -}}
{{- range $key := keys . | sortAlpha }}
{{- $value := include "spark-k8s.sparkValue" (index $ $key) | trimAll " \t\f" | replace "\\" "\\\\" | replace "\u0085" "\\u0085" | replace "\u2028" "\\u2028" | replace "\u2029" "\\u2029" }}
{{- if or (hasPrefix "=" $value) (hasPrefix ":" $value) }}{{ $value = printf "\\%s" $value }}{{ end }}
{{ $key }} {{ $value }}
{{- end }}
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

{{/* Key prefix of this release's event logs: spark-events/<namespace>/<fullname>. Each release writes and cleans
only its own prefix, so two releases sharing the events bucket never delete each other's logs (the History Server's
cleaner deletes by age and count under spark.history.fs.logDirectory). */}}
{{- define "spark-k8s.eventLogPrefix" -}}
{{- printf "spark-events/%s/%s" .Release.Namespace (include "spark-k8s.fullname" .) }}
{{- end }}

{{/* Spark event log directory on S3A. */}}
{{- define "spark-k8s.eventLogDir" -}}
{{- printf "s3a://%s/%s" .Values.s3.buckets.events (include "spark-k8s.eventLogPrefix" .) }}
{{- end }}

{{/* S3A Hadoop properties shared by every Spark process (YAML map). */}}
{{- define "spark-k8s.s3aConf" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $endpoint := include "spark-k8s.s3Endpoint" . }}
spark.hadoop.fs.s3a.endpoint: {{ $endpoint | quote }}
spark.hadoop.fs.s3a.endpoint.region: {{ .Values.s3.region | quote }}
spark.hadoop.fs.s3a.path.style.access: {{ .Values.s3.pathStyleAccess | toString | quote }}
spark.hadoop.fs.s3a.connection.ssl.enabled: {{ hasPrefix "https://" $endpoint | toString | quote }}
spark.hadoop.fs.s3a.aws.credentials.provider: {{ include "spark-k8s.s3.credentialsProvider" . | quote }}
spark.hadoop.fs.s3a.impl: "org.apache.hadoop.fs.s3a.S3AFileSystem"
{{- end }}

{{/* Class path entry of the downloaded jars, or nothing when the image bundles them. */}}
{{- define "spark-k8s.jarsClassPath" -}}
{{- if not .Values.jars.bundled }}{{ printf "%s/*" .Values.jars.mountPath }}{{ end }}
{{- end }}

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
Init container that downloads Maven jars into the "extra-jars" emptyDir and checks each against its SHA-256 from the
version table (spark.releases.*.extraJars, metastore.jdbcDriver), never against a checksum fetched from the same
repository. A jar without a pin (sha256 null) stops the container with a message naming it and images/pin.sh.
Uses the Spark image (which has wget and sha256sum). Takes root, image (values image map), jars (list of
coordinate/sha256 maps), target (mount path).
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
      for entry in $JARS; do
        path="${entry%@*}"; sum="${entry##*@}"; file="$(basename "$path")"
        if [[ "$sum" =~ ^[0-9a-f]{64}$ ]]; then
          wget -q -O "$file.part" "$JARS_REPOSITORY/$path"
          echo "$sum  $file.part" | sha256sum -c -
        elif [ "$JARS_ALLOW_UNPINNED" = "true" ]; then
          # jars.allowUnpinned (dev): a jar the version table has no SHA-256 for yet is checked against the
          # repository's own .sha1, which proves only an intact transfer; `spark-k8s validate` warns (SPK021).
          echo "warning: $path has no SHA-256 pin in the chart's version table; checking the repository's .sha1 only (record a pin with images/pin.sh)" >&2
          wget -q -O "$file.part" "$JARS_REPOSITORY/$path"
          wget -q -O "$file.sha1" "$JARS_REPOSITORY/$path.sha1"
          echo "$(cut -c1-40 "$file.sha1")  $file.part" | sha1sum -c -
          rm -f "$file.sha1"
        else
          echo "error: $path has no SHA-256 pin in the chart's version table and jars.allowUnpinned is false; record it with images/pin.sh" >&2
          exit 1
        fi
        mv "$file.part" "$file"
      done
  env:
    - name: JARS_REPOSITORY
      value: {{ $root.Values.jars.repository | trimSuffix "/" | quote }}
    - name: JARS_TARGET
      value: {{ .target | quote }}
    - name: JARS_ALLOW_UNPINNED
      value: {{ $root.Values.jars.allowUnpinned | toString | quote }}
    - name: JARS
      {{- $entries := list }}
      {{- range .jars }}
      {{- $entries = append $entries (printf "%s@%s" (include "spark-k8s.mavenPath" .coordinate) (.sha256 | default "unpinned")) }}
      {{- end }}
      value: {{ join " " $entries | quote }}
  {{- include "spark-k8s.containerSecurityContext" $root | trim | nindent 2 }}
  {{- include "spark-k8s.resources" $root.Values.jars.resources | trim | nindent 2 }}
  volumeMounts:
    - name: extra-jars
      mountPath: {{ .target | quote }}
{{- end }}

{{/* The jars Spark pods need beyond the official image (coordinate/sha256 maps): the line's extraJars, which must
include the Connect server where the distribution does not build it in. */}}
{{- define "spark-k8s.sparkExtraJars" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- if not $release.connectBuiltIn }}
{{- $connect := printf "org.apache.spark:spark-connect_%s:%s" $release.scalaVersion $release.sparkVersion }}
{{- $listed := false }}
{{- range $release.extraJars }}{{ if eq .coordinate $connect }}{{ $listed = true }}{{ end }}{{ end }}
{{- if not $listed }}
{{- fail (printf "spark.releases.%s.extraJars must list %s (connectBuiltIn is false), with its sha256" $.Values.spark.version $connect) }}
{{- end }}
{{- end }}
{{- $jars := $release.extraJars }}
{{- /* Optional components' jars (spark.releases.<line>.componentJars), only for the enabled ones. */}}
{{- range $component, $on := dict "iceberg" .Values.iceberg.enabled "celeborn" .Values.celeborn.enabled "rapids" .Values.gpu.enabled }}
{{- if $on }}{{ $jars = concat $jars (index ($release.componentJars | default dict) $component | default list) }}{{ end }}
{{- end }}
{{- toYaml $jars }}
{{- end }}

{{/* Spark properties whose value is a comma-separated list of classes that components and users add to rather than
replace (spark.sql.extensions: SparkSessionExtensions, StaticSQLConf in apache/spark; spark.plugins: SparkPlugin
classes, core/.../internal/config/package.scala). */}}
{{- define "spark-k8s.sparkListProperties" -}}
{{- list "spark.sql.extensions" "spark.plugins" | toYaml }}
{{- end }}

{{/* Merges the map "over" into the map "base" in place: over wins, except the list properties, whose entries are
joined (base first, each class once). Takes base, over. */}}
{{- define "spark-k8s.mergeSparkConfInto" -}}
{{- $lists := include "spark-k8s.sparkListProperties" . | fromYamlArray }}
{{- $base := .base }}
{{- range $key, $value := .over }}
{{- if and (has $key $lists) (hasKey $base $key) }}
{{- $items := list }}
{{- range concat (splitList "," (toString (index $base $key))) (splitList "," (toString $value)) }}
{{- $item := trim . }}
{{- if and $item (not (has $item $items)) }}{{ $items = append $items $item }}{{ end }}
{{- end }}
{{- $_ := set $base $key (join "," $items) }}
{{- else }}
{{- $_ := set $base $key $value }}
{{- end }}
{{- end }}
{{- end }}

{{/* Spark properties the enabled platform components add to a Spark application (YAML map): Iceberg catalogs and
extensions, Celeborn's shuffle manager, RAPIDS on GPU executors. Each component's spark-k8s.<component>.sparkConf
(templates/<component>/) returns its map. Takes root and role ("connect" or "job"). */}}
{{- define "spark-k8s.components.sparkConf" -}}
{{- $conf := dict }}
{{- range $component := list "iceberg" "celeborn" "gpu" }}
{{- $part := include (printf "spark-k8s.%s.sparkConf" $component) $ | fromYaml }}
{{- include "spark-k8s.mergeSparkConfInto" (dict "base" $conf "over" $part) }}
{{- end }}
{{- toYaml $conf }}
{{- end }}

{{/* Spark pods' init containers (jar download) unless the image bundles the jars. Takes root and image. */}}
{{- define "spark-k8s.sparkInitContainers" -}}
{{- $root := .root }}
{{- if not $root.Values.jars.bundled }}
initContainers:
  {{- include "spark-k8s.jarsInitContainer" (dict "root" $root "image" .image "jars" (include "spark-k8s.sparkExtraJars" $root | fromYamlArray) "target" $root.Values.jars.mountPath) | trim | nindent 2 }}
{{- end }}
{{- end }}

{{/* Volumes every Spark pod mounts: the jar emptyDir (when downloaded) and a scratch /tmp, each with a sizeLimit (ephemeralStorage). */}}
{{- define "spark-k8s.sparkVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.ephemeralStorage.sparkTmp | quote }}
{{- if not .Values.jars.bundled }}
- name: extra-jars
  emptyDir:
    sizeLimit: {{ .Values.ephemeralStorage.jars | quote }}
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

{{/*
The Spark image's working directory as an emptyDir, for the Spark processes that write there: the Connect driver and
the drivers and executors of the pod templates. The image's WORKDIR is /opt/spark/work-dir (apache/spark-docker
<version>/<variant>/Dockerfile); executors fetch the files and jars an application adds into their working directory and put
it on their class path (Executor.updateDependencies with SparkFiles.getRootDirectory "." in apache/spark core, and
SPARK-43540 in the image's entrypoint.sh), and without a metastore spark.sql.warehouse.dir defaults to
spark-warehouse under it (StaticSQLConf.WAREHOUSE_PATH). The History Server and the standalone daemons write nothing
there (the worker's executors run in SPARK_WORKER_DIR). The image's user has home /nonexistent, and entrypoint.sh
writes its nss_wrapper passwd files with mktemp (/tmp) only for a UID without a passwd entry.
*/}}
{{- define "spark-k8s.sparkWorkDirVolume" -}}
- name: work-dir
  emptyDir:
    sizeLimit: {{ .Values.ephemeralStorage.sparkWorkDir | quote }}
{{- end }}

{{- define "spark-k8s.sparkWorkDirVolumeMount" -}}
- name: work-dir
  mountPath: /opt/spark/work-dir
{{- end }}

{{/* Hive catalog properties of every Spark application when the metastore is on (YAML map, empty otherwise). */}}
{{- define "spark-k8s.metastoreConf" -}}
{{- if .Values.metastore.enabled }}
{{- $release := include "spark-k8s.release" . | fromYaml }}
spark.sql.catalogImplementation: hive
{{- /* The built-in Hive client of the line (spark.releases.<line>.hiveMetastoreVersion) talking to a metastore
release that still serves its Thrift calls (metastore.image.tag, see values.yaml); SPK018 checks the pair. */}}
spark.sql.hive.metastore.version: {{ $release.hiveMetastoreVersion | quote }}
spark.sql.hive.metastore.jars: builtin
spark.hadoop.hive.metastore.uris: {{ include "spark-k8s.metastoreUri" . | quote }}
spark.sql.warehouse.dir: {{ printf "s3a://%s/warehouse" .Values.s3.buckets.warehouse | quote }}
{{- end }}
{{- end }}

{{/*
Pod template of a Spark application's driver or executors (spark.kubernetes.{driver,executor}.podTemplateFile):
labels, restricted security context, S3 env, jar init container. The one place that shapes Spark-created pods for
the Connect server's executors and every job's driver and executors. Takes root, app (the application's values:
image, optional secretEnv), role ("driver" or "executor"), component, optional labels (extra labels) and
codeConfigMap (ConfigMap whose main.py is mounted at /opt/spark/job).
Spark keeps the template's metadata and adds its own labels; it takes the container podTemplateContainerName names, else the
first one (each template here has one), and sets its memory and CPU from the Spark
properties (running-on-kubernetes.md, "Pod Template", apache/spark).
*/}}
{{- define "spark-k8s.sparkPodTemplate" -}}
{{- $root := .root }}
{{- /* The Connect server's executors run gpu.image while gpu.enabled (templates/gpu/_gpu.tpl). */}}
{{- $image := ternary (include "spark-k8s.connect.sparkImage" $root | fromYaml) .app.image (eq .component "executor") }}
{{- $gpu := include "spark-k8s.gpu.executorPod" (dict "root" $root "component" .component) | fromYaml }}
apiVersion: v1
kind: Pod
metadata:
  labels:
    {{- include "spark-k8s.sparkPodLabels" (dict "root" $root "component" .component) | trim | nindent 4 }}
    {{- include "spark-k8s.workloadIdentity.podLabels" $root | nindent 4 }}
    {{- with .labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with include "spark-k8s.tracing.podAnnotations" (dict "root" $root "component" .component) | trim }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  {{- /* The component's own ServiceAccount (templates/serviceaccounts.yaml, jobs/rbac.yaml); Spark overrides it with
  spark.kubernetes.authenticate.{driver,executor}.serviceAccountName, which the confs set to the same names. */}}
  serviceAccountName: {{ include "spark-k8s.componentName" (dict "root" $root "component" .component) | quote }}
  {{- /* The driver talks to the API server (it creates its executors); executors never do. */}}
  automountServiceAccountToken: {{ eq .role "driver" }}
  {{- include "spark-k8s.podSpecCommon" (dict "root" $root "uid" 185) | trim | nindent 2 }}
  {{- if eq .role "executor" }}
  {{- /* spark.executorScheduling: node selection, tolerations, affinity, priority and spreading of executors. */}}
  {{- if $gpu }}
  {{- /* GPU executors: gpu.nodeSelector and gpu.tolerations merged with spark.executorScheduling's. */}}
  {{- $scheduling := include "spark-k8s.executorScheduling.podSpec" (dict "root" $root "component" .component) | fromYaml }}
  {{- with $gpu.nodeSelector }}{{ $_ := set $scheduling "nodeSelector" . }}{{ end }}
  {{- with $gpu.tolerations }}{{ $_ := set $scheduling "tolerations" . }}{{ end }}
  {{- toYaml $scheduling | nindent 2 }}
  {{- else }}
  {{- with include "spark-k8s.executorScheduling.podSpec" (dict "root" $root "component" .component) | trim }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- end }}
  {{- end }}
  {{- include "spark-k8s.sparkInitContainers" (dict "root" $root "image" $image) | trim | nindent 2 }}
  containers:
    - name: {{ printf "spark-%s" .role }}
      {{- include "spark-k8s.containerImage" (dict "root" $root "image" $image) | trim | nindent 6 }}
      {{- include "spark-k8s.containerSecurityContext" $root | trim | nindent 6 }}
      {{- /* Spark sets cpu and memory and keeps the rest of the template's resources (BasicExecutorFeatureStep and
      BasicDriverFeatureStep in apache/spark: editOrNewResources, then addToRequests/addToLimits of memory and cpu only). */}}
      {{- $ephemeral := dig "executor" "ephemeralStorage" $root.Values.connect.executor.ephemeralStorage .app }}
      resources:
        requests:
          ephemeral-storage: {{ $ephemeral.request | quote }}
        limits:
          ephemeral-storage: {{ $ephemeral.limit | quote }}
          {{- with $gpu.limits }}{{ toYaml . | nindent 10 }}{{ end }}
      env:
        {{- include "spark-k8s.s3Env" $root | nindent 8 }}
        {{- with include "spark-k8s.tracing.env" (dict "root" $root "component" .component) | trim }}{{ . | nindent 8 }}{{ end }}
        {{- /* The Iceberg REST catalog's credential (iceberg.rest.auth): only drivers talk to the catalog. */}}
        {{- if eq .role "driver" }}{{ with include "spark-k8s.iceberg.env" $root | trim }}{{ . | nindent 8 }}{{ end }}{{ end }}
        {{- if .rpcAuth }}
        # The executor's bootstrap SparkConf (the one that fetches the driver's properties) holds only the startup
        # properties (SparkConf.isExecutorStartupConf: spark.auth*, spark.network*, spark.rpc*, ports), and Spark reads
        # spark.authenticate.secret.file only when spark.master is a k8s:// URL (SecurityManager.secretKeyFromFile in
        # apache/spark). The image's entrypoint.sh passes every SPARK_JAVA_OPT_* env var to the executor JVM.
        - name: SPARK_JAVA_OPT_9999
          value: {{ printf "-Dspark.master=%s" (include "spark-k8s.connect.master" $root) | quote }}
        {{- end }}
        {{- range .app.secretEnv }}
        - name: {{ .name | quote }}
          valueFrom:
            secretKeyRef:
              name: {{ .secretName | quote }}
              key: {{ .key | quote }}
        {{- end }}
      volumeMounts:
        {{- include "spark-k8s.sparkVolumeMounts" $root | trim | nindent 8 }}
        {{- if .rpcAuth }}
        {{- with include "spark-k8s.sparkAuthVolumeMount" $root | trim }}{{ . | nindent 8 }}{{ end }}
        {{- end }}
        {{- include "spark-k8s.sparkWorkDirVolumeMount" $root | trim | nindent 8 }}
        {{- with include "spark-k8s.logging.sparkVolumeMount" $root | trim }}{{ . | nindent 8 }}{{ end }}
        {{- if .codeConfigMap }}
        - name: job-code
          mountPath: /opt/spark/job
          readOnly: true
        {{- end }}
  volumes:
    {{- include "spark-k8s.sparkVolumes" $root | trim | nindent 4 }}
    {{- if .rpcAuth }}
    {{- with include "spark-k8s.sparkAuthVolume" $root | trim }}{{ . | nindent 4 }}{{ end }}
    {{- end }}
    {{- include "spark-k8s.sparkWorkDirVolume" $root | trim | nindent 4 }}
    {{- with include "spark-k8s.logging.sparkVolume" $root | trim }}{{ . | nindent 4 }}{{ end }}
    {{- with .codeConfigMap }}
    - name: job-code
      configMap:
        name: {{ . | quote }}
        items:
          - key: main.py
            path: main.py
    {{- end }}
{{- end }}
