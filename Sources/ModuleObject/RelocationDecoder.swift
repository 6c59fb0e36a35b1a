/// Architecture knowledge about relocation entries: how `r_info` splits into symbol and type,
/// how a REL entry's implicit addend is encoded in the relocated place, and how far the
/// place a PC-relative reference lands on is from `symbol + addend`.
public struct RelocationDecoder: Sendable {
    public let identity: ElfIdentity

    public init(identity: ElfIdentity) { self.identity = identity }

    /// `r_info` as libelf's `GElf_Rel`/`GElf_Rela` hands it over → (symbol index, type). GElf
    /// always uses the 64-bit layout (symbol in the high word), also for ELF32 files.
    /// MIPS64 is the exception libelf does not translate: its `r_info` is a 32-bit r_sym
    /// followed by the bytes r_ssym, r_type3, r_type2, r_type, so read as one word in the file's
    /// byte order the symbol is the first four bytes and the primary type the last byte.
    public func split(info: UInt64) -> (symbol: Int, type: UInt32) {
        if identity.machine == .mips && identity.elfClass == .elf64 {
            if identity.byteOrder == .little {
                return (Int(info & 0xffff_ffff), UInt32((info >> 56) & 0xff))
            }
            return (Int(info >> 32), UInt32(info & 0xff))
        }
        return (Int(info >> 32), UInt32(info & 0xffff_ffff))
    }

    /// The implicit addend of a REL entry, decoded from the bytes at `offset` of the relocated
    /// section, or nil when this type's encoding is not one a reference check needs.
    func implicitAddend(type: UInt32, at offset: Int, in bytes: ByteView) -> Int64? {
        switch identity.machine {
        case .i386:
            switch type {
            case 1, 2, 4: // R_386_32, R_386_PC32, R_386_PLT32
                return bytes.u32(offset).map { Int64(Int32(bitPattern: $0)) }
            default: return nil
            }
        case .arm:
            return armAddend(type: type, at: offset, in: bytes)
        case .mips:
            guard let word = bytes.u32(offset) else { return nil }
            switch type {
            case 2: return Int64(Int32(bitPattern: word))                  // R_MIPS_32
            case 4: return Int64((word & 0x03ff_ffff) << 2)                 // R_MIPS_26
            case 6: return Int64(Int16(truncatingIfNeeded: word & 0xffff))  // R_MIPS_LO16
            default: return nil
            }
        default:
            // Other architectures use RELA for modules; a REL entry there is one we do not decode.
            guard type != 0, let word = bytes.u32(offset) else { return nil }
            return identity.pointerSize == 4 ? Int64(Int32(bitPattern: word)) : nil
        }
    }

    private func armAddend(type: UInt32, at offset: Int, in bytes: ByteView) -> Int64? {
        switch type {
        case 2, 3, 38: // R_ARM_ABS32, R_ARM_REL32, R_ARM_TARGET1
            return bytes.u32(offset).map { Int64(Int32(bitPattern: $0)) }
        case 1, 28, 29: // R_ARM_PC24, R_ARM_CALL, R_ARM_JUMP24: imm24 words
            guard let inst = bytes.u32(offset) else { return nil }
            return signExtend(UInt64(inst & 0x00ff_ffff) << 2, bits: 26)
        case 43, 44: // R_ARM_MOVW_ABS_NC, R_ARM_MOVT_ABS: imm4:imm12
            guard let inst = bytes.u32(offset) else { return nil }
            return signExtend(UInt64(((inst >> 4) & 0xf000) | (inst & 0x0fff)), bits: 16)
        case 10, 30: // R_ARM_THM_CALL, R_ARM_THM_JUMP24: S:I1:I2:imm10:imm11:0
            guard let upper = bytes.u16(offset), let lower = bytes.u16(offset + 2) else { return nil }
            let s = UInt64((upper >> 10) & 1)
            let j1 = UInt64((lower >> 13) & 1), j2 = UInt64((lower >> 11) & 1)
            let i1 = ~(j1 ^ s) & 1, i2 = ~(j2 ^ s) & 1
            let value = (s << 24) | (i1 << 23) | (i2 << 22) | (UInt64(upper & 0x3ff) << 12) | (UInt64(lower & 0x7ff) << 1)
            return signExtend(value, bits: 25)
        case 51: // R_ARM_THM_JUMP19: S:J2:J1:imm6:imm11:0
            guard let upper = bytes.u16(offset), let lower = bytes.u16(offset + 2) else { return nil }
            let s = UInt64((upper >> 10) & 1)
            let j1 = UInt64((lower >> 13) & 1), j2 = UInt64((lower >> 11) & 1)
            let value = (s << 20) | (j2 << 19) | (j1 << 18) | (UInt64(upper & 0x3f) << 12) | (UInt64(lower & 0x7ff) << 1)
            return signExtend(value, bits: 21)
        case 47, 48: // R_ARM_THM_MOVW_ABS_NC, R_ARM_THM_MOVT_ABS: imm4:i:imm3:imm8
            guard let upper = bytes.u16(offset), let lower = bytes.u16(offset + 2) else { return nil }
            let imm16 = (UInt64(upper & 0xf) << 12) | (UInt64((upper >> 10) & 1) << 11)
                | (UInt64((lower >> 12) & 7) << 8) | UInt64(lower & 0xff)
            return signExtend(imm16, bits: 16)
        default:
            return nil
        }
    }

