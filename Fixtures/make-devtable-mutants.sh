#!/bin/sh
# Device tables modpost would refuse (D003, D004), derived from the built fixtures by
# changing the st_size of one MODULE_DEVICE_TABLE alias symbol. modpost stops the build on
# both, so kbuild cannot produce them. Run after build.sh; the outputs are committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$here/linux-6.1-amd64/fx_devtab_rival.ko
out=$here/devtables
sym=__mod_pci__fx_rival_pci_ids_device_table
mkdir -p "$out"

# set_size IN OUT SIZE: copy IN to OUT with the st_size of $sym (Elf64_Sym, little endian) set to SIZE.
set_size() {
	symtab=$(readelf -SW "$1" | sed 's/\[ */[/' | awk '$2 == ".symtab" { print $5 }')
	index=$(readelf -sW "$1" | awk -v s="$sym" '$8 == s { sub(":", "", $1); print $1 }')
	[ -n "$symtab" ] && [ -n "$index" ] || { echo "make-devtable-mutants.sh: $sym not found in $1" >&2; exit 1; }
	cp "$1" "$2"
	offset=$((0x$symtab + index * 24 + 16))
	bytes=$(v=$3; i=0; while [ $i -lt 8 ]; do printf '\\%03o' $((v % 256)); v=$((v / 256)); i=$((i + 1)); done)
	# shellcheck disable=SC2059 # the format is the octal escapes built above
	printf "$bytes" |
		dd of="$2" bs=1 seek="$offset" conv=notrunc status=none
}

# Three entries of 40 bytes (two ids and the terminator): 100 bytes is not a whole number of entries.
set_size "$src" "$out/fx_devtab_badsize.ko" 100
# Two entries, both non-zero: the table as modpost sees it has no terminator.
set_size "$src" "$out/fx_devtab_unterminated.ko" 80
readelf -sW "$out/fx_devtab_badsize.ko" | grep -q " 100 OBJECT .*$sym"
readelf -sW "$out/fx_devtab_unterminated.ko" | grep -q " 80 OBJECT .*$sym"
