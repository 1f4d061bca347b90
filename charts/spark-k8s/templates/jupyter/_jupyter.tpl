{{/* pip requirement specifiers of the Spark Connect client: the client at the exact Spark release plus its deps (YAML list). */}}
{{- define "spark-k8s.jupyter.packages" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $packages := list (printf "%s==%s" $release.pythonClientPackage $release.sparkVersion) "grpcio" "grpcio-status" "googleapis-common-protos" "zstandard" "pandas" "pyarrow" }}
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
