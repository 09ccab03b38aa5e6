#!/usr/bin/env bash
# The production proxy (prod/Dockerfile.proxy) replaced under load, CYCLES times in a row, without a failed request.
#
# The recipe twip follows, done here by hand with the docker CLI (twip itself drives the Engine API):
#   - a holder container, never replaced, owns the network namespace: the published ports, the environment's
#     network with the alias `proxy`, net.ipv4.tcp_migrate_req=1;
#   - each HAProxy generation joins it (--network container:HOLDER), mounts the handover volume on /run/twip-proxy,
#     gets its backends.cfg before it starts, and starts with TWIP_PREVIOUS_SOCKET naming the previous
#     generation's handover socket, so it takes over the listening sockets (80, 1936) instead of binding them;
#   - once the new generation answers on its own runtime API port with every server UP, the previous one gets
#     SIGUSR1 (soft stop: in-flight requests finish, idle keep-alive connections are closed on their next answer),
#     is waited for and removed.
# Generations alternate between two images (the second with a changed haproxy.cfg) and change backends.cfg, so
# both "new image" and "new configuration" are covered.
#
# Load during every cycle, only to 127.0.0.1: wrk keep-alive (16 connections, busy), wrk keep-alive with a pause
# between requests (16 connections, mostly idle: the case `option idle-close-on-response` is for) and ab with a new
# connection per request (8 concurrent). A cycle passes when no request failed (socket errors, non-2xx answers).
# The listening socket of port 80 must stay the same one (its inode) through every handover: taken over, never
# bound anew; the stats page (1936) must answer after each one.
# PROXY=nginx measures the training front (train/Dockerfile.static) the same way: nginx cannot hand its sockets
# over, so each generation listens with `reuseport` (added to a copy of its configuration here) beside the previous
# one and the previous one is stopped gracefully (SIGQUIT); the training configuration answers with
# `Connection: close` (keepalive_timeout 0), so no idle keep-alive connection is closed under a client.
# NGINX_KEEPALIVE=on measures the gap: nginx with client keep-alive (no `idle-close-on-response` in nginx).
# IDLE_CLOSE=off: HAProxy without `option idle-close-on-response`, to see what it is for. IMAGE_A: an image already
# built from prod/Dockerfile.proxy (e.g. by `twip build`) to use for the odd generations instead of building one.
# MODE=rollback: a release of the proxy undone: the new generation takes the sockets over, then it is soft-stopped
# and removed instead of the previous one, which keeps serving on the same sockets.
# MODE=none: the same load and no replacement, the baseline for the latencies.
# MODE=reuseport: the fallback without -x (each generation binds its own sockets beside the previous one with
# SO_REUSEPORT; tcp_migrate_req moves the old one's queued connections). MODE=recreate: the naive way for
# comparison, the proxy stopped and a new one created on the ports.
#
# A wrk "timeout" is a request that got no answer within 2 s (wrk's default): counted as failed.
# Needs the engine, the base images (twip/haproxy:bookworm, twip/debian:bookworm, twip/nginx:bookworm: `twip base`),
# wrk and ab (Debian: wrk, apache2-utils). Prints per-cycle figures, then "N passed, M failed"; exit 1 on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX=${PREFIX:-twiptest-handover}
CYCLES=${CYCLES:-10}
MODE=${MODE:-handover}
PROXY=${PROXY:-haproxy}
NGINX_KEEPALIVE=${NGINX_KEEPALIVE:-off}
IDLE_CLOSE=${IDLE_CLOSE:-on}
IMAGE_A=${IMAGE_A:-}
PORT=${PORT:-18480}
STATS_PORT=${STATS_PORT:-18486}
BEFORE=${BEFORE:-1}
AFTER=${AFTER:-1}
PAUSE_MS=${PAUSE_MS:-100}
HAPROXY_BASE=${HAPROXY_BASE:-twip/haproxy:bookworm}
work=$(mktemp -d)

