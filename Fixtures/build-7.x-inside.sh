#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the chroot made by Fixtures/build-7.x.sh (do not run it on the
# host): builds Fixtures/src/fx_modexports and fx_extversions with kbuild
# against the chroot's linux-headers-amd64 into /build/out.
#
#   /build/build-7.x-inside.sh
set -euo pipefail

B=/build
OUT=$B/out
KDIR=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n1)
JOBS=${JOBS:-2}
die() { echo "build-7.x-inside.sh: error: $*" >&2; exit 1; }
note() { echo "build-7.x-inside.sh: $*" >&2; }
[ -f "$KDIR/Module.symvers" ] || die "no Module.symvers in $KDIR"
SECTION_DIRS="fx_exitref fx_initref fx_noexit"
rm -rf "$OUT" "$B/work"
mkdir -p "$OUT/modpost" "$B/work"

# fresh NAME: a new build dir holding src/NAME; its path is mapped to
# Fixtures/src/NAME in debug info and __FILE__.
fresh() {
	local d
	d=$(mktemp -d "$B/work/$1.XXXXXX")
	cp -a "$B/src/$1/." "$d/"
	echo "$d"
}

# kbuild DIR REL LOG [make args...]
kbuild() {
	local dir=$1 rel=$2 log=$3
	shift 3
	make -C "$KDIR" M="$dir" -j"$JOBS" KCFLAGS="-ffile-prefix-map=$dir=$rel" "$@" modules >"$log" 2>&1
}

# modpost_lines LOG DIR REL MODULE: modpost's messages of LOG, DIR written as REL,
# into modpost/MODULE.log.
modpost_lines() {
	grep -E '^(WARNING|ERROR): modpost:' "$1" | sed "s|$2|$3|g" >"$OUT/modpost/$4.log" || true
}

# ------------------------------------------------------------- accepted modules
# The exporter and the importers modpost accepts, in one M= directory.
rel=Fixtures/src/fx_modexports
A=$(fresh fx_modexports)
accepted="fx_modexp fx_friend fx-glob-friend fx_ns_user"
note "building $accepted"
kbuild "$A" "$rel" "$B/work/accepted.log" FX_MODULES="$(printf '%s.o ' $accepted)" ||
	{ cat "$B/work/accepted.log" >&2; die "build of $accepted failed"; }
for m in $accepted; do
	[ -f "$A/$m.ko" ] || die "$m.ko was not produced"
	cp "$A/$m.ko" "$OUT/"
	grep -E '^(WARNING|ERROR): modpost:' "$B/work/accepted.log" | sed "s|$A|$rel|g" |
		grep -E "[ /\"]$m([.\": ]|\$)" >"$OUT/modpost/$m.log" || true
done
if grep -E '^(WARNING|ERROR): modpost:' "$B/work/accepted.log"; then
	die "modpost complained about the accepted modules"
fi
cp "$A/Module.symvers" "$OUT/fx_modexp.symvers"

# ------------------------------------------------------------- refused importers
# Each is built alone against fx_modexp's Module.symvers. modpost refuses it
# (the genuine build, kept for its messages); then it is built again against
# a copy of that Module.symvers in which the one fact modpost objects to is
# changed. An importer's .ko does not depend on its exporter's namespace or
# license, so that second build is the object kbuild would have linked.
refused() { # refused MODULE SED-EXPRESSION (applied to the Module.symvers copy)
	local m=$1 expr=$2 dir symvers
	dir=$(fresh fx_modexports)
	note "building $m (expected to be refused by modpost)"
	if kbuild "$dir" "$rel" "$B/work/$m.refused.log" FX_MODULES="$m.o" KBUILD_EXTRA_SYMBOLS="$A/Module.symvers"; then
		die "modpost unexpectedly accepted $m"
	fi
	grep -q '^ERROR: modpost:' "$B/work/$m.refused.log" ||
		{ cat "$B/work/$m.refused.log" >&2; die "build of $m failed before modpost"; }
	modpost_lines "$B/work/$m.refused.log" "$dir" "$rel" "$m"
	symvers=$B/work/$m.symvers
	sed "$expr" "$A/Module.symvers" >"$symvers"
	! cmp -s "$symvers" "$A/Module.symvers" || die "the edit '$expr' changed nothing"
	dir=$(fresh fx_modexports)
	note "building $m against an edited Module.symvers"
	kbuild "$dir" "$rel" "$B/work/$m.log" FX_MODULES="$m.o" KBUILD_EXTRA_SYMBOLS="$symvers" ||
		{ cat "$B/work/$m.log" >&2; die "second build of $m failed"; }
	cp "$dir/$m.ko" "$OUT/"
}
tab=$(printf '\t')
refused fx_stranger "s|^\\(.*${tab}fx_for_friends${tab}.*${tab}module:.*\\)\$|\\1,fx_stranger|"
refused fx_kflag_prop "s|^\\(.*${tab}fx_gpl_only${tab}[^${tab}]*${tab}\\)EXPORT_SYMBOL_GPL|\\1EXPORT_SYMBOL|"
refused fx_ns_nouser "s|^\\(.*${tab}fx_in_ns${tab}[^${tab}]*${tab}[^${tab}]*${tab}\\)FX_NS\$|\\1|"

