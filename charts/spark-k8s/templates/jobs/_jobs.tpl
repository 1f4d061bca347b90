{{/*
Batch jobs (values `jobs`, defaults in `jobDefaults`): one entry renders, by its type,
  submit:   a ConfigMap (spark-defaults.conf, driver and executor pod templates, main.py) and a Job, or a CronJob
            with a schedule, whose container runs spark-submit --deploy-mode cluster against the Kubernetes API;
  operator: a SparkApplication, or a ScheduledSparkApplication with a schedule, for operator.flavor
            (kubeflow: sparkoperator.k8s.io/v1beta2; apache: spark.apache.org/v1).
Every job's driver runs under the release's job-driver ServiceAccount. Objects carry spark-k8s.io/job: <name>.
*/}}

{{/* Label naming the job on every object and pod of a job. */}}
{{- define "spark-k8s.job.labelKey" -}}spark-k8s.io/job{{- end }}

{{/*
A job entry with jobDefaults filled in (YAML map). Takes root, name, job. Fails, naming the key, on what the schema
leaves to the templates so that its message can name the job: the job name (a DNS label: it is part of object
names and of spark.app.name) and exactly one of mainApplicationFile and pythonSource.
*/}}
{{- define "spark-k8s.job.resolved" -}}
{{- if not (regexMatch "^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$" .name) }}
{{- fail (printf "jobs.%s: a job name must be a DNS label of 1 to 30 characters (lowercase letters, digits and '-', starting with a letter), e.g. nightly-report" .name) }}
{{- end }}
{{- if and .job.mainApplicationFile .job.pythonSource }}
{{- fail (printf "jobs.%s: set mainApplicationFile or pythonSource, not both" .name) }}
{{- end }}
{{- if not (or .job.mainApplicationFile .job.pythonSource) }}
{{- fail (printf "jobs.%s.mainApplicationFile: set it (a local:// path in the image or an s3a:// object), or give the Python source in jobs.%s.pythonSource" .name .name) }}
{{- end }}
{{- $d := .root.Values.jobDefaults }}
{{- $j := deepCopy .job }}
{{- $_ := set $j "type" ($j.type | default $d.type) }}
{{- $_ := set $j "image" (mergeOverwrite (deepCopy $d.image) ($j.image | default dict)) }}
{{- if not (hasKey $j "retries") }}{{ $_ := set $j "retries" $d.retries }}{{ end }}
{{- if not (hasKey $j "ttlSecondsAfterFinished") }}{{ $_ := set $j "ttlSecondsAfterFinished" $d.ttlSecondsAfterFinished }}{{ end }}
{{- $_ := set $j "driver" (mergeOverwrite (dict "cores" 1 "memory" "1g") ($j.driver | default dict)) }}
{{- $_ := set $j "executor" (mergeOverwrite (dict "cores" 1 "memory" "2g" "memoryOverhead" "512m" "pysparkMemory" "0" "instances" 2) ($j.executor | default dict)) }}
{{- $_ := set $j "dynamicAllocation" (mergeOverwrite (dict "enabled" false "minExecutors" 0 "maxExecutors" 4) ($j.dynamicAllocation | default dict)) }}
{{- $_ := set $j "name" .name }}
{{- if $j.pythonSource }}
{{- $_ := set $j "mainApplicationFile" "local:///opt/spark/job/main.py" }}
{{- end }}
{{- $_ := set $j "python" (hasSuffix ".py" $j.mainApplicationFile) }}
{{- toYaml $j }}
{{- end }}

{{/* Object name of a job's objects: <fullname>-job-<name>[<suffix>] (at most 63 characters; CronJobs 52). Takes root, name, optional max and suffix. */}}
{{- define "spark-k8s.job.objectName" -}}
{{- include "spark-k8s.truncName" (dict "name" (printf "%s-job-%s" (include "spark-k8s.fullname" .root) .name) "suffix" (.suffix | default "") "max" (.max | default 63)) }}
{{- end }}

