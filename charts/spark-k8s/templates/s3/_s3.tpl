{{/*
S3 helpers: the endpoint (s3.endpoint or the in-chart MinIO), the credentials of each purpose and the S3A
credentials provider. Purposes (least privilege, templates/credentials/_credentials.tpl has their Secrets):
spark (Connect, executors, metastore), history (History Server), backup (backup, verify and restore Jobs),
cost (the cost exporter: read-only on the release's event-log prefix).
mlflow (the MLflow tracking server, which proxies every client's artifacts).
*/}}

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

{{/* "true" when pods get static S3 keys from Secrets; "false" with AWS workload identity (IRSA, EKS Pod Identity). */}}
{{- define "spark-k8s.s3.staticKeys" -}}
{{- not (has (toString .Values.s3.workloadIdentity.provider) (list "aws-irsa" "aws-pod-identity")) }}
{{- end }}

{{/* Name of the MinIO root Secret (in-chart MinIO), or of the shared external S3 Secret. */}}
{{- define "spark-k8s.s3SecretName" -}}
{{- include "spark-k8s.credential.secretName" (dict "root" . "id" "s3") }}
{{- end }}

{{/*
Env vars with the S3 credentials of one purpose (read by the S3A credentials provider and the backup CLI), plus the
region. Takes the root context (purpose spark) or root and purpose (spark, history, backup, cost). With AWS workload
identity there are no keys: the EKS webhooks inject the token file or the Pod Identity agent's variables.
*/}}
{{- define "spark-k8s.s3Env" -}}
{{- $root := .root | default . }}
{{- $purpose := .purpose | default "spark" }}
{{- $_ := include "spark-k8s.s3Endpoint" $root }}
{{- if eq (include "spark-k8s.s3.staticKeys" $root) "true" }}
{{- $id := printf "s3-%s" $purpose }}
{{- include "spark-k8s.credential.env" (dict "root" $root "id" $id "name" "AWS_ACCESS_KEY_ID" "key" $root.Values.s3.credentials.accessKeyIdKey) }}
{{ include "spark-k8s.credential.env" (dict "root" $root "id" $id "name" "AWS_SECRET_ACCESS_KEY" "key" $root.Values.s3.credentials.secretAccessKeyKey) }}
{{ end -}}
- name: AWS_REGION
  value: {{ $root.Values.s3.region | quote }}
{{- end }}

{{/*
S3A credentials provider class (fs.s3a.aws.credentials.provider) for the Spark line: static keys from env vars,
or the web identity token file (IRSA) / container credentials (EKS Pod Identity). Class names per AWS SDK major:
Spark 3.5 ships hadoop-aws 3.3.4 on SDK v1 (com.amazonaws.auth.*), Spark 4.x hadoop-aws 3.4 on SDK v2
(software.amazon.awssdk.auth.credentials.*); apache/hadoop hadoop-tools/hadoop-aws/src/site/markdown/tools/hadoop-aws/
aws_sdk_upgrade.md maps each v1 provider to its v2 class. Values: spark.releases.<line>.s3aCredentialsProviders.
*/}}
{{- define "spark-k8s.s3.credentialsProvider" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $wi := toString .Values.s3.workloadIdentity.provider }}
{{- if eq $wi "aws-irsa" }}
{{- $release.s3aCredentialsProviders.webIdentity }}
{{- else if eq $wi "aws-pod-identity" }}
{{- if not $release.s3aCredentialsProviders.podIdentity }}
{{- fail (printf "s3.workloadIdentity.provider: \"aws-pod-identity\" needs an AWS SDK with EKS Pod Identity support, which the Spark %s line's SDK (spark.releases.%s.extraJars) lacks; use \"aws-irsa\" or Spark 4.1" .Values.spark.version .Values.spark.version) }}
{{- end }}
{{- $release.s3aCredentialsProviders.podIdentity }}
{{- else }}
{{- $release.s3aCredentialsProvider }}
{{- end }}
{{- end }}

