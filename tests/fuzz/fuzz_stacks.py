#!/usr/bin/env python3
"""Fuzzes twip's stack layer: mutates the repository's stacks and runs `twip -f CASE config` on each mutant.

Every case must end with exit 0 or 2 (never a signal), within 10 s of CPU time and 512 MB, and every error line
of an exit 2 must carry FILE:LINE:COL. CPU time is what is bounded because the machine may be shared: a case is
killed only when it runs 30 s of wall-clock time (a hang, whatever the load). A stack that loads must load again, unchanged, from its own normalized output.

The engine is never reached: DOCKER_HOST points at a socket that does not exist. Cases are generated from
(seed, number), so a failure is reproduced with `--seed S --only N`; failing inputs are saved under
tests/fuzz/failures/ (ignored by git) and can be rerun with `--replay FILE`.

    python3 tests/fuzz/fuzz_stacks.py --binary .build/debug/twip --seconds 300 [--seed S] [--jobs 2]
"""

import argparse
import concurrent.futures
import glob
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TIME_LIMIT = 10.0
WALL_LIMIT = 30.0
MEMORY_LIMIT = 512 << 20
ERROR_LINE = re.compile(r"^twip: error: [^\n]+?:(\d+):(\d+): ")

SERVICE_KEYS = [
    "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose", "volumes", "networks",
    "depends_on", "healthcheck", "restart", "deploy", "labels", "hostname", "container_name", "links", "working_dir",
    "user", "mem_limit", "cpus", "stop_grace_period", "stop_signal", "read_only", "tmpfs", "scale", "x-twip-proxy",
]
NUMBERS = [
    "0", "-1", "1", "65535", "65536", "1000", "1001", "2147483648", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "99999999999999999999999", "1e400", "-1e400", "1e-400", ".inf", "-.inf", ".nan", "0x7fffffffffffffff",
    "0o777", "1_000", "0.0000001", "10000000000", "3.4028236e38", "NaN", "1.7976931348623157e308", "\"0\"", "''",
]
DURATIONS = [
    "1ns", "0", "0s", "1ms", "999us", "-1s", "1.5.5s", "99999999999h", "2562047h47m16.854775807s", "1h1h1h", "s",
    "10", ".5s", "1e3s", "1µs", "\"\"", "1m30", "9223372036854775807ns", "18446744073709551616ns",
]
INTERPOLATIONS = [
    "${", "$", "${A", "${A:-", "${}", "${1X}", "$$", "$${A}", "${A:?must be set}", "${A?}", "${A:+x}", "${A-}",
    "${HOME}", "$HOME$HOME$HOME", "${A:-${B:-${C:-x}}}", "${" + "A" * 5000 + "}", "${A:-}}}}", "$ {A}", "${A:=x}",
]
STRINGS = [
    "", " ", "\\n", "\\0", "\\t", "a b/c", "-", "::", "[::1]", "/", "..", "~", "\\u2028", "\\x7f", "\\xff", "é",
    "nginx:", "nginx@sha256:abc", "UPPER/Case", "a" * 300, "1-65535", "0-0", "65535-1", "80:80:80:80", "not-an-ip:80:80",
    "SIGBOGUS", "SIGRTMIN+99", "on-failure:-1", "CMD", "/h\\nserver x 1.2.3.4:80",
]


def seeds():
    paths = sorted(glob.glob(os.path.join(ROOT, "stacks", "*.yml")))
    paths += sorted(glob.glob(os.path.join(ROOT, "Tests", "TwipStackTests", "Fixtures", "**", "*.yml"), recursive=True))
    return [open(p, "rb").read() for p in paths]


def scalar(rng):
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(NUMBERS)
    if kind < 0.5:
        return rng.choice(DURATIONS)
    if kind < 0.7:
        return '"' + rng.choice(INTERPOLATIONS) + '"'
    return '"' + rng.choice(STRINGS) + '"'


# Mutators: each takes (rng, data, corpus) and returns new bytes.

def flip_bytes(rng, data, corpus):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if data:
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
    return bytes(data)


