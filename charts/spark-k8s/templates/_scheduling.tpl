{{/*
Executor scheduling controls shared by every Spark application of the release (spark.executorScheduling,
spark.decommission): pod spec fields for executor pod templates and the Spark properties that go with them.
Jobs reuse both helpers with their own executor component name and deploy mode.
*/}}

{{/*
Pod spec fields of an executor pod template: nodeSelector, tolerations, affinity, priorityClassName,
topologySpreadConstraints (a constraint without labelSelector gets the executors' selector labels) and, with
decommissioning on, terminationGracePeriodSeconds. Takes root and component (the executors' component label).
*/}}
{{- define "spark-k8s.executorScheduling.podSpec" -}}
{{- $s := .root.Values.spark.executorScheduling }}
{{- with $s.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $s.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $s.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $s.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with $s.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- range . }}
  {{- $constraint := merge (deepCopy .) (dict "maxSkew" 1 "topologyKey" "kubernetes.io/hostname" "whenUnsatisfiable" "ScheduleAnyway") }}
  {{- if not (hasKey $constraint "labelSelector") }}
  {{- $_ := set $constraint "labelSelector" (dict "matchLabels" (include "spark-k8s.selectorLabels" $ | fromYaml)) }}
  {{- end }}
  - {{- toYaml $constraint | nindent 4 }}
  {{- end }}
{{- end }}
{{- if .root.Values.spark.decommission.enabled }}
terminationGracePeriodSeconds: {{ .root.Values.spark.decommission.terminationGracePeriodSeconds }}
{{- end }}
{{- end }}

{{/* S3A path of the decommission fallback storage: the configured one, or a prefix of this release in the warehouse bucket. */}}
{{- define "spark-k8s.decommission.fallbackPath" -}}
{{- .Values.spark.decommission.fallbackStorage.path | default (printf "s3a://%s/spark-fallback/%s/%s/" .Values.s3.buckets.warehouse .Release.Namespace (include "spark-k8s.fullname" .)) }}
{{- end }}

{{/*
Spark properties of the executor scheduling controls for an application on Kubernetes (YAML map). Takes root and
deployMode ("client" for the Connect server, "cluster" for submitted jobs).
- Batch scheduler (running-on-kubernetes.md "Customized Kubernetes Schedulers", Spark 3.3+, same keys in 3.5 and
  4.1): YuniKorn takes the scheduler name, a "queue" label and the yunikorn.apache.org/app-id annotation, where Spark
  substitutes {{APP_ID}}. Volcano takes VolcanoFeatureStep on driver and executors; the driver step creates the
  PodGroup, so it works in cluster mode only, and only with a Spark build made with -Pvolcano.
- Decommissioning (spark.decommission.enabled, spark.storage.decommission.* in core/.../internal/config/package.scala,
  Spark 3.1+): Spark adds the /opt/decom.sh preStop hook to executor pods (BasicExecutorFeatureStep) when it is on.
*/}}
{{- define "spark-k8s.executorScheduling.conf" -}}
{{- $root := .root }}
{{- $batch := $root.Values.spark.executorScheduling.batchScheduler }}
{{- $d := $root.Values.spark.decommission }}
{{- $conf := dict }}
{{- if eq $batch.name "yunikorn" }}
{{- $_ := set $conf "spark.kubernetes.scheduler.name" "yunikorn" }}
{{- $_ := set $conf "spark.kubernetes.executor.label.queue" $batch.queue }}
{{- $_ := set $conf "spark.kubernetes.executor.annotation.yunikorn.apache.org/app-id" "{{APP_ID}}" }}
{{- if eq .deployMode "cluster" }}
{{- $_ := set $conf "spark.kubernetes.driver.label.queue" $batch.queue }}
{{- $_ := set $conf "spark.kubernetes.driver.annotation.yunikorn.apache.org/app-id" "{{APP_ID}}" }}
{{- end }}
{{- else if eq $batch.name "volcano" }}
{{- if ne .deployMode "cluster" }}
{{- fail "spark.executorScheduling.batchScheduler.name: volcano needs Spark's driver feature step to create the PodGroup, which the client-mode Connect server does not run; use \"yunikorn\" or \"\" while connect.enabled is true" }}
{{- end }}
{{- $_ := set $conf "spark.kubernetes.scheduler.name" "volcano" }}
{{- $_ := set $conf "spark.kubernetes.driver.pod.featureSteps" "org.apache.spark.deploy.k8s.features.VolcanoFeatureStep" }}
{{- $_ := set $conf "spark.kubernetes.executor.pod.featureSteps" "org.apache.spark.deploy.k8s.features.VolcanoFeatureStep" }}
{{- with .podGroupTemplateFile }}
{{- $_ := set $conf "spark.kubernetes.scheduler.volcano.podGroupTemplateFile" . }}
{{- end }}
{{- end }}
{{- if $d.enabled }}
{{- $_ := set $conf "spark.decommission.enabled" "true" }}
{{- $_ := set $conf "spark.storage.decommission.enabled" "true" }}
{{- $_ := set $conf "spark.storage.decommission.shuffleBlocks.enabled" ($d.shuffleBlocks | toString) }}
{{- $_ := set $conf "spark.storage.decommission.rddBlocks.enabled" ($d.rddBlocks | toString) }}
{{- if $d.fallbackStorage.enabled }}
{{- /* The path must end with "/" (checkValue on spark.storage.decommission.fallbackStorage.path, Spark 3.1+); the schema requires it. */}}
{{- $_ := set $conf "spark.storage.decommission.fallbackStorage.path" (include "spark-k8s.decommission.fallbackPath" $root) }}
{{- $_ := set $conf "spark.storage.decommission.fallbackStorage.cleanUp" "true" }}
{{- end }}
{{- end }}
{{- toYaml $conf }}
{{- end }}

{{/*
The Volcano PodGroup template of a submit job (the queue of spark.executorScheduling.batchScheduler), or nothing when
Volcano is not the batch scheduler. Spark's VolcanoFeatureStep copies its spec (queue, priorityClassName,
minResources) into the PodGroup it creates for the application. Takes root.
*/}}
{{- define "spark-k8s.job.podGroupTemplate" -}}
{{- $batch := .Values.spark.executorScheduling.batchScheduler }}
{{- if eq $batch.name "volcano" }}
apiVersion: scheduling.volcano.sh/v1beta1
kind: PodGroup
spec:
  queue: {{ $batch.queue | quote }}
{{- end }}
{{- end }}
