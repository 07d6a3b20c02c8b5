#!/usr/bin/env bash
# Installs what building and testing cowork needs, and only what is missing.
#
# Works as root (CI) and as a user with sudo (a developer laptop).  Debian's
# "main" cluster is never needed: when postgresql-common is not installed yet,
# it is installed first and told not to create one.
set -euo pipefail

PACKAGES=(postgresql-15 postgresql-server-dev-15 postgresql-15-pgtap
          libtap-parser-sourcehandler-pgtap-perl postgresql-15-cron
          make gcc libc6-dev)

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "setup: not root and no sudo: install ${PACKAGES[*]} by hand" >&2
    exit 1
fi

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_get() {
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
apt_get update

# When the server package is new here, keep it from creating (and on systemd,
# starting) a "main" cluster: our tests run on a throwaway cluster of their
# own.  An existing installation's settings are left alone.
if ! installed postgresql-15; then
    installed postgresql-common ||
        apt_get install --no-install-recommends postgresql-common
    conf=/etc/postgresql-common/createcluster.conf
    if [ -f "$conf" ] && ! grep -q '^create_main_cluster *= *false' "$conf"; then
        echo 'create_main_cluster = false' | "${SUDO[@]}" tee -a "$conf" >/dev/null
    fi
fi

apt_get install --no-install-recommends "${missing[@]}"
