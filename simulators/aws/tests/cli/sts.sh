#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
expect "$(aws sts get-caller-identity --query Account --output text)" 123456789012 "sts get-caller-identity account"
arn=$(aws sts get-caller-identity --query Arn --output text)
case $arn in arn:aws:iam::123456789012:*) echo "ok: caller arn" ;; *) echo "FAIL: arn $arn" >&2; exit 1 ;; esac
