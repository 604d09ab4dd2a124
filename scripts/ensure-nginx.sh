#!/bin/sh
# Installs Debian's nginx for the test that checks the shipped site (`nginx -t`), when it is missing.
# The test fails (it does not skip) when nginx is still missing afterwards.
set -e
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Please install nginx (apt-get install -y nginx-light or nginx)" >&2
  exit 1
fi
echo "Installing nginx from Debian ..."
apt-get update -qq
# Installed without starting it: the test runs `nginx -t` on a configuration of its own.
made_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null || status=$?
[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
exit ${status:-0}
