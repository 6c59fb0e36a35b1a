/// How `MODULE_DEVICE_TABLE(type, var)` names the alias symbol modpost looks for.
public enum DeviceTableNaming: String, Sendable, Hashable {
    /// `__mod_<type>__<var>_device_table`: up to 6.13 (6.1 included).
    case legacy
    /// `__mod_device_table__<type>__<var>`: ≈6.14–6.17.
    case prefixed
    /// `__mod_device_table__kmod_<modname>__<type>__<var>`: ≈6.18 on.
    case kmod
    /// Rust's `module_device_table!` of the same kernels:
    /// `__mod_device_table__<line>__kmod_<modname>__<type>__<var>` (modpost looks for
    /// `__kmod_` anywhere after the prefix).
    case rust
}

/// The parts of a device-table alias symbol name.
public struct DeviceTableSymbol: Sendable, Hashable {
    public let name: String
    public let type: String
    public let variable: String
    /// KBUILD_MODNAME, in the ≥6.18 form only.
    public let moduleName: String?
    public let naming: DeviceTableNaming

    /// Splits a symbol name the way file2alias does for each generation; nil when it is not
    /// a device-table symbol.
    public static func parse(_ name: String) -> DeviceTableSymbol? {
        let newPrefix = "__mod_device_table__"
        if name.hasPrefix(newPrefix) {
            var rest = Substring(name.dropFirst(newPrefix.count))
            var moduleName: String?
            var naming = DeviceTableNaming.prefixed
            if !rest.hasPrefix("kmod_"), let marker = kmodMarker(in: rest) {
                // Rust: a line number (or anything) before "__kmod_", skipped as modpost skips it.
                rest = rest[marker...]
                naming = .rust
            }
            if rest.hasPrefix("kmod_") {
                rest = rest.dropFirst("kmod_".count)
                guard let end = doubleUnderscore(in: rest) else { return nil }
                moduleName = String(rest[..<end.lowerBound])
                rest = rest[end.upperBound...]
                if naming != .rust { naming = .kmod }
            }
            guard let end = doubleUnderscore(in: rest), end.lowerBound > rest.startIndex else { return nil }
            let variable = rest[end.upperBound...]
            guard !variable.isEmpty else { return nil }
            return DeviceTableSymbol(name: name, type: String(rest[..<end.lowerBound]), variable: String(variable),
                                     moduleName: moduleName, naming: naming)
        }
        let prefix = "__mod_", suffix = "_device_table"
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count >= prefix.count + suffix.count else { return nil }
        let body = name.dropFirst(prefix.count).dropLast(suffix.count)
        // file2alias takes the type up to the first "__" of everything after "__mod_"; the
        // variable is what lies between it and "_device_table".
        guard let end = doubleUnderscore(in: body), end.lowerBound > body.startIndex else { return nil }
        return DeviceTableSymbol(name: name, type: String(body[..<end.lowerBound]), variable: String(body[end.upperBound...]),
                                 moduleName: nil, naming: .legacy)
    }
}

/// Where "kmod_" starts after the first "__kmod_" in `text`.
func kmodMarker(in text: Substring) -> Substring.Index? {
    var rest = text
    while let found = doubleUnderscore(in: rest) {
        if rest[found.upperBound...].hasPrefix("kmod_") { return found.upperBound }
        rest = rest[text.index(after: found.lowerBound)...]
    }
    return nil
}

/// The first "__" in `text` (ModuleObject does without Foundation).
func doubleUnderscore(in text: Substring) -> Range<Substring.Index>? {
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(after: index)
        if text[index] == "_", next < text.endIndex, text[next] == "_" { return index..<text.index(after: next) }
        index = next
    }
    return nil
}

/// One decoded entry of a device table.
public struct DeviceIDEntry: Sendable, Hashable {
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case number(UInt64, bytes: Int)
        case string(String)
        case bytes([UInt8])
        case words([UInt64])

        public var description: String {
            switch self {
            case .number(let value, let bytes): return "0x" + hex(value, digits: bytes * 2)
            case .string(let text): return "\"\(text)\""
            case .bytes(let raw): return raw.map { hex(UInt64($0), digits: 2) }.joined()
            case .words(let words): return words.map { "0x" + hex($0, digits: 1) }.joined(separator: ",")
            }
        }
    }

    public struct Field: Sendable, Hashable {
        public let name: String
        public let value: Value
    }

    public let index: Int
    /// Every member, in declaration order.
    public let fields: [Field]
    /// The entry's bytes with driver data and pointers zeroed: equal keys match the same devices.
    public let matchKey: [UInt8]
    /// The modalias strings file2alias of 6.1 writes for this entry (may be none).
    public let aliases: [String]
    /// Why file2alias writes no alias or warns (e.g. PCI class masks it cannot handle).
    public let note: String?

    /// True when every match field is zero: an empty slot (usb-serial drivers leave some for
    /// ids added at run time), not a device.
    public var isEmptySlot: Bool { matchKey.allSatisfy { $0 == 0 } }
}

