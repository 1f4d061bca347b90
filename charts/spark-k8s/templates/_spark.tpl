{{/*
Spark-wide helpers used by every Spark process (Connect server, History Server, executors, jobs): the
selected Spark line, spark-defaults.conf rendering, Spark sizes, event log location, S3A settings and the jar
download init container.
*/}}

{{/* The selected Spark line's pins (spark.releases.<spark.version>). */}}
{{- define "spark-k8s.release" -}}
{{- $release := index .Values.spark.releases .Values.spark.version }}
{{- if not $release }}
{{- fail (printf "spark.version %q has no entry in spark.releases" .Values.spark.version) }}
{{- end }}
{{- toYaml $release }}
{{- end }}

{{/*
A Spark property value as Spark reads it: strings as they are, booleans as true/false, whole numbers
without an exponent (a YAML 1000000 is a float64 that toString would print as 1e+06).
*/}}
{{- define "spark-k8s.sparkValue" -}}
{{- if kindIs "bool" . }}{{ ternary "true" "false" . }}
{{- else if and (kindIs "float64" .) (eq (float64 (int64 .)) .) }}{{ int64 . }}
{{- else }}{{ toString . }}
{{- end }}
{{- end }}

{{/*
Renders a map of Spark properties as spark-defaults.conf: "key value", one per line, sorted.
Spark loads the file with java.util.Properties (Utils.getPropertiesFromFile in apache/spark), where a
backslash starts an escape and a value's leading "=" or ":" is taken as the separator, so backslashes are
doubled and a leading "=" or ":" is escaped; the schema keeps line breaks out of keys and values.
*/}}
{{- define "spark-k8s.sparkDefaults" -}}
{{- range $key := keys . | sortAlpha }}
{{- $value := include "spark-k8s.sparkValue" (index $ $key) | replace "\\" "\\\\" }}
{{- if or (hasPrefix "=" $value) (hasPrefix ":" $value) }}{{ $value = printf "\\%s" $value }}{{ end }}
{{ $key }} {{ $value }}
{{- end }}
{{- end }}

{{/* A Spark size string ("512m", "2g", "1024" in MiB; k/m/g/t/p, optional "b") as whole MiB. */}}
{{- define "spark-k8s.sizeMiB" -}}
{{- $text := lower (toString .) }}
{{- $number := regexFind "^[0-9]+" $text }}
{{- $unit := trimSuffix "b" (trimPrefix $number $text) }}
{{- $n := $number | int64 }}
{{- if eq $unit "" "m" }}{{ $n }}
{{- else if eq $unit "k" }}{{ div $n 1024 }}
{{- else if eq $unit "g" }}{{ mul $n 1024 }}
{{- else if eq $unit "t" }}{{ mul $n 1048576 }}
{{- else if eq $unit "p" }}{{ mul $n 1073741824 }}
{{- else }}{{ fail (printf "%q is not a Spark size (use a number with k, m, g, t or p, e.g. 512m)" .) }}
{{- end }}
{{- end }}

{{/* Key prefix of this release's event logs: spark-events/<namespace>/<fullname>. Each release writes and cleans
only its own prefix, so two releases sharing the events bucket never delete each other's logs (the History Server's
cleaner deletes by age and count under spark.history.fs.logDirectory). */}}
{{- define "spark-k8s.eventLogPrefix" -}}
{{- printf "spark-events/%s/%s" .Release.Namespace (include "spark-k8s.fullname" .) }}
{{- end }}

{{/* Spark event log directory on S3A. */}}
{{- define "spark-k8s.eventLogDir" -}}
{{- printf "s3a://%s/%s" .Values.s3.buckets.events (include "spark-k8s.eventLogPrefix" .) }}
{{- end }}

{{/* S3A Hadoop properties shared by every Spark process (YAML map). */}}
{{- define "spark-k8s.s3aConf" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $endpoint := include "spark-k8s.s3Endpoint" . }}
spark.hadoop.fs.s3a.endpoint: {{ $endpoint | quote }}
spark.hadoop.fs.s3a.endpoint.region: {{ .Values.s3.region | quote }}
spark.hadoop.fs.s3a.path.style.access: {{ .Values.s3.pathStyleAccess | toString | quote }}
spark.hadoop.fs.s3a.connection.ssl.enabled: {{ hasPrefix "https://" $endpoint | toString | quote }}
spark.hadoop.fs.s3a.aws.credentials.provider: {{ include "spark-k8s.s3.credentialsProvider" . | quote }}
spark.hadoop.fs.s3a.impl: "org.apache.hadoop.fs.s3a.S3AFileSystem"
{{- end }}

