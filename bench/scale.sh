#!/usr/bin/env bash
# Steady load through an environment's entry port (ENVIRONMENT=prod by default, or train) while web scales 1 -> 3 -> 1.
# The load is one `twip bench -k` run over the whole time, with marks dropped as the scaling goes; it draws the run to
# PLOT (bench/results/scale.svg by default): requests per second, failed requests and latency per second, the marks.
# Reports requests, failed requests, non-2xx answers and the worst per-second p99 before, during and after scaling.
# Needs a running engine and twip's images built (`twip base`, `twip prod build`). Load goes only to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
TWIP=${TWIP:-.build/debug/twip}
export TWIP_HTTP_PORT=${TWIP_HTTP_PORT:-18080}
export TWIP_STATS_PORT=${TWIP_STATS_PORT:-18936}
ENVIRONMENT=${ENVIRONMENT:-prod}
PHASE_SECONDS=${PHASE_SECONDS:-10}
HOLD_SECONDS=${HOLD_SECONDS:-3}
CONNECTIONS=${CONNECTIONS:-10}
PLOT=${PLOT:-bench/results/scale.svg}
URL="http://127.0.0.1:${TWIP_HTTP_PORT}/Read.action"
out=$(mktemp -d)
bench_pid=""
cleanup() {
    if [ -n "$bench_pid" ]; then kill -INT "$bench_pid" 2>/dev/null || true; fi
    rm -rf "$out"
}
trap cleanup EXIT

"$TWIP" "$ENVIRONMENT" up --wait --timeout 180
"$TWIP" "$ENVIRONMENT" scale web=1

mkdir -p "$(dirname "$PLOT")"
marks="$out/marks"
mark() { echo "$(date +%s.%N) $*" >>"$marks"; }

# twip bench stops on SIGINT and reports what it measured, like wrk: the run lasts exactly as long as the phases.
"$TWIP" bench "$URL" -k -c "$CONNECTIONS" --duration 1h --format json --plot "$PLOT" --mark-file "$marks" \
    >"$out/bench.json" &
bench_pid=$!
sleep "$PHASE_SECONDS"
mark "scale up"
scale_start=$(date +%s.%N)
"$TWIP" "$ENVIRONMENT" scale web=3
mark "scaled to 3"
sleep "$HOLD_SECONDS"
mark "scale down"
"$TWIP" "$ENVIRONMENT" scale web=1
scale_end=$(date +%s.%N)
mark "back to 1"
sleep "$PHASE_SECONDS"
kill -INT "$bench_pid"
status=0
wait "$bench_pid" || status=$?
bench_pid=""
if [ "$status" != 0 ]; then
    echo "bench/scale.sh: twip bench failed (exit $status)" >&2
    exit 1
fi

# The report is pretty-printed JSON with sorted keys: in "marks" and in each second of "series", "t" comes last.
awk '
    /^  "marks" : \[/ { section = "marks"; next }
    /^  "series" : \[/ { section = "series"; next }
    /^  "[a-z_0-9]+" :/ { section = "" }
    section == "marks" && /"label" :/ { sub(/^[^:]*: "/, ""); sub(/",?$/, ""); label = $0 }
    section == "marks" && /"t" :/ { mark[label] = $3 + 0 }
    section == "series" && /"(failures|non2xx|responses|p99)" :/ { gsub(/[",]/, ""); value[$1] = $3 + 0 }
    section == "series" && /"t" :/ {
        t = $3 + 0
        n++; st[n] = t; sr[n] = value["responses"]; sf[n] = value["failures"]; sx[n] = value["non2xx"]
        sp[n] = value["p99"]; delete value
    }
    END {
        up = mark["scale up"]; back = mark["back to 1"]
        for (i = 1; i <= n; i++) {
            phase = st[i] + 1 <= up ? "before" : st[i] >= back ? "after" : "during"
            requests[phase] += sr[i] + sf[i]; failed[phase] += sf[i]; non2xx[phase] += sx[i]
            if (sp[i] > p99[phase]) p99[phase] = sp[i]
        }
        printf "%-8s %10s %10s %8s %16s\n", "phase", "requests", "failed", "non2xx", "worst p99 (ms)"
        split("before during after", phases, " ")
        for (i = 1; i <= 3; i++) {
            p = phases[i]
            printf "%-8s %10d %10d %8d %16.1f\n", p, requests[p], failed[p], non2xx[p], p99[p]
            bad += failed[p] + non2xx[p]
        }
        exit bad > 0 ? 1 : 0
    }
' "$out/bench.json" && fail=0 || fail=1
awk -v a="$scale_start" -v b="$scale_end" 'BEGIN {printf "scaling web 1 -> 3 -> 1 took %.1f s under load\n", b - a}'
echo "picture: $PLOT"
if [ "$fail" = 1 ]; then
    echo "FAILED: requests failed while scaling" >&2
    exit 1
fi
echo "no failed request"