{{/* Spark application name of a job (spark.app.name; Spark derives the driver pod and Service names from it). */}}
{{- define "spark-k8s.job.appName" -}}
{{- include "spark-k8s.truncName" (dict "name" (printf "%s-%s" (include "spark-k8s.fullname" .root) .name) "max" 40) }}
{{- end }}

{{/* Metadata of a job's object: name, namespace, standard labels of the component plus the job label. Takes root, component, name, optional max. */}}
{{- define "spark-k8s.job.metadata" -}}
name: {{ include "spark-k8s.job.objectName" . | quote }}
namespace: {{ .root.Release.Namespace | quote }}
labels:
  {{- include "spark-k8s.labels" . | trim | nindent 2 }}
  {{ include "spark-k8s.job.labelKey" . }}: {{ .name | quote }}
{{- end }}

{{/* Name of the ServiceAccount every job driver runs under. */}}
{{- define "spark-k8s.job.driverServiceAccount" -}}
{{- include "spark-k8s.componentName" (dict "root" . "component" "job-driver") }}
{{- end }}

{{/* Where a submit job's files are mounted in the submitter (SPARK_CONF_DIR) and where the driver template is written. */}}
{{- define "spark-k8s.job.confDir" -}}/opt/spark/conf{{- end }}
{{- define "spark-k8s.job.driverTemplatePath" -}}/tmp/spark-templates/driver-pod-template.yaml{{- end }}