for tool in docker wrk ab curl; do
    command -v "$tool" >/dev/null || { echo "bench/proxy-handover.sh: $tool is missing" >&2; exit 1; }
done
for base in "$HAPROXY_BASE" twip/debian:bookworm twip/nginx:bookworm; do
    docker image inspect "$base" >/dev/null 2>&1 || "${TWIP:-.build/debug/twip}" base
done

cleanup() {
    local ids
    ids=$(docker ps -aq --filter "name=^${PREFIX}-" 2>/dev/null || true)
    [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
    docker network rm "$PREFIX-net" >/dev/null 2>&1 || true
    docker volume rm "$PREFIX-sockets" >/dev/null 2>&1 || true
}
trap 'cleanup; rm -rf "$work"' EXIT
cleanup

# --- images: A is the proxy's Dockerfile as it is, B the same with a changed configuration ------------------------
for variant in a b; do
    mkdir -p "$work/$variant/prod" "$work/$variant/train"
    cp -r prod/haproxy prod/nginx prod/Dockerfile.proxy "$work/$variant/prod/"
    cp -r train/nginx train/Dockerfile.static "$work/$variant/train/"
    cp -r static "$work/$variant/"
    sed -i 's|^    listen 80 default_server;|    listen 80 reuseport default_server;|' "$work/$variant/train/nginx/static.conf"
    grep -q 'reuseport' "$work/$variant/train/nginx/static.conf"
done
sed -i 's|^    http-request set-header X-Forwarded-Proto http|&\n    http-response set-header X-Proxy-Image b|' \
    "$work/b/prod/haproxy/haproxy.cfg"
grep -q 'X-Proxy-Image b' "$work/b/prod/haproxy/haproxy.cfg"
sed -i 's|^        add_header Request-Time $request_time always;|&\n        add_header X-Proxy-Image b always;|' \
    "$work/b/train/nginx/static.conf"
grep -q 'X-Proxy-Image b' "$work/b/train/nginx/static.conf"
if [ "$IDLE_CLOSE" = off ]; then
    sed -i '/^    option idle-close-on-response/d' "$work/a/prod/haproxy/haproxy.cfg" "$work/b/prod/haproxy/haproxy.cfg"
fi
if [ "$NGINX_KEEPALIVE" = on ]; then # the gap: client keep-alive, whose idle connections nginx closes on SIGQUIT
    sed -i '/^    keepalive_timeout 0;/d' "$work/a/train/nginx/static.conf" "$work/b/train/nginx/static.conf"
fi
for variant in a b; do
    if [ "$PROXY" = nginx ]; then dockerfile=train/Dockerfile.static; else dockerfile=prod/Dockerfile.proxy; fi
    DOCKER_BUILDKIT=0 docker build -q --build-arg HAPROXY_BASE="$HAPROXY_BASE" -f "$dockerfile" \
        -t "$PREFIX-proxy:$variant" "$work/$variant" >/dev/null 2>"$work/build.log" || {
        cat "$work/build.log" >&2
        exit 1
    }
done
[ -z "$IMAGE_A" ] || docker tag "$IMAGE_A" "$PREFIX-proxy:a"
mkdir -p "$work/static/prod"
cp -r prod/nginx prod/Dockerfile.static "$work/static/prod/"
cp -r static "$work/static/"
DOCKER_BUILDKIT=0 docker build -q -f prod/Dockerfile.static -t "$PREFIX-static" "$work/static" >/dev/null 2>"$work/build.log" || {
    cat "$work/build.log" >&2
    exit 1
}

# --- backends: two static replicas (nginx, /healthz) and one "web" (busybox httpd on 8080, /health) -------------
docker network create "$PREFIX-net" >/dev/null
docker volume create "$PREFIX-sockets" >/dev/null
for replica in 1 2; do
    docker run -d --name "$PREFIX-static-$replica" --network "$PREFIX-net" --network-alias static \
        "$PREFIX-static" >/dev/null
done
docker run -d --name "$PREFIX-web-1" --network "$PREFIX-net" --network-alias web twip/debian:bookworm \
    busybox sh -c 'mkdir -p /www && echo ok >/www/health && echo web >/www/index.html &&
        exec busybox httpd -f -p 8080 -h /www' >/dev/null
address() { docker inspect -f "{{(index .NetworkSettings.Networks \"$PREFIX-net\").IPAddress}}" "$1"; }
static1=$(address "$PREFIX-static-1")
static2=$(address "$PREFIX-static-2")
web1=$(address "$PREFIX-web-1")

backends() { # generation: backends.cfg (upstream.conf for nginx) as twip renders it, with a per-generation change
    if [ "$PROXY" = nginx ]; then
        printf '# Written by twip from the live replicas; generation %d.\nserver %s:8080;\n' "$1" "$web1"
        return
    fi
    cat <<EOF
# Written by twip from the live replicas; generation $1.

backend static
    balance $([ $(($1 % 2)) -eq 0 ] && echo leastconn || echo roundrobin)
    option httpchk GET /healthz
    http-check expect status 200
    default-server check inter 1s fastinter 500ms fall 2 rise 1
    server $PREFIX-static-1 $static1:80
    server $PREFIX-static-2 $static2:80

backend web
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    cookie SERVERID insert indirect nocache dynamic
    dynamic-cookie-key twip-$PREFIX-web
    default-server check inter 1s fastinter 500ms fall 2 rise 1
    server $PREFIX-web-1 $web1:8080
EOF
}

# --- the holder: owns the network namespace and the ports, never replaced ---------------------------------------
holder="$PREFIX-holder"
[ "$MODE" = recreate ] || docker run -d --name "$holder" --network "$PREFIX-net" --network-alias proxy \
    -p "127.0.0.1:$PORT:80" -p "127.0.0.1:$STATS_PORT:1936" \
    --sysctl net.ipv4.tcp_migrate_req=1 --no-healthcheck --restart unless-stopped \
    "$HAPROXY_BASE" busybox sh -c 'trap "exit 0" TERM INT; while :; do busybox sleep 3600 & wait $!; done' >/dev/null

runtime() { # container port command: HAProxy's runtime API of that generation, as twip reaches it
    docker exec "$1" busybox sh -c 'printf "%s\n" "$2" | busybox nc 127.0.0.1 "$1"' twip "$2" "$3"
}

listeners() { # container: how many sockets listen on port 80 in the proxy's network namespace
    docker exec "$1" busybox awk 'NR > 1 && $4 == "0A" && $2 ~ /:0050$/ { n++ } END { print n + 0 }' /proc/net/tcp
}

ready() { # container port: the generation answers on its own runtime port and every server is UP
    if [ "$PROXY" = nginx ]; then
        # nginx has no per-generation endpoint: ready once its master runs and its reuseport sockets joined.
        [ "$(docker inspect -f '{{.State.Running}}' "$1")" = true ] &&
            docker exec "$1" busybox test -s /tmp/nginx.pid 2>/dev/null &&
            [ "$(listeners "$1")" -gt "$listeners_before" ]
        return
    fi
    local stat
    stat=$(runtime "$1" "$2" "show stat" 2>/dev/null) || return 1
    # show stat: pxname,svname,...,status (18th field); servers are the rows that are not FRONTEND/BACKEND.
    printf '%s\n' "$stat" | awk -F, '
        /^#/ || NF < 18 || $2 == "FRONTEND" || $2 == "BACKEND" || $1 == "stats" { next }
        { servers++; if ($18 != "UP") down++ }
        END { exit !(servers >= 3 && down == 0) }'
}

start_generation() { # generation previous-generation-or-empty
    local n=$1 previous=$2 name="$PREFIX-proxy-$1" image
    image="$PREFIX-proxy:$([ $((n % 2)) -eq 1 ] && echo a || echo b)"
    local args=(--name "$name" --label "io.twip.proxy.generation=$n"
        -e "TWIP_HANDOVER_SOCKET=/run/twip-proxy/$n.sock" -e "TWIP_RUNTIME_PORT=$((9998 + n % 2))"
        -v "$PREFIX-sockets:/run/twip-proxy" --restart on-failure:5)
    if [ "$MODE" != recreate ]; then
        args+=(--network "container:$holder")
        [ -z "$previous" ] || [ "$MODE" = reuseport ] || args+=(-e "TWIP_PREVIOUS_SOCKET=/run/twip-proxy/$previous.sock")
    else
        args+=(--network "$PREFIX-net" --network-alias proxy -p "127.0.0.1:$PORT:80" -p "127.0.0.1:$STATS_PORT:1936")
    fi
    docker create "${args[@]}" "$image" >/dev/null
    backends "$n" >"$work/backends.cfg"
    if [ "$PROXY" = nginx ]; then
        docker cp "$work/backends.cfg" "$name:/etc/nginx/twip/upstream.conf"
        listeners_before=0
        [ "$MODE" = recreate ] || listeners_before=$(listeners "$holder")
    else
        docker cp "$work/backends.cfg" "$name:/usr/local/etc/haproxy/backends.cfg"
    fi
    docker start "$name" >/dev/null
    local deadline=$((SECONDS + 30))
    until ready "$name" $((9998 + n % 2)); do
        [ $SECONDS -lt $deadline ] || { echo "generation $n never became ready" >&2; docker logs "$name" >&2; return 1; }
        sleep 0.2
    done
}

retire_generation() { # generation: soft stop, wait for the exit, remove
    local name="$PREFIX-proxy-$1"
    docker kill -s "$([ "$PROXY" = nginx ] && echo QUIT || echo USR1)" "$name" >/dev/null
    timeout 45 docker wait "$name" >/dev/null || { echo "generation $1 did not exit" >&2; return 1; }
    docker rm "$name" >/dev/null
}

listener() { # the inode of the socket listening on port 80 in the proxy's network namespace
    docker exec "$1" busybox awk 'NR > 1 && $4 == "0A" && $2 ~ /:0050$/ { print $10 }' /proc/net/tcp | sort |
        tr '\n' ' ' | sed 's/ $//'
}

start_generation 1 ""
health=/haproxy-health
[ "$PROXY" != nginx ] || health=/healthz
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT$health"; do sleep 0.2; done
first_listener=$(listener "$PREFIX-proxy-1")

cat >"$work/pause.lua" <<EOF
function delay() return $PAUSE_MS end
EOF
url="http://127.0.0.1:$PORT"
wrk_errors() { # wrk report: socket errors + non-2xx/3xx answers
    awk '/Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } /Non-2xx or 3xx/ { n += $NF } END { print n + 0 }' "$1"
}
wrk_latency() { # wrk report: "p99 / max"
    awk '/^ +99%/ { p99 = $2 } /^ +Latency / && $2 != "Distribution" { max = $4 } END { print p99 " / " max }' "$1"
}
wrk_requests() { awk '/requests in/ { print $1 }' "$1"; }
ab_errors() { # ab report: failed requests (connect, receive, length, exceptions) + non-2xx answers
    awk '/^Failed requests:/ { n += $3 } /^Non-2xx responses:/ { n += $3 } END { print n + 0 }' "$1"
}
ab_requests() { awk '/^Complete requests:/ { print $3 }' "$1"; }

passed=0 failed=0 total_requests=0 total_errors=0
generation=1
echo "proxy: $PROXY, mode: $MODE, $CYCLES cycles, load: wrk -c16 keep-alive busy (/styles/site.css), wrk -c16 keep-alive" \
    "with ${PAUSE_MS}ms pauses (/), ab -c8 new connection per request (/images/logo.svg)"
for cycle in $(seq 1 "$CYCLES"); do
    wrk -t1 -c16 -d600s --latency "$url/styles/site.css" >"$work/busy.txt" 2>&1 &
    busy=$!
    wrk -t1 -c16 -d600s --latency -s "$work/pause.lua" "$url/" >"$work/idle.txt" 2>&1 &
    idle=$!
    ab -r -c8 -n 100000000 -t 600 "$url/images/logo.svg" >"$work/ab.txt" 2>&1 &
    fresh=$!
    sleep "$BEFORE"
    started=$(date +%s%N)
    next=$((generation + 1))
    generation_before=$generation
    if [ "$MODE" = none ]; then
        sleep 2
        switched=$(date +%s%N)
        next=$generation
    elif [ "$MODE" != recreate ]; then
        start_generation "$next" "$generation"
        switched=$(date +%s%N)
        if [ "$MODE" = rollback ]; then
            retire_generation "$next"
            next=$generation
        else
            retire_generation "$generation"
        fi
    else
        docker stop -t 10 "$PREFIX-proxy-$generation" >/dev/null
        docker rm "$PREFIX-proxy-$generation" >/dev/null
        start_generation "$next" ""
        switched=$(date +%s%N)
    fi
    done_at=$(date +%s%N)
    generation=$next
    sleep "$AFTER"
    kill -INT "$busy" "$idle" "$fresh"
    wait "$busy" "$idle" "$fresh" || true
    errors=$(($(wrk_errors "$work/busy.txt") + $(wrk_errors "$work/idle.txt") + $(ab_errors "$work/ab.txt")))
    requests=$(($(wrk_requests "$work/busy.txt") + $(wrk_requests "$work/idle.txt") + $(ab_requests "$work/ab.txt")))
    served_by=$(curl -fsS -D - -o /dev/null "$url/" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-proxy-image" { print $2 }')
    now_listener=$(listener "$PREFIX-proxy-$generation")
    if [ "$now_listener" = "$first_listener" ]; then listener_note="port 80 socket kept"; else
        listener_note="port 80 socket new ($now_listener)"
        [ "$MODE" != handover ] || [ "$PROXY" = nginx ] || errors=$((errors + 1))
    fi
    if [ "$PROXY" = haproxy ]; then
        stats=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$STATS_PORT/" || true)
        [ "$stats" = 200 ] || { listener_note="$listener_note, stats page answered $stats"; errors=$((errors + 1)); }
    fi
    total_requests=$((total_requests + requests))
    total_errors=$((total_errors + errors))
    if [ "$errors" -eq 0 ]; then passed=$((passed + 1)); verdict=ok; else failed=$((failed + 1)); verdict=FAILED; fi
    printf 'cycle %2d: generation %d -> %d (image %s) new one ready in %4d ms, old one gone after %5d ms;' \
        "$cycle" "$generation_before" "$next" "${served_by:-a}" $(((switched - started) / 1000000)) \
        $(((done_at - started) / 1000000))
    printf ' %6d requests, %d failed (busy %d, idle keep-alive %d, new connections %d); %s: %s\n' "$requests" \
        "$errors" "$(wrk_errors "$work/busy.txt")" "$(wrk_errors "$work/idle.txt")" "$(ab_errors "$work/ab.txt")" \
        "$listener_note" "$verdict"
    printf '          latency p99 / max: busy %s, idle keep-alive %s; new connections: %s\n' \
        "$(wrk_latency "$work/busy.txt")" "$(wrk_latency "$work/idle.txt")" \
        "$(awk '/^ +99%/ { p = $2 } /^ +100%/ { m = $2 } END { print p "ms / " m "ms" }' "$work/ab.txt")"
    if [ "$errors" -ne 0 ]; then
        grep -h -E 'Socket errors|Non-2xx|Failed requests|apr_' "$work/busy.txt" "$work/idle.txt" "$work/ab.txt" |
            sed 's/^/    /'
    fi
done
echo "$passed passed, $failed failed ($MODE: $total_requests requests, $total_errors failed)"
[ "$failed" -eq 0 ]
