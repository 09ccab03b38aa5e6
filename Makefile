# twip — build, run, scale and ship a containerized web stack.
SWIFT ?= swift
TWIP := .build/debug/twip
APT_PACKAGES := libyaml-dev pkg-config docker.io docker-compose debootstrap busybox-static nginx-light apache2-utils wrk chromium \
	docker-registry curl openssl socat openssh-client openssh-server

.PHONY: setup deps build data test e2e faults train install release bench bench-deps fuzz cli-speed

## setup: install what building twip needs, build it, then let `twip setup` start the Docker engine.
setup: deps build data
	$(TWIP) setup

# The web replicas run as uid 999 and write their journal into data/ (a bind mount): data/ is theirs, not the world's.
data:
	mkdir -p data && chown 999:999 data && chmod 0755 data

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

build:
	$(SWIFT) build --product twip

## test: stands alone on a fresh machine: installs what it needs, builds, starts the engine (`twip setup`), runs the suite.
test: deps data
	$(SWIFT) build --build-tests
	$(TWIP) setup
	$(SWIFT) test --skip-build

## e2e: base images, both environments, scaling under load, pack to a local registry (needs `make setup`).
e2e: build
	tests/e2e.sh

## e2e-swarm: the public environment on a one-node swarm made (and left) by the script (needs `make setup`).
.PHONY: e2e-swarm
e2e-swarm: build
	tests/e2e-swarm.sh

## e2e-lab: `twip lab` end to end: a 3-node lab, the public environment through its context, a node killed under
## load with no failed request, started again, rebalanced, and `lab down` leaving nothing (needs `make setup`).
.PHONY: e2e-lab
e2e-lab: build data
	tests/e2e-lab.sh

## failover: bench/failover.sh, a node holding web tasks and then one holding a proxy killed under load on the lab.
.PHONY: failover
failover: build data
	bench/failover.sh

## faults: interrupted (Ctrl-C, SIGTERM) and concurrent commands, a silent engine, a replica killed under writers.
faults: build
	tests/faults.sh

## train: the main job on a fresh machine: engine, twip, base + training images, environment up and answering.
train: setup
	$(TWIP) base
	$(TWIP) train build
	$(TWIP) train up --wait
	$(TWIP) train test /

## bench: image sizes, the load generator against ab and wrk, twip against docker-compose, scaling under load,
## the production proxy replaced under load.
BENCH_PACKAGES := apache2-utils wrk hyperfine docker-compose bc nginx-light

bench-deps:
	@missing=""; for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

bench: build bench-deps
	bench/image-sizes.sh
	bench/http-load.sh
	bench/compose.sh
	bench/scale.sh
	bench/proxy-handover.sh
	$(MAKE) cli-speed

## cli-speed: `twip train ps` against `docker ps` with hyperfine, release build.
cli-speed: release bench-deps
	bench/cli-speed.sh

## release: the optimized binary, with the Swift runtime linked in (no shared-library loading at each start).
release:
	$(SWIFT) build -c release --static-swift-stdlib --product twip

## install: the release binary, bash/zsh/fish completions and the man page.
PREFIX ?= /usr/local
install: release
	install -D -m 0755 .build/release/twip $(DESTDIR)$(PREFIX)/bin/twip
	install -d $(DESTDIR)/usr/share/bash-completion/completions $(DESTDIR)/usr/share/zsh/vendor-completions \
		$(DESTDIR)/usr/share/fish/vendor_completions.d $(DESTDIR)$(PREFIX)/share/man/man1
	.build/release/twip --generate-completion-script bash >$(DESTDIR)/usr/share/bash-completion/completions/twip
	.build/release/twip --generate-completion-script zsh >$(DESTDIR)/usr/share/zsh/vendor-completions/_twip
	.build/release/twip --generate-completion-script fish >$(DESTDIR)/usr/share/fish/vendor_completions.d/twip.fish
	python3 scripts/manpage.py .build/release/twip >$(DESTDIR)$(PREFIX)/share/man/man1/twip.1

## fuzz: mutate the stacks and run `twip -f CASE config` on each for FUZZ_SECONDS (exit 0 or 2 only, never a signal,
## under 10 s of CPU time and 512 MB, FILE:LINE:COL on every error); failing inputs land in tests/fuzz/failures/.
FUZZ_SECONDS ?= 300
FUZZ_SEED ?=
FUZZ_JOBS ?= 2

fuzz: build
	python3 tests/fuzz/fuzz_stacks.py --binary $(TWIP) --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS) \
		$(if $(FUZZ_SEED),--seed $(FUZZ_SEED))
