#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
f=calc-$RUN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/fn.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("app.py", "def handler(event, context):\n    print('adding')\n    return {'sum': event['a'] + event['b']}\n")
PY
expect "$(aws lambda create-function --function-name "$f" --runtime python3.12 --handler app.handler --timeout 60 \
	--role arn:aws:iam::123456789012:role/lambda-role --zip-file "fileb://$tmp/fn.zip" --query FunctionName --output text)" "$f" "create-function"
for _ in $(seq 20); do
	[ "$(aws lambda get-function --function-name "$f" --query Configuration.State --output text)" = Active ] && break
	sleep 1
done
aws lambda invoke --function-name "$f" --payload '{"a":40,"b":2}' "$tmp/out.json" >/dev/null
expect "$(cat "$tmp/out.json")" '{"sum": 42}' "invoke returns the handler's result"
expect "$(aws logs filter-log-events --log-group-name "/aws/lambda/$f" --filter-pattern REPORT --query 'length(events)' --output text)" 1 "REPORT line in logs"
expect_error ResourceConflictException "duplicate function" -- aws lambda create-function --function-name "$f" --runtime python3.12 \
	--handler app.handler --role arn:aws:iam::123456789012:role/lambda-role --zip-file "fileb://$tmp/fn.zip"
aws lambda delete-function --function-name "$f" >/dev/null
expect_error ResourceNotFoundException "deleted function" -- aws lambda get-function --function-name "$f"
