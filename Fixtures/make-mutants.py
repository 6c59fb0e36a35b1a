#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Readable but defective modules for rules that no kbuild build can produce
(modpost or the linker refuses them), derived from the built amd64 fixtures by
editing single fields. Run after build.sh; the outputs are committed.

  fx_clean-nothismodule.ko      .gnu.linkonce.this_module renamed: M006
  fx_clean-thismodule-noalloc.ko  SHF_ALLOC cleared on it: M006
  fx_clean-wx.ko                .text made writable (W+X): M006
  fx_importer-noversion.ko      __versions entry of fx_exported_plain replaced
                                by a copy of module_layout's: U005
  <56+ character name>.ko       fx_clean.ko under a name too long for
                                MODULE_NAME_LEN: M005
"""
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "linux-6.1-amd64")
OUT = os.path.join(HERE, "mutants")
SHF_WRITE, SHF_ALLOC = 0x1, 0x2


def sections(data):
    """(name, header offset, sh_flags, sh_offset, sh_size) of an ELF64 LE file."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def header(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    strtab = header(shstrndx)
    result = []
    for i in range(shnum):
        h = header(i)
        start = strtab[4] + h[0]
        name = data[start:data.index(b"\0", start)].decode()
        result.append((name, shoff + i * shentsize, h[2], h[4], h[5], strtab[4] + h[0]))
    return result


def section(data, name):
    found = [s for s in sections(data) if s[0] == name]
    if len(found) != 1:
        sys.exit(f"make-mutants: {len(found)} sections named {name}")
    return found[0]


def set_flags(data, name, flags):
    s = section(data, name)
    struct.pack_into("<Q", data, s[1] + 8, flags)


def read(name):
    with open(os.path.join(SRC, name), "rb") as f:
        return bytearray(f.read())


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


os.makedirs(OUT, exist_ok=True)

data = read("fx_clean.ko")
s = section(data, ".gnu.linkonce.this_module")
data[s[5]:s[5] + len(".gnu.linkonce.this_module")] = b".gnu.linkonce.this_modulX"
write("fx_clean-nothismodule.ko", data)

data = read("fx_clean.ko")
s = section(data, ".gnu.linkonce.this_module")
set_flags(data, ".gnu.linkonce.this_module", s[2] & ~SHF_ALLOC)
write("fx_clean-thismodule-noalloc.ko", data)

data = read("fx_clean.ko")
s = section(data, ".text")
set_flags(data, ".text", s[2] | SHF_WRITE)
write("fx_clean-wx.ko", data)

data = read("fx_importer.ko")
s = section(data, "__versions")
entries = [bytes(data[s[3] + i:s[3] + i + 64]) for i in range(0, s[4], 64)]
names = [e[8:].split(b"\0")[0] for e in entries]
victim, layout = names.index(b"fx_exported_plain"), names.index(b"module_layout")
data[s[3] + victim * 64:s[3] + victim * 64 + 64] = entries[layout]
write("fx_importer-noversion.ko", data)

shutil.copyfile(os.path.join(SRC, "fx_clean.ko"),
                os.path.join(OUT, "fx_clean_renamed_to_a_name_much_longer_than_module_name_len.ko"))
