#!/usr/bin/env python3
"""Groups the samples of a JFR recording by the frames on their stacks (see findings.md, "How to profile").

    duplex-benchmarks/jfr-group.py FILE.jfr [--last SECONDS] [--threads PREFIX] [--alloc] [--top N]

--last keeps the samples of the recording's last SECONDS (e.g. 6.5 for the handshake scenario, which runs last),
--threads keeps the threads whose name starts with PREFIX (default "duplex"), --alloc reads
jdk.ObjectAllocationSample (weighted by bytes, grouped by class and allocation site) instead of
jdk.ExecutionSample. Prints the share of each top frame ("self") and of every frame on the stacks ("inclusive").
"""
import argparse
import collections
import datetime
import json
import subprocess


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--last", type=float, default=0)
    ap.add_argument("--threads", default="duplex")
    ap.add_argument("--alloc", action="store_true")
    ap.add_argument("--top", type=int, default=40)
    a = ap.parse_args()
    event = "jdk.ObjectAllocationSample" if a.alloc else "jdk.ExecutionSample"
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", event, a.file],
                         capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]

    def when(e):
        return datetime.datetime.fromisoformat(e["values"]["startTime"].replace("Z", "+00:00")).timestamp()

    if a.last and events:
        end = max(when(e) for e in events)
        events = [e for e in events if when(e) >= end - a.last]
    own = collections.Counter()
    incl = collections.Counter()
    total = 0
    for e in events:
        v = e["values"]
        thread = (v.get("sampledThread") or v.get("eventThread") or {}).get("javaName") or ""
        frames = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
                  for f in (v.get("stackTrace") or {}).get("frames", [])]
        if not frames or not thread.startswith(a.threads):
            continue
        w = v["weight"] if a.alloc else 1
        total += w
        if a.alloc:
            own[v["objectClass"]["name"].replace("/", ".") + " @ " + " < ".join(frames[:3])] += w
        else:
            own[frames[0]] += w
        for f in set(frames):
            incl[f] += w
    print(f"{total} {'bytes (sampled)' if a.alloc else 'samples'}")
    if not total:
        return
    print("--- self")
    for k, n in own.most_common(a.top):
        print(f"{n * 100 / total:5.1f}% {k}")
    print("--- inclusive")
    for k, n in incl.most_common(a.top * 2):
        print(f"{n * 100 / total:5.1f}% {k}")


if __name__ == "__main__":
    main()
