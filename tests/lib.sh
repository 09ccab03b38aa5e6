# Shared by the end-to-end scripts (sourced): counting checks, stopping at a failed prerequisite, the final count.
# A script may define `cleanup` (run first by finish, also on Ctrl-C) and `final_checks` (checks run after cleanup).
# Load goes only to 127.0.0.1.
TWIP=${TWIP:-$PWD/.build/debug/twip}
passed=0
failed=0
started=$SECONDS

check() { # description command...
    local description=$1
    shift
    if "$@"; then
        echo "ok - $description"
        passed=$((passed + 1))
    else
        echo "not ok - $description"
        failed=$((failed + 1))
    fi
}

finish() {
    if declare -F cleanup >/dev/null; then cleanup; fi
    if declare -F final_checks >/dev/null; then final_checks; fi
    echo "$passed passed, $failed failed in $((SECONDS - started)) s"
    [ "$failed" = 0 ]
    exit $?
}
trap 'echo "interrupted"; finish' INT TERM

must() { # stop here when a step the rest depends on fails
    if ! "$@"; then
        echo "not ok - $* (the remaining checks depend on it)"
        failed=$((failed + 1))
        finish
    fi
}

url() { echo "http://127.0.0.1:${TWIP_HTTP_PORT}$1"; }
