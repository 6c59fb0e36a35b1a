#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Rebuild the modlint test fixtures in Fixtures/linux-6.1-amd64/ from
# Fixtures/src/ against Debian 12's linux-headers-6.1.0-50-amd64.
#
#   Fixtures/build.sh                 # as root: installs missing packages first
#   KDIR=/path/to/headers Fixtures/build.sh
#
# Fixtures/build-6.12.sh runs this script against headers unpacked from
# .debs (not installed); it sets FX_UNPACKED_ROOT (the dpkg-deb -x root,
# mapped back to / in debug info), FX_KERNEL (the label in BUILD-INFO) and
# FX_PKG_INFO (a file with the package lines for BUILD-INFO).
#
# Every run starts from scratch (fresh temp build dirs) and replaces the
# output directory's generated files, so it is idempotent. The unsigned .ko
# files are byte-identical between runs; fx_clean.signed.ko is not, because
# it is signed with a throw-away key generated on every run.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$HERE/src
OUT=${OUT:-$HERE/linux-6.1-amd64}
DEFAULT_KDIR=/usr/src/linux-headers-6.1.0-50-amd64
KDIR=${KDIR:-$DEFAULT_KDIR}
HEADERS_PKG=linux-headers-6.1.0-50-amd64
KBUILD_PKG=linux-kbuild-6.1
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
FX_UNPACKED_ROOT=${FX_UNPACKED_ROOT:-}
FX_KERNEL=${FX_KERNEL:-6.1}
FX_PKG_INFO=${FX_PKG_INFO:-}

# Plain builds (modpost accepts them as they are).
PLAIN_DIRS=(fx_clean fx_exitref fx_noexit fx_initref fx_rodataref fx_devtables fx_dup fx_owner fx_size_small fx_size_large)
# Also installed with their DWARF removed (strip --strip-debug) under
# Fixtures/stripped/<output dir name>/, for the rules that fall back without debug info.
STRIPPED=(fx_owner fx_owner_ok fx_devtab_noexport)
STRIPPED_OUT=${STRIPPED_OUT:-$HERE/stripped/$(basename "$OUT")}
# Built with KBUILD_MODPOST_WARN=1: modpost downgrades "undefined!" to a warning.
WARN_DIRS=(fx_undef)
# Refused by modpost (license and namespace errors are fatal even with
# KBUILD_MODPOST_WARN=1; FX_FORCE_LICENSE makes the source acceptable):
# "dir:module module ..." = the modules of dir whose .ko must be forced.
FORCED=("fx_gplonly:fx_gplonly" "fx_nolicense:fx_nolicense" "fx_exports:fx_importer_prop" "fx_ns:fx_ns_missing")

die() { echo "build.sh: error: $*" >&2; exit 1; }
note() { echo "build.sh: $*" >&2; }

# ---------------------------------------------------------------- packages
ensure_packages() {
	local pkgs=(make gcc-12 openssl kmod binutils) missing=() p
	[ -z "$FX_UNPACKED_ROOT" ] && pkgs+=("$KBUILD_PKG")
	[ "$KDIR" = "$DEFAULT_KDIR" ] && pkgs+=("$HEADERS_PKG")
	for p in "${pkgs[@]}"; do
		if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages: ${missing[*]} (run as root or install them)"
	fi
	note "installing ${missing[*]}"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}
ensure_packages
[ -f "$KDIR/Module.symvers" ] || die "no Module.symvers in KDIR=$KDIR"
SIGN_FILE=$KDIR/scripts/sign-file
[ -x "$SIGN_FILE" ] || die "no $SIGN_FILE"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/modlint-fixtures.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/out
mkdir -p "$STAGE/modpost"

# ---------------------------------------------------------------- helpers
# Headers that ship vmlinux (6.12) make kbuild add .BTF with pahole. pahole
# 1.24 with -j (one thread per CPU, in kbuild's PAHOLE_FLAGS) now and then
# writes the types in another order; with one thread the output is stable
# (and equal to the usual -j result).
pahole_args=()
if [ -f "$KDIR/vmlinux" ]; then
	command -v pahole >/dev/null || die "no pahole (package dwarves), needed for BTF"
	cat >"$WORK/pahole" <<-'EOF'
	#!/bin/sh
	for a do
		shift
		[ "$a" = -j ] && a=-j1
		set -- "$@" "$a"
	done
	exec pahole "$@"
	EOF
	chmod +x "$WORK/pahole"
	pahole_args=(PAHOLE="$WORK/pahole")
