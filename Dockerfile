# SPDX-License-Identifier: Apache-2.0
# Cutpoint in a container (Debian 12 "bookworm"):
#
#   docker build -t cutpoint .
#   docker run --rm --network host --cap-add NET_RAW -v "$PWD:/out" cutpoint \
#       locate -p 25 --control-port 443 --key-file scan.key -o verdicts.ndjson 185.70.40.0/24
#
# Stage 1 builds Cutpoint and its Debian package with CPack (as tests/package/deb_test.sh
# does); stage 2 installs that .deb, with its dependencies from Debian, on bookworm-slim.
# tini is PID 1 and forwards SIGINT/SIGTERM (`docker stop`, Ctrl-C on `docker run -it`) to
# cutpoint, which then ends its run and writes whole NDJSON lines and its stats record, as
# outside a container (exit 130). The working directory /out is where relative -o,
# --pcap-out and --key-file paths land: mount a host directory there.
# Checked: test package.dockerfile builds it and runs `--version` and a dry run where docker
# or podman can run containers; package.dockerfile_entrypoint checks, on any machine, that
# the base images are bookworm and that SIGINT/SIGTERM reach cutpoint through this
# ENTRYPOINT's tini. See README, "Container".

FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config dpkg-dev file \
      libpcap-dev libabsl-dev libsodium-dev libssl-dev nlohmann-json3-dev libmaxminddb-dev \
      libxdp-dev libbpf-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# No tests or benchmarks in the image (they need GoogleTest, libtins, Google Benchmark).
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCUTPOINT_BUILD_TESTS=OFF -DCUTPOINT_BUILD_BENCH=OFF \
 && ninja -C /build \
 && cpack -G DEB --config /build/CPackConfig.cmake -B /deb \
 && mv /deb/cutpoint_*.deb /deb/cutpoint.deb

FROM debian:bookworm-slim
COPY --from=build /deb/cutpoint.deb /tmp/cutpoint.deb
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      tini /tmp/cutpoint.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/cutpoint.deb \
 && mkdir -p /out
WORKDIR /out
# cutpoint starts as root (the container's), opens its raw sockets and outputs, then drops
# to nobody without any capability (README: "Probing needs CAP_NET_RAW only"): the default
# capability set of Docker and Podman has what that needs (SETUID, SETGID, SETPCAP) but, in
# Podman's case, not NET_RAW: pass --cap-add NET_RAW.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/bin/cutpoint"]
CMD ["--help"]
