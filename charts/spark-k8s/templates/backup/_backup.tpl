{{/*
Backup helpers. The CronJobs and the restore Job run the tools image (images/tools/Dockerfile):
the spark-k8s CLI plus the PostgreSQL client, as uid 1654 (the .NET images' "app" user).
*/}}

{{/* Tools image "repository:tag[@digest]" through the image helper; an empty tag uses the chart version. */}}
{{- define "spark-k8s.backup.image" -}}
{{- $image := merge (dict "tag" (.Values.backup.image.tag | default .Chart.Version)) (deepCopy .Values.backup.image) }}
{{- include "spark-k8s.containerImage" (dict "root" . "image" $image) }}
{{- end }}

{{/*
"true" when one backup.databases entry is backed up: enabled, and for the entries of the chart's own databases
(metastore, airflow, mlflow) only while that component runs, unless the entry names a host of its own. Takes root, name, entry.
*/}}
{{- define "spark-k8s.backup.active" -}}
{{- $v := .root.Values }}
{{- $on := dict "metastore" $v.metastore.enabled "airflow" $v.airflow.enabled "mlflow" $v.mlflow.enabled }}
{{- /* The mlflow entry follows mlflow.enabled only: its connection defaults come from MLflow's settings. */}}
{{- if and .entry.enabled (or (not (hasKey $on .name)) (index $on .name) (and .entry.host (ne .name "mlflow"))) }}true{{ else }}false{{ end }}
{{- end }}

{{/*
Connection of one backup.databases entry (YAML map: host, port, database, username, secret, key).
Empty fields of the "metastore", "airflow" and "mlflow" entries come from that component's database; other entries must be
complete. Takes root, name, entry, optional purpose (backup, restore).
*/}}
{{- define "spark-k8s.backup.database" -}}
{{- $e := .entry }}
{{- $defaults := dict }}
{{- $inChart := false }}
{{- if eq .name "metastore" }}
{{- $defaults = include "spark-k8s.metastoreDb" .root | fromYaml }}
{{- $inChart = .root.Values.postgresql.enabled }}
{{- else if eq .name "airflow" }}
{{- $defaults = include "spark-k8s.airflow.db" .root | fromYaml }}
{{- $inChart = eq (include "spark-k8s.airflow.inChartDb" .root) "true" }}
{{- else if eq .name "mlflow" }}
{{- $defaults = include "spark-k8s.mlflow.database" .root | fromYaml }}
{{- $inChart = eq (include "spark-k8s.mlflow.inChartDb" .root) "true" }}
{{- end }}
{{- /* The chart's PostgreSQL has a role per purpose (postgresql/roles-job.yaml): backups and verify connect as the
backup role (pg_read_all_data, CONNECT on every application database), a restore of the metastore as the restore role;
never as the application's own role. A restore of another database connects as that database's owner. */}}
{{- if $inChart }}
{{- $rows := include "spark-k8s.credentials" .root | fromYaml }}
{{- $purpose := .purpose | default "backup" }}
{{- if or (eq $purpose "backup") (eq .name "metastore") }}
{{- $role := index .root.Values.postgresql.auth $purpose }}
{{- $id := printf "postgresql-%s" $purpose }}
{{- if (index $rows $id).enabled }}
{{- $_ := set $defaults "username" (toString $role.username) }}
{{- $_ := set $defaults "secret" (include "spark-k8s.credential.secretName" (dict "root" .root "id" $id)) }}
{{- $_ := set $defaults "key" (toString $role.passwordKey) }}
{{- end }}
{{- end }}
{{- end }}
{{- $port := int ($defaults.port | default 5432) }}
{{- if gt (int ($e.port | default 0)) 0 }}
{{- $port = int $e.port }}
{{- end }}
{{- $db := dict
  "host" ($e.host | default $defaults.host)
  "port" $port
  "database" ($e.database | default $defaults.database)
  "username" ($e.username | default $defaults.username)
  "secret" ($e.existingSecret | default $defaults.secret)
  "key" ($e.passwordKey | default $defaults.key) }}
{{- range $field, $key := dict "host" "host" "database" "database" "username" "username" "secret" "existingSecret" "key" "passwordKey" }}
{{- if not (index $db $field) }}
{{- if $e.host }}
{{- fail (printf "backup.databases.%s.%s: set it (backup.databases.%s.host points the entry at a database outside the chart, so the chart cannot supply its %s)" $.name $key $.name $key) }}
{{- end }}
{{- fail (printf "backup.databases.%s.%s: set it (only the metastore, airflow and mlflow entries take their connection from the chart)" $.name $key) }}
{{- end }}
{{- end }}
{{- toYaml $db }}
{{- end }}

{{/* libpq URI without password: postgresql://user@host:port/database. Takes a database map and an optional "database" override. */}}
{{- define "spark-k8s.backup.uri" -}}
{{- printf "postgresql://%s@%s:%v/%s" .db.username .db.host .db.port (.database | default .db.database) }}
{{- end }}

