#!/usr/bin/env bash
# Measures `twip bench` against ab and wrk on a private loopback nginx serving a small file.
#
#   bench/http-load.sh [-c CONCURRENCY] [-n REQUESTS] [-d WRK_SECONDS] [-r ROUNDS]
#
# Every tool loads the same nginx with the same concurrency, one after the other:
#   without keep-alive: ab            vs  twip bench          (target: twip >= ab)
#   with keep-alive:    wrk -t1 (and ab -k, for reference) vs  twip bench -k  (target: twip >= 0.8 x wrk)
# Each figure is the best of ROUNDS runs. Load goes only to 127.0.0.1.
# TWIP=path/to/twip picks the binary; otherwise .build/release/twip is built if missing.
set -euo pipefail

concurrency=10
requests=50000
wrk_seconds=5
rounds=3
while getopts "c:n:d:r:h" option; do
    case "$option" in
    c) concurrency=$OPTARG ;;
    n) requests=$OPTARG ;;
    d) wrk_seconds=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) sed -n '2,11p' "$0"; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
for tool in nginx ab wrk; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || {
        echo "http-load: $tool is not installed (apt-get install nginx-light apache2-utils wrk)" >&2
        exit 1
    }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

twip=${TWIP:-$root/.build/release/twip}
if [ ! -x "$twip" ]; then
    echo "http-load: building $twip (swift build -c release --product twip)" >&2
    (cd "$root" && swift build -c release --product twip >&2)
fi

work=$(mktemp -d /tmp/twip-http-load.XXXXXX)
nginx_pid=""
cleanup() {
    if [ -n "$nginx_pid" ]; then
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A free 127.0.0.1 port: ask the kernel for one.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo 18080)

mkdir -p "$work/html"
# 612 bytes, the size of nginx's default welcome page.
head -c 612 /dev/zero | tr '\0' 'x' >"$work/html/index.html"
# nginx's worker drops privileges: it must be able to read the page.
chmod 755 "$work" "$work/html"
chmod 644 "$work/html/index.html"
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" "$root/bench/nginx.conf" >"$work/nginx.conf"
"$nginx_bin" -p "$work" -c "$work/nginx.conf" &
nginx_pid=$!
for _ in $(seq 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
done
url="http://127.0.0.1:$port/index.html"

best() { sort -g | tail -1; }

ab_rps() { ab "$@" 2>/dev/null | sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p'; }
wrk_rps() { wrk "$@" 2>/dev/null | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
twip_rps() {
    local rps
    rps=$("$twip" bench "$@" --format json | tr -d '\n ' | sed -n 's/.*"rps":\([0-9.eE+-]*\).*/\1/p')
    echo "$rps"
}
rounds_of() {
    local fn=$1
    shift
    for _ in $(seq "$rounds"); do "$fn" "$@"; done | best
}

echo "http-load: nginx on $url (1 worker), concurrency $concurrency, $requests requests per run, best of $rounds" >&2
ab_close=$(rounds_of ab_rps -n "$requests" -c "$concurrency" "$url")
twip_close=$(rounds_of twip_rps "$url" -n "$requests" -c "$concurrency")
wrk_keep=$(rounds_of wrk_rps -t1 -c "$concurrency" -d "${wrk_seconds}s" "$url")
ab_keep=$(rounds_of ab_rps -k -n "$requests" -c "$concurrency" "$url")
twip_keep=$(rounds_of twip_rps "$url" -k -n "$((requests * 4))" -c "$concurrency")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "ok" : "BELOW TARGET" }'; }

printf '\n%-22s %14s\n' "tool" "requests/s"
printf '%-22s %14.0f\n' "ab -c $concurrency" "$ab_close"
printf '%-22s %14.0f\n' "twip bench -c $concurrency" "$twip_close"
printf '%-22s %14.0f\n' "ab -k -c $concurrency" "$ab_keep"
printf '%-22s %14.0f\n' "wrk -t1 -c $concurrency" "$wrk_keep"
printf '%-22s %14.0f\n' "twip bench -k -c $concurrency" "$twip_keep"
close_ratio=$(ratio "$twip_close" "$ab_close")
keep_ratio=$(ratio "$twip_keep" "$wrk_keep")
printf '\nno keep-alive: twip/ab  = %s (target >= 1.00: %s)\n' "$close_ratio" "$(verdict "$close_ratio" 1.0)"
printf 'keep-alive:    twip/wrk = %s (target >= 0.80: %s)\n' "$keep_ratio" "$(verdict "$keep_ratio" 0.8)"
printf 'keep-alive:    twip/ab -k = %s\n' "$(ratio "$twip_keep" "$ab_keep")"
