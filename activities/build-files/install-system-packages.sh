#!/bin/sh
# Installs the packages of system-packages.txt ("name [version]" per line, validated by the service) with the
# base image's own package manager. Names are passed as arguments, never evaluated.
set -eu
. /opt/dispatch/build/trust-build-certificates.sh
list=/opt/dispatch/build/system-packages.txt
if [ ! -s "$list" ]; then
  echo "==> dispatch: no system packages requested"
  exit 0
fi

# spec SEPARATOR: one argument per package, name SEPARATOR version when a version is given.
specs() {
  while read -r name version; do
    if [ -n "${version:-}" ]; then printf '%s%s%s\n' "$name" "$1" "$version"; else printf '%s\n' "$name"; fi
  done < "$list"
}

if command -v apt-get >/dev/null 2>&1; then
  echo "==> dispatch: installing system packages with apt-get"
  apt-get update -q
  specs = | DEBIAN_FRONTEND=noninteractive xargs apt-get install -y -q --no-install-recommends
  rm -rf /var/lib/apt/lists/*
elif command -v apk >/dev/null 2>&1; then
  echo "==> dispatch: installing system packages with apk"
  specs = | xargs apk add --no-cache
else
  for pm in tdnf dnf microdnf; do
    if command -v "$pm" >/dev/null 2>&1; then
      echo "==> dispatch: installing system packages with $pm"
      specs - | xargs "$pm" install -y
      "$pm" clean all
      exit 0
    fi
  done
  echo "==> dispatch: the base image has no supported package manager (apt-get, apk, tdnf, dnf, microdnf)" >&2
  exit 1
fi