fi

# kbuild DIR REL LOG [make args...]: build the copy in DIR; REL is the
# neutral name (Fixtures/src/<dir>) that replaces DIR in debug info and
# __FILE__ (and unpacked headers show as /usr/src/...). Returns make's exit code.
kbuild() {
	local dir=$1 rel=$2 log=$3 kcflags
	shift 3
	kcflags="-ffile-prefix-map=$dir=$rel"
	[ -n "$FX_UNPACKED_ROOT" ] && kcflags+=" -ffile-prefix-map=$FX_UNPACKED_ROOT/usr/src=/usr/src"
	make -C "$KDIR" M="$dir" -j"$JOBS" \
		KCFLAGS="$kcflags" "${pahole_args[@]}" "$@" modules >"$log" 2>&1
}

copy_src() { # copy_src NAME -> echoes a fresh build dir holding src/NAME
	local d
	d=$(mktemp -d "$WORK/$1.XXXXXX")
	cp -a "$SRC/$1/." "$d/"
	echo "$d"
}

modules_of() { # module names from the obj-m line(s) of a Kbuild file
	sed -n 's/^[[:space:]]*obj-m[[:space:]]*[:+]\?=//p' "$1/Kbuild" |
		tr ' \t' '\n\n' | sed -n 's/\.o$//p'
}

# split_logs LOG DIR REL: write the modpost lines of LOG, with DIR rewritten
# to REL, into $STAGE/modpost/<module>.log for every module of DIR.
split_logs() {
	local log=$1 dir=$2 rel=$3 m all assigned
	all=$WORK/modpost-lines.$$
	grep -E '^(WARNING|ERROR): modpost:' "$log" | sed "s|$dir|$rel|g" >"$all" || true
	assigned=$WORK/assigned.$$
	: >"$assigned"
	for m in $(modules_of "$dir"); do
		# "<file>.ko" / "[<mod>.ko]" forms (6.12: "<mod>:" without a suffix), and the
		# namespace message "module <mod> uses".
		grep -E "(^|[ /[])$m(\\.k?o)?([]: ]|\$)|: module $m uses " "$all" >"$STAGE/modpost/$m.log" || true
		cat "$STAGE/modpost/$m.log" >>"$assigned"
	done
	if ! cmp -s <(sort "$all") <(sort "$assigned"); then
		note "modpost lines not attributed to exactly one module in $rel:"
		diff <(sort "$all") <(sort "$assigned") >&2 || true
		die "cannot split modpost output of $rel"
	fi
	rm -f "$all" "$assigned"
}

# recorded_cmd CMDFILE: print the command kbuild recorded in a .<target>.cmd
# file (a make fragment "cmd_<target> := <command>", "savedcmd_<target>" since
# 6.2), unescaped by make.
recorded_cmd() {
	local f=$1 var
	var=$(sed -n '1s/^\(\(saved\)\{0,1\}cmd_[^ ]*\) := .*/\1/p' "$f")
	[ -n "$var" ] || die "unexpected format of $f"
	# Only line 1 (the command); the rest are dependency rules.
	{ printf 'pound := \\#\n'; sed -n 1p "$f"; printf '$(info $(%s))\nall: ;@:\n' "$var"; } |
		make -s --no-print-directory -f -
}

collect() { # collect DIR: copy every module .ko of DIR into the stage
	local dir=$1 m
	for m in $(modules_of "$dir"); do
		[ -f "$dir/$m.ko" ] || die "$m.ko was not produced (see $dir)"
		cp "$dir/$m.ko" "$STAGE/$m.ko"
	done
}

# ---------------------------------------------------------------- builds
for name in "${PLAIN_DIRS[@]}" "${WARN_DIRS[@]}"; do
	rel=Fixtures/src/$name
	dir=$(copy_src "$name")
	extra=()
	[[ " ${WARN_DIRS[*]} " == *" $name "* ]] && extra=(KBUILD_MODPOST_WARN=1)
	note "building $name ${extra[*]}"
	kbuild "$dir" "$rel" "$WORK/$name.log" "${extra[@]}" ||
		{ cat "$WORK/$name.log" >&2; die "build of $name failed"; }
	split_logs "$WORK/$name.log" "$dir" "$rel"
	collect "$dir"
