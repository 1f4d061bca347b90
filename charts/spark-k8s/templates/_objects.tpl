{{/*
Generic objects of one component: Services, PersistentVolumeClaims, PodDisruptionBudgets, generated Secrets,
and XML escaping for config files.
*/}}

{{/*
A Service selecting one component of this release. Takes root, component, optional suffix,
type, ports (list of dicts: name, port; targetPort is the container port of that name),
headless (bool).
*/}}
{{- define "spark-k8s.service" -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "spark-k8s.metadata" . | trim | nindent 2 }}
spec:
  {{- if .headless }}
  clusterIP: None
  publishNotReadyAddresses: true
  {{- else }}
  type: {{ .type | default "ClusterIP" | quote }}
  {{- end }}
  selector:
    {{- include "spark-k8s.selectorLabels" . | trim | nindent 4 }}
  ports:
    {{- range .ports }}
    - name: {{ .name | quote }}
      port: {{ .port }}
      targetPort: {{ .name | quote }}
    {{- end }}
{{- end }}

{{/* A PersistentVolumeClaim body: a top-level PVC, or a volumeClaimTemplate when "name" is given. Takes root, component, persistence, name. */}}
{{- define "spark-k8s.pvc" -}}
metadata:
  name: {{ .name | default (include "spark-k8s.componentName" .) | quote }}
  {{- if .name }}
  # volumeClaimTemplates are immutable: only the stable selector labels, so upgrades can change versions.
  labels:
    {{- include "spark-k8s.selectorLabels" . | trim | nindent 4 }}
  {{- else }}
  namespace: {{ .root.Release.Namespace | quote }}
  labels:
    {{- include "spark-k8s.labels" . | trim | nindent 4 }}
  {{- end }}
spec:
  accessModes:
    - ReadWriteOnce
  {{- with .persistence.storageClass }}
  storageClassName: {{ . | quote }}
  {{- end }}
  resources:
    requests:
      storage: {{ .persistence.size | quote }}
{{- end }}

{{/*
A PodDisruptionBudget letting a drain evict one replica at a time, for a component with more than one
replica (with one replica a budget would block every drain). Takes root, component, replicas.
*/}}
{{- define "spark-k8s.pdb" -}}
{{- if gt (int .replicas) 1 }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "spark-k8s.metadata" . | trim | nindent 2 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "spark-k8s.selectorLabels" . | trim | nindent 6 }}
{{- end }}
{{- end }}

{{/*
A generated secret value: the existing Secret's value when the release already has one
(lookup; helm template has no cluster and always generates), else a random one.
Takes root, name (Secret name), key, length and optional format: "fernet" (a Fernet key) or "value:<text>" (that
fixed text, e.g. a user name). Returns the base64 value.
*/}}
{{- define "spark-k8s.generatedSecretValue" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .name }}
{{- $format := toString (.format | default "") }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key }}
{{- else if hasPrefix "value:" $format }}
{{- trimPrefix "value:" $format | b64enc }}
{{- else if eq $format "fernet" }}
{{- /* A Fernet key: URL-safe base64 of 32 bytes, 43 characters and "=" (cryptography's Fernet, which Airflow's
[core] fernet_key takes); 43 random letters and digits decode to 32 bytes. */}}
{{- printf "%s=" (randAlphaNum 43) | b64enc }}
{{- else }}
{{- randAlphaNum (int .length) | b64enc }}
{{- end }}
{{- end }}

{{/*
A generated Secret: metadata plus base64 data keys. Takes root, component, optional suffix (name <fullname>-<component>-<suffix>), keys (map key -> length), optional
formats (map key -> format of spark-k8s.generatedSecretValue) and
existingSecretKey (the values key that names an existing Secret instead, for the messages below).
- helm.sh/resource-policy: keep: `helm uninstall` leaves the Secret, so a reinstall under the same release name and
  namespace finds it through lookup and reuses its values; the PostgreSQL volume (a StatefulSet PVC, which uninstall
  keeps too) keeps matching the password. Remaining case: a Secret deleted by hand, or a reinstall under another
  release name, generates a new value the kept database does not know (docs/en/chart.md "Secrets").
- spark-k8s.io/generated-secret: read by `spark-k8s validate` (SPK030): `helm template` (Argo CD, Flux) has no
  cluster, so lookup finds nothing and every render rotates the values.
- secrets.requireExisting (staging, prod) refuses to generate at all.
*/}}
{{- define "spark-k8s.generatedSecret" -}}
{{- if .root.Values.secrets.requireExisting }}
{{- fail (printf "%s: secrets.requireExisting is true (the staging and prod environments set it): create the Secret first (kubectl create secret generic ...) and name it in %s" .existingSecretKey .existingSecretKey) }}
{{- end }}
{{- $name := include "spark-k8s.objectName" . }}
apiVersion: v1
kind: Secret
metadata:
  {{- include "spark-k8s.metadata" . | trim | nindent 2 }}
  annotations:
    helm.sh/resource-policy: keep
    spark-k8s.io/generated-secret: {{ .existingSecretKey | quote }}
type: Opaque
data:
  {{- range $key, $length := .keys }}
  {{ $key | quote }}: {{ include "spark-k8s.generatedSecretValue" (dict "root" $.root "name" $name "key" $key "length" $length "format" (index ($.formats | default dict) $key)) | quote }}
  {{- end }}
{{- end }}

{{/* XML-escapes text for element content and attribute values (& < > " '). */}}
{{- define "spark-k8s.xml" -}}
{{- toString . | replace "&" "&amp;" | replace "<" "&lt;" | replace ">" "&gt;" | replace "\"" "&quot;" | replace "'" "&apos;" }}
{{- end }}
