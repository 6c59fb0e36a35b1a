/// ELF identification of a module: which kind of machine it was built for.
public struct ElfIdentity: Sendable, Hashable {
    public enum ElfClass: Sendable, Hashable { case elf32, elf64 }
    public enum ByteOrder: Sendable, Hashable { case little, big }

    public let elfClass: ElfClass
    public let byteOrder: ByteOrder
    public let machine: Machine
    /// `e_type`: modules are ET_REL (1).
    public let type: UInt16

    public var pointerSize: Int { elfClass == .elf64 ? 8 : 4 }

    public init(elfClass: ElfClass, byteOrder: ByteOrder, machine: Machine, type: UInt16) {
        self.elfClass = elfClass
        self.byteOrder = byteOrder
        self.machine = machine
        self.type = type
    }
}

/// `e_machine`, named for the architectures Debian builds kernels for.
public struct Machine: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let i386 = Machine(rawValue: 3)
    public static let mips = Machine(rawValue: 8)
    public static let ppc = Machine(rawValue: 20)
    public static let ppc64 = Machine(rawValue: 21)
    public static let s390 = Machine(rawValue: 22)
    public static let arm = Machine(rawValue: 40)
    public static let sparcv9 = Machine(rawValue: 43)
    public static let x86_64 = Machine(rawValue: 62)
    public static let aarch64 = Machine(rawValue: 183)
    public static let riscv = Machine(rawValue: 243)
    public static let loongarch = Machine(rawValue: 258)

    public var description: String {
        switch self {
        case .i386: return "i386"
        case .mips: return "mips"
        case .ppc: return "powerpc"
        case .ppc64: return "powerpc64"
        case .s390: return "s390"
        case .arm: return "arm"
        case .sparcv9: return "sparc64"
        case .x86_64: return "x86_64"
        case .aarch64: return "aarch64"
        case .riscv: return "riscv"
        case .loongarch: return "loongarch"
        default: return "machine \(rawValue)"
        }
    }
}

/// One section header, with its name resolved.
public struct Section: Sendable, Hashable {
    public let index: Int
    public let name: String
    public let type: UInt32
    public let flags: UInt64
    /// `sh_addr`: 0 in a module; the link-time address in a vmlinux.
    public let address: UInt64
    public let offset: UInt64
    public let size: UInt64
    public let link: UInt32
    public let info: UInt32
    public let alignment: UInt64
    public let entrySize: UInt64

    public init(index: Int, name: String, type: UInt32, flags: UInt64, address: UInt64 = 0, offset: UInt64 = 0,
                size: UInt64, link: UInt32 = 0, info: UInt32 = 0, alignment: UInt64, entrySize: UInt64 = 0) {
        self.index = index
        self.name = name
        self.type = type
        self.flags = flags
        self.address = address
        self.offset = offset
        self.size = size
        self.link = link
        self.info = info
        self.alignment = alignment
        self.entrySize = entrySize
    }

    public static let typeProgbits: UInt32 = 1
    public static let typeSymtab: UInt32 = 2
    public static let typeStrtab: UInt32 = 3
    public static let typeRela: UInt32 = 4
    public static let typeNobits: UInt32 = 8
    public static let typeRel: UInt32 = 9
    public static let typeSymtabShndx: UInt32 = 18

    public static let flagWrite: UInt64 = 0x1
    public static let flagAlloc: UInt64 = 0x2
    public static let flagExecInstr: UInt64 = 0x4

    public var isAllocated: Bool { flags & Section.flagAlloc != 0 }
    public var isWritable: Bool { flags & Section.flagWrite != 0 }
    public var isExecutable: Bool { flags & Section.flagExecInstr != 0 }
    public var occupiesFile: Bool { type != Section.typeNobits && type != 0 }
}

/// Where a symbol lives: `st_shndx` with the special indices spelled out.
public enum SymbolPlace: Sendable, Hashable {
    case undefined
    case absolute
    case common
    case section(Int)
}

