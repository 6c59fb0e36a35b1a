#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the device-table fixtures (Fixtures/src/fx_devtables) with kbuild against a Debian
# suite's linux-headers-amd64 (7.x: the __mod_device_table__kmod_<mod>__<type>__<var>
# symbols and the layouts of the split include/linux/device-id/ headers), inside a chroot
# made by mmdebstrap from Debian's archive alone, into Fixtures/devtables/linux-<major.minor>-amd64/
# (beside the other device-table fixtures, outside the per-kernel trees the rule tests walk).
# modpost's aliases stay in each module's .modinfo: they are the alias oracle's answer.
#
#   Fixtures/build-devtables-7.x.sh               # as root; SUITE=sid by default
#   SUITE=sid CHROOT=/some/dir Fixtures/build-devtables-7.x.sh
#
# The chroot lives in the git-ignored Fixtures/.cache/chroot-<suite>-amd64 (CHROOT= puts it
# elsewhere; an existing one with gcc, make, dwarves and linux-headers-amd64 is used as it is).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=${SUITE:-sid}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
CHROOT=${CHROOT:-$HERE/.cache/chroot-$SUITE-amd64}
PACKAGES=gcc,make,linux-headers-amd64,dwarves,kmod,binutils,xz-utils,libc6-dev
WORK=/build-devtables

die() { echo "build-devtables-7.x.sh: error: $*" >&2; exit 1; }
note() { echo "build-devtables-7.x.sh: $*" >&2; }

[ "$(id -u)" -eq 0 ] || die "run as root (chroot)"
if [ ! -x "$CHROOT/usr/bin/gcc" ] || ! ls -d "$CHROOT"/usr/src/linux-headers-*-amd64 >/dev/null 2>&1; then
	command -v mmdebstrap >/dev/null || die "no mmdebstrap (apt-get install mmdebstrap)"
	note "making the $SUITE chroot in $CHROOT"
	rm -rf "$CHROOT"
	mkdir -p "$(dirname "$CHROOT")"
	mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
		--include="$PACKAGES" "$SUITE" "$CHROOT" "$MIRROR"
fi

rm -rf "${CHROOT:?}$WORK"
mkdir -p "$CHROOT$WORK"
cp -a "$HERE/src/fx_devtables" "$CHROOT$WORK/"
cat >"$CHROOT$WORK/inside.sh" <<INSIDE
set -euo pipefail
KDIR=\$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n1)
cd $WORK/fx_devtables
make -C "\$KDIR" M=$WORK/fx_devtables KCFLAGS="-ffile-prefix-map=$WORK/fx_devtables=Fixtures/src/fx_devtables" modules >$WORK/build.log 2>&1 ||
	{ cat $WORK/build.log >&2; exit 1; }
basename "\$KDIR" >$WORK/kdir
gcc --version | head -n1 >$WORK/gcc
INSIDE
# objtool reads /proc/self/limits.
if ! mountpoint -q "$CHROOT/proc"; then
	mount -t proc proc "$CHROOT/proc"
	trap 'umount "$CHROOT/proc"' EXIT
fi
chroot "$CHROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 /bin/bash "$WORK/inside.sh"

kdir=$(cat "$CHROOT$WORK/kdir")
version=$(echo "$kdir" | sed -n 's/^linux-headers-\([0-9]*\.[0-9]*\).*/\1/p')
[ -n "$version" ] || die "no version in $kdir"
OUT=${OUT:-$HERE/devtables/linux-$version-amd64}
mkdir -p "$OUT/modpost"
for ko in "$CHROOT$WORK"/fx_devtables/*.ko; do
	cp "$ko" "$OUT/"
done
grep -E '^(WARNING|ERROR): modpost:' "$CHROOT$WORK/build.log" | sed "s|$WORK/fx_devtables|Fixtures/src/fx_devtables|g" \
	>"$OUT/modpost/fx_devtables.log" || true
{
	echo "# fx_devtables for linux $version: kbuild of Fixtures/src/fx_devtables against $kdir"
	echo "# in a Debian $SUITE chroot ($(cat "$CHROOT$WORK/gcc")); made by Fixtures/build-devtables-7.x.sh"
} >"$OUT/DEVTABLES-BUILD-INFO"
rm -rf "${CHROOT:?}$WORK"
note "done: $(ls "$OUT"/fx_devtab_*.ko | wc -l) fx_devtab modules in $OUT"
