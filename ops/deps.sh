#!/usr/bin/env bash
# deps.sh installs every Debian package that the build, the tests, the benchmarks and the
# quickstart need. Idempotent: a package already installed is not touched, and apt is only
# consulted when something is missing.
set -euo pipefail

PKGS=(
  # toolchain
  build-essential cmake pkg-config clang llvm libclang-rt-dev git
  # libraries
  libmariadb-dev libmariadb-dev-compat liblmdb-dev lmdb-utils libzstd-dev zstd libyaml-dev
  libpcre2-dev libnng-dev libssl-dev libcmocka-dev libjansson-dev uthash-dev libxxhash-dev
  zlib1g-dev
  # servers and peers for tests and benchmarks
  mariadb-server mariadb-client mariadb-backup sysbench mydumper percona-toolkit
  # small tools the scripts use
  procps psmisc netcat-openbsd python3 python3-yaml
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "deps: all ${#PKGS[@]} packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d keeps the Debian mariadb-server package from starting a system server: the
# project only runs its own sandboxed servers on loopback ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "deps: done"