{{/*
Spark properties of a job (YAML map), sparkConf merged last. Takes root, job (resolved).
Pod template files are set only for submit jobs: the kubeflow operator writes spec.{driver,executor}.template to
files itself, the Apache operator takes driverSpec/executorSpec.podTemplateSpec.
*/}}
{{- define "spark-k8s.job.conf" -}}
{{- $root := .root }}
{{- $j := .job }}
{{- $release := include "spark-k8s.release" $root | fromYaml }}
{{- $conf := dict }}
{{- $_ := set $conf "spark.master" "k8s://https://kubernetes.default.svc" }}
{{- $_ := set $conf "spark.submit.deployMode" "cluster" }}
{{- $_ := set $conf "spark.app.name" (include "spark-k8s.job.appName" (dict "root" $root "name" $j.name)) }}
{{- $_ := set $conf "spark.kubernetes.namespace" $root.Release.Namespace }}
{{- $_ := set $conf "spark.kubernetes.container.image" (include "spark-k8s.image" (dict "root" $root "image" $j.image)) }}
{{- $_ := set $conf "spark.kubernetes.container.image.pullPolicy" $j.image.pullPolicy }}
{{- with $root.Values.imagePullSecrets }}
{{- $names := list }}{{ range . }}{{ $names = append $names .name }}{{ end }}
{{- $_ := set $conf "spark.kubernetes.container.image.pullSecrets" (join "," $names) }}
{{- end }}
{{- $_ := set $conf "spark.kubernetes.authenticate.driver.serviceAccountName" (include "spark-k8s.job.driverServiceAccount" $root) }}
{{- if eq $j.type "submit" }}
{{- /* spark-submit waits for the driver (the default of spark.kubernetes.submission.waitAppCompletion, set so it
cannot be turned off by accident): the submitter pod owns the driver pod (see the submit Job), so it must live as
long as the driver. */}}
{{- $_ := set $conf "spark.kubernetes.submission.waitAppCompletion" "true" }}
{{- $_ := set $conf "spark.kubernetes.driver.podTemplateFile" (include "spark-k8s.job.driverTemplatePath" $root) }}
{{- $_ := set $conf "spark.kubernetes.executor.podTemplateFile" (printf "%s/executor-pod-template.yaml" (include "spark-k8s.job.confDir" $root)) }}
{{- end }}
{{- /* Fixed driver ports from the component table (the NetworkPolicies read the same row). */}}
{{- $ports := (include "spark-k8s.component" (dict "root" $root "component" "job-driver") | fromYaml).ports }}
{{- $_ := set $conf "spark.driver.port" (toString $ports.driver) }}
{{- $_ := set $conf "spark.driver.blockManager.port" (toString $ports.blockmanager) }}
{{- /* Executors' block manager on the job-executor row's fixed port (one executor per pod), and their own account. */}}
{{- $_ := set $conf "spark.blockManager.port" (toString (include "spark-k8s.componentPort" (dict "root" $root "component" "job-executor" "port" "blockmanager"))) }}
{{- $_ := set $conf "spark.kubernetes.authenticate.executor.serviceAccountName" (include "spark-k8s.componentName" (dict "root" $root "component" "job-executor")) }}
{{- $_ := set $conf "spark.ui.port" (toString $ports.ui) }}
{{- $_ := set $conf "spark.kubernetes.driver.podTemplateContainerName" "spark-driver" }}
{{- $_ := set $conf "spark.kubernetes.executor.podTemplateContainerName" "spark-executor" }}
{{- /* Cost attribution (spark-k8s cost --group-by job|team): Spark records these labels in the event log. */}}
{{- $labelKey := include "spark-k8s.job.labelKey" $root }}
{{- range $role := list "driver" "executor" }}
{{- $_ := set $conf (printf "spark.kubernetes.%s.label.%s" $role $labelKey) $j.name }}
{{- with $j.team }}{{ $_ := set $conf (printf "spark.kubernetes.%s.label.team" $role) . }}{{ end }}
{{- end }}
{{- $_ := set $conf "spark.driver.cores" (toString $j.driver.cores) }}
{{- $_ := set $conf "spark.driver.memory" $j.driver.memory }}
{{- with $j.driver.memoryOverhead }}{{ $_ := set $conf "spark.driver.memoryOverhead" . }}{{ end }}
{{- $_ := set $conf "spark.executor.cores" (toString $j.executor.cores) }}
{{- $_ := set $conf "spark.executor.memory" $j.executor.memory }}
{{- $_ := set $conf "spark.executor.memoryOverhead" $j.executor.memoryOverhead }}
{{- if gt (include "spark-k8s.sizeMiB" $j.executor.pysparkMemory | int64) 0 }}
{{- $_ := set $conf "spark.executor.pyspark.memory" $j.executor.pysparkMemory }}
{{- end }}
{{- $da := $j.dynamicAllocation }}
{{- $_ := set $conf "spark.dynamicAllocation.enabled" ($da.enabled | toString) }}
{{- if $da.enabled }}
{{- $_ := set $conf "spark.dynamicAllocation.shuffleTracking.enabled" "true" }}
{{- $_ := set $conf "spark.dynamicAllocation.minExecutors" ($da.minExecutors | toString) }}
{{- $_ := set $conf "spark.dynamicAllocation.maxExecutors" ($da.maxExecutors | toString) }}
{{- else }}
{{- $_ := set $conf "spark.executor.instances" ($j.executor.instances | toString) }}
{{- end }}
{{- /* Event logs go to the release's prefix, where the History Server reads (SPK003). A batch job closes (and so
S3A uploads) its log when it ends, so rolling is off. */}}
{{- $_ := set $conf "spark.eventLog.enabled" "true" }}
{{- $_ := set $conf "spark.eventLog.dir" (include "spark-k8s.eventLogDir" $root) }}
{{- $_ := set $conf "spark.eventLog.compress" ($release.eventLogCompress | toString) }}
{{- with include "spark-k8s.jarsClassPath" $root }}
{{- $_ := set $conf "spark.driver.extraClassPath" . }}
{{- $_ := set $conf "spark.executor.extraClassPath" . }}
{{- end }}
{{- $conf = merge (include "spark-k8s.metastoreConf" $root | fromYaml) $conf }}
{{- $conf = merge (include "spark-k8s.s3aConf" $root | fromYaml) $conf }}
{{- /* The release's executor scheduling and decommissioning (spark.executorScheduling, spark.decommission), in cluster mode. */}}
{{- $podGroup := ternary (printf "%s/podgroup-template.yaml" (include "spark-k8s.job.confDir" $root)) "" (eq $j.type "submit") }}
{{- $conf = merge $conf (include "spark-k8s.executorScheduling.conf" (dict "root" $root "deployMode" "cluster" "podGroupTemplateFile" $podGroup) | fromYaml) }}
{{- /* Spark's Prometheus endpoints on the driver UI (monitoring.enabled): the same properties as Connect's, scraped by
the job-driver PodMonitor (templates/monitoring/_monitoring.tpl). */}}
{{- $conf = merge $conf (include "spark-k8s.monitoring.sparkConf" $root | fromYaml) }}
{{- include "spark-k8s.mergeSparkConfInto" (dict "base" $conf "over" (include "spark-k8s.components.sparkConf" (dict "root" $root "role" "job") | fromYaml)) }}
{{- include "spark-k8s.mergeSparkConfInto" (dict "base" $conf "over" ($j.sparkConf | default dict)) }}
{{- /* Traces and logs of the job's driver and executors (templates/observability): the agent's and log4j2's JVM
options in front of the job's own extraJavaOptions, the structured-logging flag on 4.x. */}}
{{- include "spark-k8s.observability.applicationConf" (dict "root" $root "conf" $conf "driver" "job-driver" "executor" "job-executor") }}
{{- end }}

