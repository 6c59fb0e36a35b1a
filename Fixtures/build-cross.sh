#!/bin/sh
# build-cross.sh [ARCH...]
#
# Build modlint's kernel-module fixtures (Fixtures/src/<name>/) with the real
# kernel build (kbuild + modpost) against Debian 12's 6.1 kernel headers for
# other architectures, without installing any foreign-architecture package.
#
#   ARCH : i386 armhf arm64 s390x   (default: all four)
#
# For each ARCH the headers packages are fetched with `apt-get download` into
# Fixtures/.cache/cross/debs/ (gitignored) and unpacked with `dpkg-deb -x`
# into Fixtures/.cache/cross/root/.  The unpacked tree uses the host's
# linux-kbuild-6.1 (amd64: modpost, genksyms, fixdep, ...) and a Debian cross
# compiler (i386 uses the host gcc-12, which the kernel drives with -m32).
#
# Output, per ARCH, in Fixtures/linux-6.1-<ARCH>/ (replaced as a whole when
# every module of that ARCH built):
#   <module>.ko           the module as kbuild's modfinal linked it
#   Module.symvers        verbatim from that ARCH's linux-headers package
#   modpost/<module>.log  modpost's WARNING:/ERROR: lines of the build, with the
#                         temporary build folder shown as Fixtures/src/<module>
#                         (an empty file when modpost printed nothing)
#   BUILD-INFO            package versions, compiler, make command (no dates)
#
# A foreign ARCH's apt index is needed only to download its headers package
# the first time: when it is missing and this runs as root, the script adds
# the architecture (dpkg --add-architecture, apt-get update), downloads, and
# removes it again (dpkg --remove-architecture, apt-get update), leaving apt
# as it was.  Missing host packages (cross compilers, linux-kbuild-6.1, make)
# are installed with apt-get when running as root.
#
# Environment: KABI (default 6.1.0-50), KEEP_BUILD=1 keeps the temporary
# build folder (its path is printed).
set -eu

FIXDIR=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$FIXDIR/src
CACHE=$FIXDIR/.cache/cross
DEBS=$CACHE/debs
ROOT=$CACHE/root
KABI=${KABI:-6.1.0-50}
KBUILD_HOST=/usr/lib/linux-kbuild-6.1

MODULES="fx_clean fx_exitref fx_noexit fx_undef fx_initref"
# modules that must reach the .ko despite unresolved symbols
WARN_MODULES="fx_undef"

[ $# -gt 0 ] || set -- i386 armhf arm64 s390x

case $FIXDIR in
    *[[:space:]]*) echo "build-cross.sh: $FIXDIR contains white space; make cannot cope" >&2; exit 2 ;;
esac

# arch_info ARCH -> sets FLAVOUR KARCH CROSS CC_BIN PKGS
arch_info() {
    case $1 in
        i386)  FLAVOUR=686-pae KARCH=x86   CROSS=""                    CC_BIN=gcc-12 PKGS=gcc-12 ;;
        armhf) FLAVOUR=armmp   KARCH=arm   CROSS=arm-linux-gnueabihf-  CC_BIN=arm-linux-gnueabihf-gcc-12 PKGS=gcc-12-arm-linux-gnueabihf ;;
        arm64) FLAVOUR=arm64   KARCH=arm64 CROSS=aarch64-linux-gnu-    CC_BIN=aarch64-linux-gnu-gcc-12   PKGS=gcc-12-aarch64-linux-gnu ;;
        s390x) FLAVOUR=s390x   KARCH=s390  CROSS=s390x-linux-gnu-      CC_BIN=s390x-linux-gnu-gcc-12     PKGS=gcc-12-s390x-linux-gnu ;;
        *) echo "build-cross.sh: unknown arch '$1' (known: i386 armhf arm64 s390x)" >&2; exit 2 ;;
    esac
}

is_root() { [ "$(id -u)" = 0 ]; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# ---------------------------------------------------------------- sources
for m in $MODULES; do
    [ -f "$SRCDIR/$m/$m.c" ] && [ -f "$SRCDIR/$m/Kbuild" ] ||
        { echo "build-cross.sh: missing $SRCDIR/$m/{$m.c,Kbuild}" >&2; exit 2; }
done

# ---------------------------------------------------------------- host packages
need="make linux-kbuild-6.1 kmod binutils"
for a in "$@"; do arch_info "$a"; need="$need $PKGS"; done
missing=""
for p in $need; do installed "$p" || missing="$missing $p"; done
if [ -n "$missing" ]; then
    if ! is_root; then
        echo "build-cross.sh: missing packages:$missing (run as root, or apt-get install them)" >&2
        exit 3
    fi
    echo "== installing:$missing"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; }
fi
[ -x "$KBUILD_HOST/scripts/mod/modpost" ] || { echo "build-cross.sh: no $KBUILD_HOST/scripts/mod/modpost" >&2; exit 3; }

