{{/*
Great Expectations data quality (dataQuality, docs/en/data-quality.md). The runner
(charts/spark-k8s/files/data-quality/runner.py) is a Spark Connect client: Great Expectations validates Spark Connect
DataFrames since 1.0.5 (great-expectations/great_expectations PR #10420 "Support Spark connect dataframes";
tests/integration/spark/test_spark_connect.py runs a ValidationDefinition on a pyspark.sql.connect DataFrame), so
the table is read and the expectations' metrics are computed by the release's Connect server and its executors; the
runner pod sends plans over gRPC and needs no Java.
*/}}

{{/* "true" when the release runs validations: dataQuality.enabled and mode always or scheduled, or production_only
with environment prod. mode skip, and production_only elsewhere, render nothing that runs. */}}
{{- define "spark-k8s.dataQuality.active" -}}
{{- $d := .Values.dataQuality }}
{{- and $d.enabled (or (has $d.mode (list "always" "scheduled")) (and (eq $d.mode "production_only") (eq (toString .Values.environment) "prod"))) }}
{{- end }}

{{/* The runner image map; an empty tag follows the Spark release (images/data-quality is built per Spark line). */}}
{{- define "spark-k8s.dataQuality.image" -}}
{{- $image := deepCopy .Values.dataQuality.image }}
{{- if not $image.tag }}{{ $_ := set $image "tag" (include "spark-k8s.release" . | fromYaml).sparkVersion }}{{ end }}
{{- toYaml $image }}
{{- end }}

{{/* The suite files of the ConfigMap (YAML map file name -> text): the example suites (dataQuality.examples) and
dataQuality.suites, which win on the same file name. */}}
{{- define "spark-k8s.dataQuality.suiteFiles" -}}
{{- $files := dict }}
{{- if .Values.dataQuality.examples }}
{{- range $path, $_ := .Files.Glob "files/data-quality/suites/*.yaml" }}
{{- $_ := set $files (base $path) ($.Files.Get $path) }}
{{- end }}
{{- end }}
{{- range $name, $text := .Values.dataQuality.suites }}{{ $_ := set $files $name $text }}{{ end }}
{{- toYaml $files }}
{{- end }}

{{/* Fails the render on settings that cannot run. */}}
{{- define "spark-k8s.dataQuality.validate" -}}
{{- $d := .Values.dataQuality }}
{{- if not .Values.connect.enabled }}
{{- fail "dataQuality.enabled: the runner validates through the release's Spark Connect server; set connect.enabled true (or dataQuality.enabled false)" }}
{{- end }}
{{- if and (eq $d.mode "scheduled") (not $d.schedule) }}
{{- fail "dataQuality.schedule: mode scheduled needs a cron schedule (for example \"0 6 * * *\"); or set dataQuality.mode always" }}
{{- end }}
{{- if and $d.git.enabled (not $d.git.repo) }}
{{- fail "dataQuality.git.repo: set the repository URL of the suites (https://... or ssh://...), or dataQuality.git.enabled false" }}
{{- end }}
{{- if and (not $d.git.enabled) (not (include "spark-k8s.dataQuality.suiteFiles" . | fromYaml)) }}
{{- fail "dataQuality.suites: no suite to run; add suites, keep dataQuality.examples true or take them from git (dataQuality.git)" }}
{{- end }}
{{- end }}

{{/* Folder the runner reads the suites from. */}}
{{- define "spark-k8s.dataQuality.suitesDir" -}}
{{- if .Values.dataQuality.git.enabled }}
{{- printf "/git/repo/%s" (trimAll "/" .Values.dataQuality.git.path) | trimSuffix "/" }}
{{- else }}/etc/data-quality/suites{{ end }}
{{- end }}

{{/* The one-time git-sync init container that clones the suites (git-sync v4 flags as env vars, GITSYNC_*). */}}
{{- define "spark-k8s.dataQuality.gitContainer" -}}
{{- $g := .Values.dataQuality.git }}
{{- $ssh := hasPrefix "ssh://" $g.repo }}
- name: git-clone
  {{- include "spark-k8s.containerImage" (dict "root" . "image" $g.image) | trim | nindent 2 }}
  env:
    - name: GITSYNC_REPO
      value: {{ $g.repo | quote }}
    - name: GITSYNC_REF
      value: {{ $g.ref | quote }}
    - name: GITSYNC_ROOT
      value: /git
    - name: GITSYNC_LINK
      value: repo
    - name: GITSYNC_DEPTH
      value: "1"
    - name: GITSYNC_ONE_TIME
      value: "true"
    - name: HOME
      value: /tmp
    {{- if $g.existingSecret }}
    {{- if $ssh }}
    - name: GITSYNC_SSH_KEY_FILE
      value: /etc/git-secret/ssh
    - name: GITSYNC_SSH_KNOWN_HOSTS_FILE
      value: /etc/git-secret/known_hosts
    {{- else }}
    - name: GITSYNC_USERNAME
      valueFrom:
        secretKeyRef:
          name: {{ $g.existingSecret | quote }}
          key: GITSYNC_USERNAME
    - name: GITSYNC_PASSWORD
      valueFrom:
        secretKeyRef:
          name: {{ $g.existingSecret | quote }}
          key: GITSYNC_PASSWORD
    {{- end }}
    {{- end }}
  {{- include "spark-k8s.containerSecurityContext" . | trim | nindent 2 }}
  {{- include "spark-k8s.resources" .Values.dataQuality.resources | trim | nindent 2 }}
  volumeMounts:
    - name: git
      mountPath: /git
    - name: tmp
      mountPath: /tmp
    {{- if and $g.existingSecret $ssh }}
    - name: git-credentials
      mountPath: /etc/git-secret
      readOnly: true
    {{- end }}
{{- end }}