{{/* Pod template of a job's driver or executors (the shared Spark pod template). Takes root, job (resolved), role. */}}
{{- define "spark-k8s.job.podTemplate" -}}
{{- $j := .job }}
{{- include "spark-k8s.sparkPodTemplate" (dict "root" .root "app" $j "role" .role "component" (printf "job-%s" .role)
  "labels" (dict (include "spark-k8s.job.labelKey" .root) $j.name)
  "codeConfigMap" (ternary (include "spark-k8s.job.objectName" (dict "root" .root "name" $j.name)) "" (and (eq .role "driver") (not (empty $j.pythonSource))))) }}
{{- end }}

{{/* Restart and retention of an operator application: the pod templates' JSON, used by both flavors. */}}
{{- define "spark-k8s.job.podTemplateObject" -}}
{{- $pod := include "spark-k8s.job.podTemplate" . | fromYaml }}
{{- toYaml (dict "metadata" $pod.metadata "spec" $pod.spec) }}
{{- end }}

{{/*
Job spec of a submit job's submitter: one pod running spark-submit --deploy-mode cluster (Takes root, job, args).
Clean-up (what Spark deletes and what it does not): Spark gives the executor pods, the driver's Service and its
ConfigMaps an owner reference to the driver pod (KubernetesClientApplication and ExecutorPodsAllocator,
apache/spark), so they go with the driver; nothing owns the driver pod, which Spark never deletes. The submitter
therefore writes the driver pod template at start with an owner reference to its own pod (name and uid from the
downward API), and spark-submit waits for the application (spark.kubernetes.submission.waitAppCompletion=true).
Deleting the submitter pod (the Job's ttlSecondsAfterFinished, the CronJob's history limit, `kubectl delete job`)
garbage-collects the driver and, through Spark's references, everything the driver made.
*/}}
{{- define "spark-k8s.job.submitterPod" -}}
{{- $root := .root }}
{{- $j := .job }}
{{- $confDir := include "spark-k8s.job.confDir" $root }}
backoffLimit: {{ $j.retries }}
ttlSecondsAfterFinished: {{ $j.ttlSecondsAfterFinished }}
template:
  metadata:
    labels:
      {{- include "spark-k8s.labels" (dict "root" $root "component" "job-submitter") | trim | nindent 6 }}
      {{ include "spark-k8s.job.labelKey" $root }}: {{ $j.name | quote }}
    annotations:
      checksum/config: {{ include "spark-k8s.job.conf" (dict "root" $root "job" $j) | sha256sum }}
  spec:
    serviceAccountName: {{ include "spark-k8s.componentName" (dict "root" $root "component" "job-submitter") | quote }}
    automountServiceAccountToken: true
    restartPolicy: Never
    {{- include "spark-k8s.podSpecCommon" (dict "root" $root "uid" 185) | trim | nindent 4 }}
    containers:
      - name: spark-submit
        {{- include "spark-k8s.containerImage" (dict "root" $root "image" $j.image) | trim | nindent 8 }}
        # tini is PID 1; bash writes the driver pod template with the owner reference, then execs spark-submit
        # (the JVM), whose arguments are the container args. Values reach the script only through env vars.
        command:
          - /usr/bin/tini
          - -s
          - --
          - /bin/bash
          - -ec
          - |
            set -f
            template="$SPARK_DRIVER_POD_TEMPLATE"
            mkdir -p "$(dirname "$template")"
            {
              sed -n '1,/^metadata:$/p' "$SPARK_CONF_DIR/driver-pod-template.yaml"
              printf '  ownerReferences:\n    - apiVersion: v1\n      kind: Pod\n      name: "%s"\n      uid: "%s"\n' "$SUBMITTER_POD_NAME" "$SUBMITTER_POD_UID"
              sed '1,/^metadata:$/d' "$SPARK_CONF_DIR/driver-pod-template.yaml"
            } > "$template"
            exec /opt/spark/bin/spark-submit "$@"
          - spark-submit
        args:
          {{- toYaml .args | nindent 10 }}
        env:
          - name: SUBMITTER_POD_NAME
            valueFrom:
              fieldRef:
                fieldPath: metadata.name
          - name: SUBMITTER_POD_UID
            valueFrom:
              fieldRef:
                fieldPath: metadata.uid
          - name: SPARK_CONF_DIR
            value: {{ $confDir | quote }}
          - name: SPARK_DRIVER_POD_TEMPLATE
            value: {{ include "spark-k8s.job.driverTemplatePath" $root | quote }}
        {{- include "spark-k8s.containerSecurityContext" $root | trim | nindent 8 }}
        {{- include "spark-k8s.resources" $root.Values.jobDefaults.submitterResources | trim | nindent 8 }}
        volumeMounts:
          - name: config
            mountPath: {{ $confDir | quote }}
            readOnly: true
          - name: tmp
            mountPath: /tmp
    volumes:
      - name: config
        configMap:
          name: {{ include "spark-k8s.job.objectName" (dict "root" $root "name" $j.name) | quote }}
      - name: tmp
        emptyDir:
          sizeLimit: 256Mi  # the driver pod template the script writes, and spark-submit's scratch files
{{- end }}

