#!/bin/sh
# Deliberately unreadable inputs for E001, derived from the built fixtures.
# Run after build.sh; the outputs are committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/broken
mkdir -p "$out"
# An ELF header and the first sections, cut off long before the section header table.
head -c 4096 "$here/linux-6.1-amd64/fx_clean.ko" > "$out/fx_clean-truncated.ko"
# A text file named like a module.
printf 'this is not a kernel module\n' > "$out/not-elf.ko"
