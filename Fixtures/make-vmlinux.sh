#!/bin/sh
# Fixtures/symtabs/vmlinux-synthetic and vmlinux-synthetic-7.1: see
# Fixtures/src/vmlinux-synthetic/vmlinux.c and vmlinux-7.1.c.
# Reproducible with the same gcc and binutils (no build id, no paths in the output).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/src/vmlinux-synthetic"
gcc-12 -O1 -fno-pic -no-pie -nostdlib -static -Wl,--build-id=none -Wl,-e,_start \
	-o "$here/symtabs/vmlinux-synthetic" vmlinux.c
# In definition order: __kflagstab[i] belongs to the i-th __ksymtab entry.
gcc-12 -O1 -fno-toplevel-reorder -fno-pic -no-pie -nostdlib -static -Wl,--build-id=none -Wl,-e,_start \
	-o "$here/symtabs/vmlinux-synthetic-7.1" vmlinux-7.1.c
