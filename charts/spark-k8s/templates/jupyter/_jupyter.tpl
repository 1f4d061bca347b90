{{/* pip requirement specifiers of the Spark Connect client, each pinned from the version table: the client at the
exact Spark release, the line's clientPackages and pythonPackages (the versions images/jupyter bakes in), and with
mlflow.enabled the MLflow client at mlflow.version (YAML list). */}}
{{- define "spark-k8s.jupyter.packages" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $packages := list (printf "%s==%s" $release.pythonClientPackage $release.sparkVersion) }}
{{- range $name := keys $release.clientPackages | sortAlpha }}
{{- $packages = append $packages (printf "%s==%s" $name (index $release.clientPackages $name)) }}
{{- end }}
{{- range $name := keys $release.pythonPackages | sortAlpha }}
{{- $packages = append $packages (printf "%s==%s" $name (index $release.pythonPackages $name)) }}
{{- end }}
{{- if .Values.mlflow.enabled }}
{{- /* The MLflow client of the server's release: mlflow-skinny is the client-only package (no server, no UI). */}}
{{- $packages = append $packages (printf "mlflow-skinny==%s" .Values.mlflow.version) }}
{{- end }}
{{- range .Values.jupyter.extraPackages }}
{{- $packages = append $packages . }}
{{- end }}
{{- toYaml $packages }}
{{- end }}

{{/* Folder on the notebook volume holding the installed client, keyed by the package list. */}}
{{- define "spark-k8s.jupyter.clientDir" -}}
{{- /* Hashed in the quoted form earlier chart versions used, so an upgrade keeps the installed client. */}}
{{- $quoted := list }}
{{- range (include "spark-k8s.jupyter.packages" . | fromYamlArray) }}
{{- $quoted = append $quoted (squote .) }}
{{- end }}
{{- printf "/home/jovyan/work/.spark-client/%s" (toYaml $quoted | sha256sum | trunc 12) }}
{{- end }}

{{/* Name of the Secret with the Jupyter token. */}}
{{- define "spark-k8s.jupyterSecretName" -}}
{{- include "spark-k8s.credential.secretName" (dict "root" . "id" "jupyter") }}
{{- end }}

{{/* The Jupyter image map with an empty tag resolved to the Spark release (sparkVersion), the tag images/build.sh gives
images/jupyter: the baked client must match the Connect server's release. */}}
{{- define "spark-k8s.jupyter.image" -}}
{{- $image := deepCopy .Values.jupyter.image }}
{{- if not $image.tag }}{{ $_ := set $image "tag" (include "spark-k8s.release" . | fromYaml).sparkVersion }}{{ end }}
{{- toYaml $image }}
{{- end }}
