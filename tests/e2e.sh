#!/usr/bin/env bash
# End-to-end check of twip against a real engine: base images, both environments, scaling under load,
# pack to a local registry, clean. Ports are moved so nothing else on the machine is disturbed.
# Load goes only to 127.0.0.1.
set -uo pipefail
cd "$(dirname "$0")/.."
TWIP=${TWIP:-$PWD/.build/debug/twip}
export TWIP_HTTP_PORT=${TWIP_HTTP_PORT:-18080}
export TWIP_STATS_PORT=${TWIP_STATS_PORT:-18936}
REGISTRY_PORT=${REGISTRY_PORT:-15000}
source tests/lib.sh

must "$TWIP" base
must "$TWIP" train build
must "$TWIP" train up --wait --timeout 240

check "train test / answers 200" "$TWIP" train test /
title="e2e-$(date +%s)-$RANDOM"
check "an item is created through the entry port" \
    curl -fsS -o /dev/null -d "title=$title" -d "body=kept across down and up" "$(url /Create.action)"
must "$TWIP" train down
must "$TWIP" train up --wait --timeout 240
check "the item survives down and up" sh -c "curl -fsS '$(url '/Read.action?format=json')' | grep -q '$title'"

must "$TWIP" train scale web=3
healthy=$("$TWIP" train ps --format json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(sum(1 for r in rows if r["service"] == "web" and r["state"] == "running" and r["health"] == "healthy"))')
check "three healthy web replicas after scale web=3 (got $healthy)" test "$healthy" = 3
served=$(for i in $(seq 1 30); do curl -fsS -D - -o /dev/null "$(url /)" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-served-by"{print $2}'; done | sort -u | wc -l)
check "cookieless requests reach more than one replica (got $served)" test "$served" -gt 1
check "train scales web 1 -> 3 -> 1 under load with no failed request" \
    env TWIP="$TWIP" ENVIRONMENT=train PHASE_SECONDS=3 bench/scale.sh
check "a release of the training front (nginx, handed over to its next generation) and web under load loses no request" \
    env TWIP="$TWIP" STACK=train COMPOSE=0 PHASE_SECONDS=3 PLOT= bench/release.sh
must "$TWIP" train down

must "$TWIP" prod build
must "$TWIP" prod up --wait --timeout 240
check "prod test / answers 200" "$TWIP" prod test /
check "HAProxy stats answer on 127.0.0.1:$TWIP_STATS_PORT" curl -fsS -o /dev/null "http://127.0.0.1:${TWIP_STATS_PORT}/"
check "prod scales web 1 -> 3 -> 1 under load with no failed request" env TWIP="$TWIP" PHASE_SECONDS=5 bench/scale.sh
check "a release of every prod service (proxy handed over, static and web start-first) under load loses no request" \
    env TWIP="$TWIP" RELEASE_SERVICES="proxy static web" COMPOSE=0 PHASE_SECONDS=3 PLOT= bench/release.sh
check "a release of web that never becomes healthy is rolled back and loses no request" \
    env TWIP="$TWIP" RELEASE_SERVICES="web" BROKEN=1 COMPOSE=0 PHASE_SECONDS=3 PLOT= bench/release.sh
must "$TWIP" prod up --wait --timeout 240

# restart of the proxy under load: a fresh HAProxy generation takes the listeners over; the old one answers with
# `Connection: close` for a moment, then soft-stops (no stop and start, no keep-alive connection closed under a client).
restart_out=$(mktemp -d)
wrk -t1 -c16 -d15s --timeout 10s "$(url /Read.action)" >"$restart_out/wrk.txt" 2>&1 &
wrk_pid=$!
ab -r -q -c 4 -t 15 -n 5000000 "$(url /)" >"$restart_out/ab.txt" 2>&1 &
ab_pid=$!
sleep 3
check "prod restart proxy under load succeeds" "$TWIP" prod restart proxy
wait "$wrk_pid" "$ab_pid"
restart_failed=$(python3 - "$restart_out" <<'PY'
import re, sys
wrk = open(sys.argv[1] + "/wrk.txt").read()
ab = open(sys.argv[1] + "/ab.txt").read()
failed = sum(map(int, re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", wrk).groups())) \
    if "Socket errors" in wrk else 0
failed += int(re.search(r"Non-2xx or 3xx responses: (\d+)", wrk).group(1)) if "Non-2xx" in wrk else 0
m = re.search(r"\(Connect: (\d+), Receive: (\d+), Length: \d+, Exceptions: (\d+)\)", ab)
failed += sum(map(int, m.groups())) if m else 0
failed += int(re.search(r"Non-2xx responses:\s+(\d+)", ab).group(1)) if "Non-2xx responses" in ab else 0
requests = int(re.search(r"(\d+) requests in", wrk).group(1)) + int(re.search(r"Complete requests:\s+(\d+)", ab).group(1))
print(failed, requests)
PY
)
check "no request failed while the proxy restarted (failed, requests: $restart_failed)" test "${restart_failed%% *}" = 0
rm -rf "$restart_out"

# pack: push to Debian's docker-registry serving on 127.0.0.1 without auth.
regdir=$(mktemp -d)
cat >"$regdir/config.yml" <<CONF
version: 0.1
storage:
  filesystem:
    rootdirectory: $regdir/data
http:
  addr: 127.0.0.1:$REGISTRY_PORT
CONF
docker-registry serve "$regdir/config.yml" >"$regdir/log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$REGISTRY_PORT/v2/" >/dev/null && break; sleep 0.2; done
check "pack prod pushes to the registry on 127.0.0.1" "$TWIP" pack prod --registry "127.0.0.1:$REGISTRY_PORT" --tag e2e
catalog=$(curl -fsS "http://127.0.0.1:$REGISTRY_PORT/v2/_catalog")
check "the registry lists the pushed images ($catalog)" sh -c "echo '$catalog' | grep -q twip-web && echo '$catalog' | grep -q twip-static"
kill "$registry_pid" 2>/dev/null

# pack against the same registry with the htpasswd auth its Debian package's config asks for.
htpasswd -Bbc "$regdir/htpasswd" twip "s3cret" >/dev/null 2>&1
cat >"$regdir/auth.yml" <<CONF
version: 0.1
storage:
  filesystem:
    rootdirectory: $regdir/data-auth
http:
  addr: 127.0.0.1:$REGISTRY_PORT
auth:
  htpasswd:
    realm: basic-realm
    path: $regdir/htpasswd
CONF
docker-registry serve "$regdir/auth.yml" >"$regdir/log-auth" 2>&1 &
registry_pid=$!
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/v2/" && break; sleep 0.2; done
docker_config() { # user password -> a DOCKER_CONFIG folder with those credentials
    local dir="$regdir/docker-$1-$2"
    mkdir -p "$dir"
    printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "$REGISTRY_PORT" "$(printf '%s:%s' "$1" "$2" | base64)" >"$dir/config.json"
    echo "$dir"
}
wrong=$(docker_config twip wrong)
out=$(DOCKER_CONFIG="$wrong" "$TWIP" pack prod --registry "127.0.0.1:$REGISTRY_PORT" --tag e2e 2>&1)
code=$?
check "pack with wrong credentials exits 1 (got $code)" test "$code" = 1
check "pack with wrong credentials says why ($(echo "$out" | tail -1))" sh -c "echo '$out' | tail -1 | grep -qiE 'auth|unauthorized|denied'"
right=$(docker_config twip s3cret)
check "pack with the registry's credentials pushes" env DOCKER_CONFIG="$right" "$TWIP" pack prod --registry "127.0.0.1:$REGISTRY_PORT" --tag e2e
kill "$registry_pid" 2>/dev/null
rm -rf "$regdir"

"$TWIP" prod down

# clean all: twip's objects go; a foreign container and image (no twip labels) stay.
rootfs=$(mktemp -d)
mkdir -p "$rootfs/bin" && cp /bin/busybox "$rootfs/bin/busybox"
tar -C "$rootfs" -c . | docker import - twiptest-e2e-foreign:latest >/dev/null
rm -rf "$rootfs"
docker rm -f twiptest-e2e-foreign >/dev/null 2>&1
docker create --name twiptest-e2e-foreign twiptest-e2e-foreign:latest /bin/busybox sleep 1 >/dev/null
must "$TWIP" train up --wait --timeout 240
check "clean all runs" "$TWIP" clean all
check "clean all removed every twip container" sh -c '[ -z "$(docker ps -aq --filter label=io.twip.env)" ]'
check "clean all removed the environment images" sh -c '[ -z "$(docker images -q --filter label=io.twip.env)" ]'
check "clean all kept the base images" sh -c "docker image inspect twip/debian:bookworm >/dev/null"
check "clean all kept the foreign container" sh -c "docker container inspect twiptest-e2e-foreign >/dev/null"
check "clean all kept the foreign image" sh -c "docker image inspect twiptest-e2e-foreign:latest >/dev/null"
docker rm -f twiptest-e2e-foreign >/dev/null 2>&1
docker rmi twiptest-e2e-foreign:latest >/dev/null 2>&1

finish