# ------------------------------------------------------------- section mismatches
# The 6.1/6.12 sources of the section-reference cases, unchanged, each in its own M= dir.
# Debian's CONFIG_SECTION_MISMATCH_WARN_ONLY=y makes modpost warn and go on; its warnings
# are the oracle.
for name in $SECTION_DIRS; do
	rel=Fixtures/src/$name
	dir=$(fresh "$name")
	note "building $name"
	kbuild "$dir" "$rel" "$B/work/$name.log" ||
		{ cat "$B/work/$name.log" >&2; die "build of $name failed"; }
	modpost_lines "$B/work/$name.log" "$dir" "$rel" "$name"
	cp "$dir/$name.ko" "$OUT/"
done

# ------------------------------------------------------------- extended modversions
# Debian's 7.x kernels have CONFIG_MODVERSIONS off. fx_ext_user is built with
# the three modversions options set on make's command line, so kbuild runs its
# own modpost with -m -b -x: __versions (basic, names up to 55 bytes) and
# __version_ext_crcs/__version_ext_names (every import). The CRCs come from
# fx_modexp's Module.symvers with CRCs filled in (the vmlinux lines of the
# headers' Module.symvers are all 0x00000000), and a module_layout line: modpost -m
# records the CRC of struct module, which a kernel without modversions does not export.
rel=Fixtures/src/fx_extversions
crcs=$B/work/fx_modexp-crcs.symvers
sed -e "s|^0x00000000\\(${tab}fx_plain${tab}\\)|0x1a2b3c4d\\1|" \
    -e "s|^0x00000000\\(${tab}fx_exported_symbol_with_a_name_longer_than_a_versions_entry${tab}\\)|0x5e6f7a8b\\1|" \
    "$A/Module.symvers" >"$crcs"
printf '0x4f1e2d3c\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n' >>"$crcs"
[ "$(grep -c -e '^0x1a2b3c4d' -e '^0x5e6f7a8b' -e '^0x4f1e2d3c' "$crcs")" = 3 ] || die "CRCs not filled in"
cp "$crcs" "$OUT/fx_modexp-crcs.symvers"
dir=$(fresh fx_extversions)
note "building fx_ext_user with -m -b -x"
kbuild "$dir" "$rel" "$B/work/fx_ext_user.log" V=1 KBUILD_EXTRA_SYMBOLS="$crcs" \
	CONFIG_MODVERSIONS=y CONFIG_BASIC_MODVERSIONS=y CONFIG_EXTENDED_MODVERSIONS=y ||
	{ cat "$B/work/fx_ext_user.log" >&2; die "build of fx_ext_user failed"; }
grep -E 'scripts/mod/modpost .*-m -b -x' "$B/work/fx_ext_user.log" >/dev/null ||
	die "modpost did not run with -m -b -x"
modpost_lines "$B/work/fx_ext_user.log" "$dir" "$rel" fx_ext_user
cp "$dir/fx_ext_user.ko" "$OUT/"
sed "s|$dir|$rel|g" "$dir/fx_ext_user.mod.c" >"$OUT/modpost/fx_ext_user.mod.c"

# ------------------------------------------------------------- checks, metadata
for ko in "$OUT"/*.ko; do
	grep -qaF "$B/work" "$ko" && die "$(basename "$ko") contains the build path $B/work"
done
cp "$KDIR/Module.symvers" "$OUT/Module.symvers"
pkg() { dpkg-query -W -f='${Package} ${Version} ${Architecture}\n' "$1"; }
rel_ver=${KDIR#/usr/src/linux-headers-}
{
	echo "# modlint fixtures for linux ${rel_ver%-amd64} / amd64, generated by Fixtures/build-7.x.sh"
	echo "suite: $(cat /build/suite)"
	echo "headers-dir: $KDIR"
	echo "headers: $(pkg "linux-headers-$rel_ver")"
	echo "headers-common: $(pkg "linux-headers-${rel_ver%-amd64}-common")"
	echo "kbuild: $(pkg "linux-kbuild-${rel_ver%-amd64}")"
	echo "gcc: $(gcc --version | head -n1)"
	echo "ld: $(ld --version | head -n1)"
	echo "pahole (BTF): $(pahole --version)"
	echo "KCFLAGS: -ffile-prefix-map=<build dir>=Fixtures/src/<dir>"
	echo "accepted by modpost: $accepted"
	echo "refused by modpost, built against an edited Module.symvers: fx_stranger fx_kflag_prop fx_ns_nouser"
	echo "section references (sources shared with 6.1 and 6.12): $SECTION_DIRS"
	echo "extended modversions (modpost -m -b -x): fx_ext_user"
	echo
	echo "# sha256"
	(cd "$OUT" && sha256sum Module.symvers fx_modexp.symvers fx_modexp-crcs.symvers *.ko)
} >"$OUT/BUILD-INFO"
note "done: $(ls "$OUT"/*.ko | wc -l) .ko files"
