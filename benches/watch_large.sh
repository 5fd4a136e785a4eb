#!/usr/bin/env bash
# Benchmark: the live views on the `large` scenario (5,000 nodes, 100,000 pods), the emulator in its
# own process at --speed 60, side by side with kubectl.
#
# Measures:
#  - time to the first frame of `eksauto watch nodes` on a terminal (tmux), and whether it came
#    while pods were still being listed; `kubectl get nodes` run at the same moment, to completion;
#  - `kubectl get pods -A -w`: time to its first output line, and its peak RSS once it has printed
#    every pod;
#  - `eksauto watch nodes` peak RSS once every pod is synced;
#  - CPU of `eksauto watch nodes` (TTY, redraws capped at 10/s) and of `eksauto watch rotation`
#    (no TTY) during a rotation storm (every node drifted at once), over a fixed window.
# Run: benches/watch_large.sh   (builds the release binary; needs tmux, kubectl, aws)
# Prints a table; no assertions — the numbers go in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=$PWD/target/release/eksauto
WORK=$(mktemp -d)
SESSION=eksauto-bench-$$
cleanup() {
  tmux -L "$SESSION" kill-server 2>/dev/null || true
  [[ -n "${SIM_PID:-}" ]] && kill "$SIM_PID" 2>/dev/null || true
  jobs -p | xargs -r kill 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
hwm_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

"$BIN" sim --scenario large --speed 60 >"$WORK/env.sh" 2>"$WORK/sim.err" &
SIM_PID=$!
for _ in $(seq 1 600); do grep -q KUBECONFIG "$WORK/env.sh" 2>/dev/null && break; sleep 0.2; done
# shellcheck disable=SC1091
source "$WORK/env.sh"
echo "emulator loading the large scenario…" >&2
for _ in $(seq 1 600); do
  n=$(kubectl get nodes --no-headers 2>/dev/null | wc -l || true)
  [[ "$n" -ge 5000 ]] && break
  sleep 1
done

# --- first frame vs kubectl get nodes --------------------------------------------------------
tmux -L "$SESSION" new-session -d -s bench -x 200 -y 50 \
  "bash -c 'source $WORK/env.sh; exec $BIN watch nodes'"
t0=$(now_ms)
( s=$(now_ms); kubectl get nodes >/dev/null; echo $(( $(now_ms) - s )) >"$WORK/kubectl_nodes_ms" ) &
KN_PID=$!
first=""
partial=?
while :; do
  pane=$(tmux -L "$SESSION" capture-pane -p -t bench 2>/dev/null || true)
  if grep -q '^NODE ' <<<"$pane"; then
    first=$(( $(now_ms) - t0 ))
    grep -q 'listing pods' <<<"$pane" && partial=yes || partial=no
    break
  fi
  (( $(now_ms) - t0 > 120000 )) && break
  sleep 0.02
done
wait "$KN_PID"
WATCH_PID=$(tmux -L "$SESSION" list-panes -t bench -F '#{pane_pid}')
# wait until every pod is synced (the "listing pods" line goes away)
for _ in $(seq 1 600); do
  tmux -L "$SESSION" capture-pane -p -t bench | grep -q 'listing pods' || break
  sleep 0.2
done
synced_ms=$(( $(now_ms) - t0 ))
watch_rss=$(hwm_mb "$WATCH_PID")

# --- kubectl get pods -A -w --------------------------------------------------------------------
s=$(now_ms)
kubectl get pods -A -w >"$WORK/kw.out" 2>/dev/null &
KW_PID=$!
while [[ ! -s "$WORK/kw.out" ]] && kill -0 "$KW_PID" 2>/dev/null; do sleep 0.01; done
kw_first=$(( $(now_ms) - s ))
for _ in $(seq 1 600); do
  [[ $(wc -l <"$WORK/kw.out") -ge 100000 ]] && break
  sleep 0.2
done
kw_all=$(( $(now_ms) - s ))
# kubectl is a dispatcher: the real client is its child
KW_REAL=$(pgrep -P "$KW_PID" | head -1 || true)
kw_rss=$(hwm_mb "${KW_REAL:-$KW_PID}")

# --- a rotation storm ----------------------------------------------------------------------------
"$BIN" watch rotation --to 1.31 >"$WORK/rotation.out" 2>&1 &
ROT_PID=$!
sleep 5
aws eks update-cluster-version --name "$(aws eks list-clusters --query 'clusters[0]' --output text)" \
  --kubernetes-version 1.31 >/dev/null
# wait until drift starts (the control plane update takes a few virtual minutes)
for _ in $(seq 1 300); do grep -q 'disrupted\|drifted' "$WORK/rotation.out" && break; sleep 1; done
WINDOW=60
hz=$(getconf CLK_TCK)
a1=$(cpu_ticks "$WATCH_PID"); b1=$(cpu_ticks "$ROT_PID")
sleep "$WINDOW"
a2=$(cpu_ticks "$WATCH_PID"); b2=$(cpu_ticks "$ROT_PID")
lines=$(wc -l <"$WORK/rotation.out")
watch_cpu=$(awk -v d=$((a2 - a1)) -v hz="$hz" -v w="$WINDOW" 'BEGIN {printf "%.1f", 100 * d / hz / w}')
rot_cpu=$(awk -v d=$((b2 - b1)) -v hz="$hz" -v w="$WINDOW" 'BEGIN {printf "%.1f", 100 * d / hz / w}')
rot_rss=$(hwm_mb "$ROT_PID")
watch_rss_storm=$(hwm_mb "$WATCH_PID")

printf '\n| large (5,000 nodes, 100,000 pods), emulator at --speed 60 | result |\n|---|---|\n'
printf '| `eksauto watch nodes` first frame (TTY) | %s ms (pods still being listed: %s) |\n' "$first" "$partial"
printf '| `kubectl get nodes`, started at the same moment, to completion | %s ms |\n' "$(cat "$WORK/kubectl_nodes_ms")"
printf '| `eksauto watch nodes`: every pod synced | %s ms, peak RSS %s MB |\n' "$synced_ms" "$watch_rss"
printf '| `kubectl get pods -A -w`: first output line / every pod printed | %s ms / %s ms, peak RSS %s MB |\n' "$kw_first" "$kw_all" "$kw_rss"
printf '| rotation storm, %ss window: `eksauto watch nodes` (TTY, ≤10 frames/s) CPU | %s %% of one core, peak RSS %s MB |\n' "$WINDOW" "$watch_cpu" "$watch_rss_storm"
printf '| rotation storm: `eksauto watch rotation` (no TTY, %s lines) CPU | %s %% of one core, peak RSS %s MB |\n' "$lines" "$rot_cpu" "$rot_rss"
