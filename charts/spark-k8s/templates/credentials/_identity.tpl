{{/*
Workload identity for external S3 (s3.workloadIdentity): each component's pods run under its own ServiceAccount
(templates/serviceaccounts.yaml), annotated with the cloud identity of the component's purpose (the identity field of
its row in templates/_components.tpl), and get no static S3 keys with AWS (spark-k8s.s3.staticKeys).
- aws-irsa: eks.amazonaws.com/role-arn on the ServiceAccount; the EKS Pod Identity webhook mounts a projected token
  and sets AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE (it does not need automountServiceAccountToken).
- aws-pod-identity: no annotation; an EKS Pod Identity association (namespace + ServiceAccount -> role) made outside
  the chart, and the agent's AWS_CONTAINER_CREDENTIALS_FULL_URI.
- gke: iam.gke.io/gcp-service-account; azure: azure.workload.identity/client-id plus the azure.workload.identity/use
  pod label. S3A reads AWS credentials only, so these identities serve GCS/ABFS connectors and in-pod SDKs, and the
  S3 keys stay.
*/}}

{{/* Annotations of a ServiceAccount for one purpose (YAML map, may be empty). Takes root, purpose (values key). */}}
{{- define "spark-k8s.workloadIdentity.annotations" -}}
{{- include "spark-k8s.validate" .root }}
{{- $wi := .root.Values.s3.workloadIdentity }}
{{- $provider := toString $wi.provider }}
{{- $identity := index $wi .purpose | toString }}
{{- $annotation := get (dict "aws-irsa" "eks.amazonaws.com/role-arn" "gke" "iam.gke.io/gcp-service-account" "azure" "azure.workload.identity/client-id") $provider }}
{{- if $annotation }}
{{- if not $identity }}
{{- fail (printf "s3.workloadIdentity.%s: set the identity of this purpose (%s) for s3.workloadIdentity.provider %q" .purpose $annotation $provider) }}
{{- end }}
{{- toYaml (dict $annotation $identity) }}
{{- end }}
{{- end }}

{{/* Pod labels workload identity needs (Azure's webhook only mutates labelled pods). Takes the root context. */}}
{{- define "spark-k8s.workloadIdentity.podLabels" -}}
{{- if eq (toString .Values.s3.workloadIdentity.provider) "azure" }}
azure.workload.identity/use: "true"
{{- end }}
{{- end }}
