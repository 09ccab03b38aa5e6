#!/bin/sh
# Prints the size of every twip image (base images and built images) as the engine reports it, in MB (10^6
# bytes, as `docker images` counts), next to the size limits of the base image contract.
# Usage: bench/image-sizes.sh [SOCKET]   (default /var/run/docker.sock; needs curl and python3)
set -eu
socket=${1:-/var/run/docker.sock}
json=$(curl -fsS --unix-socket "$socket" http://localhost/images/json) || {
    echo "image-sizes: cannot read images from the engine at $socket" >&2
    exit 3
}
printf '%s' "$json" | python3 -c '
import json, sys
images = json.load(sys.stdin)
# (ideal MB, hard limit MB) by repository; the static and web images build on nginx and jetty.
limits = {"twip/nginx": (25, 62), "twip/haproxy": (None, 62), "twip/jetty": (120, 182)}
rows = []
for image in images:
    labels = image.get("Labels") or {}
    twip = "io.twip.base" in labels or "io.twip.env" in labels
    for tag in image.get("RepoTags") or []:
        if tag == "<none>:<none>" or not (twip or tag.startswith("twip/")):
            continue
        repository = tag.rsplit(":", 1)[0]
        service = labels.get("io.twip.service", "")
        limit = limits.get(repository)
        if limit is None and service in ("static", "proxy", "web"):
            limit = {"static": (25, 62), "proxy": (None, 62), "web": (120, 182)}[service]
        ideal, hard = limit if limit else (None, None)
        size = image.get("Size", 0) / 1e6
        verdict = "" if hard is None else ("OVER LIMIT" if size > hard else ("ok" if ideal is None or size <= ideal else "over ideal"))
        # Built images inherit io.twip.base from their base image; io.twip.env is what marks them as built.
        env = labels.get("io.twip.env")
        kind = (env + "/" + service).strip("/") if env else ("base" if "io.twip.base" in labels else "-")
        rows.append((tag, kind, size, ideal, hard, verdict))
rows.sort()
fmt = "%-34s %-14s %9s %7s %7s  %s"
print(fmt % ("IMAGE", "KIND", "SIZE MB", "IDEAL", "LIMIT", ""))
for tag, kind, size, ideal, hard, verdict in rows:
    print(fmt % (tag, kind, "%.1f" % size, ideal or "-", hard or "-", verdict))
if any(r[5] == "OVER LIMIT" for r in rows):
    sys.exit(1)
'
