#!/usr/bin/env bash
# Faults: interrupted and concurrent commands against the real prod environment, an engine that never answers, and
# a web replica killed under 16 writers. After every fault the proxy must be right (no server left in maintenance,
# exactly the live replicas up) and running the same command again must converge. Load goes only to 127.0.0.1.
set -uo pipefail
cd "$(dirname "$0")/.."
TWIP=${TWIP:-$PWD/.build/debug/twip}
export TWIP_HTTP_PORT=${TWIP_HTTP_PORT:-18180}
export TWIP_STATS_PORT=${TWIP_STATS_PORT:-18937}
work=$(mktemp -d)
source tests/lib.sh

release_file=stacks/.twip-faults-release.yml
cleanup() {
    "$TWIP" prod down >/dev/null 2>&1
    rm -rf "$work" "$release_file"
}

# HAProxy's view of a backend's servers: "NAME STATUS" lines from its stats CSV.
servers() { curl -fsS "http://127.0.0.1:${TWIP_STATS_PORT}/;csv" | awk -F, -v b="$1" '$1==b && $2!="BACKEND" && $2!="FRONTEND" {print $2, $18}'; }
in_maintenance() { servers web | grep -c MAINT; }
up_count() { servers web | grep -c ' UP'; }
running_web() { "$TWIP" prod ps --format json | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin) if r["service"] == "web" and r["state"] == "running"))'; }

# Waits (up to $2 s) until the command in $1 succeeds.
eventually() {
    local deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        if eval "$1"; then return 0; fi
        sleep 0.2
    done
    return 1
}

proxy_is_right() { # wanted web replicas
    [ "$(in_maintenance)" = 0 ] && [ "$(up_count)" = "$1" ] && [ "$(running_web)" = "$1" ]
}

must "$TWIP" base
must "$TWIP" prod build -q
must "$TWIP" prod up --wait --timeout 240
must "$TWIP" prod scale web=2

# 1. SIGTERM while restart has a replica drained: twip puts it back in rotation on its way out.
"$TWIP" prod restart web >"$work/restart.log" 2>&1 &
pid=$!
eventually '[ "$(in_maintenance)" -ge 1 ]' 60
kill -TERM $pid
wait $pid
rc=$?
check "restart stopped by SIGTERM exits 143 (got $rc)" test "$rc" = 143
check "after SIGTERM no server is left in maintenance: $(servers web | tr '\n' ' ')" \
    eventually '[ "$(in_maintenance)" = 0 ]' 5
check "the same restart run again converges" "$TWIP" prod restart web
check "the proxy sends traffic to exactly the 2 live web replicas" eventually 'proxy_is_right 2' 10

# 2. Ctrl-C (SIGINT) in the middle of a scale: the healthy new replicas are let in, nothing stays drained.
"$TWIP" prod scale web=4 >"$work/scale.log" 2>&1 &
pid=$!
eventually 'grep -q "started" "$work/scale.log"' 60
sleep 1
kill -INT $pid
wait $pid
rc=$?
check "scale interrupted with SIGINT exits 130 (got $rc)" test "$rc" = 130
check "the interrupted scale says to run it again" grep -q "run the same command again" "$work/scale.log"
check "after the interrupted scale nothing is in maintenance" eventually '[ "$(in_maintenance)" = 0 ]' 5
check "the same scale run again converges" "$TWIP" prod scale web=4
check "the proxy sends traffic to exactly the 4 live web replicas" eventually 'proxy_is_right 4' 10

# 3. SIGTERM right at the start of up, before any step: nothing half-done, a rerun says nothing to change.
"$TWIP" prod up >"$work/up.log" 2>&1 &
pid=$!
sleep 0.1
kill -TERM $pid
wait $pid
rc=$?
check "up stopped at once exits 143 or finished (got $rc)" test "$rc" = 143 -o "$rc" = 0
check "up run again converges" "$TWIP" prod up --wait --timeout 120
check "and a third up changes nothing" sh -c "'$TWIP' prod up | grep -q 'nothing to change'"