# ---------------------------------------------------------------- temp dir + cleanup
BUILD=$(mktemp -d /tmp/modlint-xbuild.XXXXXX)
ADDED_ARCHS=""
cleanup() {
    if [ -n "$ADDED_ARCHS" ]; then
        for a in $ADDED_ARCHS; do dpkg --remove-architecture "$a" || true; done
        apt-get update -qq >/dev/null 2>&1 || true
        ADDED_ARCHS=""
    fi
    if [ "${KEEP_BUILD:-0}" = 1 ]; then echo "build folder kept: $BUILD"; else rm -rf "$BUILD"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- downloads
hdr_deb()    { ls "$DEBS"/linux-headers-"$KABI-$FLAVOUR"_*_"$1".deb 2>/dev/null | tail -1; }
common_deb() { ls "$DEBS"/linux-headers-"$KABI"-common_*_all.deb 2>/dev/null | tail -1; }

mkdir -p "$DEBS" "$ROOT"
to_fetch=""
for a in "$@"; do
    arch_info "$a"
    [ -n "$(hdr_deb "$a")" ] || to_fetch="$to_fetch $a"
done
if [ -n "$to_fetch" ] || [ -z "$(common_deb)" ]; then
    native=$(dpkg --print-architecture)
    for a in $to_fetch; do
        if [ "$a" != "$native" ] && ! dpkg --print-foreign-architectures | grep -qx "$a"; then
            is_root || { echo "build-cross.sh: need apt's index for $a: as root run: dpkg --add-architecture $a && apt-get update (or run this script as root)" >&2; exit 3; }
            dpkg --add-architecture "$a"
            ADDED_ARCHS="$ADDED_ARCHS $a"
        fi
    done
    # some suites may fail for some archs (e.g. a transient security mirror error); the
    # headers of the point release come from the main suite
    apt-get update -qq >/dev/null 2>&1 || true
    pkgs=""
    [ -n "$(common_deb)" ] || pkgs="linux-headers-$KABI-common"
    for a in $to_fetch; do arch_info "$a"; pkgs="$pkgs linux-headers-$KABI-$FLAVOUR:$a"; done
    echo "== apt-get download$( echo " $pkgs")"
    # as root apt warns that the _apt sandbox user cannot write to $DEBS; harmless
    # shellcheck disable=SC2086
    (cd "$DEBS" && apt-get download $pkgs 2>&1 | grep -v 'Download is performed unsandboxed' || true)
    for a in $to_fetch; do arch_info "$a"; [ -n "$(hdr_deb "$a")" ] || { echo "build-cross.sh: download of linux-headers-$KABI-$FLAVOUR:$a failed" >&2; exit 4; }; done
    [ -n "$(common_deb)" ] || { echo "build-cross.sh: download of linux-headers-$KABI-common failed" >&2; exit 4; }
    cleanup_archs=$ADDED_ARCHS
    if [ -n "$cleanup_archs" ]; then
        for a in $cleanup_archs; do dpkg --remove-architecture "$a"; done
        ADDED_ARCHS=""
        apt-get update -qq >/dev/null 2>&1 || true
    fi
fi

# ---------------------------------------------------------------- unpack
# A stamp records which deb each tree came from, so a new deb or a moved cache re-unpacks.
unpack() { # unpack DEB DIR(relative to $ROOT/usr/src)
    stamp=$ROOT/usr/src/$2/.modlint-unpacked
    want="$(basename "$1") $ROOT"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        rm -rf "${ROOT:?}/usr/src/$2"
        dpkg-deb -x "$1" "$ROOT"
        echo "$want" > "$stamp"
        return 0
    fi
    return 1
}
mkdir -p "$ROOT/usr/lib"
ln -sfn "$KBUILD_HOST" "$ROOT/usr/lib/linux-kbuild-6.1"   # target of the headers' scripts/tools symlinks
unpack "$(common_deb)" "linux-headers-$KABI-common" || true
for a in "$@"; do
    arch_info "$a"
    if unpack "$(hdr_deb "$a")" "linux-headers-$KABI-$FLAVOUR"; then
        # the flavour Makefile is one line including the common Makefile by absolute path
        sed -i "s|^include /usr/src/|include $ROOT/usr/src/|" "$ROOT/usr/src/linux-headers-$KABI-$FLAVOUR/Makefile"
    fi
done

# ---------------------------------------------------------------- build
FAILED=""
for a in "$@"; do
    arch_info "$a"
    HDR=$ROOT/usr/src/linux-headers-$KABI-$FLAVOUR
    STAGE=$BUILD/out-$a
    rm -rf "$STAGE"; mkdir -p "$STAGE/modpost"
    echo "== $a ($FLAVOUR, ARCH=$KARCH${CROSS:+, CROSS_COMPILE=$CROSS})"
    ok=1
    for m in $MODULES; do
        W=$BUILD/$m
        rm -rf "$W"; cp -r "$SRCDIR/$m" "$W"
        warn=""
        case " $WARN_MODULES " in *" $m "*) warn="KBUILD_MODPOST_WARN=1" ;; esac
        # no temporary path in the binaries: the module folder shows as Fixtures/src/<m>,
        # the unpacked headers as /usr/src/... (where a native install puts them)
        kcflags="-fdebug-prefix-map=$W=Fixtures/src/$m -fdebug-prefix-map=$ROOT/usr/src=/usr/src"
        # shellcheck disable=SC2086
        if make -C "$HDR" M="$W" ARCH="$KARCH" ${CROSS:+CROSS_COMPILE=$CROSS} \
                KCFLAGS="$kcflags" $warn modules > "$BUILD/$a-$m.log" 2>&1 &&
           [ -f "$W/$m.ko" ]; then
            cp "$W/$m.ko" "$STAGE/$m.ko"
            { grep -E '^(WARNING|ERROR): modpost: ' "$BUILD/$a-$m.log" || true; } |
                sed "s|$BUILD/|Fixtures/src/|g" > "$STAGE/modpost/$m.log"
            printf '   %-12s %8s bytes, modpost lines: %s\n' "$m.ko" "$(stat -c %s "$W/$m.ko")" "$(wc -l < "$STAGE/modpost/$m.log")"
            if grep -a -q -e "$BUILD" -e "$CACHE" "$W/$m.ko"; then
                echo "   WARNING: a temporary/cache path is left in $m.ko" >&2
            fi
        else
            echo "   $m: BUILD FAILED; log:" >&2
            sed 's/^/     | /' "$BUILD/$a-$m.log" >&2
            ok=0
        fi
    done
    if [ $ok = 0 ]; then FAILED="$FAILED $a"; continue; fi

    cp "$HDR/Module.symvers" "$STAGE/Module.symvers"
    hdeb=$(hdr_deb "$a"); cdeb=$(common_deb)
    {
        echo "arch: $a"
        echo "kernel ARCH: $KARCH"
        echo "flavour: $FLAVOUR"
        echo "kernelrelease: $KABI-$FLAVOUR"
        echo "vermagic: $(modinfo -F vermagic "$STAGE/fx_clean.ko" 2>/dev/null || echo '?')"
        echo "headers package: $(dpkg-deb -f "$hdeb" Package) $(dpkg-deb -f "$hdeb" Version) $(dpkg-deb -f "$hdeb" Architecture) sha256=$(sha256sum "$hdeb" | cut -d' ' -f1)"
        echo "headers common package: $(dpkg-deb -f "$cdeb" Package) $(dpkg-deb -f "$cdeb" Version) $(dpkg-deb -f "$cdeb" Architecture) sha256=$(sha256sum "$cdeb" | cut -d' ' -f1)"
        echo "kbuild (host, amd64): linux-kbuild-6.1 $(dpkg-query -W -f='${Version}' linux-kbuild-6.1)"
        for p in $PKGS; do echo "compiler package: $p $(dpkg-query -W -f='${Version}' "$p")"; done
        echo "compiler: $($CC_BIN --version | head -1)"
        bu=binutils${CROSS:+-${CROSS%-}}
        echo "binutils: $bu $(dpkg-query -W -f='${Version}' "$bu" 2>/dev/null || echo '?'), $(${CROSS}ld --version | head -1)"
        echo "headers CONFIG_CC_VERSION_TEXT: $(sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' "$HDR/.config")"
        for c in CONFIG_THUMB2_KERNEL CONFIG_CPU_BIG_ENDIAN CONFIG_64BIT CONFIG_MODVERSIONS CONFIG_RETPOLINE CONFIG_OBJTOOL; do
            v=$(sed -n "s/^$c=//p" "$HDR/.config"); echo "headers $c: ${v:-n}"
        done
        echo "Module.symvers: $(wc -l < "$HDR/Module.symvers") exports, sha256=$(sha256sum "$HDR/Module.symvers" | cut -d' ' -f1)"
        echo "make: make -C /usr/src/linux-headers-$KABI-$FLAVOUR M=Fixtures/src/<module> ARCH=$KARCH${CROSS:+ CROSS_COMPILE=$CROSS} KCFLAGS='-fdebug-prefix-map=<build>=Fixtures/src/<module> -fdebug-prefix-map=<unpacked>/usr/src=/usr/src' modules"
        echo "KBUILD_MODPOST_WARN=1 for: $WARN_MODULES"
        echo "modules:"
        for m in $MODULES; do echo "  $m.ko $(stat -c %s "$STAGE/$m.ko") sha256=$(sha256sum "$STAGE/$m.ko" | cut -d' ' -f1)"; done
    } > "$STAGE/BUILD-INFO"

    OUT=$FIXDIR/linux-6.1-$a
    rm -rf "$OUT"
    mv "$STAGE" "$OUT"
    echo "   -> $OUT"
done

if [ -n "$FAILED" ]; then
    echo "build-cross.sh: FAILED for:$FAILED" >&2
    exit 1
fi
