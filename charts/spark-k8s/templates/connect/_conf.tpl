{{/* Spark properties of the Connect server (YAML map), sparkConf merged last. */}}
{{- define "spark-k8s.connect.conf" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $c := .Values.connect }}
{{- $da := $c.dynamicAllocation }}
{{- $name := include "spark-k8s.componentName" (dict "root" . "component" "connect") }}
{{- $conf := dict }}
{{- $_ := set $conf "spark.master" "k8s://https://kubernetes.default.svc" }}
{{- $_ := set $conf "spark.submit.deployMode" "client" }}
{{- $_ := set $conf "spark.app.name" $name }}
{{- $_ := set $conf "spark.kubernetes.namespace" .Release.Namespace }}
{{- $_ := set $conf "spark.kubernetes.container.image" (include "spark-k8s.image" (dict "root" . "image" $c.image)) }}
{{- $_ := set $conf "spark.kubernetes.container.image.pullPolicy" $c.image.pullPolicy }}
{{- $_ := set $conf "spark.kubernetes.executor.podTemplateFile" "/opt/spark/conf/executor-pod-template.yaml" }}
{{- $_ := set $conf "spark.kubernetes.executor.podTemplateContainerName" "spark-executor" }}
{{- /* Spark names executors <prefix>-exec-<id>; the fullname is at most 40 characters (Spark allows 47). */}}
{{- $_ := set $conf "spark.kubernetes.executor.podNamePrefix" (include "spark-k8s.fullname" .) }}
{{- $_ := set $conf "spark.driver.host" (printf "%s-driver.%s.svc" $name .Release.Namespace) }}
{{- $_ := set $conf "spark.driver.bindAddress" "0.0.0.0" }}
{{- $_ := set $conf "spark.driver.port" ($c.ports.driver | toString) }}
{{- $_ := set $conf "spark.driver.blockManager.port" ($c.ports.blockManager | toString) }}
{{- $_ := set $conf "spark.driver.memory" $c.driver.memory }}
{{- $_ := set $conf "spark.ui.port" ($c.ports.ui | toString) }}
{{- $_ := set $conf "spark.connect.grpc.binding.port" ($c.ports.grpc | toString) }}
{{- $_ := set $conf "spark.executor.cores" ($c.executor.cores | toString) }}
{{- $_ := set $conf "spark.executor.memory" $c.executor.memory }}
{{- /* Spark adds spark.executor.pyspark.memory to executor pods only for Python apps; Connect is a JVM app. */}}
{{- $overheadMiB := add (include "spark-k8s.sizeMiB" $c.executor.memoryOverhead | int64) (include "spark-k8s.sizeMiB" $c.executor.pysparkMemory | int64) }}
{{- $_ := set $conf "spark.executor.memoryOverhead" (printf "%dm" $overheadMiB) }}
{{- if gt (include "spark-k8s.sizeMiB" $c.executor.pysparkMemory | int64) 0 }}
{{- $_ := set $conf "spark.executor.pyspark.memory" $c.executor.pysparkMemory }}
{{- end }}
{{- $_ := set $conf "spark.dynamicAllocation.enabled" ($da.enabled | toString) }}
{{- if $da.enabled }}
{{- $_ := set $conf "spark.dynamicAllocation.shuffleTracking.enabled" "true" }}
{{- $_ := set $conf "spark.dynamicAllocation.shuffleTracking.timeout" $da.shuffleTrackingTimeout }}
{{- $_ := set $conf "spark.dynamicAllocation.minExecutors" ($da.minExecutors | toString) }}
{{- $_ := set $conf "spark.dynamicAllocation.maxExecutors" ($da.maxExecutors | toString) }}
{{- $_ := set $conf "spark.dynamicAllocation.initialExecutors" ($da.initialExecutors | toString) }}
{{- $_ := set $conf "spark.dynamicAllocation.executorIdleTimeout" $da.executorIdleTimeout }}
{{- else }}
{{- $_ := set $conf "spark.executor.instances" ($c.executor.instances | toString) }}
{{- end }}
{{- $_ := set $conf "spark.sql.ansi.enabled" ($release.ansiEnabled | toString) }}
{{- $_ := set $conf "spark.eventLog.enabled" "true" }}
{{- $_ := set $conf "spark.eventLog.dir" (include "spark-k8s.eventLogDir" .) }}
{{- $compress := $c.eventLog.compress }}
{{- if kindIs "invalid" $compress }}{{- $compress = $release.eventLogCompress }}{{- end }}
{{- $_ := set $conf "spark.eventLog.compress" ($compress | toString) }}
{{- /* Rolling event logs (spark.eventLog.rolling.*, Spark 3.0+, core/.../internal/config/package.scala): S3A
publishes an object only on close(), so a single log of a long-lived server stays invisible until it stops; rolled
files are closed and published as they fill. */}}
{{- $rolling := $c.eventLog.rolling }}
{{- $_ := set $conf "spark.eventLog.rolling.enabled" ($rolling.enabled | toString) }}
{{- if $rolling.enabled }}
{{- $_ := set $conf "spark.eventLog.rolling.maxFileSize" $rolling.maxFileSize }}
{{- end }}
{{- with include "spark-k8s.jarsClassPath" . }}
{{- $_ := set $conf "spark.driver.extraClassPath" . }}
{{- $_ := set $conf "spark.executor.extraClassPath" . }}
{{- end }}
{{- if .Values.metastore.enabled }}
{{- $_ := set $conf "spark.sql.catalogImplementation" "hive" }}
{{- /* The built-in Hive client of the line (spark.releases.<line>.hiveMetastoreVersion) talking to a metastore
release that still serves its Thrift calls (metastore.image.tag, see values.yaml); SPK018 checks the pair. */}}
{{- $_ := set $conf "spark.sql.hive.metastore.version" $release.hiveMetastoreVersion }}
{{- $_ := set $conf "spark.sql.hive.metastore.jars" "builtin" }}
{{- $_ := set $conf "spark.hadoop.hive.metastore.uris" (include "spark-k8s.metastoreUri" .) }}
{{- $_ := set $conf "spark.sql.warehouse.dir" (printf "s3a://%s/warehouse" .Values.s3.buckets.warehouse) }}
{{- end }}
{{- if .Values.s3.workloadIdentity.provider }}
{{- /* Executors run under the Spark purpose's identity, not the driver's RBAC ServiceAccount (templates/credentials). */}}
{{- $_ := set $conf "spark.kubernetes.authenticate.executor.serviceAccountName" (include "spark-k8s.componentName" (dict "root" . "component" "executor")) }}
{{- end }}
{{- $conf = merge (include "spark-k8s.s3aConf" . | fromYaml) $conf }}
{{- toYaml (mergeOverwrite $conf $c.sparkConf) }}
{{- end }}

