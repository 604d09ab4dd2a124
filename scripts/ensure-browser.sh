#!/bin/sh
# Installs Debian's Chromium and a CJK font for the browser tests when they are missing.
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
fc-list 2>/dev/null | grep -qi -E "noto (sans|serif) cjk|wenquanyi" || need="$need fonts-noto-cjk"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Please install:$need (apt-get install -y$need)" >&2
  exit 1
fi
echo "Installing$need from Debian ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
