#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every Debian 12 package Cutpoint needs to build, test, benchmark and run its
# lab. Idempotent: installs only what is missing, and touches nothing else. (ClickHouse, for
# test clickhouse.queries and docs/clickhouse.md: the test runs a server of its own; the
# package's service is neither needed nor started here. tini: the Dockerfile's init, whose
# signal forwarding test package.dockerfile_entrypoint checks on this machine.)
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libpcap-dev libtins-dev libabsl-dev libsodium-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev
  dpdk-dev libxdp-dev libbpf-dev libmaxminddb-dev
  clang clang-format clang-tidy libclang-rt-14-dev
  iproute2 nftables iptables ethtool tcpdump procps python3 libcap2-bin util-linux time
  dpkg-dev file slurm-wlm munge
  man-db groff-base zsh
  chromium chromium-driver python3-selenium python3-jsonschema
  clickhouse-server clickhouse-client tini
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 3; }
  as_root=(sudo)
fi
echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
