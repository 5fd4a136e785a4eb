#!/usr/bin/env python3
"""The `large` scenario (5,000 nodes, 100,000 pods, 50 PDBs) upgraded without a terminal, the way
it runs in a CI job or a CloudShell log: `eksauto upgrade --to 1.31 --yes --ignore-preflight
--timeout M </dev/null`, the emulator in its own process at --speed 60.

Measures:
  - the emulator's resident memory after load, and its peak and last value during the rotation
    (goal: at most 10 % growth, under 3 GB);
  - the upgrade's output: lines on stdout and stderr, the longest gap between two progress lines
    once the rotation started (goal: at most 5,000 lines, progress a few seconds apart);
  - a PDB taken below its minimum behind the tool's back (enough of its pods deleted with kubectl
    at DELETE_AT seconds): how long until the violation line naming it, and the exit code
    (goal: the line within a second, exit 1).

Run:  cargo build --release && benches/upgrade_large.py [MINUTES (default 10)] [DELETE_AT (180)]
Prints a table; no assertions. The numbers go in the README.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("EKSAUTO", os.path.join(ROOT, "target", "release", "eksauto"))
MINUTES = float(sys.argv[1]) if len(sys.argv) > 1 else 10
DELETE_AT = float(sys.argv[2]) if len(sys.argv) > 2 else 180


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_sim(work):
    env_file = os.path.join(work, "env.sh")
    sim = subprocess.Popen(
        [BIN, "sim", "--scenario", "large", "--speed", "60"],
        stdout=open(env_file, "w"),
        stderr=open(os.path.join(work, "sim.log"), "w"),
    )
    t0 = time.monotonic()
    while time.monotonic() - t0 < 600:
        text = open(env_file).read()
        if "KUBECONFIG" in text:
            break
        if sim.poll() is not None:
            raise SystemExit("the emulator stopped: " + open(os.path.join(work, "sim.log")).read())
        time.sleep(0.2)
    env = dict(os.environ)
    for line in text.splitlines():
        if line.startswith("export "):
            k, v = line.removeprefix("export ").split("=", 1)
            env[k] = v.strip("'\"")
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        env.pop(k, None)
    env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return sim, env, time.monotonic() - t0


def reader(stream, name, lines, t0):
    for raw in iter(stream.readline, b""):
        lines.append((time.monotonic() - t0, name, raw.decode(errors="replace").rstrip("\n")))


def kubectl(env, *args):
    return subprocess.run(["kubectl", *args], env=env, capture_output=True, text=True, check=True).stdout


def take_below_minimum(env):
    """Deletes enough ready pods of one PDB to take it below its minimum; returns its name."""
    pdbs = json.loads(kubectl(env, "get", "pdb", "-A", "-o", "json"))["items"]
    for pdb in pdbs:
        st = pdb.get("status", {})
        healthy, desired = st.get("currentHealthy", 0), st.get("desiredHealthy", 0)
        if healthy < desired or desired == 0:
            continue
        ns, name = pdb["metadata"]["namespace"], pdb["metadata"]["name"]
        labels = pdb["spec"]["selector"]["matchLabels"]
        selector = ",".join(f"{k}={v}" for k, v in labels.items())
        pods = json.loads(kubectl(env, "get", "pods", "-n", ns, "-l", selector, "-o", "json"))["items"]
        ready = [
            p["metadata"]["name"]
            for p in pods
            if "deletionTimestamp" not in p["metadata"]
            and any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))
        ]
        n = healthy - desired + 1
        if len(ready) < n:
            continue
        kubectl(env, "delete", "pods", "-n", ns, "--wait=false", *ready[:n])
        return f"{ns}/{name}", n
    raise SystemExit("no PDB could be taken below its minimum")


def main():
    work = tempfile.mkdtemp()
    sim, env, load_s = start_sim(work)
    time.sleep(15)  # let the load settle
    loaded = rss_mb(sim.pid)
    t0 = time.monotonic()
    up = subprocess.Popen(
        [BIN, "upgrade", "--to", "1.31", "--yes", "--ignore-preflight", "--timeout", f"{int(MINUTES * 60)}s"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    lines = []
    threads = [
        threading.Thread(target=reader, args=(up.stdout, "out", lines, t0), daemon=True),
        threading.Thread(target=reader, args=(up.stderr, "err", lines, t0), daemon=True),
    ]
    for t in threads:
        t.start()
    samples = []
    deleted = None
    while up.poll() is None:
        samples.append((time.monotonic() - t0, rss_mb(sim.pid)))
        if deleted is None and time.monotonic() - t0 >= DELETE_AT:
            at = time.monotonic() - t0
            name, n = take_below_minimum(env)
            deleted = (at, time.monotonic() - t0, name, n)
        time.sleep(2)
    for t in threads:
        t.join(timeout=10)
    code = up.returncode
    # What the clients asked the emulator during the run, by operation.
    import collections
    import urllib.request
    log = json.load(urllib.request.urlopen(env["AWS_ENDPOINT_URL"] + "/_sim/requests"))
    ops = collections.Counter(e.get("operation", "?") for e in log)
    sim.kill()

    out = [l for l in lines if l[1] == "out"]
    progress = [t for t, _, l in out if " rotation 1.31 " in l and "nodes on 1.31" in l]
    gaps = [b - a for a, b in zip(progress, progress[1:])]
    peak = max(r for _, r in samples)
    last = samples[-1][1]
    violation = None
    if deleted:
        pattern = re.compile(r"pdb %s violated" % re.escape(deleted[2]))
        hits = [t for t, _, l in out if pattern.search(l)]
        violation = hits[0] - deleted[0] if hits else None
    with open(os.path.join(work, "upgrade.out"), "w") as f:
        for t, name, l in lines:
            f.write(f"{t:8.2f} {name} {l}\n")
    progress_line = [l for _, _, l in out if " rotation 1.31 " in l and "nodes on 1.31" in l]
    print(f"| emulator loaded (`large`, --speed 60) | {load_s:.0f} s, {loaded:,.0f} MB resident |")
    print(f"| emulator resident memory during {MINUTES:g} min of upgrade | peak {peak:,.0f} MB, "
          f"last {last:,.0f} MB ({(last - loaded) / loaded * 100:+.1f} % from loaded, peak "
          f"{(peak - loaded) / loaded * 100:+.1f} %) |")
    print(f"| upgrade output without a terminal | {len(out):,} lines on stdout, "
          f"{len(lines) - len(out):,} on stderr, {sum(len(l) + 1 for _, _, l in lines) / 1024:,.0f} KB |")
    if gaps:
        print(f"| progress lines | {len(progress)}, longest gap {max(gaps):.1f} s, median gap "
              f"{sorted(gaps)[len(gaps) // 2]:.1f} s; last: {progress_line[-1].split(' ', 1)[1]} |")
    if deleted:
        seen = f"{violation:.2f} s after the delete began" if violation is not None else "NOT SEEN"
        print(f"| {deleted[3]} pods of PDB {deleted[2]} deleted at {deleted[0]:.0f} s "
              f"(kubectl took {deleted[1] - deleted[0]:.2f} s) | violation line {seen} |")
    print(f"| exit code | {code} |")
    print("requests during the run: " + ", ".join(f"{op} ×{n}" for op, n in ops.most_common(10)))
    print(f"(output with arrival times: {work}/upgrade.out)")


main()
