#!/bin/sh
# Fixtures/symtabs/vmlinux-synthetic: see Fixtures/src/vmlinux-synthetic/vmlinux.c.
# Reproducible with the same gcc and binutils (no build id, no paths in the output).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/src/vmlinux-synthetic"
gcc-12 -O1 -fno-pic -no-pie -nostdlib -static -Wl,--build-id=none -Wl,-e,_start \
	-o "$here/symtabs/vmlinux-synthetic" vmlinux.c