{{/*
Refuses an operator job the selected operator cannot run, naming the key. Takes root, job (resolved).
apache/spark-kubernetes-operator 1.0 supports Spark 4.0, 4.1 and 4.2 and dropped 3.5 (its 1.0.0 release notes), and
has no scheduled application kind; kubeflow/spark-operator runs Spark 3.x and 4.x (pod templates need Spark 3.0+).
`spark-k8s validate` checks the same pairs on rendered objects (SPK050).
*/}}
{{- define "spark-k8s.job.validateOperator" -}}
{{- $root := .root }}
{{- $line := $root.Values.spark.version | toString }}
{{- if eq $root.Values.operator.flavor "apache" }}
{{- if not (semverCompare ">=4.0.0-0" (printf "%s.0" $line)) }}
{{- fail (printf "jobs.%s.type: operator.flavor \"apache\" (the Apache Spark Kubernetes operator 1.0) runs Spark 4.0 and later, not spark.version %q; use operator.flavor kubeflow or type submit" .job.name $line) }}
{{- end }}
{{- if .job.schedule }}
{{- fail (printf "jobs.%s.schedule: operator.flavor \"apache\" has no scheduled applications; use operator.flavor kubeflow (ScheduledSparkApplication) or type submit (CronJob)" .job.name) }}
{{- end }}
{{- end }}
{{- end }}
