#!/usr/bin/env python3
"""Benchmark: how long a change takes from the API server to `eksauto watch nodes`' output.

Starts the emulator (`eksauto sim --scenario SCENARIO`), runs `eksauto watch nodes` without a
terminal (one line per change), then cordons and uncordons a node N times with a plain HTTP PATCH
and measures, for each, the time from the PATCH's answer (the server has written the change and
sends the watch event) to the line on eksauto's stdout. Prints the median, p90 and max.
Run: benches/watch_latency.py [SCENARIO] [N]   (uses target/release/eksauto; build it first)
"""

import json
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "eksauto")
SCENARIO = sys.argv[1] if len(sys.argv) > 1 else "article"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 40


def main():
    work = tempfile.mkdtemp()
    env_file = os.path.join(work, "env.sh")
    sim = subprocess.Popen([BIN, "sim", "--scenario", SCENARIO], stdout=open(env_file, "w"),
                           stderr=subprocess.DEVNULL)
    env = dict(os.environ)
    for _ in range(600):
        text = open(env_file).read()
        if "KUBECONFIG" in text:
            break
        time.sleep(0.1)
    for line in text.splitlines():
        k, v = line.removeprefix("export ").split("=", 1)
        env[k] = v
    kube = [l for l in open(env["KUBECONFIG"]).read().splitlines() if "server:" in l][0].split()[-1]
    nodes = json.load(urllib.request.urlopen(kube + "/api/v1/nodes"))["items"]
    while len(nodes) < 1:
        time.sleep(1)
        nodes = json.load(urllib.request.urlopen(kube + "/api/v1/nodes"))["items"]
    node = nodes[0]["metadata"]["name"]
    watch = subprocess.Popen([BIN, "watch", "nodes"], stdout=subprocess.PIPE, env=env,
                             stderr=subprocess.DEVNULL, bufsize=0)
    time.sleep(3)  # let it list
    samples = []
    buf = b""
    for i in range(N):
        cordon = i % 2 == 0
        body = json.dumps({"spec": {"unschedulable": cordon}}).encode()
        req = urllib.request.Request(kube + f"/api/v1/nodes/{node}", data=body, method="PATCH",
                                     headers={"Content-Type": "application/merge-patch+json"})
        urllib.request.urlopen(req).read()
        t0 = time.monotonic()
        want = b"cordoned" if cordon else b"uncordoned"
        while True:
            r, _, _ = select.select([watch.stdout], [], [], 5)
            if not r:
                raise SystemExit(f"no line for change {i}")
            buf += os.read(watch.stdout.fileno(), 65536)
            lines = buf.split(b"\n")
            buf = lines[-1]
            if any(want in l and (cordon or b"uncordoned" in l) for l in lines[:-1]):
                samples.append((time.monotonic() - t0) * 1000)
                break
        time.sleep(0.05)
    watch.kill()
    sim.kill()
    samples.sort()
    print(f"| change → `eksauto watch nodes` line ({SCENARIO}, {N} changes) | "
          f"median {statistics.median(samples):.1f} ms, p90 {samples[int(len(samples) * 0.9) - 1]:.1f} ms, "
          f"max {samples[-1]:.1f} ms |")


main()
