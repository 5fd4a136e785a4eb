#!/usr/bin/env bash
# Wall time of `eksauto preflight` next to the article's sequence of `aws` CLI commands
# (list-insights, describe-insight, describe-cluster, describe-subnets, get-role, list-addons),
# both against the built-in emulator with LATENCY_MS (default 100) added to every AWS call.
# Prints the median of RUNS (default 5) for each, the ratio, and how many AWS requests one
# preflight made (from the emulator's request log).
#
#   benches/preflight_vs_cli.sh            # uses target/debug/eksauto (cargo build first)
#   EKSAUTO=path/to/eksauto RUNS=9 LATENCY_MS=100 benches/preflight_vs_cli.sh
set -euo pipefail

cd "$(dirname "$0")/.."
EKSAUTO=${EKSAUTO:-target/debug/eksauto}
RUNS=${RUNS:-5}
LATENCY_MS=${LATENCY_MS:-100}
command -v aws >/dev/null || { echo "the aws CLI is needed for the comparison" >&2; exit 2; }
[ -x "$EKSAUTO" ] || { echo "$EKSAUTO not found: run cargo build first (or set EKSAUTO)" >&2; exit 2; }

work=$(mktemp -d)
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$EKSAUTO" sim --manual-clock --latency "$LATENCY_MS" --kubeconfig-out "$work/kubeconfig" \
  >"$work/env" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 100); do grep -q KUBECONFIG "$work/env" 2>/dev/null && break; sleep 0.1; done
grep -q KUBECONFIG "$work/env" || { cat "$work/sim.log" >&2; exit 1; }
# Nothing of the caller's own AWS set-up.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
# shellcheck disable=SC1091
source "$work/env"
cluster=$(sed -n 's/^current-context: arn:.*:cluster\///p' "$KUBECONFIG")

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
request_count() { curl -s "$AWS_ENDPOINT_URL/_sim/requests" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

preflight_once() {
  local t0 code=0
  t0=$(now_ms)
  "$EKSAUTO" preflight >/dev/null 2>&1 || code=$?
  [ "$code" -le 1 ] || { echo "eksauto preflight exited $code" >&2; exit 1; }
  echo $(($(now_ms) - t0))
}

article_commands_once() {
  local t0 insight subnets role
  t0=$(now_ms)
  insight=$(aws eks list-insights --cluster-name "$cluster" --query 'insights[0].id' --output text)
  aws eks describe-insight --cluster-name "$cluster" --id "$insight" >/dev/null
  read -r -a subnets <<<"$(aws eks describe-cluster --name "$cluster" \
    --query 'cluster.resourcesVpcConfig.subnetIds' --output text)"
  aws ec2 describe-subnets --subnet-ids "${subnets[@]}" \
    --query 'Subnets[*].{ID:SubnetId,AZ:AvailabilityZone,AvailableIPs:AvailableIpAddressCount}' \
    --output table >/dev/null
  role=$(aws eks describe-cluster --name "$cluster" --query 'cluster.roleArn' --output text)
  aws iam get-role --role-name "${role##*/}" >/dev/null
  aws eks list-addons --cluster-name "$cluster" >/dev/null
  echo $(($(now_ms) - t0))
}

start_ms() {
  local t0
  t0=$(now_ms)
  "$EKSAUTO" --version >/dev/null
  echo $(($(now_ms) - t0))
}

preflight_once >/dev/null # warm-up (page cache, first connection)
before=$(request_count)
preflight_once >/dev/null
aws_requests=$(($(request_count) - before))

gather_ms() { "$EKSAUTO" -v preflight 2>&1 >/dev/null | sed -n 's/.*all facts gathered ms=\([0-9]*\).*/\1/p'; }

pf=$(for _ in $(seq "$RUNS"); do preflight_once; done | median)
gather=$(for _ in $(seq "$RUNS"); do gather_ms; done | median)
cli=$(for _ in $(seq "$RUNS"); do article_commands_once; done | median)
startup=$(for _ in $(seq "$RUNS"); do start_ms; done | median)

echo "AWS latency per call:              ${LATENCY_MS} ms (emulator, cluster $cluster)"
echo "eksauto preflight (median of $RUNS):  ${pf} ms  (${aws_requests} AWS requests, every check)"
echo "article's aws CLI sequence:        ${cli} ms  (7 commands, 6 kinds of facts)"
awk -v a="$cli" -v b="$pf" -v l="$LATENCY_MS" -v s="$startup" -v g="$gather" 'BEGIN {
  printf "ratio:                             %.1fx faster\n", a / b
  printf "preflight in round trips:          %.2f x %d ms (process start %d ms)\n", (b - s) / l, l, s
  printf "  of which gathering the facts:     %d ms = %.2f round trips (the rest: client set-up, checks, output)\n", g, g / l
}'