/// One `MODULE_DEVICE_TABLE`: the alias symbol, a copy of the table's bytes, and what
/// file2alias would make of them.
public struct DeviceTable: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        /// Decoded; every entry but the terminator is in `entries`.
        case decoded
        /// `st_size` is not a positive multiple of the entry size: modpost ≤6.13 stops with
        /// "is not a modulo of the size of section", ≥6.14 reports a type mismatch.
        case sizeMismatch(entrySize: Int)
        /// The last entry has a non-zero byte: modpost stops ("not terminated with a NULL
        /// entry"). The other entries are decoded all the same.
        case unterminated(entrySize: Int)
        /// A type file2alias does not handle: the table produces no alias and no check.
        case notInFile2alias
        /// The symbol's bytes are not inside its section.
        case outsideSection
        /// The module is for a kernel (vermagic) the entry layout is not known to be right
        /// for: not decoded rather than guessed.
        case layoutUnknownForKernel(String)
        /// The generation's layout lacks a member the bus's derivation reads (or has it with
        /// another shape): not decoded rather than read as zero.
        case layoutMismatch(String)
    }

    public let symbol: DeviceTableSymbol
    public let section: String
    public let offset: UInt64
    public let size: UInt64
    public let bytes: [UInt8]
    public let wordSize: Int
    public let bigEndian: Bool
    public let status: Status
    public let entries: [DeviceIDEntry]
    /// The layout the entries were read with: the struct of the module's kernel generation.
    public private(set) var layout: DeviceIDLayout?
    /// The kernel the aliases were derived for (the module's vermagic; 6.1 without one).
    public let kernel: KernelVersion

    public var type: String { symbol.type }
    public var kind: DeviceIDType? { DeviceIDType.named(symbol.type) }
    public var entrySize: Int? { layout?.size }
    public var aliases: [String] { entries.flatMap(\.aliases) }

    /// The aliases modpost appends for a module's tables, in table order: every one up to
    /// 6.12, each once from 6.13 (module_alias_printf drops one the module already has).
    public static func moduleAliases(_ tables: [DeviceTable]) -> [String] {
        let all = tables.flatMap(\.aliases)
        guard tables.contains(where: { $0.kernel >= Derivation.deduplicatingSince }) else { return all }
        var seen = Set<String>()
        return all.filter { seen.insert($0).inserted }
    }

    /// Tables bigger than this are not copied (the biggest in Debian's trees are tens of KiB).
    static let maximumSize: UInt64 = 16 << 20

    init(symbol: DeviceTableSymbol, section: Section, offset: UInt64, size: UInt64, contents: ByteView?, wordSize: Int,
         bigEndian: Bool, kernel: KernelVersion? = nil) {
        self.symbol = symbol
        self.section = section.name
        self.offset = offset
        self.size = size
        self.wordSize = wordSize
        self.bigEndian = bigEndian
        let release = kernel?.release ?? DeviceIDLayouts.generations[0].kernel
        self.kernel = release
        let inside = offset <= section.size && size <= section.size - offset && size <= DeviceTable.maximumSize
        var raw: [UInt8]
        if !inside {
            raw = []
        } else if section.type == Section.typeNobits {
            // modpost reads a table in .bss as zeros.
            raw = [UInt8](repeating: 0, count: Int(size))
        } else if let contents, let copied = contents.bytes(offset: Int(offset), length: Int(size)) {
            raw = copied
        } else {
            raw = []
        }
        self.bytes = raw
        guard inside, raw.count == Int(size) else {
            status = .outsideSection
            entries = []
            return
        }
        guard let kind = DeviceIDType.named(symbol.type), kind.handled(by: release) else {
            status = .notInFile2alias
            entries = []
            return
        }
        guard let generation = DeviceIDLayouts.generation(for: kind.structName, kernel: release),
              let found = generation.layout(of: kind.structName, wordSize: wordSize) else {
            status = .layoutUnknownForKernel(release.description)
            entries = []
            return
        }
        self.layout = found
        let entrySize = found.size
        guard raw.count >= entrySize, raw.count % entrySize == 0 else {
            status = .sizeMismatch(entrySize: entrySize)
            entries = []
            return
        }
        let count = raw.count / entrySize
        let terminated = raw[(count - 1) * entrySize ..< count * entrySize].allSatisfy { $0 == 0 }
        var decoded: [DeviceIDEntry] = []
        decoded.reserveCapacity(count - 1)
        for index in 0..<(count - 1) {
            let reader = Entry(table: raw, index: index, entrySize: entrySize, layout: found,
                               constants: generation.constants, bigEndian: bigEndian)
            let aliases: [String], note: String?
            do {
                (aliases, note) = try Modalias.aliases(type: kind, entry: reader, kernel: release)
            } catch DerivationStop.layout(let problem) {
                status = .layoutMismatch(problem)
                entries = []
                return
            } catch {
                status = .layoutMismatch("\(error)")
                entries = []
                return
            }
            decoded.append(DeviceIDEntry(index: index, fields: reader.allFields(), matchKey: reader.matchKey(),
                                         aliases: aliases, note: note))
        }
        status = terminated ? .decoded : .unterminated(entrySize: entrySize)
        entries = decoded
    }

    /// Finds every device-table alias symbol the way file2alias does: defined in a real
    /// section, STT_OBJECT, named by one of the three generations.
    /// `kernel`: the version in the module's vermagic; nil (no vermagic) decodes with the 6.1 layouts.
    static func find(symbols: [Symbol], sections: [Section], identity: ElfIdentity, kernel: KernelVersion?,
                     contents: (Section) -> ByteView?) -> [DeviceTable] {
        var tables: [DeviceTable] = []
        let candidates = symbols.withUnsafeBufferPointer { table in
            let head = Symbol.head(of: "__mo")
            return table.indices.filter {
                table[$0].nameHead == head && table[$0].type == Symbol.typeObject && table[$0].name.utf8.starts(with: "__mod_".utf8)
            }
        }
        for symbol in candidates.map({ symbols[$0] }) {
            guard let index = symbol.sectionIndex, index > 0, index < sections.count,
                  let parsed = DeviceTableSymbol.parse(symbol.name) else { continue }
            let section = sections[index]
            tables.append(DeviceTable(symbol: parsed, section: section, offset: symbol.value, size: symbol.size,
                                      contents: contents(section), wordSize: identity.pointerSize,
                                      bigEndian: identity.byteOrder == .big, kernel: kernel))
        }
        return tables
    }
}