{{/* Class path entry of the downloaded jars, or nothing when the image bundles them. */}}
{{- define "spark-k8s.jarsClassPath" -}}
{{- if not .Values.jars.bundled }}{{ printf "%s/*" .Values.jars.mountPath }}{{ end }}
{{- end }}

{{/* Maven coordinate group:artifact:version -> repository path. */}}
{{- define "spark-k8s.mavenPath" -}}
{{- $parts := splitList ":" . }}
{{- if ne (len $parts) 3 }}
{{- fail (printf "jar coordinate %q: use group:artifact:version" .) }}
{{- end }}
{{- $group := index $parts 0 | replace "." "/" }}
{{- $artifact := index $parts 1 }}
{{- $version := index $parts 2 }}
{{- printf "%s/%s/%s/%s-%s.jar" $group $artifact $version $artifact $version }}
{{- end }}

{{/*
Init container that downloads Maven jars (and checks each against its .sha1) into the
"extra-jars" emptyDir, using the Spark image (which has wget and sha1sum).
Takes root, image (values image map), coordinates (list), target (mount path).
*/}}
{{- define "spark-k8s.jarsInitContainer" -}}
{{- $root := .root }}
- name: fetch-jars
  {{- include "spark-k8s.containerImage" (dict "root" $root "image" .image) | trim | nindent 2 }}
  command:
    - /bin/bash
    - -ec
    # Values reach the script only through the env vars below, never as script text.
    - |
      set -f
      cd "$JARS_TARGET"
      fetch() {
        file="$(basename "$1")"
        wget -q -O "$file" "$JARS_REPOSITORY/$1"
        wget -q -O "$file.sha1" "$JARS_REPOSITORY/$1.sha1"
        echo "$(cut -c1-40 "$file.sha1")  $file" | sha1sum -c -
        rm -f "$file.sha1"
      }
      for path in $JARS_PATHS; do fetch "$path"; done
  env:
    - name: JARS_REPOSITORY
      value: {{ $root.Values.jars.repository | trimSuffix "/" | quote }}
    - name: JARS_TARGET
      value: {{ .target | quote }}
    - name: JARS_PATHS
      {{- $paths := list }}
      {{- range .coordinates }}
      {{- $paths = append $paths (include "spark-k8s.mavenPath" .) }}
      {{- end }}
      value: {{ join " " $paths | quote }}
  {{- include "spark-k8s.containerSecurityContext" $root | trim | nindent 2 }}
  {{- include "spark-k8s.resources" $root.Values.jars.resources | trim | nindent 2 }}
  volumeMounts:
    - name: extra-jars
      mountPath: {{ .target | quote }}
{{- end }}

{{/* Maven coordinates of the jars Spark pods need beyond the image: extraJars, plus the Connect server where it is not built in. */}}
{{- define "spark-k8s.sparkExtraJars" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $jars := $release.extraJars }}
{{- if not $release.connectBuiltIn }}
{{- $jars = append $jars (printf "org.apache.spark:spark-connect_%s:%s" $release.scalaVersion $release.sparkVersion) }}
{{- end }}
{{- toYaml $jars }}
{{- end }}

{{/* Spark pods' init containers (jar download) unless the image bundles the jars. Takes root and image. */}}
{{- define "spark-k8s.sparkInitContainers" -}}
{{- $root := .root }}
{{- if not $root.Values.jars.bundled }}
initContainers:
  {{- include "spark-k8s.jarsInitContainer" (dict "root" $root "image" .image "coordinates" (include "spark-k8s.sparkExtraJars" $root | fromYamlArray) "target" $root.Values.jars.mountPath) | trim | nindent 2 }}
{{- end }}
{{- end }}

{{/* Volumes every Spark pod mounts: the jar emptyDir (when downloaded) and a scratch /tmp. */}}
{{- define "spark-k8s.sparkVolumes" -}}
- name: tmp
  emptyDir: {}
{{- if not .Values.jars.bundled }}
- name: extra-jars
  emptyDir: {}
{{- end }}
{{- end }}

{{- define "spark-k8s.sparkVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if not .Values.jars.bundled }}
- name: extra-jars
  mountPath: {{ .Values.jars.mountPath | quote }}
  readOnly: true
{{- end }}
{{- end }}
