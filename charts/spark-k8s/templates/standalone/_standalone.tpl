{{/*
Spark Standalone cluster helpers: the master URL, the workers' memory and the daemons' security context.
Upstream: apache/spark docs/spark-standalone.md (SPARK_WORKER_* variables, spark.worker.cleanup.*, FILESYSTEM
recovery) and core/src/main/scala/org/apache/spark/deploy/{master,worker}/.
*/}}

{{/* The master URL applications use: spark://<release master Service>:<rpc port> (same namespace). */}}
{{- define "spark-k8s.standalone.masterUrl" -}}
{{- printf "spark://%s:%d" (include "spark-k8s.componentName" (dict "root" . "component" "standalone-master"))
  (include "spark-k8s.componentPort" (dict "root" . "component" "standalone-master" "port" "rpc") | int) }}
{{- end }}

{{/* A Kubernetes memory quantity ("8Gi", "512Mi", "2G", bytes) as whole MiB. */}}
{{- define "spark-k8s.standalone.quantityMiB" -}}
{{- $text := toString . }}
{{- $number := regexFind "^[0-9]+" $text }}
{{- $unit := trimPrefix $number $text }}
{{- $n := $number | int64 }}
{{- if eq $unit "Mi" }}{{ $n }}
{{- else if eq $unit "Gi" }}{{ mul $n 1024 }}
{{- else if eq $unit "Ti" }}{{ mul $n 1048576 }}
{{- else if eq $unit "Ki" }}{{ div $n 1024 }}
{{- else if eq $unit "" }}{{ div $n 1048576 }}
{{- else if eq $unit "k" }}{{ div (mul $n 1000) 1048576 }}
{{- else if eq $unit "M" }}{{ div (mul $n 1000000) 1048576 }}
{{- else if eq $unit "G" }}{{ div (mul $n 1000000000) 1048576 }}
{{- else if eq $unit "T" }}{{ div (mul $n 1000000000000) 1048576 }}
{{- else }}{{ fail (printf "standalone.worker.resources.limits.memory: %q: use a whole number with Ki, Mi, Gi, Ti, k, M, G or T (e.g. 8Gi)" $text) }}
{{- end }}
{{- end }}

{{/*
SPARK_WORKER_MEMORY in MiB: what a worker offers to executors. The standalone master counts only
spark.executor.memory (the heap) against it (docs/spark-standalone.md, "Stage Level Scheduling Overview": memoryOverhead
takes no effect there), but every executor JVM also uses spark.executor.memoryOverhead outside its heap, inside this
container. So the default (standalone.worker.memory null) is the heap of as many Connect executors as fit, with their
overhead, into resources.limits.memory minus the worker's own heap and headroom (and as many as its cores allow).
`spark-k8s validate` (SPK041, SPK042) checks an explicit standalone.worker.memory.
*/}}
{{- define "spark-k8s.standalone.workerMemoryMiB" -}}
{{- $w := .Values.standalone.worker }}
{{- if not (kindIs "invalid" $w.memory) }}
{{- include "spark-k8s.sizeMiB" $w.memory }}
{{- else }}
{{- $limit := include "spark-k8s.standalone.quantityMiB" $w.resources.limits.memory | int64 }}
{{- $available := sub (sub $limit (include "spark-k8s.sizeMiB" $w.daemonMemory | int64)) (include "spark-k8s.sizeMiB" $w.memoryHeadroom | int64) }}
{{- if le $available 0 }}
{{- fail (printf "standalone.worker.resources.limits.memory: %s leaves nothing for executors after standalone.worker.daemonMemory (%s) and standalone.worker.memoryHeadroom (%s); raise the limit" (toString $w.resources.limits.memory) $w.daemonMemory $w.memoryHeadroom) }}
{{- end }}
{{- $memory := $available }}
{{- if .Values.connect.enabled }}
{{- $conf := include "spark-k8s.connect.conf" . | fromYaml }}
{{- $heap := include "spark-k8s.sizeMiB" (index $conf "spark.executor.memory") | int64 }}
{{- $each := add $heap (include "spark-k8s.sizeMiB" (index $conf "spark.executor.memoryOverhead") | int64) }}
{{- $fit := div $available $each }}
{{- $byCores := div (int64 $w.cores) (index $conf "spark.executor.cores" | int64) }}
{{- if lt $byCores $fit }}{{ $fit = $byCores }}{{ end }}
{{- if ge $fit 1 }}{{ $memory = mul $fit $heap }}{{ end }}
{{- end }}
{{- $memory }}
{{- end }}
{{- end }}

{{/*
Container security context of the master and workers: the chart's restricted context (read-only root file system
there, as for every container); they write only to their emptyDirs (/tmp, the work directory) and the recovery volume.
*/}}
{{- define "spark-k8s.standalone.securityContext" -}}
{{- include "spark-k8s.containerSecurityContext" . }}
{{- end }}

{{/* Spark properties of the master daemon (YAML map), standalone.master.sparkConf merged last. */}}
{{- define "spark-k8s.standalone.masterConf" -}}
{{- $m := .Values.standalone.master }}
{{- $conf := dict }}
{{- if $m.recovery.enabled }}
{{- /* FILESYSTEM recovery (docs/spark-standalone.md "Single-Node Recovery with Local File System"; the keys are
spark.deploy.recoveryMode and spark.deploy.recoveryDirectory in core/.../internal/config/Deploy.scala). */}}
{{- $_ := set $conf "spark.deploy.recoveryMode" "FILESYSTEM" }}
{{- $_ := set $conf "spark.deploy.recoveryDirectory" "/recovery" }}
{{- end }}
{{- /* The master and applications metrics instances on the master UI (monitoring.enabled). */}}
{{- $conf = merge $conf (include "spark-k8s.monitoring.sparkConf" . | fromYaml) }}
{{- toYaml (mergeOverwrite $conf $m.sparkConf) }}
{{- end }}

{{/* Spark properties of the worker daemons (YAML map): work-dir cleanup (spark.worker.cleanup.*, Worker.scala), sparkConf last. */}}
{{- define "spark-k8s.standalone.workerConf" -}}
{{- $w := .Values.standalone.worker }}
{{- $conf := dict "spark.worker.cleanup.enabled" ($w.cleanup.enabled | toString) }}
{{- if $w.cleanup.enabled }}
{{- $_ := set $conf "spark.worker.cleanup.interval" ($w.cleanup.interval | toString) }}
{{- $_ := set $conf "spark.worker.cleanup.appDataTtl" ($w.cleanup.appDataTtl | toString) }}
{{- end }}
{{- /* The worker metrics instance on the worker UI (monitoring.enabled). */}}
{{- $conf = merge $conf (include "spark-k8s.monitoring.sparkConf" . | fromYaml) }}
{{- toYaml (mergeOverwrite $conf $w.sparkConf) }}
{{- end }}