/// Reads the members of one entry from its copied bytes, typed: each accessor checks the
/// member exists in the generation's layout with the shape it reads, and throws
/// `DerivationStop.layout` otherwise (a misspelt or vanished member never reads as zero).
struct Entry {
    let bytes: [UInt8]
    let layout: DeviceIDLayout
    let constants: [String: Int]
    let bigEndian: Bool
    /// The whole table this entry was read from, and where it sits in it: the entries before
    /// it are derived from these only when a derivation asks (pnp_card de-duplicates), so a
    /// table of n entries costs n readers, not n² copies.
    private let table: [UInt8]
    private let index: Int

    init(bytes: [UInt8], layout: DeviceIDLayout, constants: [String: Int] = [:], bigEndian: Bool) {
        self.bytes = bytes
        self.layout = layout
        self.constants = constants
        self.bigEndian = bigEndian
        self.table = bytes
        self.index = 0
    }

    /// Entry `index` of a table of `entrySize`-byte entries.
    init(table: [UInt8], index: Int, entrySize: Int, layout: DeviceIDLayout, constants: [String: Int], bigEndian: Bool) {
        self.bytes = Array(table[index * entrySize ..< (index + 1) * entrySize])
        self.layout = layout
        self.constants = constants
        self.bigEndian = bigEndian
        self.table = table
        self.index = index
    }

    /// The entries before this one in its table.
    var previous: [Entry] {
        (0..<index).map { Entry(table: table, index: $0, entrySize: bytes.count, layout: layout,
                                constants: constants, bigEndian: bigEndian) }
    }

    func integer(at offset: Int, size: Int) -> UInt64 {
        guard offset >= 0, size > 0, offset + size <= bytes.count else { return 0 }
        var value: UInt64 = 0
        for i in 0..<size {
            let byte = UInt64(bytes[offset + (bigEndian ? i : size - 1 - i)])
            value = value << 8 | byte
        }
        return value
    }

    func has(_ name: String) -> Bool { layout.field(name) != nil }

    func member(_ name: String, _ shapes: Set<DeviceIDField.Shape>) throws -> PlacedField {
        guard let field = layout.field(name) else {
            throw DerivationStop.layout("struct \(layout.structName) has no member \(name)")
        }
        guard shapes.contains(field.field.shape), field.offset + field.size <= bytes.count else {
            throw DerivationStop.layout("struct \(layout.structName) member \(name) is \(field.field.shape), \(field.size) bytes")
        }
        return field
    }