def random_bytes(rng, data, corpus):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(data) + 1)
        if rng.random() < 0.5 and data:
            del data[i:i + rng.randint(1, 16)]
        else:
            data[i:i] = bytes(rng.choice([0, 9, 10, 13, 32, 34, 35, 36, 38, 39, 42, 45, 58, 60, 91, 93, 123, 125, 0x80, 0xC0, 0xFF])
                              for _ in range(rng.randint(1, 6)))
    return bytes(data)


def truncate(rng, data, corpus):
    return data[:rng.randrange(len(data) + 1)]


def splice(rng, data, corpus):
    other = rng.choice(corpus)
    a = rng.randrange(len(data) + 1)
    b = rng.randrange(len(other) + 1)
    return data[:a] + other[b:]


def duplicate_lines(rng, data, corpus):
    lines = data.split(b"\n")
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randint(1, 10))
    return b"\n".join(lines[:j] + lines[i:j] * rng.randint(1, 50) + lines[j:])


def replace_values(rng, data, corpus):
    lines = data.decode("utf-8", "replace").split("\n")
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(lines))
        m = re.match(r"^(\s*(?:- )?[\w.-]+:)\s*\S.*$", lines[i])
        if m:
            lines[i] = m.group(1) + " " + scalar(rng)
        elif re.match(r"^\s*- \S", lines[i]):
            replacement = "- " + scalar(rng)
            lines[i] = re.sub(r"- .*", lambda _: replacement, lines[i])
    return "\n".join(lines).encode()


def inject_keys(rng, data, corpus):
    lines = data.decode("utf-8", "replace").split("\n")
    for _ in range(rng.randint(1, 4)):
        indices = [i for i, l in enumerate(lines) if re.match(r"^    \w", l)]
        if not indices:
            break
        i = rng.choice(indices)
        key = rng.choice(SERVICE_KEYS)
        value = rng.choice([scalar(rng), "[" + ", ".join(scalar(rng) for _ in range(rng.randint(0, 4))) + "]",
                            "{" + ", ".join(f"{rng.choice(['kind', 'config', 'backends', 'port', 'test', 'interval', 'target', 'published', 'host_ip', 'replicas'])}: {scalar(rng)}" for _ in range(rng.randint(0, 3))) + "}"])
        lines.insert(i, f"    {key}: {value}")
    return "\n".join(lines).encode()


def deep_nesting(rng, data, corpus):
    depth = rng.choice([100, 255, 256, 257, 1000, 5000, 50000])
    style = rng.random()
    if style < 0.4:
        body = "[" * depth + "]" * depth
    elif style < 0.7:
        body = "{a: " * depth + "x" + "}" * depth
    else:
        depth = min(depth, 3000)
        body = "\n" + "".join("  " * (i + 3) + "k:\n" for i in range(depth)) + "  " * (depth + 3) + "x"
    return f"services:\n  web:\n    image: x\n    labels: {body}\n".encode()


