#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the 7.x fixtures (Fixtures/src/fx_modexports, fx_extversions) with
# kbuild against a Debian suite's linux-headers-amd64, inside a chroot made by
# mmdebstrap from Debian's archive alone (its gcc, binutils, pahole and
# kbuild), into Fixtures/linux-<major.minor>-amd64/.
#
#   Fixtures/build-7.x.sh                    # as root; SUITE=sid by default
#   SUITE=sid CHROOT=/some/dir Fixtures/build-7.x.sh
#
# The chroot lives in the git-ignored Fixtures/.cache/chroot-<suite>-amd64
# (CHROOT= puts it elsewhere) and is made once; the build itself runs
# Fixtures/build-7.x-inside.sh in it. Needs mmdebstrap and network access for
# the first run. The archive's Release file is accepted even when its
# Valid-Until date has passed (a machine clock ahead of the archive).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=${SUITE:-sid}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
CHROOT=${CHROOT:-$HERE/.cache/chroot-$SUITE-amd64}
PACKAGES=gcc,make,linux-headers-amd64,dwarves,kmod,binutils,xz-utils,libc6-dev

die() { echo "build-7.x.sh: error: $*" >&2; exit 1; }
note() { echo "build-7.x.sh: $*" >&2; }

[ "$(id -u)" -eq 0 ] || die "run as root (chroot)"
command -v mmdebstrap >/dev/null || die "no mmdebstrap (apt-get install mmdebstrap)"

if [ ! -f "$CHROOT/.modlint-chroot" ]; then
	note "making the $SUITE chroot in $CHROOT"
	rm -rf "$CHROOT"
	mkdir -p "$(dirname "$CHROOT")"
	mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
		--include="$PACKAGES" "$SUITE" "$CHROOT" "$MIRROR"
	echo "$SUITE $PACKAGES" >"$CHROOT/.modlint-chroot"
fi

rm -rf "$CHROOT/build"
mkdir -p "$CHROOT/build/src"
cp -a "$HERE/src/fx_modexports" "$HERE/src/fx_extversions" "$HERE/src/fx_exitref" "$HERE/src/fx_initref" \
	"$HERE/src/fx_noexit" "$CHROOT/build/src/"
cp "$HERE/build-7.x-inside.sh" "$CHROOT/build/"
echo "$SUITE" >"$CHROOT/build/suite"
# objtool reads /proc/self/limits.
mountpoint -q "$CHROOT/proc" || { mount -t proc proc "$CHROOT/proc"; trap 'umount "$CHROOT/proc"' EXIT; }
chroot "$CHROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
	/bin/bash /build/build-7.x-inside.sh

version=$(sed -n 's/^# modlint fixtures for linux \([0-9]*\.[0-9]*\).*/\1/p' "$CHROOT/build/out/BUILD-INFO")
[ -n "$version" ] || die "no version in BUILD-INFO"
OUT=${OUT:-$HERE/linux-$version-amd64}
mkdir -p "$OUT"
rm -rf "$OUT/modpost"
rm -f "$OUT"/*.ko "$OUT"/*.symvers "$OUT/Module.symvers" "$OUT/BUILD-INFO"
cp -a "$CHROOT/build/out/." "$OUT/"
note "done: $(ls "$OUT"/*.ko | wc -l) .ko files in $OUT"