{{/* Executor pod template: labels, restricted security context, S3 env, jar init container. */}}
{{- define "spark-k8s.connect.executorPodTemplate" -}}
apiVersion: v1
kind: Pod
metadata:
  labels:
    {{- include "spark-k8s.sparkPodLabels" (dict "root" . "component" "executor") | trim | nindent 4 }}
    {{- include "spark-k8s.workloadIdentity.podLabels" . | nindent 4 }}
spec:
  automountServiceAccountToken: false
  {{- include "spark-k8s.workloadIdentity.serviceAccountName" (dict "root" . "component" "executor") | nindent 2 }}
  {{- include "spark-k8s.podSpecCommon" (dict "root" . "uid" 185) | trim | nindent 2 }}
  {{- include "spark-k8s.sparkInitContainers" (dict "root" . "image" .Values.connect.image) | trim | nindent 2 }}
  containers:
    - name: spark-executor
      {{- include "spark-k8s.containerImage" (dict "root" . "image" .Values.connect.image) | trim | nindent 6 }}
      {{- include "spark-k8s.containerSecurityContext" . | trim | nindent 6 }}
      env:
        {{- include "spark-k8s.s3Env" . | nindent 8 }}
      volumeMounts:
        {{- include "spark-k8s.sparkVolumeMounts" . | trim | nindent 8 }}
  volumes:
    {{- include "spark-k8s.sparkVolumes" . | trim | nindent 4 }}
{{- end }}