done

for spec in "${FORCED[@]}"; do
	name=${spec%%:*}
	forced=${spec#*:}
	rel=Fixtures/src/$name

	# 1. The genuine build, which modpost refuses: only for its messages
	#    (and, as a cross-check, its objects).
	refused=$(copy_src "$name")
	note "building $name (expected to be refused by modpost)"
	if kbuild "$refused" "$rel" "$WORK/$name.refused.log"; then
		die "modpost unexpectedly accepted $name"
	fi
	grep -q '^ERROR: modpost:' "$WORK/$name.refused.log" ||
		{ cat "$WORK/$name.refused.log" >&2; die "build of $name failed before modpost"; }
	split_logs "$WORK/$name.refused.log" "$refused" "$rel"

	# 2. Build with MODULE_LICENSE("GPL") switched on for the forced modules,
	#    so that modpost writes the .mod.c files and kbuild links every .ko.
	dir=$(copy_src "$name")
	defs=()
	for m in $forced; do defs+=("CFLAGS_$m.o=-DFX_FORCE_LICENSE"); done
	note "building $name (license temporarily forced for: $forced)"
	kbuild "$dir" "$rel" "$WORK/$name.forced.log" V=1 "${defs[@]}" ||
		{ cat "$WORK/$name.forced.log" >&2; die "forced build of $name failed"; }

	# 3. Recompile each forced .o with kbuild's recorded command minus the
	#    define, then relink its .ko with kbuild's recorded modfinal command.
	for m in $forced; do
		cmd=$(recorded_cmd "$dir/.$m.o.cmd")
		[[ $cmd == *" -DFX_FORCE_LICENSE"* ]] || die "define not found in .$m.o.cmd"
		cmd=${cmd// -DFX_FORCE_LICENSE/}
		# objtool since 6.2 takes the architecture from the environment make exports
		(cd "$KDIR" && SRCARCH=x86 sh -c "$cmd") || die "recompiling $m.o failed"
		cmp -s "$dir/$m.o" "$refused/$m.o" ||
			die "recompiled $m.o differs from the refused build's $m.o"
		cmd=$(recorded_cmd "$dir/.$m.ko.cmd")
		rm -f "$dir/$m.ko"
		(cd "$KDIR" && sh -c "$cmd") || die "relinking $m.ko failed"
		# Headers that ship vmlinux (6.12) add BTF after the link; modfinal does
		# not record that command, so take it from the V=1 log (the else branch
		# of "if [ ! -f vmlinux ]; then ...; else <pahole>; <resolve_btfids>; fi;").
		if [ -f "$KDIR/vmlinux" ]; then
			cmd=$(grep -F -- "--btf_base vmlinux $dir/$m.ko;" "$WORK/$name.forced.log" |
				sed -n 's/^.*; else \(.*\) fi;$/\1/p' | tail -n1 || true)
			[ -n "$cmd" ] || die "no BTF command for $m.ko in the V=1 log"
			(cd "$KDIR" && sh -c "$cmd") || die "BTF for $m.ko failed"
		fi
	done
	collect "$dir"
done

# ---------------------------------------------------------------- checks
for ko in "$STAGE"/*.ko; do
	if grep -qaF "$WORK" "$ko"; then
		die "$(basename "$ko") contains the temp build path $WORK"
	fi
	if [ -n "$FX_UNPACKED_ROOT" ] && grep -qaF "$FX_UNPACKED_ROOT" "$ko"; then
		die "$(basename "$ko") contains the unpacked headers path $FX_UNPACKED_ROOT"
	fi
done

# ---------------------------------------------------------------- signing
note "signing fx_clean.ko with a throw-away key"
openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -batch \
	-subj "/CN=modlint fixture throw-away signing key/" \
	-keyout "$WORK/signing_key.pem" -outform DER -out "$WORK/signing_key.x509" \
	>"$WORK/openssl.log" 2>&1 || { cat "$WORK/openssl.log" >&2; die "openssl failed"; }
"$SIGN_FILE" sha256 "$WORK/signing_key.pem" "$WORK/signing_key.x509" \
	"$STAGE/fx_clean.ko" "$STAGE/fx_clean.signed.ko"
cmp -s <(tail -c 28 "$STAGE/fx_clean.signed.ko") <(printf '~Module signature appended~\n') ||
	die "fx_clean.signed.ko has no module signature trailer"

# ---------------------------------------------------------------- stripped copies
mkdir -p "$WORK/stripped"
for m in "${STRIPPED[@]}"; do
	strip --strip-debug -o "$WORK/stripped/$m.ko" "$STAGE/$m.ko"
	if readelf -S "$WORK/stripped/$m.ko" | grep -q '\.debug_info'; then
		die "$m.ko still has .debug_info after strip --strip-debug"
	fi
done

# ---------------------------------------------------------------- metadata
cp "$KDIR/Module.symvers" "$STAGE/Module.symvers"

pkgver() { dpkg-query -W -f='${Package} ${Version}\n' "$1" 2>/dev/null || echo "$1 (not installed)"; }
kconf() { sed -n "s/^$1=//p" "$KDIR/.config"; }
{
	if [ -n "$FX_UNPACKED_ROOT" ]; then
		echo "# modlint fixtures for linux $FX_KERNEL / amd64, generated by Fixtures/build-$FX_KERNEL.sh"
		echo "headers-dir: ${KDIR#"$FX_UNPACKED_ROOT"} (unpacked from the .debs, not installed)"
		cat "$FX_PKG_INFO"
	else
		echo "# modlint fixtures for linux 6.1 / amd64, generated by Fixtures/build.sh"
		echo "headers-dir: $KDIR"
		echo "headers: $(pkgver "$HEADERS_PKG")"
		echo "headers-common: $(pkgver linux-headers-6.1.0-50-common)"
		echo "kbuild: $(pkgver "$KBUILD_PKG")"
	fi
	echo "vermagic: $(modinfo -F vermagic "$STAGE/fx_clean.ko" | sed 's/[[:space:]]*$//')"
	echo "CONFIG_CC_VERSION_TEXT: $(kconf CONFIG_CC_VERSION_TEXT)"
	echo "gcc: $(gcc-12 --version | head -n1)"
	echo "ld: $(ld --version | head -n1)"
	echo "openssl (signing): $(openssl version | cut -d' ' -f1-2)"
	if [ -n "$FX_UNPACKED_ROOT" ]; then
		echo "KCFLAGS: -ffile-prefix-map=<temp build dir>=Fixtures/src/<dir> -ffile-prefix-map=<unpacked root>/usr/src=/usr/src"
	else
		echo "KCFLAGS: -ffile-prefix-map=<temp build dir>=Fixtures/src/<dir>"
	fi
	[ ${#pahole_args[@]} -gt 0 ] &&
		echo "PAHOLE: pahole with kbuild's -j replaced by -j1 (reproducible .BTF)"
	echo "plain builds: ${PLAIN_DIRS[*]}"
	echo "KBUILD_MODPOST_WARN=1 builds: ${WARN_DIRS[*]}"
	echo "forced past modpost: ${FORCED[*]#*:}"
	echo "stripped (strip --strip-debug, in $(basename "$(dirname "$STRIPPED_OUT")")/$(basename "$STRIPPED_OUT")): ${STRIPPED[*]}"
	echo "strip: $(strip --version | head -n1)"
	echo "fx_clean.signed.ko: fx_clean.ko signed by scripts/sign-file sha256 with a throw-away key (differs on every run)"
	echo
	echo "# sha256 (unsigned files; reproducible)"
	(cd "$STAGE" && sha256sum Module.symvers $(ls *.ko | grep -v '\.signed\.ko$'))
} >"$STAGE/BUILD-INFO"

# ---------------------------------------------------------------- install
mkdir -p "$OUT"
rm -rf "$OUT/modpost"
rm -f "$OUT"/*.ko "$OUT/Module.symvers" "$OUT/BUILD-INFO"
cp -a "$STAGE/." "$OUT/"
mkdir -p "$STRIPPED_OUT"
rm -f "$STRIPPED_OUT"/*.ko
cp -a "$WORK/stripped/." "$STRIPPED_OUT/"
(cd "$STRIPPED_OUT" && sha256sum *.ko >SHA256SUMS)
note "done: $(ls "$OUT"/*.ko | wc -l) .ko files in $OUT"
