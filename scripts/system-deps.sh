#!/usr/bin/env bash
# The Debian packages the tests use: redis-server (the queue tests start a real one on a free port),
# chromium (the HTML report opens in it) and xmllint (the JUnit XML is validated against its schema).
# Installed when missing and this is root on Debian (CI, a fresh machine); otherwise the line says what to
# install and the tests that need a package fail naming it.
set -euo pipefail
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} for the tests (apt-get)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "the tests need ${missing[*]}: install them (Debian: sudo apt-get install ${missing[*]})" >&2
fi
