#!/usr/bin/env bash
# Preflight at scale: `eksauto preflight` of the emulator's `large` scenario (5,000 nodes,
# 100,000 pods) next to one unpaged list of every pod from the same emulator (curl, raw bytes),
# with the preflight's peak resident memory (GNU time, or /proc polling when it is missing).
# Prints the median of RUNS (default 5) for each and the ratio (goal: preflight within 2.5x of
# the unpaged list, under 150 MB).
#
#   cargo build --release && benches/preflight_large.sh
#   EKSAUTO=target/debug/eksauto RUNS=3 benches/preflight_large.sh
set -euo pipefail

cd "$(dirname "$0")/.."
EKSAUTO=${EKSAUTO:-target/release/eksauto}
RUNS=${RUNS:-5}
[ -x "$EKSAUTO" ] || { echo "$EKSAUTO not found: run cargo build --release first (or set EKSAUTO)" >&2; exit 2; }

work=$(mktemp -d)
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

t0=$(now_ms)
"$EKSAUTO" sim --scenario large --manual-clock --kubeconfig-out "$work/kubeconfig" \
  >"$work/env" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 1200); do grep -q KUBECONFIG "$work/env" 2>/dev/null && break; sleep 0.1; done
grep -q KUBECONFIG "$work/env" || { cat "$work/sim.log" >&2; exit 1; }
echo "emulator loaded in $(($(now_ms) - t0)) ms"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE
export AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
# shellcheck disable=SC1091
source "$work/env"
server=$(sed -n 's/^ *server: //p' "$KUBECONFIG" | head -1)
token=$(sed -n 's/^ *token: //p' "$KUBECONFIG" | head -1)

unpaged_once() {
  local t0 bytes
  t0=$(now_ms)
  bytes=$(curl -s -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $token" \
    -H 'Accept: application/json' "$server/api/v1/pods")
  echo "$(($(now_ms) - t0)) $bytes"
}

# Peak RSS in KiB of one preflight, and its wall time in ms.
preflight_once() {
  local t0 code=0 ms rss
  t0=$(now_ms)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$work/rss" "$EKSAUTO" preflight -o json >"$work/out.json" 2>"$work/err" || code=$?
    rss=$(tail -1 "$work/rss")
  else
    "$EKSAUTO" preflight -o json >"$work/out.json" 2>"$work/err" &
    local pid=$! peak=0 now
    while kill -0 "$pid" 2>/dev/null; do
      now=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${now:-0}" -gt "$peak" ] && peak=$now
      sleep 0.05
    done
    wait "$pid" || code=$?
    rss=$peak
  fi
  ms=$(($(now_ms) - t0))
  [ "$code" -le 1 ] || { echo "eksauto preflight exited $code: $(cat "$work/err")" >&2; exit 1; }
  echo "$ms $rss"
}

unpaged_once >/dev/null   # warm-up
preflight_once >/dev/null # warm-up
bytes=$(unpaged_once | cut -d' ' -f2)
list=$(for _ in $(seq "$RUNS"); do unpaged_once | cut -d' ' -f1; done | median)
runs=$(for _ in $(seq "$RUNS"); do preflight_once; done)
pf=$(echo "$runs" | cut -d' ' -f1 | median)
rss=$(echo "$runs" | cut -d' ' -f2 | sort -n | tail -1)
gather=$("$EKSAUTO" -v preflight 2>&1 >/dev/null | sed -n 's/.*call="Kubernetes lists" ms=\([0-9]*\).*/\1/p' | head -1)

echo "unpaged list of every pod (curl, median of $RUNS): ${list} ms ($((bytes / 1048576)) MiB)"
echo "eksauto preflight (median of $RUNS):              ${pf} ms, peak RSS $((rss / 1024)) MB (worst run)"
echo "  of which the Kubernetes lists:                 ${gather:-?} ms (one run with -v)"
awk -v a="$pf" -v b="$list" 'BEGIN { printf "ratio:                                         %.2fx the unpaged list (goal <= 2.5x)\n", a / b }'
