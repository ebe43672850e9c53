#!/usr/bin/env bash
# Install what the real-server tests (tests/real_*.rs) start on 127.0.0.1: nginx and
# tinyproxy from Debian's packages, and httpbin under gunicorn from PyPI in a virtual
# environment at .test-servers/venv; and tmux, which tests/tmux.rs runs margay in. Run once on a new machine (as root, or with sudo for the
# packages); running it again changes nothing. .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v tinyproxy >/dev/null || [ -x /usr/bin/tinyproxy ] || need+=(tinyproxy)
command -v tmux >/dev/null || need+=(tmux)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # Debian would start the packaged services; the tests run their own instances instead.
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  [ -z "$made_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d
fi

venv=.test-servers/venv
if ! "$venv/bin/python" -c 'import httpbin, gunicorn' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check 'httpbin==0.10.*' 'gunicorn>=22'
fi
echo "test servers ready: $(command -v nginx || echo /usr/sbin/nginx), $(command -v tinyproxy || echo /usr/bin/tinyproxy), $venv/bin/gunicorn, $(command -v tmux)"
