{{/* Spark properties gpu adds to every Spark application of the release (YAML map; empty while gpu.enabled is false).
Takes root and role ("connect": the Connect server; "job": a submitted job or SparkApplication). Merged by
spark-k8s.components.sparkConf (templates/_spark.tpl). */}}
{{- define "spark-k8s.gpu.sparkConf" -}}
{{- end }}
