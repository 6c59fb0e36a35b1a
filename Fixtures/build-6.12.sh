#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the modlint test fixtures (every module build.sh builds, forced ones
# included) against Debian 12's backported 6.12 headers, into
# Fixtures/linux-6.12-amd64/ with the same layout as linux-6.1-amd64/.
#
#   Fixtures/build-6.12.sh            # as root: installs missing packages first
#   KVER=6.12.117+deb12 Fixtures/build-6.12.sh
#
# linux-headers-<KVER>-amd64 depends on a linux-image, so it is not
# installed: it, its -common package and linux-kbuild-<KVER> are fetched with
# `apt-get download` into Fixtures/.cache/k612/debs/ (git-ignored) and
# unpacked with `dpkg-deb -x` into Fixtures/.cache/k612/root/. The flavour
# Makefile includes the common Makefile by absolute path; that one line is
# pointed at the unpacked tree. Then build.sh does the builds, with the
# unpacked root mapped back to / in debug info.
#
# These headers ship vmlinux, so kbuild runs pahole (package dwarves) to add
# .BTF to every module; without pahole make fails and deletes the .ko.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KVER=${KVER:-6.12.117+deb12}
CACHE=$HERE/.cache/k612
DEBS=$CACHE/debs
ROOT=$CACHE/root
HDR_PKG=linux-headers-$KVER-amd64
COMMON_PKG=linux-headers-$KVER-common
KBUILD_PKG=linux-kbuild-$KVER
KDIR=$ROOT/usr/src/$HDR_PKG

die() { echo "build-6.12.sh: error: $*" >&2; exit 1; }
note() { echo "build-6.12.sh: $*" >&2; }

case $HERE in
	*[[:space:]]*) die "$HERE contains white space; make cannot cope" ;;
esac

# ---------------------------------------------------------------- host packages
missing=()
for p in dwarves make gcc-12 openssl kmod binutils; do
	if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root or install them)"
	note "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
fi
command -v pahole >/dev/null || die "no pahole (package dwarves)"

# ---------------------------------------------------------------- download
deb_of() { ls "$DEBS/$1"_*.deb 2>/dev/null | tail -n1; }
mkdir -p "$DEBS"
fetch=()
for p in "$HDR_PKG" "$COMMON_PKG" "$KBUILD_PKG"; do
	[ -n "$(deb_of "$p")" ] || fetch+=("$p")
done
if [ ${#fetch[@]} -gt 0 ]; then
	note "apt-get download ${fetch[*]}"
	# as root apt warns that its _apt sandbox user cannot write here; harmless
	(cd "$DEBS" && apt-get download "${fetch[@]}" 2>&1 | grep -v 'unsandboxed' || true)
	for p in "${fetch[@]}"; do
		[ -n "$(deb_of "$p")" ] || die "download of $p failed (apt-get update? is $KVER still in bookworm-security?)"
	done
fi

# ---------------------------------------------------------------- unpack
# The stamp names the debs and the root, so new debs or a moved cache re-unpack.
stamp=$ROOT/.modlint-unpacked
want="$(for p in "$HDR_PKG" "$COMMON_PKG" "$KBUILD_PKG"; do basename "$(deb_of "$p")"; done | tr '\n' ' ')$ROOT"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	note "unpacking into $ROOT"
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	for p in "$HDR_PKG" "$COMMON_PKG" "$KBUILD_PKG"; do dpkg-deb -x "$(deb_of "$p")" "$ROOT"; done
	# The one absolute path: "include /usr/src/<common>/Makefile".
	sed -i "s|^include /usr/src/|include $ROOT/usr/src/|" "$KDIR/Makefile"
	grep -q "^include $ROOT/usr/src/$COMMON_PKG/Makefile\$" "$KDIR/Makefile" ||
		die "unexpected $KDIR/Makefile: $(cat "$KDIR/Makefile")"
	echo "$want" >"$stamp"
fi
[ -f "$KDIR/vmlinux" ] || die "no vmlinux in $KDIR (BTF would be skipped)"

# ---------------------------------------------------------------- build
info=$(mktemp "${TMPDIR:-/tmp}/modlint-612-info.XXXXXX")
trap 'rm -f "$info"' EXIT
debline() { # debline DEB: package version architecture sha256
	echo "$(dpkg-deb -f "$1" Package) $(dpkg-deb -f "$1" Version) $(dpkg-deb -f "$1" Architecture) sha256=$(sha256sum "$1" | cut -d' ' -f1)"
}
{
	echo "headers: $(debline "$(deb_of "$HDR_PKG")")"
	echo "headers-common: $(debline "$(deb_of "$COMMON_PKG")")"
	echo "kbuild: $(debline "$(deb_of "$KBUILD_PKG")")"
	echo "pahole (BTF): dwarves $(dpkg-query -W -f='${Version}' dwarves), $(pahole --version)"
} >"$info"

FX_UNPACKED_ROOT=$ROOT FX_KERNEL=6.12 FX_PKG_INFO=$info KDIR=$KDIR \
	OUT=${OUT:-$HERE/linux-6.12-amd64} "$HERE/build.sh"
