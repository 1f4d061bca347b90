{{/*
The MinIO setup script (POSIX sh, checked by shellcheck in tests/SparkK8s.Chart.Tests/MinioSetupScriptTests.cs).
Idempotent: mc mb --ignore-existing; mc admin user add sets the key of an existing user; mc admin policy create
replaces a policy of the same name; attaching a policy that is already attached is reported and accepted.
*/}}
{{- define "spark-k8s.minio.setupScript" -}}
set -f
until printf '%s\n%s\n' "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" | mc alias set s3 "$S3_ENDPOINT" >/dev/null; do
  echo "waiting for MinIO at $S3_ENDPOINT"; sleep 5
done
for bucket in $BUCKETS; do
  mc mb --ignore-existing "s3/$bucket"
done
# S3A needs the event log "directory" to exist: give the prefix a marker object.
printf '' | mc pipe "s3/$EVENTS_BUCKET/$EVENTS_PREFIX/.keep"
for purpose in $PURPOSES; do
  policy="$POLICY_PREFIX-$purpose"
  user=""
  IFS= read -r user <"/credentials/$purpose/access-key" || [ -n "$user" ]
  mc admin user add s3 "$user" <"/credentials/$purpose/secret-key" >/dev/null
  mc admin policy create s3 "$policy" "/policies/$purpose.json" >/dev/null
  if ! attached=$(mc admin policy attach s3 "$policy" --user "$user" 2>&1); then
    case "$attached" in
      *already*) ;;
      *) echo "$attached" >&2; exit 1 ;;
    esac
  fi
  echo "user for $purpose has policy $policy"
done
{{- end }}
