# The reference task with the standard library: per-endpoint count and mean duration
# over an api.log, one json.loads per line.
import json
import sys

counts, sums = {}, {}
with open(sys.argv[1], "r") as f:
    for line in f:
        r = json.loads(line)
        if r.get("type") == "response":
            e = r.get("endpoint")
            counts[e] = counts.get(e, 0) + 1
            sums[e] = sums.get(e, 0.0) + r["duration_ms"]
for e in sorted(counts, key=lambda k: -counts[k]):
    print(f"{e}: {counts[e]} requests, mean {sums[e] / counts[e]:.3f} ms")
