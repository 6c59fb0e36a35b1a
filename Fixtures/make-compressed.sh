#!/bin/sh
# Compressed copies of built fixtures, as `make modules_install` writes them with
# CONFIG_MODULE_COMPRESS_{XZ,ZSTD,GZIP} (xz --check=crc32, zstd, gzip -9), plus damaged and
# oversized inputs for the decompressors. Run after build.sh; the outputs are committed.
# Reproducible: gzip -n stores no name or time stamp.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$here/linux-6.1-amd64
out=$here/compressed
rm -rf "$out"
mkdir -p "$out"
for m in fx_clean fx_undef; do
	xz --check=crc32 --lzma2=dict=1MiB -c "$src/$m.ko" >"$out/$m.ko.xz"
	zstd -q -T1 -19 -c "$src/$m.ko" >"$out/$m.ko.zst"
	gzip -n -9 -c "$src/$m.ko" >"$out/$m.ko.gz"
done
# Cut in the middle of the compressed stream.
for ext in xz zst gz; do
	size=$(wc -c <"$out/fx_clean.ko.$ext")
	head -c $((size / 2)) "$out/fx_clean.ko.$ext" >"$out/fx_clean-truncated.ko.$ext"
done
# Valid streams of 8 MiB of zeros: tests read them with a 1 MiB limit (decompression bomb).
head -c 8388608 /dev/zero | xz --check=crc32 -c >"$out/zeros-8MiB.ko.xz"
head -c 8388608 /dev/zero | zstd -q -T1 -19 -c >"$out/zeros-8MiB.ko.zst"
head -c 8388608 /dev/zero | gzip -n -9 -c >"$out/zeros-8MiB.ko.gz"
# The right magic, then garbage.
printf '\375\067\172\130\132\000garbage, not an xz stream\n' >"$out/bad-magic.ko.xz"
