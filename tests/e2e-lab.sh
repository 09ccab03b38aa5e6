#!/usr/bin/env bash
# End-to-end check of `twip lab` against the real engine: a 3-node lab up, the public environment deployed through
# the lab's context, served through the edge, a node killed under load with no failed request and the wanted
# replicas back, the node started again and the tasks rebalanced, and `lab down` leaving no lab object behind.
# The lab is named labtest (so that it never touches a lab of the operator's) and uses ports 19001-19003 (node
# APIs), 19080 (edge) and 19036 (stats); load goes only to 127.0.0.1. Needs `make setup`, `make data` and the base
# images (built here when missing, with dind and registry).
set -uo pipefail
cd "$(dirname "$0")/.."
TWIP=${TWIP:-$PWD/.build/debug/twip}
SOCKET=${SOCKET:-/var/run/docker.sock}
LAB=${LAB:-labtest}
API_PORT=${API_PORT:-19001}
export TWIP_HTTP_PORT=${TWIP_HTTP_PORT:-19080}
export TWIP_STATS_PORT=${TWIP_STATS_PORT:-19036}
entry="http://127.0.0.1:${TWIP_HTTP_PORT}"
work=$(mktemp -d)
source tests/lib.sh

engine() { # PATH: GET on the host engine
    curl -fsS --unix-socket "$SOCKET" "http://engine$1"
}

