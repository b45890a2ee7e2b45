# Shared by the AWS CLI scripts: run with AWS_ENDPOINT_URL pointing at the
# simulator (or at moto, for the side-by-side run). Each script exits
# non-zero at the first assertion that fails, naming it.
set -euo pipefail
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-AKIASOCKERLESSTEST00}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-sockerless-simulator-secret-key-for-tests}
export AWS_PAGER=""
: "${AWS_ENDPOINT_URL:?set AWS_ENDPOINT_URL to the simulator}"
AWS=${AWS_CLI:-aws}
RUN=${RUN_ID:-$$}

aws() { "$AWS" "$@"; }

# expect GOT WANT WHAT
expect() {
	if [ "$1" != "$2" ]; then
		echo "FAIL: $3: got '$1', want '$2'" >&2
		exit 1
	fi
	echo "ok: $3"
}

# expect_error CODE WHAT -- command...: the command fails with AWS error CODE.
expect_error() {
	local code=$1 what=$2
	shift 3
	local out
	if out=$("$@" 2>&1); then
		echo "FAIL: $what: succeeded, want $code" >&2
		exit 1
	fi
	case $out in
	*"($code)"*) echo "ok: $what" ;;
	*) echo "FAIL: $what: want $code, got: $out" >&2; exit 1 ;;
	esac
}
