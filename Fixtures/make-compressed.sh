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
# The other xz layouts modlint reads with liblzma's own check (a CRC64 stream, several blocks),
# and the kernel's layout with its stored CRC32 damaged: the block's last 4 bytes, before the
# index (whose size the footer gives).
xz --check=crc64 --lzma2=dict=1MiB -c "$src/fx_clean.ko" >"$out/fx_clean-crc64.ko.xz"
xz --check=crc32 --block-size=16KiB -c "$src/fx_clean.ko" >"$out/fx_clean-blocks.ko.xz"
python3 - "$out/fx_clean.ko.xz" "$out/fx_clean-badcheck.ko.xz" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
index = (struct.unpack("<I", data[-8:-4])[0] + 1) * 4
data[len(data) - 12 - index - 4] ^= 0x01
open(sys.argv[2], "wb").write(data)
PY
