#!/usr/bin/env bash
# End-to-end check of the swarm backend against a real engine: `setup --swarm`, the public environment
# (stacks/public.yml) up, served, scaled with requests spread over the tasks, every service released under load
# with no failed request, down and up keeping the data, a foreign service left untouched, and the engine left in
# the swarm state it was found in; then every image pushed to a registry on 127.0.0.1 and run by digest, and a
# second up pushing and changing nothing. Ports are moved so nothing else on the machine is disturbed; load goes only to
# 127.0.0.1. Needs `make setup` (base images are built here when missing) and wrk.
set -uo pipefail
cd "$(dirname "$0")/.."
TWIP=${TWIP:-$PWD/.build/debug/twip}
SOCKET=${SOCKET:-/var/run/docker.sock}
export TWIP_HTTP_PORT=${TWIP_HTTP_PORT:-18280}
export TWIP_STATS_PORT=${TWIP_STATS_PORT:-18938}
export TWIP_STATS_AUTH=${TWIP_STATS_AUTH:-e2e:$RANDOM$RANDOM}
source tests/lib.sh

engine() { # METHOD PATH [JSON]: the Engine API over its socket (the docker CLI is not used)
    if [ $# -ge 3 ]; then
        curl -fsS --unix-socket "$SOCKET" -X "$1" -H 'Content-Type: application/json' -d "$3" "http://engine$2"
    else
        curl -fsS --unix-socket "$SOCKET" -X "$1" "http://engine$2"
    fi
}

exists() { # PATH: the Engine API knows the object
    engine GET "$1" >/dev/null
}

public_services() { # how many services carry io.twip.env=public
    engine GET /services | python3 -c '
import json, sys
print(sum(1 for s in json.load(sys.stdin) if (s["Spec"].get("Labels") or {}).get("io.twip.env") == "public"))'
}

swarm_state() {
    engine GET /info | python3 -c 'import json, sys; print(json.load(sys.stdin)["Swarm"]["LocalNodeState"])'
}

gateway_bridge() { # whether the bridge a swarm makes for its tasks exists
    engine GET /networks/docker_gwbridge >/dev/null 2>&1 && echo yes || echo no
}

# Debian's docker-registry on 127.0.0.1 (the engine pushes and pulls there over plain HTTP by default).
REGISTRY_PORT=${E2E_REGISTRY_PORT:-18950}
registry=127.0.0.1:$REGISTRY_PORT
registry_dir=$(mktemp -d)
registry_pid=

untag_registry_images() { # removes the tags and digest references the pushes to $registry left on local images
    engine GET /images/json | python3 -c '
import json, sys
for image in json.load(sys.stdin):
    for reference in (image.get("RepoTags") or []) + (image.get("RepoDigests") or []):
        if reference.startswith(sys.argv[1] + "/"):
            print(reference)' "$registry" | while read -r reference; do
        engine DELETE "/images/$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$reference")" >/dev/null 2>&1
    done
}

foreign=twiptest-e2e-foreign-$RANDOM
initial_state=$(swarm_state)
initial_bridge=$(gateway_bridge)
cleanup() {
    "$TWIP" public down >/dev/null 2>&1
    if [ -n "$registry_pid" ]; then
        kill "$registry_pid" 2>/dev/null
        wait "$registry_pid" 2>/dev/null
    fi
    rm -rf "$registry_dir"
    untag_registry_images
    engine DELETE "/services/$foreign" >/dev/null 2>&1
    if [ "$initial_state" = inactive ] && [ "$(swarm_state)" != inactive ]; then
        engine POST "/swarm/leave?force=1" >/dev/null
    fi
    # Leaving keeps the bridge the swarm made: remove it when it was not there before.
    if [ "$initial_bridge" = no ] && [ "$(gateway_bridge)" = yes ]; then
        engine DELETE /networks/docker_gwbridge >/dev/null
    fi
}

final_checks() {
    check "the engine is left in the swarm state it was found in ($initial_state)" test "$(swarm_state)" = "$initial_state"
    check "docker_gwbridge is as it was found (present: $initial_bridge)" test "$(gateway_bridge)" = "$initial_bridge"
}

serving() { # waits until the entry port answers / with 200 (HAProxy learns tasks through DNS within seconds)
    local start=$SECONDS
    for _ in $(seq 1 60); do
        if curl -fsS -o /dev/null "$(url /)" 2>/dev/null; then
            echo "# the entry port served $((SECONDS - start)) s after up --wait returned"
            return 0
        fi
        sleep 0.5
    done
    return 1
}

served_by() { # N: distinct X-Served-By values over N cookie-less requests
    for _ in $(seq 1 "$1"); do
        curl -fsS -D - -o /dev/null "$(url /)" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-served-by"{print $2}'
    done | sort -u | wc -l
}

must "$TWIP" base
must "$TWIP" setup --swarm
check "a second setup --swarm changes nothing" sh -c "'$TWIP' setup --swarm | grep -q 'already manages a swarm'"
check "join-token prints the worker join command" sh -c "'$TWIP' swarm join-token worker | grep -q '^docker swarm join --token SWMTKN-'"

# A service twip does not own, which nothing below may touch.
image=$(engine GET /images/twip/debian:latest/json | python3 -c 'import json, sys; print(json.load(sys.stdin)["Id"])')
must engine POST /services/create \
    "{\"Name\":\"$foreign\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"$image\",\"Command\":[\"sleep\",\"3600\"]}}}"

