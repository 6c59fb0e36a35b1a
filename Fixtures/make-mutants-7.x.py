#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""7.x cases no modpost writes (it refuses them or never produces them), derived
from the linux-7.2-amd64 fixtures (built by build-7.x.sh) by editing bytes in
place. Run after build-7.x.sh; the outputs are committed.

  fx_ext_user-basic-crc.ko   the __versions CRC of fx_plain changed; the
                             extended table keeps the right one. The loader
                             checks the extended table only: no U004.
  fx_ext_user-ext-crc.ko     the __version_ext_crcs CRC of fx_plain changed;
                             __versions keeps the right one: U004.
  fx_ext_user-ext-name.ko    fx_plain renamed fx_plaiN in __version_ext_names;
                             __versions still has it. The loader does not fall
                             back: "no extended symbol version": U005.
  fx_ns_user-modns.ko        fx_ns_user.ko whose description= entry is replaced
                             by import_ns=module:fx_friend (NUL-padded): an
                             explicit import of a module namespace, which
                             modpost refuses ('explicitly importing namespace
                             "module:fx_friend" is not allowed') and the loader
                             too (-EPERM): U009.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "linux-7.2-amd64", "fx_ext_user.ko")
NS_USER = os.path.join(HERE, "linux-7.2-amd64", "fx_ns_user.ko")
OUT = os.path.join(HERE, "mutants")
WRONG_CRC = 0x0BADC0DE


def sections(data):
    """name -> (sh_offset, sh_size) of an ELF64 LE file."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def header(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    strtab = header(shstrndx)
    result = {}
    for i in range(shnum):
        h = header(i)
        start = strtab[4] + h[0]
        result[data[start:data.index(b"\0", start)].decode()] = (h[4], h[5])
    return result


def ext_index(data, secs, name):
    offset, size = secs["__version_ext_names"]
    names = bytes(data[offset:offset + size]).split(b"\0")
    return names.index(name)


def main():
    original = open(SRC, "rb").read()
    secs = sections(original)
    os.makedirs(OUT, exist_ok=True)

    data = bytearray(original)
    offset, size = secs["__versions"]
    for entry in range(offset, offset + size, 64):
        if data[entry + 8:entry + 64].split(b"\0")[0] == b"fx_plain":
            struct.pack_into("<Q", data, entry, WRONG_CRC)
            break
    else:
        raise SystemExit("fx_plain not in __versions")
    open(os.path.join(OUT, "fx_ext_user-basic-crc.ko"), "wb").write(data)

    data = bytearray(original)
    index = ext_index(data, secs, b"fx_plain")
    struct.pack_into("<I", data, secs["__version_ext_crcs"][0] + 4 * index, WRONG_CRC)
    open(os.path.join(OUT, "fx_ext_user-ext-crc.ko"), "wb").write(data)

    data = bytearray(original)
    offset, size = secs["__version_ext_names"]
    at = bytes(data[offset:offset + size]).index(b"\0fx_plain\0") + 1
    data[offset + at:offset + at + 8] = b"fx_plaiN"
    open(os.path.join(OUT, "fx_ext_user-ext-name.ko"), "wb").write(data)

    data = bytearray(open(NS_USER, "rb").read())
    old = b"description=modlint fixture: imports FX_NS and uses fx_in_ns\0"
    new = b"import_ns=module:fx_friend"
    at = data.index(old)
    data[at:at + len(old)] = new + b"\0" * (len(old) - len(new))
    open(os.path.join(OUT, "fx_ns_user-modns.ko"), "wb").write(data)


if __name__ == "__main__":
    main()
