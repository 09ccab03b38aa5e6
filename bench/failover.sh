#!/usr/bin/env bash
# A server's failure under load, rehearsed on `twip lab`: the public environment (stacks/public.yml) on a 3-node
# swarm of engine containers behind the lab's edge (HAProxy on 127.0.0.1:$TWIP_HTTP_PORT checking every node's
# entry port). While clients load the edge, the script kills (SIGKILL) the node holding web tasks, brings it back
# (`twip lab start`), spreads the tasks again (`twip lab rebalance`, itself a rolling release under load), then kills
# another node (every node runs a proxy task, so this one takes a proxy and whatever else it holds) and brings it
# back, then does the same to the swarm's raft leader. Load, only to 127.0.0.1 through the edge:
#   - twip bench -k: keep-alive connections on /health (a web task's answer), at RATE_K requests/s;
#   - twip bench: a new connection per request on /health, at RATE_N requests/s;
#   - twip bench: a new connection per request on /styles/site.css (a static task's answer), at RATE_N;
#   - a writer POSTing one news item per WRITE_EVERY seconds (/Create.action); a 303 is an acknowledged write.
# Reported: failed requests and the longest request per client; per kill, the seconds until the swarm marks the
# node down and until the wanted replicas (web and static) run again on ready nodes; acknowledged writes missing
# from /Read.action?format=json at the end. Exit 1 when a request failed or an acknowledged write is lost.
#
# The lab is made here when it is not up (and removed at the end unless KEEP=1); an existing one is used as is.
# `public up` pushes the environment's images to the lab's registry and deploys them by digest, so every node pulls
# them from there. Needs `twip base` (with dind and registry) and `make data`.
set -uo pipefail
cd "$(dirname "$0")/.."
TWIP=${TWIP:-$PWD/.build/debug/twip}
LAB=${LAB:-twip-lab}
API_PORT=${API_PORT:-19001}
export TWIP_HTTP_PORT=${TWIP_HTTP_PORT:-19080}
export TWIP_STATS_PORT=${TWIP_STATS_PORT:-19036}
WEB=${WEB:-3}
STATIC=${STATIC:-2}
RATE_K=${RATE_K:-100}
RATE_N=${RATE_N:-30}
WRITE_EVERY=${WRITE_EVERY:-0.2}
SETTLE=${SETTLE:-10}
KEEP=${KEEP:-0}
work=$(mktemp -d)
entry="http://127.0.0.1:${TWIP_HTTP_PORT}"
made_lab=0
pids=()

say() { echo "# $*"; }
now() { date +%s.%N; }
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

node_api() { # NODE: the node's API port, from lab status
    "$TWIP" lab status --lab "$LAB" --format json | python3 -c '
import json, sys
for n in json.load(sys.stdin)["nodes"]:
    if n["node"] == sys.argv[1]: print(n["api"].rsplit(":", 1)[1])' "$1"
}

observer() { # NODE: the API port of a running node other than NODE
    "$TWIP" lab status --lab "$LAB" --format json | python3 -c '
import json, sys
for n in json.load(sys.stdin)["nodes"]:
    if n["node"] != sys.argv[1] and n["container"] == "running":
        print(n["api"].rsplit(":", 1)[1]); break' "$1"
}

swarm() { # PORT PATH: GET on a node's Engine API
    curl -fsS --max-time 5 "http://127.0.0.1:$1$2"
}

node_state() { # PORT NODE: the swarm's state of NODE
    swarm "$1" /nodes 2>/dev/null | python3 -c '
import json, sys
print(next((n["Status"]["State"] for n in json.load(sys.stdin) if n["Description"]["Hostname"] == sys.argv[1]), "?"))' "$2"
}

running_on_ready() { # PORT SERVICE: tasks of SERVICE running on ready nodes
    python3 - "$1" "$2" <<'EOF'
import json, sys, urllib.request, urllib.parse
base = f"http://127.0.0.1:{sys.argv[1]}"
get = lambda path: json.load(urllib.request.urlopen(base + path, timeout=5))
ready = {n["ID"] for n in get("/nodes") if n["Status"]["State"] == "ready"}
service = next(s["ID"] for s in get("/services") if s["Spec"]["Name"] == sys.argv[2])
filters = urllib.parse.quote(json.dumps({"service": [service], "desired-state": ["running"]}))
print(sum(1 for t in get(f"/tasks?filters={filters}") if t["Status"]["State"] == "running" and t.get("NodeID") in ready))
EOF
}

node_with() { # SERVICE [NOT]: the node running most tasks of SERVICE (not NOT)
    "$TWIP" lab status --lab "$LAB" --format json | python3 -c '
import json, sys
rows = [(sum(1 for t in n["tasks"] if t.split(".")[0] == sys.argv[1]), n["node"]) for n in json.load(sys.stdin)["nodes"]
        if n["node"] != (sys.argv[2] if len(sys.argv) > 2 else "") and n["state"] == "ready"]
print(max(rows)[1])' "$@"
}