# 4. Two scales at once: one waits for the other; no engine conflict, the environment ends as asked.
"$TWIP" prod scale web=2 >"$work/a.log" 2>&1 &
a=$!
"$TWIP" prod scale web=2 >"$work/b.log" 2>&1 &
b=$!
wait $a
ra=$?
wait $b
rb=$?
check "two concurrent scales both succeed (got $ra and $rb)" test "$ra" = 0 -a "$rb" = 0
check "one of them waited for the other" sh -c "cat '$work/a.log' '$work/b.log' | grep -q 'waiting for'"
check "after two concurrent scales: 2 web replicas, proxy right" eventually 'proxy_is_right 2' 10

# 5. An engine that accepts connections and never answers: exit 3 naming it, within the ping deadline.
python3 - "$work/silent.sock" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(16)
held = []
s.settimeout(1)
end = time.time() + 30
while time.time() < end:
    try:
        held.append(s.accept()[0])
    except socket.timeout:
        pass
PY
silent=$!
eventually "[ -S '$work/silent.sock' ]" 5
start=$SECONDS
DOCKER_HOST="unix://$work/silent.sock" timeout 25 "$TWIP" prod ps >"$work/silent.log" 2>&1
rc=$?
took=$((SECONDS - start))
kill $silent 2>/dev/null
check "an engine that never answers: exit 3 (got $rc) in $took s" test "$rc" = 3 -a "$took" -le 15
check "the message names the socket and says it did not answer" \
    sh -c "grep -q 'silent.sock' '$work/silent.log' && grep -q 'did not answer' '$work/silent.log'"

# 6. A web replica killed under 16 writers: every acknowledged write (303) is kept.
writer() { # id
    for n in $(seq 1 25); do
        title="fault-$1-$n-$RANDOM"
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -d "title=$title" -d "body=kept" "$(url /Create.action)")
        [ "$code" = 303 ] && echo "$title" >>"$work/acked-$1"
    done
}
for i in $(seq 1 16); do writer "$i" & done
sleep 1
curl -fsS --unix-socket /var/run/docker.sock -X POST "http://engine/containers/prod-web-1/kill" >/dev/null
wait
cat "$work"/acked-* >"$work/acked" 2>/dev/null
acked=$(wc -l <"$work/acked")
check "writers got acknowledgements while a replica was killed ($acked)" test "$acked" -gt 100
# The engine does not restart a container killed through its API: the next up starts it again.
check "scale web=2 after the kill converges (the killed replica starts again)" sh -c "'$TWIP' prod scale web=2 >/dev/null"
curl -fsS "$(url '/Read.action?format=json')" >"$work/items.json"
lost=$(python3 - "$work/acked" "$work/items.json" <<'PY'
import json, sys
acked = [line.strip() for line in open(sys.argv[1]) if line.strip()]
titles = {item["title"] for item in json.load(open(sys.argv[2]))}
print(sum(1 for title in acked if title not in titles))
PY
)
check "no acknowledged write was lost ($lost of $acked missing)" test "$lost" = 0
check "the proxy sends traffic to the 2 live web replicas again" eventually 'proxy_is_right 2' 20

# 7. SIGTERM in the middle of a release, once a new web replica has started beside an old one: nothing stays out of
# the proxy, and the same up run again finishes the release with exactly the wanted replicas (no leftover old or
# new container).
web_containers() { "$TWIP" prod ps --format json | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin) if r["service"] == "web"))'; }
# stacks/prod.yml with a new environment variable on web and its 2 replicas: both are replaced, one at a time.
sed -e '/^  web:$/,$ s/replicas: 1$/replicas: 2/' -e 's/^  web:$/  web:\n    environment: { TWIP_RELEASE: "faults" }/' \
    stacks/prod.yml >"$release_file"
"$TWIP" -f "$release_file" up >"$work/release.log" 2>&1 &
pid=$!
eventually 'grep -qE "prod-web-[0-9]+-[0-9a-z]+ started" "$work/release.log"' 120
kill -TERM $pid
wait $pid
rc=$?
check "a release stopped by SIGTERM half-way exits 143 (got $rc)" test "$rc" = 143
check "after the interrupted release nothing is in maintenance" eventually '[ "$(in_maintenance)" = 0 ]' 5
check "the same release run again finishes" "$TWIP" -f "$release_file" up --wait --timeout 240
check "after it: exactly 2 web containers (got $(web_containers)) and the proxy on both" \
    eventually '[ "$(web_containers)" = 2 ] && proxy_is_right 2' 20
check "and a third up changes nothing" sh -c "'$TWIP' -f '$release_file' up | grep -q 'nothing to change'"

finish
