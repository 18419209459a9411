#!/usr/bin/env bash
# The tests use real parts: Chromium for the keypad, Xvfb + xterm + xdotool for real key injection, and a real
# redis-server for scale-out, certutil (libnss3-tools) to trust a test certificate authority in Chromium's profile.
# Install what is missing (Debian, as root), or say exactly what to install.
set -euo pipefail
declare -A need=(
  [chromium]=chromium [Xvfb]=xvfb [xterm]=xterm [xdotool]=xdotool [xprop]=x11-utils
  [redis-server]=redis-server [systemd-analyze]=systemd [certutil]=libnss3-tools
)
missing=()
for bin in "${!need[@]}"; do command -v "$bin" >/dev/null 2>&1 || missing+=("${need[$bin]}"); done
[ -e /usr/lib/x86_64-linux-gnu/libXtst.so.6 ] || [ -e /usr/lib/aarch64-linux-gnu/libXtst.so.6 ] || missing+=(libxtst6)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing test dependencies: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing test dependencies: ${missing[*]} (Debian: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