    /// An integer member (1, 2, 4 or 8 bytes).
    func u(_ name: String) throws -> UInt64 {
        let field = try member(name, [.integer])
        guard [1, 2, 4, 8].contains(field.size) else {
            throw DerivationStop.layout("struct \(layout.structName) member \(name) is \(field.size) bytes, not an integer")
        }
        return integer(at: field.offset, size: field.size)
    }

    /// Hex digits of an integer member, as the ADD macro prints it: the width follows the C
    /// member's size (1 → %02X, 2 → %04X, 4 → %08X; nothing for other sizes).
    func hexField(_ name: String) throws -> String {
        let value = try u(name)
        let size = layout.field(name)?.size ?? 0
        return [1, 2, 4].contains(size) ? hex(value, digits: size * 2) : ""
    }

    /// The bytes of an array or record member.
    func bytes(_ name: String) throws -> [UInt8] {
        let field = try member(name, [.array, .record])
        return Array(bytes[field.offset ..< field.offset + field.size])
    }

    /// A `char[n]`/`__u8[n]` member up to its first NUL (or the whole field when it has none).
    func string(_ name: String) throws -> String {
        let field = try member(name, [.array])
        guard field.elementSize == 1 else {
            throw DerivationStop.layout("struct \(layout.structName) member \(name) is not a char array")
        }
        return cString(bytes[field.offset ..< field.offset + field.size])
    }

    /// The elements of an integer array member of `size`-byte elements.
    func elements(_ name: String, size: Int) throws -> [UInt64] {
        let field = try member(name, [.array])
        guard field.elementSize == size else {
            throw DerivationStop.layout("struct \(layout.structName) member \(name) has \(field.elementSize)-byte elements, not \(size)")
        }
        return stride(from: field.offset, to: field.offset + field.size, by: size).map { integer(at: $0, size: size) }
    }

    /// The elements of an array member as bytes (`struct dmi_strmatch matches[4]`, pnp_card's devs).
    func elementBytes(_ name: String) throws -> [ArraySlice<UInt8>] {
        let field = try member(name, [.array])
        return stride(from: field.offset, to: field.offset + field.size, by: max(field.elementSize, 1)).map {
            bytes[$0 ..< $0 + field.elementSize]
        }
    }

    /// A constant of the generation's header.
    func constant(_ name: String) throws -> Int {
        guard let value = constants[name] else { throw DerivationStop.layout("the header has no \(name)") }
        return value
    }

    func allFields() -> [DeviceIDEntry.Field] {
        layout.fields.map { placed in
            let value: DeviceIDEntry.Value
            let raw = Array(bytes[min(placed.offset, bytes.count) ..< min(placed.offset + placed.size, bytes.count)])
            switch placed.field.shape {
            case .integer where placed.size <= 8, .pointer:
                value = .number(integer(at: placed.offset, size: placed.size), bytes: placed.size)
            case .array where placed.elementSize == 1:
                value = .string(cString(raw))
            case .array where [2, 4, 8].contains(placed.elementSize):
                value = .words(stride(from: placed.offset, to: placed.offset + placed.size, by: placed.elementSize).map {
                    integer(at: $0, size: placed.elementSize)
                })
            default:
                value = .bytes(raw)
            }
            return DeviceIDEntry.Field(name: placed.field.name, value: value)
        }
    }

    func matchKey() -> [UInt8] {
        var key = bytes
        for placed in layout.fields where placed.field.isDriverData {
            for i in placed.offset ..< min(placed.offset + placed.size, key.count) { key[i] = 0 }
        }
        return key
    }
}

func cString(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
}

func hex(_ value: UInt64, digits: Int, uppercase: Bool = true) -> String {
    // Written into a stack buffer: file2alias output is tens of thousands of these per tree.
    let alphabet: StaticString = uppercase ? "0123456789ABCDEF" : "0123456789abcdef"
    var significant = 1
    while significant < 16 && value >> (4 * UInt64(significant)) != 0 { significant += 1 }
    let count = max(significant, min(max(digits, 0), 64))
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
        alphabet.withUTF8Buffer { table in
            var rest = value
            for index in stride(from: count - 1, through: 0, by: -1) {
                buffer[index] = table[Int(rest & 0xf)]
                rest >>= 4
            }
        }
        return String(decoding: UnsafeBufferPointer(buffer), as: UTF8.self)
    }
}
