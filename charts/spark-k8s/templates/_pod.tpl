{{/*
Pod helpers shared by every component: images, security contexts (Pod Security "restricted"), resources,
probes and placement.
*/}}

{{/*
"repository:tag" of a component image, "repository:tag@digest" when image.digest is set (the pull is then pinned
to that content; the tag stays for people and for the version label). An empty tag falls back to the Spark image
tag of spark.version. Only the Spark images (connect.image, historyServer.image) may leave the tag empty: the schema
requires the tag of every other image, so no non-Spark image gets a Spark tag (`spark-k8s validate` SPK015 checks
renders). Every image of the chart goes through this helper.
*/}}
{{- define "spark-k8s.image" -}}
{{- $tag := .image.tag | default (include "spark-k8s.release" .root | fromYaml).imageTag }}
{{- printf "%s:%s" .image.repository $tag }}
{{- with .image.digest }}@{{ . }}{{ end }}
{{- end }}

{{/* image + imagePullPolicy lines of a container. Takes root and image. */}}
{{- define "spark-k8s.containerImage" -}}
image: {{ include "spark-k8s.image" . | quote }}
imagePullPolicy: {{ .image.pullPolicy | default "IfNotPresent" | quote }}
{{- end }}

{{/*
Pod-level security context (Pod Security Standard "restricted"). Takes root, uid and optional gid.
fsGroupChangePolicy OnRootMismatch: the kubelet skips the recursive chown of a volume whose root already has the
fsGroup, so a large PVC (PostgreSQL, MinIO, notebooks) does not delay every restart.
openshift.enabled: no fixed runAsUser, runAsGroup or fsGroup, so OpenShift's restricted-v2 SCC assigns a UID and
fsGroup from the namespace's range (it rejects fixed ones outside it); the pod still runs as non-root with seccomp.
*/}}
{{- define "spark-k8s.podSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  {{- if not (and .root .root.Values.openshift.enabled) }}
  runAsUser: {{ .uid }}
  runAsGroup: {{ .gid | default .uid }}
  fsGroup: {{ .gid | default .uid }}
  fsGroupChangePolicy: OnRootMismatch
  {{- end }}
  seccompProfile:
    type: RuntimeDefault
{{- end }}

{{/*
Container-level security context (restricted), identical for every container and init container. The root file
system is read-only: each container writes only to the volumes its pod mounts, an emptyDir with a sizeLimit
(ephemeralStorage.*) or a PersistentVolumeClaim, exactly where its image writes. docs/en/security/policy.md ("Where
each component writes") lists those paths with the upstream files they come from; ReadOnlyRootFilesystemTests pins them.
*/}}
{{- define "spark-k8s.containerSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  readOnlyRootFilesystem: true
  allowPrivilegeEscalation: false
  capabilities:
    drop:
      - ALL
  seccompProfile:
    type: RuntimeDefault
{{- end }}

{{/* Common pod spec head: pull secrets, pod security context. Takes root, uid, optional gid. */}}
{{- define "spark-k8s.podSpecCommon" -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{ include "spark-k8s.podSecurityContext" . }}
{{- end }}

{{/* Resources block from a values map. */}}
{{- define "spark-k8s.resources" -}}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}

{{/*
Readiness and liveness probes of a long-running container. Takes handler (probe action map,
e.g. (dict "tcpSocket" (dict "port" "grpc"))), optional livenessHandler (defaults to handler),
readyDelay (seconds, default 10), liveDelay (seconds, default 60) and startupSeconds: with it, a
startupProbe (the readiness handler every 10 s) gives a slow first start (jar download, initdb, crash
recovery) that long before liveness may restart the container.
*/}}
{{- define "spark-k8s.probes" -}}
{{- with .startupSeconds }}
startupProbe:
  {{- toYaml $.handler | nindent 2 }}
  periodSeconds: 10
  failureThreshold: {{ div (int .) 10 }}
{{- end }}
readinessProbe:
  {{- toYaml .handler | nindent 2 }}
  initialDelaySeconds: {{ .readyDelay | default 10 }}
  periodSeconds: 10
livenessProbe:
  {{- toYaml (.livenessHandler | default .handler) | nindent 2 }}
  initialDelaySeconds: {{ .liveDelay | default 60 }}
  periodSeconds: 20
  failureThreshold: 6
{{- end }}

{{/*
Pod anti-affinity spreading the replicas of a component over nodes (preferred, so a one-node cluster still
schedules them). Renders an "affinity:" block only with more than one replica. Takes root, component, replicas.
*/}}
{{- define "spark-k8s.spreadAffinity" -}}
{{- if gt (int .replicas) 1 }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "spark-k8s.selectorLabels" . | trim | nindent 14 }}
{{- end }}
{{- end }}
