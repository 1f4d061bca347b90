{{/*
GPU executors with the NVIDIA RAPIDS Accelerator (gpu.enabled, docs/en/gpu.md). Upstream facts, each checked by a test:
- RAPIDS maps one GPU to one executor (tuning guide, "Number of Executors"), so each executor asks for one GPU
  (spark.executor.resource.gpu.amount 1) and its pod for one nvidia.com/gpu (the NVIDIA device plugin's resource).
- Tasks share the executor's GPU: spark.task.resource.gpu.amount is the reciprocal of the tasks an executor runs at once
  (tuning guide, "Number of Tasks per Executor"), here 1 / spark.executor.cores.
- On Kubernetes Spark asks the pod for spark.executor.resource.gpu.vendor as the extended resource and finds the
  executor's GPU addresses with spark.executor.resource.gpu.discoveryScript (apache/spark docs/running-on-kubernetes.md,
  "Resource Allocation and Configuration Overview"; the script is examples/src/main/scripts/getGpusResources.sh, which
  images/spark-gpu copies to /opt/spark-gpu).
- The plugin class is com.nvidia.spark.SQLPlugin (spark.plugins; docs/configs.md in NVIDIA/spark-rapids).
- spark.rapids.memory.pinnedPool.size is host memory outside the JVM heap, so it is added to the executor's memoryOverhead.
*/}}

{{/* Path of the GPU discovery script in images/spark-gpu. */}}
{{- define "spark-k8s.gpu.discoveryScript" -}}
/opt/spark-gpu/getGpusResources.sh
{{- end }}

{{/* The Spark lines whose version table lists a RAPIDS jar (YAML list). */}}
{{- define "spark-k8s.gpu.supportedLines" -}}
{{- $lines := list }}
{{- range $line, $release := .Values.spark.releases }}
{{- if (dig "componentJars" "rapids" list $release) }}{{ $lines = append $lines $line }}{{ end }}
{{- end }}
{{- toYaml (sortAlpha $lines) }}
{{- end }}

{{/* Refuses gpu.enabled where it cannot work: a line without a RAPIDS jar, the standalone backend. */}}
{{- define "spark-k8s.gpu.validate" -}}
{{- if .Values.gpu.enabled }}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- if not (dig "componentJars" "rapids" list $release) }}
{{- $supported := include "spark-k8s.gpu.supportedLines" . | fromYamlArray }}
{{- fail (printf "gpu.enabled: the RAPIDS Accelerator does not support spark.version %q (Spark %s): spark.releases.%s.componentJars.rapids is empty. Supported lines: %s; set spark.version to one of them or gpu.enabled: false (docs/en/gpu.md)" .Values.spark.version $release.sparkVersion .Values.spark.version (join ", " $supported | default "none")) }}
{{- end }}
{{- if and .Values.connect.enabled (ne .Values.connect.backend "k8s") }}
{{- fail (printf "gpu.enabled: GPU executors need connect.backend \"k8s\" (executor pods with an nvidia.com/gpu limit), not %q; set connect.backend: k8s or gpu.enabled: false" .Values.connect.backend) }}
{{- end }}
{{- end }}
{{- end }}

{{/* The RAPIDS version of the line (from its jar coordinate), or nothing. */}}
{{- define "spark-k8s.gpu.rapidsVersion" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- with (dig "componentJars" "rapids" list $release) }}{{ index (splitList ":" (first .).coordinate) 2 }}{{ end }}
{{- end }}

{{/* The spark-gpu image map (gpu.image with its tag resolved: <imageTag>-rapids<version>, what images/build.sh tags). */}}
{{- define "spark-k8s.gpu.imageValues" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $image := deepCopy .Values.gpu.image }}
{{- if not $image.tag }}
{{- $_ := set $image "tag" (printf "%s-rapids%s" $release.imageTag (include "spark-k8s.gpu.rapidsVersion" .)) }}
{{- end }}
{{- toYaml $image }}
{{- end }}

{{/* The image map of the Connect server and its executors: gpu.image while gpu.enabled, else connect.image. */}}
{{- define "spark-k8s.connect.sparkImage" -}}
{{- if .Values.gpu.enabled }}{{ include "spark-k8s.gpu.imageValues" . }}{{ else }}{{ toYaml .Values.connect.image }}{{ end }}
{{- end }}

{{/* Resource limit and scheduling the executor pod template adds for GPU executors (YAML map: limits, nodeSelector,
tolerations), empty unless gpu.enabled and the pod is a Connect executor. Takes root, component. */}}
{{- define "spark-k8s.gpu.executorPod" -}}
{{- $root := .root }}
{{- if and $root.Values.gpu.enabled (eq .component "executor") }}
limits:
  nvidia.com/gpu: "1"
{{- $s := $root.Values.spark.executorScheduling }}
{{- with merge (deepCopy $root.Values.gpu.nodeSelector) $s.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with concat $s.tolerations $root.Values.gpu.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
{{- end }}

{{/* Spark properties gpu adds to every Spark application of the release (YAML map; empty while gpu.enabled is false).
Takes root and role ("connect": the Connect server; "job": a submitted job or SparkApplication). Merged by
spark-k8s.components.sparkConf (templates/_spark.tpl). Jobs get nothing: GPU jobs are not supported yet (docs/en/gpu.md). */}}
{{- define "spark-k8s.gpu.sparkConf" -}}
{{- $root := .root }}
{{- if and $root.Values.gpu.enabled (eq .role "connect") }}
{{- include "spark-k8s.gpu.validate" $root }}
{{- $g := $root.Values.gpu }}
{{- $c := $root.Values.connect }}
{{- $image := include "spark-k8s.image" (dict "root" $root "image" (include "spark-k8s.gpu.imageValues" $root | fromYaml)) }}
spark.plugins: com.nvidia.spark.SQLPlugin
spark.kubernetes.container.image: {{ $image | quote }}
spark.executor.resource.gpu.amount: "1"
spark.executor.resource.gpu.vendor: nvidia.com
spark.executor.resource.gpu.discoveryScript: {{ include "spark-k8s.gpu.discoveryScript" $root | quote }}
spark.task.resource.gpu.amount: {{ divf 1 (int $c.executor.cores) | toString | quote }}
spark.rapids.memory.pinnedPool.size: {{ $g.pinnedPoolSize | quote }}
{{- with $g.concurrentGpuTasks }}
spark.rapids.sql.concurrentGpuTasks: {{ . | toString | quote }}
{{- end }}
{{- $overhead := add (include "spark-k8s.sizeMiB" $c.executor.memoryOverhead | int64) (include "spark-k8s.sizeMiB" $c.executor.pysparkMemory | int64) (include "spark-k8s.sizeMiB" $g.pinnedPoolSize | int64) }}
spark.executor.memoryOverhead: {{ printf "%dm" $overhead | quote }}
{{- end }}
{{- end }}
