#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
b=cli-bucket-$(echo "$RUN" | tr 'A-Z_' 'a-z-')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
aws s3api create-bucket --bucket "$b" >/dev/null
echo "hello s3" >"$tmp/hello.txt"
aws s3 cp "$tmp/hello.txt" "s3://$b/dir/hello.txt" >/dev/null
expect "$(aws s3 ls "s3://$b/dir/" | awk '{print $4}')" hello.txt "s3 ls"
aws s3 cp "s3://$b/dir/hello.txt" "$tmp/back.txt" >/dev/null
expect "$(cat "$tmp/back.txt")" "hello s3" "s3 cp round trip"
expect "$(aws s3api head-object --bucket "$b" --key dir/hello.txt --query ContentLength --output text)" 9 "head-object"
expect_error BucketNotEmpty "delete non-empty bucket" -- aws s3api delete-bucket --bucket "$b"
aws s3 rm "s3://$b" --recursive >/dev/null
aws s3api delete-bucket --bucket "$b"
expect_error NoSuchBucket "deleted bucket" -- aws s3api list-objects-v2 --bucket "$b"