lab_objects() { # containers, networks and volumes labelled as the lab's, one per line
    local filter
    filter=$(python3 -c 'import json, sys, urllib.parse; print(urllib.parse.quote(json.dumps({"label": ["io.twip.lab=" + sys.argv[1]]})))' "$LAB")
    engine "/containers/json?all=1&filters=$filter" | python3 -c 'import json, sys; [print("container", c["Names"][0]) for c in json.load(sys.stdin)]'
    engine "/networks?filters=$filter" | python3 -c 'import json, sys; [print("network", n["Name"]) for n in json.load(sys.stdin)]'
    engine "/volumes?filters=$filter" | python3 -c 'import json, sys; [print("volume", v["Name"]) for v in json.load(sys.stdin)["Volumes"] or []]'
    [ -e "/var/lib/twip/lab/$LAB" ] && echo "folder /var/lib/twip/lab/$LAB"
    ls -d /sys/fs/cgroup/*/"$LAB" 2>/dev/null | sed 's/^/cgroup /'
    local meta
    meta="${DOCKER_CONFIG:-$HOME/.docker}/contexts/meta/$(printf %s "$LAB" | sha256sum | cut -d' ' -f1)/meta.json"
    [ -e "$meta" ] && echo "context $LAB"
    return 0
}

cleanup() {
    "$TWIP" lab down --lab "$LAB" >/dev/null 2>&1
    rm -rf "$work"
}

no_client_failed() { # PREFIX WHAT: checks the keep-alive and new-connection twip bench reports $work/PREFIX{keepalive,new}.json
    local client summary
    for client in keepalive new; do
        summary=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["requests"], r["failures"] + r["non2xx"], r["latency_ms"]["max"])' "$work/$1$client.json")
        set -- "$1" "$2" $summary
        echo "# $client client through $2: $3 requests, $4 failed, longest $5 ms"
        check "no request of the $client client failed through $2 ($4 of $3)" test "$4" = 0 -a "$3" -gt 0
    done
}

node_api() { echo $((API_PORT + ${1##*-} - 1)); }

status_json() { "$TWIP" lab status --lab "$LAB" --format json; }

node_state() { # NODE: the swarm's state of NODE, asked through node 1
    curl -fsS --max-time 5 "http://127.0.0.1:$API_PORT/nodes" | python3 -c '
import json, sys
print(next((n["Status"]["State"] for n in json.load(sys.stdin) if n["Description"]["Hostname"] == sys.argv[1]), "?"))' "$1"
}

ready_managers() { # how many nodes the swarm sees ready, as managers
    status_json | python3 -c '
import json, sys
print(sum(1 for n in json.load(sys.stdin)["nodes"] if n["state"] == "ready" and n["role"] in ("manager", "leader")))'
}

tasks_on() { # NODE SERVICE: running tasks of SERVICE on NODE
    status_json | python3 -c '
import json, sys
print(next(sum(1 for t in n["tasks"] if t.split(".")[0] == sys.argv[2]) for n in json.load(sys.stdin)["nodes"]
           if n["node"] == sys.argv[1]))' "$1" "$2"
}

running_on_ready() { # SERVICE: tasks of SERVICE running on ready nodes, asked through node 1
    python3 - "$API_PORT" "$1" <<'EOF'
import json, sys, urllib.request, urllib.parse
base = f"http://127.0.0.1:{sys.argv[1]}"
get = lambda path: json.load(urllib.request.urlopen(base + path, timeout=5))
ready = {n["ID"] for n in get("/nodes") if n["Status"]["State"] == "ready"}
service = next(s["ID"] for s in get("/services") if s["Spec"]["Name"] == sys.argv[2])
filters = urllib.parse.quote(json.dumps({"service": [service], "desired-state": ["running"]}))
print(sum(1 for t in get(f"/tasks?filters={filters}") if t["Status"]["State"] == "running" and t.get("NodeID") in ready))
EOF
}

before=$(lab_objects)
check "no $LAB object exists before the run" test -z "$before"
must "$TWIP" base --only dind registry jdk haproxy nginx jetty

up_start=$SECONDS
must "$TWIP" lab up --lab "$LAB" --nodes 3 --api-port "$API_PORT" >"$work/up.txt"
cat "$work/up.txt" | sed 's/^/  /'
echo "# lab up: $((SECONDS - up_start)) s"
check "lab up prints the DOCKER_HOST line of the first node" grep -qx "DOCKER_HOST=tcp://127.0.0.1:$API_PORT" "$work/up.txt"
check "three managers are ready" test "$(ready_managers)" = 3
for node in "$LAB-1" "$LAB-2" "$LAB-3"; do
    hostname=$(engine "/containers/$node/json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Config"]["Hostname"])')
    swarm_name=$(curl -fsS "http://127.0.0.1:$(node_api "$node")/info" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Name"])')
    check "$node is the container's name, hostname ($hostname) and the engine's name ($swarm_name)" \
        test "$hostname" = "$node" -a "$swarm_name" = "$node"
    check "the registry runs on $node" test "$(tasks_on "$node" "$LAB-registry")" = 1
    check "$node's Engine API is published on 127.0.0.1 only" sh -c \
        "curl -fsS --unix-socket '$SOCKET' http://engine/containers/$node/json | grep -q '\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$(node_api "$node")\"'"
done
check "a second lab up refuses to touch the existing lab (exit 1)" sh -c \
    "'$TWIP' lab up --lab '$LAB' --api-port '$API_PORT' >/dev/null 2>&1; test \$? = 1"
check "an unknown node is a usage error naming the known ones (exit 2)" sh -c \
    "'$TWIP' lab kill --lab '$LAB' nosuch 2>&1 | grep -q '$LAB-1, $LAB-2, $LAB-3'; '$TWIP' lab kill --lab '$LAB' nosuch >/dev/null 2>&1; test \$? = 2"
check "status of a lab that does not exist says so (exit 1)" sh -c \
    "'$TWIP' lab status --lab labtest-none 2>&1 | grep -q 'no lab \"labtest-none\"'"

must "$TWIP" --context "$LAB" public build -q
must "$TWIP" --context "$LAB" public up --wait --timeout 300 >"$work/public-up.txt" 2>&1
check "public up pushed the images to the lab's registry (io.twip.registry)" \
    grep -q "images go through registry 127.0.0.1:5000" "$work/public-up.txt"
by_digest=$(curl -fsS "http://127.0.0.1:$API_PORT/services" | python3 -c '
import json, sys
print(sum(1 for s in json.load(sys.stdin) if (s["Spec"].get("Labels") or {}).get("io.twip.env") == "public"
          and s["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"].startswith("127.0.0.1:5000/") and "@sha256:" in s["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"]))')
check "every public service runs its image by digest from the lab's registry (got $by_digest of 3)" test "$by_digest" = 3
must "$TWIP" --context "$LAB" public scale web=3 static=2
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$entry/health" 2>/dev/null && break; sleep 0.5; done
check "the edge serves / with 200" sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' '$entry/')\" = 200"
check "DOCKER_HOST from lab up works as well as the context" sh -c \
    "DOCKER_HOST=tcp://127.0.0.1:$API_PORT '$TWIP' public ps | grep -q '$LAB-'"
check "public ps shows the node of each task" sh -c "'$TWIP' --context '$LAB' public ps | grep -q 'NODE'"
proxies=$(status_json | python3 -c 'import json, sys; print(sum(1 for n in json.load(sys.stdin)["nodes"] for t in n["tasks"] if t == "public_proxy"))')
check "a proxy runs on every node (got $proxies)" test "$proxies" = 3
title="e2e-lab-$(date +%s)-$RANDOM"
check "an item is written through the edge" sh -c \
    "test \"\$(curl -s -o /dev/null -w '%{http_code}' -d 'title=$title' -d 'body=kept through a node kill' '$entry/Create.action')\" = 303"

victim=$(status_json | python3 -c '
import json, sys
rows = [(sum(1 for t in n["tasks"] if t.startswith("public_web.")), n["node"]) for n in json.load(sys.stdin)["nodes"]
        if n["node"] != sys.argv[1]]
print(max(rows)[1])' "$LAB-1")
"$TWIP" bench "$entry/health" -k -c 4 --rate 100 --duration 45s --timeout 30 --format json >"$work/keepalive.json" 2>/dev/null &
keepalive=$!
"$TWIP" bench "$entry/health" -c 4 --rate 30 --duration 45s --timeout 30 --format json >"$work/new.json" 2>/dev/null &
new=$!
sleep 5
killed=$SECONDS
check "lab kill $victim" "$TWIP" lab kill --lab "$LAB" "$victim"
down=""
back=""
for _ in $(seq 1 240); do
    # Until the swarm marks the node down, it still counts the node's tasks as running.
    if [ -z "$down" ] && [ "$(node_state "$victim")" = down ]; then down=$((SECONDS - killed)); fi
    if [ -n "$down" ] && [ "$(running_on_ready public_web 2>/dev/null)" = 3 ] &&
        [ "$(running_on_ready public_static 2>/dev/null)" = 2 ]; then
        back=$((SECONDS - killed))
        break
    fi
    sleep 0.5
done
echo "# the swarm marked $victim down ${down:-never} s after the kill, the wanted replicas ran again after ${back:-never} s"
check "the swarm marks the killed node down within 15 s (took ${down:-never} s)" test -n "$down" -a "${down:-99}" -le 15
check "the wanted replicas run again within 30 s of the kill (took ${back:-never} s)" test -n "$back" -a "${back:-99}" -le 30
wait "$keepalive" "$new"
no_client_failed "" "the kill"
check "the item written before the kill is still there" sh -c "curl -fsS '$entry/Read.action?format=json' | grep -q '$title'"

check "lab start $victim brings it back ready" "$TWIP" lab start --lab "$LAB" "$victim"
check "three managers are ready again" test "$(ready_managers)" = 3
check "lab rebalance rolls the replicated services" sh -c "'$TWIP' lab rebalance --lab '$LAB' | grep -q 'rebalanced: public_static, public_web'"
check "$victim runs web tasks again after the rebalance" test "$(tasks_on "$victim" public_web)" -ge 1
"$TWIP" lab status --lab "$LAB" | sed 's/^/  /'

# A release of every public service under load through the edge: the proxies (global, one per node, each holding its
# node's entry port) roll one node at a time, stop-first; the edge stops sending to a node whose proxy is down and
# retries a refused connection on another node. static and web roll start-first.
"$TWIP" bench "$entry/health" -k -c 4 --rate 100 --duration 300s --timeout 30 --format json >"$work/release-keepalive.json" 2>/dev/null &
keepalive=$!
"$TWIP" bench "$entry/health" -c 4 --rate 30 --duration 300s --timeout 30 --format json >"$work/release-new.json" 2>/dev/null &
new=$!
sleep 3
release_start=$SECONDS
check "public restart (a rolling release of proxy, static and web) succeeds under load" \
    "$TWIP" --context "$LAB" public restart --timeout 240
echo "# the release of every public service took $((SECONDS - release_start)) s"
sleep 3
kill -INT "$keepalive" "$new" 2>/dev/null
wait "$keepalive" "$new"
no_client_failed release- "the release"

down_start=$SECONDS
check "lab down succeeds" "$TWIP" lab down --lab "$LAB"
echo "# lab down: $((SECONDS - down_start)) s"
after=$(lab_objects)
check "lab down leaves no lab object (left: ${after:-nothing})" test -z "$after"
check "the data folder keeps the items (never touched by down)" grep -rqs "$title" data
finish