{{/* The backup location s3://bucket/prefix. */}}
{{- define "spark-k8s.backup.target" -}}
{{- $t := .Values.backup.target }}
{{- printf "s3://%s/%s" ($t.bucket | default .Values.s3.buckets.backups) ($t.prefix | default .Release.Namespace | trimAll "/") }}
{{- end }}

{{/* A backup entry looked up by name, failing with the values key named when it is missing. Takes root, name, key. */}}
{{- define "spark-k8s.backup.entry" -}}
{{- $entry := index .root.Values.backup.databases .name }}
{{- if not $entry }}
{{- fail (printf "%s: %q is not an entry of backup.databases (%s)" .key .name (keys .root.Values.backup.databases | sortAlpha | join ", ")) }}
{{- end }}
{{- toYaml $entry }}
{{- end }}

{{/*
Object name of a backup workload, short enough for a CronJob (52 characters): a long name is cut
with a hash suffix, so two databases never collide, and the optional suffix ("-r3") is always kept.
Takes root, kind, name, optional suffix.
*/}}
{{- define "spark-k8s.backup.name" -}}
{{- include "spark-k8s.truncName" (dict "name" (printf "%s-%s-%s" (include "spark-k8s.fullname" .root) .kind .name) "suffix" .suffix "max" 52) }}
{{- end }}

{{/*
Pod template of a backup, verify or restore run: the tools image with `spark-k8s backup <args>`,
PGPASSWORD and the S3 credentials from Secrets (never in the manifest), /tmp as an emptyDir.
The S3 endpoint, region and Secret are backup.target's, else the chart's.
Takes root, component, db (database map), args (list), resources.
The archive is streamed (nothing staged on disk), so /tmp only holds HOME and is small.
*/}}
{{- define "spark-k8s.backup.podTemplate" -}}
{{- $root := .root }}
{{- $t := $root.Values.backup.target }}
metadata:
  labels:
    {{- include "spark-k8s.labels" (dict "root" $root "component" .component) | trim | nindent 4 }}
    {{- include "spark-k8s.workloadIdentity.podLabels" $root | nindent 4 }}
spec:
  restartPolicy: Never
  serviceAccountName: {{ include "spark-k8s.componentName" (dict "root" $root "component" .component) | quote }}
  automountServiceAccountToken: false
  {{- include "spark-k8s.podSpecCommon" (dict "root" $root "uid" 1654) | trim | nindent 2 }}
  containers:
    - name: {{ .component | quote }}
      {{- include "spark-k8s.backup.image" $root | trim | nindent 6 }}
      args:
        - backup
        {{- range .args }}
        - {{ . | quote }}
        {{- end }}
        - --target
        - {{ include "spark-k8s.backup.target" $root | quote }}
        - --s3-endpoint
        - {{ $t.endpoint | default (include "spark-k8s.s3Endpoint" $root) | quote }}
        - --s3-region
        - {{ $t.region | default $root.Values.s3.region | quote }}
      env:
        - name: PGPASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ .db.secret | quote }}
              key: {{ .db.key | quote }}
        {{- include "spark-k8s.s3Env" (dict "root" $root "purpose" "backup") | nindent 8 }}
        - name: HOME
          value: /tmp
      {{- include "spark-k8s.containerSecurityContext" $root | trim | nindent 6 }}
      {{- include "spark-k8s.resources" .resources | trim | nindent 6 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
{{- end }}

{{/* A CronJob running one backup or verify per schedule. Takes root, component, name, schedule, podTemplate (rendered). */}}
{{- define "spark-k8s.backup.cronJob" -}}
{{- $b := .root.Values.backup }}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ include "spark-k8s.backup.name" (dict "root" .root "kind" .component "name" .name) | quote }}
  namespace: {{ .root.Release.Namespace | quote }}
  labels:
    {{- include "spark-k8s.labels" (dict "root" .root "component" .component) | trim | nindent 4 }}
    spark-k8s/backup-name: {{ .name | quote }}
spec:
  schedule: {{ .schedule | quote }}
  {{- with $b.timeZone }}
  timeZone: {{ . | quote }}
  {{- end }}
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 3600
  successfulJobsHistoryLimit: {{ $b.successfulJobsHistoryLimit }}
  failedJobsHistoryLimit: {{ $b.failedJobsHistoryLimit }}
  jobTemplate:
    metadata:
      labels:
        {{- include "spark-k8s.labels" (dict "root" .root "component" .component) | trim | nindent 8 }}
        spark-k8s/backup-name: {{ .name | quote }}
    spec:
      backoffLimit: {{ $b.backoffLimit }}
      activeDeadlineSeconds: {{ $b.activeDeadlineSeconds }}
      template:
        {{- .podTemplate | trim | nindent 8 }}
{{- end }}