failover() { # LABEL NODE: kill NODE, time the swarm's reaction, bring it back
    local label=$1 node=$2 watch killed down="" back="" state web static
    watch=$(observer "$node")
    say "$label: killing $node (watching through 127.0.0.1:$watch)"
    echo "$(now) kill $node" >>"$work/marks"
    killed=$(now)
    "$TWIP" lab kill --lab "$LAB" "$node" >/dev/null
    for _ in $(seq 1 600); do
        if [ -z "$down" ]; then
            state=$(node_state "$watch" "$node")
            [ "$state" = down ] && down=$(now)
        fi
        if [ -n "$down" ]; then
            web=$(running_on_ready "$watch" public_web 2>/dev/null || echo 0)
            static=$(running_on_ready "$watch" public_static 2>/dev/null || echo 0)
            if [ "$web" -ge "$WEB" ] && [ "$static" -ge "$STATIC" ]; then
                back=$(now)
                break
            fi
        fi
        sleep 0.2
    done
    echo "$label node=$node down_s=$([ -n "$down" ] && seconds "$killed" "$down" || echo never)" \
        "replicas_s=$([ -n "$back" ] && seconds "$killed" "$back" || echo never)" >>"$work/kills"
    say "$label: marked down after $([ -n "$down" ] && seconds "$killed" "$down" || echo never) s," \
        "wanted replicas ($WEB web, $STATIC static) running again after" \
        "$([ -n "$back" ] && seconds "$killed" "$back" || echo never) s"
    sleep "$SETTLE"
    echo "$(now) start $node" >>"$work/marks"
    "$TWIP" lab start --lab "$LAB" "$node"
    sleep "$SETTLE"
}

writer() { # POSTs numbered items through the edge; the acknowledged ones (303) go to $work/acked
    local n=0 code
    while [ ! -e "$work/stop" ]; do
        n=$((n + 1))
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 \
            -d "title=failover-$run-$n" -d "body=written during the failover run" "$entry/Create.action")
        if [ "$code" = 303 ]; then echo "failover-$run-$n" >>"$work/acked"; else echo "$n $code" >>"$work/unacked"; fi
        sleep "$WRITE_EVERY"
    done
}

cleanup() {
    touch "$work/stop"
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    if [ "$made_lab" = 1 ] && [ "$KEEP" != 1 ]; then
        "$TWIP" lab down --lab "$LAB" >/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

run=$(date +%s)
started=$SECONDS
if ! "$TWIP" lab status --lab "$LAB" >/dev/null 2>&1; then
    say "making lab $LAB (3 nodes, APIs from 127.0.0.1:$API_PORT, edge 127.0.0.1:$TWIP_HTTP_PORT)"
    "$TWIP" lab up --lab "$LAB" --nodes 3 --api-port "$API_PORT" | sed 's/^/  /' || exit 1
    made_lab=1
fi
"$TWIP" --context "$LAB" public build -q | sed 's/^/  /' || exit 1
"$TWIP" --context "$LAB" public up --wait --timeout 300 | sed 's/^/  /' || exit 1
"$TWIP" --context "$LAB" public scale "web=$WEB" "static=$STATIC" >/dev/null || exit 1
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$entry/health" 2>/dev/null && break; sleep 0.5; done
"$TWIP" lab status --lab "$LAB"

: >"$work/acked"
: >"$work/kills"
: >"$work/marks"
"$TWIP" bench "$entry/health" -k -c 4 --rate "$RATE_K" --duration 30m --timeout 30 --format json \
    >"$work/keepalive.json" 2>/dev/null &
pids+=($!)
"$TWIP" bench "$entry/health" -c 4 --rate "$RATE_N" --duration 30m --timeout 30 --format json \
    >"$work/new.json" 2>/dev/null &
pids+=($!)
"$TWIP" bench "$entry/styles/site.css" -c 2 --rate "$RATE_N" --duration 30m --timeout 30 --format json \
    >"$work/static.json" 2>/dev/null &
pids+=($!)
writer &
pids+=($!)
sleep "$SETTLE"

failover "kill 1 (web)" "$(node_with public_web "$LAB-1")"
say "rebalance under load"
"$TWIP" lab rebalance --lab "$LAB" | sed 's/^/  /'
"$TWIP" lab status --lab "$LAB"
sleep "$SETTLE"
victim=$(tail -1 "$work/kills" | sed 's/.*node=\([^ ]*\).*/\1/')
failover "kill 2 (proxy)" "$(node_with public_proxy "$victim")"
"$TWIP" lab rebalance --lab "$LAB" | sed 's/^/  /'
sleep "$SETTLE"
leader=$("$TWIP" lab status --lab "$LAB" --format json | python3 -c '
import json, sys
print(next(n["node"] for n in json.load(sys.stdin)["nodes"] if n["role"] == "leader"))')
failover "kill 3 (raft leader)" "$leader"
"$TWIP" lab rebalance --lab "$LAB" | sed 's/^/  /'
sleep "$SETTLE"

touch "$work/stop"
for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
pids=()

sleep 2
curl -fsS "$entry/Read.action?format=json" >"$work/items.json" || echo "[]" >"$work/items.json"
python3 - "$work" "$((SECONDS - started))" <<'EOF'
import json, os, sys
work, elapsed = sys.argv[1], sys.argv[2]
failed = 0
print("client                          requests  failed  non-2xx  longest (ms)  p99 (ms)")
for name, label in [("keepalive", "keep-alive /health"), ("new", "new connection /health"),
                    ("static", "new connection /styles/site.css")]:
    with open(f"{work}/{name}.json") as f:
        r = json.load(f)
    bad = r["failures"] + r["non2xx"]
    failed += bad
    print(f"{label:30}  {r['requests']:8}  {r['failures']:6}  {r['non2xx']:7}  {r['latency_ms']['max']:12.1f}  "
          f"{r['latency_ms']['p99']:8.1f}")
acked = [l.strip() for l in open(f"{work}/acked") if l.strip()]
unacked = [l.strip() for l in open(f"{work}/unacked")] if os.path.exists(f"{work}/unacked") else []
titles = {item["title"] for item in json.load(open(f"{work}/items.json"))}
lost = [t for t in acked if t not in titles]
print(f"writes: {len(acked)} acknowledged, {len(unacked)} not acknowledged, {len(lost)} acknowledged and lost")
for line in open(f"{work}/kills"):
    print(line.strip())
print(f"run: {elapsed} s")
sys.exit(1 if failed or lost or unacked else 0)
EOF
