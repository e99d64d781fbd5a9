#!/usr/bin/env bash
# Runs a make target of this checkout inside a Debian 13 chroot (trixie: QGIS 3.40 LTR, Python 3.13, numpy 2,
# GDAL 3.10), so the suite is checked on both QGIS versions the project's machines run. Root only.
#
#   scripts/debian13.sh [TARGET...]        make TARGET... there (default: test; `make test-debian13` calls it)
#   scripts/debian13.sh -- COMMAND [ARG...]  runs COMMAND there, in the checkout, e.g.
#       scripts/debian13.sh -- /opt/imagette-venv/bin/python -m pytest tests/plugin/test_model3.py -q
#
# The chroot is built once with debootstrap at $DEBIAN13_ROOT (default /var/cache/imagette/debian13, outside the
# checkout, so a fresh clone of the project on the same machine reuses it) and kept. Its Debian packages are
# $DEBIAN13_DEBS (the Makefile passes its DEBS plus make and python3-torch); a changed list is installed on the next
# run. Torch is Debian's python3-torch (a CPU build, ~1 GB installed, instead of PyPI's 4.7 GB CUDA wheel for
# Python 3.13); the venv lives inside the chroot at $DEBIAN13_VENV (the checkout's .venv is the host's).
#
# DEBIAN13_RELEASE=trixie-backports takes the packages from Debian's backports where it has them (apt-get -t), which
# gives QGIS 3.44 LTR instead of trixie's 3.40 (`make test-qgis344`); it needs a chroot of its own ($DEBIAN13_ROOT).
#
# The checkout is bind-mounted at its own path (tests/conftest.py links it into .build/plugins by absolute path),
# with /proc, /sys and /dev. All mounts are made in a private mount namespace (unshare), so they vanish with the
# run whatever happens, and a trap unmounts them on every exit as well. Concurrent runs wait for each other.
set -euo pipefail

ROOT=${DEBIAN13_ROOT:-/var/cache/imagette/debian13}
MIRROR=${DEBIAN13_MIRROR:-http://deb.debian.org/debian}
VENV=${DEBIAN13_VENV:-/opt/imagette-venv}
DEBS=${DEBIAN13_DEBS:-make python3-torch qgis qgis-providers python3-qgis python3-rasterio python3-venv xvfb}
RELEASE=${DEBIAN13_RELEASE:-trixie}
CHECKOUT=$(cd "$(dirname "$0")/.." && pwd -P)
[ $# -gt 0 ] || set -- test

if [ "$(id -u)" != 0 ]; then
    echo "debian13: needs root (debootstrap, chroot, mount)" >&2
    exit 2
fi

# Re-run inside a private mount namespace: nothing mounted here is seen outside, or outlives the run.
if [ -z "${IMAGETTE_DEBIAN13_NS:-}" ]; then
    mkdir -p "$(dirname "$ROOT")"
    exec 9>"$ROOT.lock"
    if ! flock -n 9; then
        echo "debian13: waiting for another run using $ROOT"
        flock 9
    fi
    IMAGETTE_DEBIAN13_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

say() { echo "debian13: $*"; }

if [ ! -e "$ROOT/.imagette-debootstrapped" ]; then
    command -v debootstrap >/dev/null || {
        say "installing debootstrap"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
    }
    say "building $ROOT with debootstrap (once; a few minutes)"
    # --one-file-system: never follows a mount into the host, should one be left from a run outside a namespace.
    rm -rf --one-file-system "$ROOT"
    debootstrap --variant=minbase --include=ca-certificates trixie "$ROOT" "$MIRROR"
    rm -f "$ROOT/.imagette-debs"
    touch "$ROOT/.imagette-debootstrapped"
fi

mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount -R "${mounted[i]}" 2>/dev/null || umount -lR "${mounted[i]}" || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
bind() {  # bind SOURCE TARGET_IN_CHROOT
    mkdir -p "$ROOT$2"
    mount --rbind "$1" "$ROOT$2"
    mount --make-rslave "$ROOT$2"
    mounted+=("$ROOT$2")
}
mount -t proc proc "$ROOT/proc" && mounted+=("$ROOT/proc")
bind /sys /sys
bind /dev /dev
bind "$CHECKOUT" "$CHECKOUT"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# pip inside trusts what pip outside trusts (a machine behind a TLS-inspecting proxy adds its CA to this bundle).
cp "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$ROOT/etc/imagette-host-ca.crt"

in_chroot() {
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" DEBIAN_FRONTEND=noninteractive QT_QPA_PLATFORM=offscreen \
        PIP_CERT=/etc/imagette-host-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1 "$@"
}

# What is installed, named with its release unless trixie (as chroots stamped before there was a choice are).
installed=$DEBS
[ "$RELEASE" = trixie ] || installed="$RELEASE: $DEBS"
if [ "$(cat "$ROOT/.imagette-debs" 2>/dev/null)" != "$installed" ]; then
    say "installing Debian packages from $RELEASE: $DEBS"
    if [ "$RELEASE" != trixie ]; then
        echo "deb $MIRROR $RELEASE main" >"$ROOT/etc/apt/sources.list.d/$RELEASE.list"
    fi
    in_chroot apt-get update -qq
    # shellcheck disable=SC2086
    in_chroot apt-get install -y -qq --no-install-recommends -t "$RELEASE" $DEBS
    in_chroot apt-get clean
    echo "$installed" >"$ROOT/.imagette-debs"
fi

say "$(in_chroot sh -c '. /etc/os-release; echo "$PRETTY_NAME"'), QGIS $(in_chroot dpkg-query -W -f='${Version}' qgis), torch $(in_chroot dpkg-query -W -f='${Version}' python3-torch)"
if [ "$1" = -- ]; then
    shift
    in_chroot sh -c 'cd "$0" && exec "$@"' "$CHECKOUT" "$@"
else
    # The Makefile's TORCH finds Debian's python3-torch (>= 2.3) and leaves it as it is.
    in_chroot make --no-print-directory -C "$CHECKOUT" VENV="$VENV" "$@"
fi
