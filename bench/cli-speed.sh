#!/usr/bin/env bash
# `twip ENV ps` against `docker ps` on the same engine: hyperfine -N (no shell in between), release builds, both
# peers (and `twip version`, the cost of starting the process alone) in the same run. Prints the ratio of the means.
# Only the engine's socket is talked to; nothing is created or changed.
set -euo pipefail
cd "$(dirname "$0")/.."
TWIP=${TWIP:-$PWD/.build/release/twip}
DOCKER=${DOCKER:-$(command -v docker || true)}
ENVIRONMENT=${ENVIRONMENT:-train}
RUNS=${RUNS:-100}
OUT=${OUT:-bench/results/cli-speed.json}
for tool in hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "bench/cli-speed.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
[ -n "$DOCKER" ] || { echo "bench/cli-speed.sh: the docker CLI is missing (apt-get install docker.io)" >&2; exit 1; }
[ -x "$TWIP" ] || {
    echo "bench/cli-speed.sh: no $TWIP; build it: swift build -c release --static-swift-stdlib --product twip" >&2
    exit 1
}
mkdir -p "$(dirname "$OUT")"
hyperfine -N --warmup 10 --runs "$RUNS" --export-json "$OUT" \
    -n "docker ps" "$DOCKER ps" \
    -n "twip $ENVIRONMENT ps" "$TWIP $ENVIRONMENT ps" \
    -n "twip version" "$TWIP version"
python3 - "$OUT" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
docker = results["docker ps"]
for name, r in results.items():
    print(f"{name:>16}: mean {r['mean'] * 1000:6.1f} ms ± {r['stddev'] * 1000:4.1f}, median {r['median'] * 1000:6.1f} ms,"
          f" ratio to docker ps {r['mean'] / docker['mean']:.2f}")
PY