/// One `.symtab` entry.
public struct Symbol: Sendable, Hashable {
    public let index: Int
    public let name: String
    public let value: UInt64
    public let size: UInt64
    public let type: UInt8
    public let binding: UInt8
    public let place: SymbolPlace
    /// The first four bytes of the name, zero-padded (`Symbol.head(of:)`): the scans that
    /// run over every symbol of every module pick their candidates by prefix with one integer
    /// compare instead of walking the string.
    public let nameHead: UInt32

    public static func head(of name: String) -> UInt32 {
        var head: UInt32 = 0
        var shift: UInt32 = 0
        for byte in name.utf8.prefix(4) {
            head |= UInt32(byte) << shift
            shift += 8
        }
        return head
    }

    public static let typeNotype: UInt8 = 0
    public static let typeObject: UInt8 = 1
    public static let typeFunc: UInt8 = 2
    public static let typeSection: UInt8 = 3
    public static let typeFile: UInt8 = 4
    public static let bindLocal: UInt8 = 0
    public static let bindGlobal: UInt8 = 1
    public static let bindWeak: UInt8 = 2

    public init(index: Int, name: String, value: UInt64, size: UInt64, type: UInt8, binding: UInt8, place: SymbolPlace) {
        self.init(index: index, name: name, nameHead: Symbol.head(of: name), value: value, size: size, type: type, binding: binding, place: place)
    }

    /// `nameHead` already read from the string table.
    init(index: Int, name: String, nameHead: UInt32, value: UInt64, size: UInt64, type: UInt8, binding: UInt8, place: SymbolPlace) {
        self.index = index
        self.name = name
        self.value = value
        self.size = size
        self.type = type
        self.binding = binding
        self.place = place
        self.nameHead = nameHead
    }

    public var isUndefined: Bool { place == .undefined }
    public var isWeak: Bool { binding == Symbol.bindWeak }
    public var isSectionSymbol: Bool { type == Symbol.typeSection }
    public var sectionIndex: Int? {
        if case .section(let index) = place { return index }
        return nil
    }

    /// Compiler and assembler labels that never name a function or object: ARM/AArch64
    /// mapping symbols (`$a`, `$d`, `$t`, `$x`), local labels (`.L…`, `L0`).
    public var isMappingOrLocalLabel: Bool {
        name.hasPrefix("$") || name.hasPrefix(".L") || name.hasPrefix("L0")
    }

    /// A name a person would recognise in a report.
    public var isNameable: Bool {
        !name.isEmpty && !isSectionSymbol && type != Symbol.typeFile && !isMappingOrLocalLabel
    }
}

/// One relocation entry. For REL sections `addend` is the implicit addend decoded from the
/// relocated place, when the architecture's encoding for that type is known. Stored in 24
/// bytes: a tree holds millions of them.
public struct Relocation: Sendable, Hashable {
    public let offset: UInt64
    public let addend: Int64
    private let storedSymbolIndex: UInt32
    private let storedType: UInt16
    public let addendIsKnown: Bool

    public var symbolIndex: Int { Int(storedSymbolIndex) }
    public var type: UInt32 { UInt32(storedType) }

    /// Relocation types and symbol indices are validated by the reader to fit (every
    /// architecture's types are below 65536; a symbol table cannot have 2^32 entries in a file
    /// under the size limit).
    public init(offset: UInt64, type: UInt32, symbolIndex: Int, addend: Int64, addendIsKnown: Bool = true) {
        self.offset = offset
        self.addend = addend
        self.storedSymbolIndex = UInt32(clamping: symbolIndex)
        self.storedType = UInt16(clamping: type)
        self.addendIsKnown = addendIsKnown
    }
}

/// A `.rel*` / `.rela*` section and the section its entries apply to (`sh_info`).
public struct RelocationSection: Sendable, Hashable {
    public let sectionIndex: Int
    public let targetSectionIndex: Int
    public let hasExplicitAddends: Bool
    public let relocations: [Relocation]

    public init(sectionIndex: Int, targetSectionIndex: Int, hasExplicitAddends: Bool, relocations: [Relocation]) {
        self.sectionIndex = sectionIndex
        self.targetSectionIndex = targetSectionIndex
        self.hasExplicitAddends = hasExplicitAddends
        self.relocations = relocations
    }
}