{{/*
The MinIO users the setup Job creates, one per purpose whose key pair the chart manages (YAML map purpose ->
{id, buckets, actions}). Object actions apply to <bucket>/*, bucket actions to the bucket itself.
*/}}
{{- define "spark-k8s.s3.purposes" -}}
{{- $v := .Values }}
{{- $read := list "s3:GetObject" }}
{{- $write := list "s3:PutObject" "s3:DeleteObject" "s3:AbortMultipartUpload" "s3:ListMultipartUploadParts" }}
{{- $list := list "s3:ListBucket" "s3:GetBucketLocation" }}
{{- $listUploads := list "s3:ListBucketMultipartUploads" }}
{{- $rows := include "spark-k8s.credentials" . | fromYaml }}
{{- /* The cleaner deletes expired logs; compaction (maxFilesToRetain > 0) writes .compact files and deletes the rolled
ones it replaced (EventLogFileCompactor in apache/spark core/.../deploy/history). Only for those does the History
Server get delete and put, on the events bucket only; with both off its key is read-only. */}}
{{- $cleans := $v.historyServer.cleaner.enabled }}
{{- $compacts := gt (int64 $v.historyServer.eventLog.maxFilesToRetain) 0 }}
{{- $historyObjects := $read }}
{{- if or $cleans $compacts }}{{ $historyObjects = append $historyObjects "s3:DeleteObject" }}{{ end }}
{{- if $compacts }}{{ $historyObjects = concat $historyObjects (list "s3:PutObject" "s3:AbortMultipartUpload" "s3:ListMultipartUploadParts") }}{{ end }}
{{- if (index $rows "s3-spark").enabled }}
spark:
  id: s3-spark
  buckets: {{ list $v.s3.buckets.events $v.s3.buckets.warehouse | uniq | toJson }}
  objectActions: {{ concat $read $write | toJson }}
  bucketActions: {{ concat $list $listUploads | toJson }}
{{- end }}
{{- if (index $rows "s3-history").enabled }}
history:
  id: s3-history
  buckets: {{ list $v.s3.buckets.events | toJson }}
  objectActions: {{ $historyObjects | toJson }}
  bucketActions: {{ ternary (concat $list $listUploads) $list $compacts | toJson }}
{{- end }}
{{- /* The cost exporter lists and reads this release's event logs and nothing else: s3:ListBucket only under the
event-log prefix (condition s3:prefix), s3:GetObject only on keys below it; no write, no delete. */}}
{{- if (index $rows "s3-cost").enabled }}
cost:
  id: s3-cost
  buckets: {{ list $v.s3.buckets.events | toJson }}
  prefix: {{ include "spark-k8s.eventLogPrefix" . | quote }}
  objectActions: {{ $read | toJson }}
  bucketActions: ["s3:ListBucket"]
{{- end }}
{{- if (index $rows "s3-mlflow").enabled }}
mlflow:
  id: s3-mlflow
  buckets: {{ list $v.s3.buckets.mlflow | toJson }}
  objectActions: {{ concat $read $write | toJson }}
  bucketActions: {{ concat $list $listUploads | toJson }}
{{- end }}
{{- if (index $rows "s3-backup").enabled }}
backup:
  id: s3-backup
  buckets: {{ list ($v.backup.target.bucket | default $v.s3.buckets.backups) | toJson }}
  objectActions: {{ concat $read $write | toJson }}
  bucketActions: {{ concat $list $listUploads | toJson }}
{{- end }}
{{- end }}

{{/* The IAM policy document of one purpose (JSON). Takes a row of spark-k8s.s3.purposes (prefix optional). */}}
{{- define "spark-k8s.s3.policy" -}}
{{- $objects := list }}
{{- $buckets := list }}
{{- $prefix := .prefix | default "" }}
{{- range .buckets }}
{{- $objects = append $objects (ternary (printf "arn:aws:s3:::%s/%s/*" . $prefix) (printf "arn:aws:s3:::%s/*" .) (ne $prefix "")) }}
{{- $buckets = append $buckets (printf "arn:aws:s3:::%s" .) }}
{{- end }}
{{- $bucketStatement := dict "Effect" "Allow" "Action" .bucketActions "Resource" $buckets }}
{{- if $prefix }}
{{- /* A row with a prefix may list only under it (IAM condition key s3:prefix, which MinIO evaluates too). */}}
{{- $_ := set $bucketStatement "Condition" (dict "StringLike" (dict "s3:prefix" (list $prefix (printf "%s/*" $prefix)))) }}
{{- end }}
{{- toJson (dict "Version" "2012-10-17" "Statement" (list
  $bucketStatement
  (dict "Effect" "Allow" "Action" .objectActions "Resource" $objects))) }}
{{- end }}
