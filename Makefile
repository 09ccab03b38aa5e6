# twip — build, run, scale and ship a containerized web stack.
SWIFT ?= swift
TWIP := .build/debug/twip
APT_PACKAGES := libyaml-dev pkg-config docker.io debootstrap busybox-static nginx-light apache2-utils wrk \
	docker-registry apache2-utils curl

.PHONY: setup deps build test train install bench clean

## setup: install what building twip needs, build it, then let `twip setup` start the Docker engine.
setup: deps build
	$(TWIP) setup

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

build:
	$(SWIFT) build --product twip

test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

install: build
	$(SWIFT) build -c release --product twip
	install -m 0755 .build/release/twip /usr/local/bin/twip