must "$TWIP" public build -q
up_start=$SECONDS
must "$TWIP" public up --wait --timeout 300
echo "# public up --wait from nothing: $((SECONDS - up_start)) s"
check "the entry port serves within 30 s of up --wait" serving
check "public test / answers 200" "$TWIP" public test /
check "a second up plans nothing (--dry-run)" sh -c "'$TWIP' public up --dry-run | grep -q 'nothing to change'"
check "status shows the swarm environment's services" sh -c "'$TWIP' status | grep -q public"
check "the stats page refuses requests without credentials" \
    sh -c "! curl -fsS -o /dev/null 'http://127.0.0.1:${TWIP_STATS_PORT}/'"
check "the stats page answers with TWIP_STATS_AUTH" \
    curl -fsS -o /dev/null -u "$TWIP_STATS_AUTH" "http://127.0.0.1:${TWIP_STATS_PORT}/"
title="e2e-swarm-$(date +%s)-$RANDOM"
check "an item is created through the entry port" \
    curl -fsS -o /dev/null -d "title=$title" -d "body=kept across down and up" "$(url /Create.action)"

must "$TWIP" public scale web=3
tasks=$("$TWIP" public ps --format json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(sum(1 for r in rows if r["service"] == "web" and r["state"] == "running" and r["health"] == "healthy"))')
check "three healthy web tasks after scale web=3 (got $tasks)" test "$tasks" = 3
# HAProxy learns new tasks from the swarm's DNS and checks them twice before sending traffic: give it a few seconds.
spread=0
for _ in $(seq 1 15); do
    spread=$(served_by 30)
    [ "$spread" = 3 ] && break
    sleep 1
done
check "cookie-less requests spread over the three web tasks (got $spread)" test "$spread" = 3

# A release of every service under steady load: forced rolling updates, start-first behind the proxy.
if command -v wrk >/dev/null; then
    out=$(mktemp)
    # A slow answer while a JVM starts on a busy machine is not a failed one: wrk waits up to 10 s for each.
    wrk -t1 -c4 -d600s --timeout 10s "$(url /Read.action)" >"$out" 2>&1 &
    wrk_pid=$!
    sleep 2
    release_start=$SECONDS
    check "static and web are released (forced rolling update) under load" "$TWIP" public restart static web
    release_seconds=$((SECONDS - release_start))
    sleep 2
    kill -INT "$wrk_pid"
    wait "$wrk_pid"
    requests=$(awk '/requests in/{print $1}' "$out")
    non2xx=$(awk '/Non-2xx or 3xx responses/{print $NF}' "$out")
    errors=$(grep -E "Socket errors" "$out" | grep -oE "[0-9]+" | awk '{s += $1} END {print s + 0}')
    echo "# release of static and web: ${release_seconds} s, ${requests:-0} requests, ${non2xx:-0} non-2xx, ${errors:-0} socket errors"
    grep -E "Socket errors|Latency" "$out" | sed 's/^/# /'
    check "no failed request during the release (non-2xx ${non2xx:-0}, socket errors ${errors:-0})" \
        test "${non2xx:-0}" = 0 -a "${errors:-0}" = 0 -a "${requests:-0}" -gt 0
    rm -f "$out"
else
    echo "not ok - wrk is missing (apt-get install wrk)"
    failed=$((failed + 1))
fi
check "public test / answers 200 after the release" "$TWIP" public test /

must "$TWIP" public down
check "down removes every service of the environment" test "$(public_services)" = 0
check "the foreign service is untouched by down" exists "/services/$foreign"
must "$TWIP" public up --wait --timeout 300
check "the entry port serves again within 30 s" serving
check "the item survives down and up" sh -c "curl -fsS '$(url '/Read.action?format=json')' | grep -q '$title'"

# Through a registry: every image pushed and run by digest, and nothing pushed or changed the second time.
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s/data\nhttp:\n  addr: %s\n' \
    "$registry_dir" "$registry" >"$registry_dir/config.yml"
docker-registry serve "$registry_dir/config.yml" >"$registry_dir/log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://$registry/v2/" 2>/dev/null && break; sleep 0.1; done
out=$(mktemp)
"$TWIP" public up --registry "$registry" --wait --timeout 300 >"$out" 2>&1
status=$?
sed 's/^/# /' "$out"
pushed=$(grep -c "^pushed $registry/twip-public-" "$out")
check "up --registry pushes the three images (exit $status, pushed $pushed)" test "$status" = 0 -a "$pushed" = 3
by_digest=$(engine GET /services | python3 -c '
import json, sys
print(sum(1 for s in json.load(sys.stdin) if (s["Spec"].get("Labels") or {}).get("io.twip.env") == "public"
          and s["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"].startswith(sys.argv[1] + "/twip-public-")
          and "@sha256:" in s["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"]))' "$registry")
check "every public service runs its image by digest from the registry (got $by_digest of 3)" test "$by_digest" = 3
check "the entry port serves from the pushed images" serving
"$TWIP" public up --registry "$registry" >"$out" 2>&1
status=$?
kept=$(grep -c "already in the registry" "$out")
changed=$(grep -cE "^pushed|updated|created" "$out")
check "a second up --registry pushes nothing and changes nothing (exit $status, $kept kept, $changed changes)" \
    test "$status" = 0 -a "$kept" = 3 -a "$changed" = 0
rm -f "$out"

must "$TWIP" public down
check "the foreign service is still there at the end" exists "/services/$foreign"
finish