{{/*
The runner's pod (YAML map: metadata with the component labels, spec), used by the CronJob and by the example DAG's
KubernetesPodOperator (spark_k8s_data_quality_pod.yaml). Secrets reach it only as secretKeyRef env vars: the Connect
token (Spark 4.x, in SPARK_REMOTE through $(SPARK_CONNECT_TOKEN)) and the Spark S3 keys.
*/}}
{{- define "spark-k8s.dataQuality.pod" -}}
{{- $d := .Values.dataQuality }}
{{- $ctx := dict "root" . "component" "data-quality" }}
{{- $image := include "spark-k8s.dataQuality.image" . | fromYaml }}
metadata:
  labels:
    {{- include "spark-k8s.labels" $ctx | trim | nindent 4 }}
spec:
  restartPolicy: Never
  serviceAccountName: {{ include "spark-k8s.componentName" $ctx | quote }}
  automountServiceAccountToken: false
  {{- include "spark-k8s.podSpecCommon" (dict "root" . "uid" 1000) | trim | nindent 2 }}
  {{- if $d.git.enabled }}
  initContainers:
    {{- include "spark-k8s.dataQuality.gitContainer" . | trim | nindent 4 }}
  {{- end }}
  containers:
    - name: runner
      {{- include "spark-k8s.containerImage" (dict "root" . "image" $image) | trim | nindent 6 }}
      command:
        - python3
        - /opt/data-quality/runner.py
      env:
        {{- with include "spark-k8s.connect.clientEnv" . | trim }}{{ . | nindent 8 }}{{ end }}
        {{- include "spark-k8s.s3Env" . | trim | nindent 8 }}
        - name: AWS_ENDPOINT_URL_S3
          value: {{ include "spark-k8s.s3Endpoint" . | quote }}
        - name: DQ_MODE
          value: {{ $d.mode | quote }}
        - name: DQ_ENVIRONMENT
          value: {{ .Values.environment | toString | quote }}
        - name: DQ_SUITES_DIR
          value: {{ include "spark-k8s.dataQuality.suitesDir" . | quote }}
        - name: DQ_RUN
          value: {{ join "," $d.run | quote }}
        - name: DQ_BUCKET
          value: {{ $d.results.bucket | default .Values.s3.buckets.warehouse | quote }}
        - name: DQ_PREFIX
          value: {{ trimAll "/" $d.results.prefix | quote }}
        - name: DQ_DATA_DOCS
          value: {{ $d.dataDocs | quote }}
        - name: DQ_RESULT_FORMAT
          value: {{ $d.resultFormat | quote }}
        - name: HOME
          value: /tmp
        - name: PYTHONDONTWRITEBYTECODE
          value: "1"
      {{- include "spark-k8s.containerSecurityContext" . | trim | nindent 6 }}
      {{- include "spark-k8s.resources" $d.resources | trim | nindent 6 }}
      volumeMounts:
        - name: runner
          mountPath: /opt/data-quality
          readOnly: true
        {{- if $d.git.enabled }}
        - name: git
          mountPath: /git
          readOnly: true
        {{- else }}
        - name: suites
          mountPath: /etc/data-quality/suites
          readOnly: true
        {{- end }}
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: runner
      configMap:
        name: {{ include "spark-k8s.componentName" $ctx | quote }}
        items:
          - key: runner.py
            path: runner.py
    {{- if $d.git.enabled }}
    - name: git
      emptyDir:
        sizeLimit: {{ .Values.ephemeralStorage.tmp | quote }}
    {{- if and $d.git.existingSecret (hasPrefix "ssh://" $d.git.repo) }}
    - name: git-credentials
      secret:
        secretName: {{ $d.git.existingSecret | quote }}
        defaultMode: 0440
    {{- end }}
    {{- else }}
    - name: suites
      configMap:
        name: {{ include "spark-k8s.objectName" (merge (dict "suffix" "suites") $ctx) | quote }}
    {{- end }}
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.ephemeralStorage.tmp | quote }}
{{- end }}

{{/* The example DAG's pod file (spark_k8s_data_quality_pod.yaml, a Kubernetes Pod for KubernetesPodOperator's
pod_template_file), or "" when no validation runs. */}}
{{- define "spark-k8s.dataQuality.airflowPod" -}}
{{- if eq (include "spark-k8s.dataQuality.active" .) "true" }}
{{- $pod := include "spark-k8s.dataQuality.pod" . | fromYaml }}
{{- /* Airflow, not Helm, creates and deletes this pod: the labels of pods the chart does not manage. */}}
{{- $_ := set $pod.metadata "labels" (include "spark-k8s.sparkPodLabels" (dict "root" . "component" "data-quality") | fromYaml) }}
{{- $_ := set $pod.metadata "namespace" .Release.Namespace }}
{{- $_ := set $pod.metadata "name" (include "spark-k8s.componentName" (dict "root" . "component" "data-quality")) }}
{{- toYaml (dict "apiVersion" "v1" "kind" "Pod" "metadata" $pod.metadata "spec" $pod.spec) }}
{{- end }}
{{- end }}