    private func signExtend(_ value: UInt64, bits: Int) -> Int64 {
        let shift = 64 - bits
        return Int64(bitPattern: value << UInt64(shift)) >> Int64(shift)
    }

    /// Whether a relocation of this type makes its place refer to its symbol, as a section
    /// reference check reads it. Not so for the markers that only guide the linker's
    /// relaxation (RISC-V R_RISCV_ALIGN and R_RISCV_RELAX, LoongArch R_LARCH_ALIGN and
    /// R_LARCH_RELAX, which modpost skips too: LoongArch's ALIGN may name a symbol), and for
    /// RISC-V's R_RISCV_PCREL_LO12_I/S, whose symbol is the label on the paired
    /// R_RISCV_PCREL_HI20 `auipc` (the HI20 entry names the real target). RISC-V's
    /// ADD/SUB/SET pairs (`a - b` in jump tables, DWARF, alternatives) are references to both
    /// symbols, as modpost counts them.
    public func isReference(type: UInt32) -> Bool {
        switch identity.machine {
        case .riscv:
            // R_RISCV_NONE, R_RISCV_PCREL_LO12_I, R_RISCV_PCREL_LO12_S, R_RISCV_ALIGN, R_RISCV_RELAX
            return ![0, 24, 25, 43, 51].contains(type)
        case .loongarch:
            // R_LARCH_NONE, R_LARCH_RELAX, R_LARCH_ALIGN
            return ![0, 100, 102].contains(type)
        default:
            return true
        }
    }

    /// How many bytes to add to `symbol + addend` to get the address a PC-relative branch or
    /// call really targets. The addend of such a relocation is relative to the place, and the
    /// CPU's PC is past (x86, ARM) or before (s390) the relocated field. Applied only to
    /// relocations in executable sections: data uses the same types as plain `x - .`.
    /// RISC-V (R_RISCV_BRANCH, JAL, CALL, CALL_PLT, PCREL_HI20, RVC_BRANCH, RVC_JUMP),
    /// arm64 and ppc64 branch to `symbol + addend` measured from the instruction itself: 0.
    public func pcBias(type: UInt32) -> Int64 {
        switch identity.machine {
        case .x86_64:
            return type == 2 || type == 4 ? 4 : 0          // R_X86_64_PC32, R_X86_64_PLT32
        case .i386:
            return type == 2 || type == 4 ? 4 : 0          // R_386_PC32, R_386_PLT32
        case .arm:
            switch type {
            case 1, 28, 29: return 8                       // ARM-state branches read PC + 8
            case 10, 30, 51: return 4                      // Thumb branches read PC + 4
            default: return 0
            }
        case .s390:
            // R_390_PC16DBL, PLT16DBL, PC32DBL, PLT32DBL: the field sits 2 bytes into the insn.
            return [16, 17, 19, 20].contains(type) ? -2 : 0
        default:
            return 0
        }
    }
}
