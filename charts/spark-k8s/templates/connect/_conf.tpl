{{/* Spark properties of the Connect server (YAML map), sparkConf merged last. */}}
{{- define "spark-k8s.connect.conf" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $c := .Values.connect }}
{{- $da := $c.dynamicAllocation }}
{{- $name := include "spark-k8s.componentName" (dict "root" . "component" "connect") }}
{{- $conf := dict }}
{{- /* The release's standalone master, or the Kubernetes API (spark-k8s.connect.master, also the executors' bootstrap master). */}}
{{- $_ := set $conf "spark.master" (include "spark-k8s.connect.master" .) }}
{{- $_ := set $conf "spark.submit.deployMode" "client" }}
{{- $_ := set $conf "spark.app.name" $name }}
{{- /* On standalone the executors run on the release's workers (templates/standalone/); on k8s they are pods. */}}
{{- if eq $c.backend "k8s" }}
{{- $_ := set $conf "spark.kubernetes.namespace" .Release.Namespace }}
{{- $_ := set $conf "spark.kubernetes.container.image" (include "spark-k8s.image" (dict "root" . "image" $c.image)) }}
{{- $_ := set $conf "spark.kubernetes.container.image.pullPolicy" $c.image.pullPolicy }}
{{- $_ := set $conf "spark.kubernetes.executor.podTemplateFile" "/opt/spark/conf/executor-pod-template.yaml" }}
{{- $_ := set $conf "spark.kubernetes.executor.podTemplateContainerName" "spark-executor" }}
{{- /* Spark names executors <prefix>-exec-<id>; the fullname is at most 40 characters (Spark allows 47). */}}
{{- $_ := set $conf "spark.kubernetes.executor.podNamePrefix" (include "spark-k8s.fullname" .) }}
{{- $conf = merge $conf (include "spark-k8s.executorScheduling.conf" (dict "root" . "deployMode" "client") | fromYaml) }}
{{- end }}
{{- $_ := set $conf "spark.driver.host" (printf "%s-driver.%s.svc" $name .Release.Namespace) }}
{{- $_ := set $conf "spark.driver.bindAddress" "0.0.0.0" }}
{{- $_ := set $conf "spark.driver.port" ($c.ports.driver | toString) }}
{{- $_ := set $conf "spark.driver.blockManager.port" ($c.ports.blockManager | toString) }}
{{- /* Executors' block manager port (spark.blockManager.port; the driver keeps spark.driver.blockManager.port): fixed, so
the NetworkPolicies allow driver -> executor and executor <-> executor block and shuffle transfers on it. Spark adds it to
each executor container as the port "blockmanager" (BasicExecutorFeatureStep, apache/spark resource-managers/kubernetes). */}}
{{- $_ := set $conf "spark.blockManager.port" ($c.ports.executorBlockManager | toString) }}
{{- /* Driver <-> executor RPC authentication and encryption (docs/security.md in apache/spark). On Kubernetes Spark
would generate the secret and hand it to executors as a literal SPARK_AUTHENTICATE_SECRET env var in each pod spec
(BasicExecutorFeatureStep); with spark.authenticate.secret.file set it reads the mounted Secret instead, on the driver
and the executors alike (SecurityManager.secretKeyFromFile, Kubernetes masters only), and adds no env var. */}}
{{- if eq (include "spark-k8s.connect.rpcAuthOn" .) "true" }}
{{- $_ := set $conf "spark.authenticate" "true" }}
{{- $_ := set $conf "spark.authenticate.secret.file" (printf "%s/%s" (include "spark-k8s.sparkAuthMountPath" .) $c.rpcAuth.key) }}
{{- $_ := set $conf "spark.network.crypto.enabled" ($c.rpcAuth.encryption | toString) }}
{{- end }}
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
{{- if eq $c.backend "standalone" }}
{{- /* Without spark.cores.max a standalone application takes every core of the cluster (docs/spark-standalone.md
"Resource Scheduling"): cap it at the executors this server may run. Dynamic allocation needs no worker shuffle
service: shuffle tracking keeps executors holding shuffle data, and a worker-side service would not outlive its pod. */}}
{{- $executors := ternary $da.maxExecutors $c.executor.instances $da.enabled | int }}
{{- $_ := set $conf "spark.cores.max" (mul $executors (int $c.executor.cores) | toString) }}
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
{{- /* Executors run under their own ServiceAccount (no API token; the Spark purpose's workload identity), not the
driver's RBAC one; the pod template names it too (templates/serviceaccounts.yaml). */}}
{{- if eq $c.backend "k8s" }}
{{- $_ := set $conf "spark.kubernetes.authenticate.executor.serviceAccountName" (include "spark-k8s.componentName" (dict "root" . "component" "executor")) }}
{{- end }}
{{- $conf = merge (include "spark-k8s.metastoreConf" . | fromYaml) $conf }}
{{- $conf = merge (include "spark-k8s.s3aConf" . | fromYaml) $conf }}
{{- /* Spark's Prometheus endpoints on the UI port (monitoring.enabled; templates/monitoring/_monitoring.tpl). */}}
{{- $conf = merge $conf (include "spark-k8s.monitoring.sparkConf" . | fromYaml) }}
{{- /* Traces and logs: the agent's and log4j2's JVM options, the structured-logging flag (templates/observability). */}}
{{- /* Platform components (Iceberg, Celeborn, GPU), then connect.sparkConf; list properties such as spark.sql.extensions are joined. */}}
{{- include "spark-k8s.mergeSparkConfInto" (dict "base" $conf "over" (include "spark-k8s.components.sparkConf" (dict "root" . "role" "connect") | fromYaml)) }}
{{- include "spark-k8s.mergeSparkConfInto" (dict "base" $conf "over" $c.sparkConf) }}
{{- include "spark-k8s.observability.applicationConf" (dict "root" . "conf" $conf) }}
{{- end }}