def huge_scalar(rng, data, corpus):
    size = rng.choice([1 << 16, 1 << 20, 3 << 20, (4 << 20) + 1])
    text = rng.choice(["a", "$", "$$", "\\n", " ", "é", "${A}"]) * (size // 4)
    return f'services:\n  web:\n    image: x\n    command: "{text}"\n'.encode()


def huge_key_counts(rng, data, corpus):
    count = rng.choice([1000, 20000, 60000])
    kind = rng.random()
    if kind < 0.25:
        return ("services:\n" + "".join(f"  s{i}:\n    image: x\n" for i in range(count))).encode()
    if kind < 0.5:
        return ("services:\n  web:\n    image: x\n    labels:\n" + "".join(f"      k{i}: v\n" for i in range(count))).encode()
    if kind < 0.75:
        # A dependency chain, or a cycle through every service.
        cycle = rng.random() < 0.5
        lines = ["services:"]
        for i in range(count // 2):
            nxt = (i + 1) % (count // 2) if cycle else i + 1
            lines.append(f"  s{i}:\n    image: x" + (f"\n    depends_on: [s{nxt}]" if cycle or i + 1 < count // 2 else ""))
        return ("\n".join(lines) + "\n").encode()
    return ("services:\n  web:\n    image: x\n    depends_on:\n" + "".join(f"      - undefined{i}\n" for i in range(count // 10))
            + "".join(f"  svc{i}:\n    image: x\n" for i in range(count // 10))).encode()


def alias_games(rng, data, corpus):
    kind = rng.randrange(6)
    if kind == 0:  # a billion laughs
        levels = ["x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for i in range(1, 10):
            levels.append(f"x-a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
        return ("\n".join(levels) + "\nservices:\n  web:\n    image: x\n    labels: *a9\n").encode()
    if kind == 1:  # self reference
        return b"x-a: &a [*a]\nservices:\n  web:\n    image: x\n"
    if kind == 2:  # merge loop
        return b"x-a: &a\n  <<: *a\n  image: x\nservices:\n  web:\n    <<: *a\n"
    if kind == 3:  # many merges of a large mapping
        big = ", ".join(f"k{i}: v" for i in range(2000))
        return (f"x-a: &a {{{big}}}\nservices:\n" + "".join(f"  s{i}:\n    image: x\n    labels:\n      <<: *a\n" for i in range(200))).encode()
    if kind == 4:  # the port range under many aliases
        return ('x-p: &p "1-65535"\nservices:\n  web:\n    image: x\n    ports: [' + ",".join(["*p"] * rng.randint(2, 200)) + "]\n").encode()
    big = "a" * rng.choice([1 << 16, 1 << 20])
    return (f'x-a: &a "{big}"\nservices:\n  web:\n    image: x\n    command: [' + ",".join(["*a"] * rng.randint(2, 100)) + "]\n").encode()


def encodings(rng, data, corpus):
    kind = rng.randrange(6)
    text = data.decode("utf-8", "replace")
    if kind == 0:
        return b"\xff\xfe" + text.encode("utf-16-le")
    if kind == 1:
        return b"\xfe\xff" + text.encode("utf-16-be")
    if kind == 2:
        return b"\xff\xfe\x00\x00" + text.encode("utf-32-le")
    if kind == 3:
        return text.encode("utf-16-le")  # no byte order mark: NULs everywhere
    if kind == 4:
        bad = rng.choice([b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80", b"\xef\xbb\xbf"])
        i = rng.randrange(len(data) + 1)
        return data[:i] + bad + data[i:]
    return b"\xef\xbb\xbf" + data


def interpolation_edges(rng, data, corpus):
    kind = rng.randrange(4)
    if kind == 0:
        depth = rng.choice([31, 32, 33, 1000, 5000])
        value = "${A:-" * depth + "x" + "}" * depth
    elif kind == 1:
        value = "$HOME" * rng.choice([10, 100000])
    elif kind == 2:
        value = "".join(rng.choice(INTERPOLATIONS) for _ in range(rng.randint(1, 20)))
    else:
        value = "${" + "A:-${" * rng.randint(1, 40) + "}" * rng.randint(0, 50)
    key = rng.choice(["image", "command", "hostname", "environment", "ports", "labels", "stop_signal", "cpus"])
    if key in ("environment", "ports", "labels"):
        return f'services:\n  web:\n    image: x\n    {key}: ["{value}"]\n'.encode()
    return f'services:\n  web:\n    image: x\n    {key}: "{value}"\n'.encode()


def special_files(rng, data, corpus):
    target = rng.choice(["/dev/zero", "/dev/null", "/dev/urandom", "/proc/self/status", "/tmp", "/nonexistent/env"])
    return f"services:\n  web:\n    image: x\n    env_file: {target}\n".encode()


def random_stack(rng, data, corpus):
    """A stack written from scratch: a few services with random known keys, long and short syntax, a proxy."""
    names = [f"s{i}" for i in range(rng.randint(1, 5))]

    def value(depth=0):
        kind = rng.random()
        if depth < 2 and kind < 0.15:
            return "[" + ", ".join(value(depth + 1) for _ in range(rng.randint(0, 3))) + "]"
        if depth < 2 and kind < 0.3:
            keys = ["target", "published", "host_ip", "protocol", "mode", "test", "interval", "timeout", "retries",
                    "condition", "replicas", "resources", "limits", "cpus", "memory", "kind", "config", "runtime",
                    "backends", "port", "health", "sticky", rng.choice(names)]
            return "{" + ", ".join(f"{rng.choice(keys)}: {value(depth + 1)}" for _ in range(rng.randint(0, 3))) + "}"
        if kind < 0.45:
            return rng.choice(names)
        return scalar(rng)

    lines = ["services:"]
    for name in names:
        lines.append(f"  {name}:")
        lines.append(f"    image: {rng.choice(['x', 'nginx:1.25', 'localhost:5000/a/b', scalar(rng)])}")
        for key in rng.sample(SERVICE_KEYS, rng.randint(0, 6)):
            if key == "image":
                continue
            if key == "x-twip-proxy" and rng.random() < 0.7:
                backend = rng.choice(names)
                lines.append("    x-twip-proxy:")
                lines.append(f"      kind: {rng.choice(['haproxy', 'nginx', value()])}")
                lines.append(f"      config: {rng.choice(['/etc/x.cfg', value()])}")
                if rng.random() < 0.5:
                    lines.append(f"      runtime: {rng.choice(['127.0.0.1:9999', value()])}")
                lines.append(f"      backends: {{{backend}: {{port: {rng.choice(['80', value()])}, health: {rng.choice(['/health', value()])}, sticky: {rng.choice(['true', value()])}}}}}")
            else:
                lines.append(f"    {key}: {value()}")
    return ("\n".join(lines) + "\n").encode()


MUTATORS = [
    (flip_bytes, 12), (random_bytes, 12), (truncate, 6), (splice, 6), (duplicate_lines, 4), (replace_values, 20),
    (inject_keys, 16), (deep_nesting, 3), (huge_scalar, 2), (huge_key_counts, 2), (alias_games, 3), (encodings, 4),
    (interpolation_edges, 6), (special_files, 1), (random_stack, 12),
]


def generate(seed, number, corpus):
    rng = random.Random(f"{seed}-{number}")
    data = rng.choice(corpus)
    functions = [m for m, _ in MUTATORS]
    weights = [w for _, w in MUTATORS]
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        mutator = rng.choices(functions, weights)[0]
        data = mutator(rng, data, corpus)
    return data


def limit_resources():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # A runaway case ends a little after the CPU limit, whatever the load on the machine.
    resource.setrlimit(resource.RLIMIT_CPU, (int(TIME_LIMIT) + 1, int(TIME_LIMIT) + 2))


def run_twip(binary, path, cwd):
    """Runs `twip -f path config`; returns (status, stdout, stderr, CPU seconds, max RSS bytes, timed out)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": cwd, "DOCKER_HOST": "unix:///nonexistent/twip-fuzz.sock", "LANG": "C.UTF-8"}
    started = time.monotonic()
    out_path = os.path.join(cwd, "stdout")
    err_path = os.path.join(cwd, "stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen([binary, "-f", path, "config"], stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   cwd=cwd, env=env, preexec_fn=limit_resources)
        timer = threading.Timer(WALL_LIMIT, lambda: (process.kill()))
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = 0  # reaped above; keeps Popen from waiting again
    wall = time.monotonic() - started
    seconds = usage.ru_utime + usage.ru_stime
    timed_out = wall >= WALL_LIMIT or seconds > TIME_LIMIT
    code = os.waitstatus_to_exitcode(status)
    with open(out_path, "rb") as f:
        stdout = f.read()
    with open(err_path, "rb") as f:
        stderr = f.read()
    return code, stdout, stderr, seconds, usage.ru_maxrss * 1024, timed_out


def check(binary, data, workdir):
    """The problems with one case, as a list of (kind, detail); empty when it behaved."""
    path = os.path.join(workdir, "case.yml")
    with open(path, "wb") as f:
        f.write(data)
    code, stdout, stderr, seconds, rss, timed_out = run_twip(binary, path, workdir)
    found = []
    if timed_out:
        found.append(("timeout", f"{seconds:.1f} s of CPU time (limit {TIME_LIMIT:.0f} s), killed after {WALL_LIMIT:.0f} s of wall-clock time"))
    elif code < 0:
        found.append(("signal", f"killed by signal {-code}"))
    elif code not in (0, 2):
        found.append(("exit", f"exit {code}"))
    if rss > MEMORY_LIMIT * 0.95:
        found.append(("memory", f"max RSS {rss >> 20} MB"))
    text = stderr.decode("utf-8", "replace")
    if code == 2:
        errors = [line for line in text.split("\n") if line.startswith("twip: error: ")]
        if not errors:
            found.append(("nolocation", "exit 2 without an error line"))
        for line in errors:
            m = ERROR_LINE.match(line)
            if not m or int(m.group(1)) < 1 or int(m.group(2)) < 1:
                found.append(("nolocation", line[:300]))
                break
    # The normalized output expands aliases, merges and short syntax, so a stack close to the limits (4 MiB, 100000
    # nodes) may have a normalized form beyond them; the round trip is checked on stacks well within them.
    if code == 0 and not found and len(stdout) <= 4 << 20 and stdout.count(b"\n") <= 40000:
        again = os.path.join(workdir, "normalized.yml")
        with open(again, "wb") as f:
            f.write(stdout)
        code2, stdout2, stderr2, _, _, timed_out2 = run_twip(binary, again, workdir)
        if timed_out2 or code2 != 0:
            found.append(("roundtrip", f"normalized output does not load: exit {code2}: {stderr2.decode('utf-8', 'replace')[:300]}"))
        elif stdout2 != stdout:
            found.append(("roundtrip", "normalized output changes when loaded again"))
    return found, code, seconds, rss, text


def save(out_dir, seed, number, data, found, code, seconds, rss, stderr):
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.join(out_dir, f"{found[0][0]}-{seed}-{number}")
    with open(base + ".yml", "wb") as f:
        f.write(data)
    with open(base + ".txt", "w") as f:
        f.write(f"seed {seed} case {number}: reproduce with --seed {seed} --only {number}\n")
        f.write(f"exit {code}, {seconds:.2f} s of CPU time, max RSS {rss >> 20} MB\n")
        for kind, detail in found:
            f.write(f"{kind}: {detail}\n")
        f.write("--- stderr (first 4000 characters)\n" + stderr[:4000] + "\n")
    return base + ".yml"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "twip"))
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", type=int, default=None, help="run only case number N of the seed")
    parser.add_argument("--replay", default=None, help="run one saved input file")
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "fuzz", "failures"))
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"fuzz: {binary} is not an executable; run `make build` first")

    if args.replay:
        workdir = tempfile.mkdtemp(prefix="twip-fuzz-")
        try:
            found, code, seconds, rss, stderr = check(binary, open(args.replay, "rb").read(), workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        print(f"exit {code}, {seconds:.2f} s of CPU time, max RSS {rss >> 20} MB")
        print(stderr[:4000])
        for kind, detail in found:
            print(f"FAIL {kind}: {detail}")
        sys.exit(1 if found else 0)

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    corpus = seeds()
    print(f"fuzz: seed {seed}, {len(corpus)} seed stacks, {args.seconds:.0f} s, {args.jobs} jobs, binary {binary}", flush=True)
    deadline = time.monotonic() + args.seconds
    counter = iter(range(1 << 62)) if args.only is None else iter([args.only])
    lock = threading.Lock()
    stats = {"cases": 0, "exit0": 0, "exit2": 0, "slowest": 0.0, "largest": 0}
    failures = []

    def worker():
        workdir = tempfile.mkdtemp(prefix="twip-fuzz-")
        try:
            while time.monotonic() < deadline:
                with lock:
                    number = next(counter, None)
                if number is None:
                    return
                data = generate(seed, number, corpus)
                found, code, seconds, rss, stderr = check(binary, data, workdir)
                with lock:
                    stats["cases"] += 1
                    stats["exit0" if code == 0 else "exit2" if code == 2 else "other"] = \
                        stats.get("exit0" if code == 0 else "exit2" if code == 2 else "other", 0) + 1
                    stats["slowest"] = max(stats["slowest"], seconds)
                    stats["largest"] = max(stats["largest"], rss)
                    if seconds > 3:
                        print(f"slow case {number}: {seconds:.2f} s of CPU time, {rss >> 20} MB", flush=True)
                    if found:
                        saved = save(args.out, seed, number, data, found, code, seconds, rss, stderr)
                        failures.append((number, found))
                        print(f"FAIL case {number}: {found[0][0]}: {found[0][1][:200]} -> {saved}", flush=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for future in [pool.submit(worker) for _ in range(args.jobs)]:
            future.result()

    print(f"fuzz: {stats['cases']} cases (exit 0: {stats['exit0']}, exit 2: {stats['exit2']}, other: {stats.get('other', 0)}); "
          f"slowest {stats['slowest']:.2f} s of CPU time, largest {stats['largest'] >> 20} MB; {len(failures)} failures; seed {seed}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
