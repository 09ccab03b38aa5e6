# The proxy image's entrypoint (busybox sh): takes over the listening sockets of the previous proxy generation
# when there is one, then becomes HAProxy. HAProxy is PID 1 (master-worker): SIGUSR1 soft-stops it (in-flight
# requests finish); SIGTERM is ignored there, as is any signal sent before the master installed its handlers.
#
# TWIP_PREVIOUS_SOCKET: the handover socket (`expose-fd listeners`) of the generation being replaced, on a volume
# shared by the generations. When set and the socket exists, HAProxy starts with `-x` on it and reuses the
# previous generation's listeners (80, 1936): no port is ever closed. Otherwise it binds them itself (with
# SO_REUSEPORT, beside a previous generation if one still listens). Unset when the image runs alone.
#
# The handover sockets of generations that are gone stay on the shared volume: all but this generation's and the
# previous one's are removed (at most two generations run at once).
handover_dir=/run/twip-proxy
if [ "${TWIP_HANDOVER_SOCKET%/*}" = "$handover_dir" ]; then
    for socket in "$handover_dir"/*.sock; do
        [ -S "$socket" ] && [ "$socket" != "$TWIP_HANDOVER_SOCKET" ] && [ "$socket" != "${TWIP_PREVIOUS_SOCKET:-}" ] &&
            busybox rm -f "$socket"
    done
fi
if [ "$1" = haproxy ] && [ -n "${TWIP_PREVIOUS_SOCKET:-}" ]; then
    if [ -S "$TWIP_PREVIOUS_SOCKET" ]; then
        set -- "$@" -x "$TWIP_PREVIOUS_SOCKET"
    else
        echo "twip proxy: no handover socket at $TWIP_PREVIOUS_SOCKET, binding the listeners anew" >&2
    fi
fi
exec "$@"
