#!/bin/sh
# Installs Debian's wrk (a C HTTP load generator) for benchmarks/http_intake.py, when it is missing.
set -e
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Please install wrk (apt-get install -y wrk)" >&2
  exit 1
fi
echo "Installing wrk from Debian ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
