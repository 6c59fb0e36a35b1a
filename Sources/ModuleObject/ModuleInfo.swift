/// The `.modinfo` section: NUL-separated `key=value` strings, keys may repeat
/// (license, alias, import_ns, firmware, parm, …). Runs of NULs between entries are padding.
public struct ModuleInfo: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public let key: String
        public let value: String
    }

    public let entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    init(bytes: ByteView?) {
        guard let bytes else { self.entries = []; return }
        var entries: [Entry] = []
        var start = 0
        let raw = UnsafeRawBufferPointer(start: bytes.base, count: bytes.count)
        while start < raw.count {
            var end = start
            while end < raw.count && raw[end] != 0 { end += 1 }
            if end > start {
                // Key and value straight from the bytes: no string for the whole entry.
                let entry = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                if let eq = entry.firstIndex(of: UInt8(ascii: "=")) {
                    entries.append(Entry(key: String(decoding: UnsafeRawBufferPointer(rebasing: entry[..<eq]), as: UTF8.self),
                                         value: String(decoding: UnsafeRawBufferPointer(rebasing: entry[(eq + 1)...]), as: UTF8.self)))
                } else {
                    entries.append(Entry(key: String(decoding: entry, as: UTF8.self), value: ""))
                }
            }
            start = end + 1
        }
        self.entries = entries
    }

    public func values(_ key: String) -> [String] { entries.filter { $0.key == key }.map(\.value) }
    public func first(_ key: String) -> String? { entries.first { $0.key == key }?.value }

    public var licenses: [String] { values("license") }
    public var vermagic: String? { first("vermagic") }
    public var name: String? { first("name") }

    /// The licenses `license_is_gpl_compatible()` accepts (include/linux/license.h).
    public static let gplCompatibleLicenses: Set<String> = [
        "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL",
    ]

    /// A module is GPL-incompatible when any of its licenses is not on the kernel's list; a
    /// module with no license at all is treated as compatible here, as modpost does, because
    /// the missing license is its own error.
    public var isGPLCompatible: Bool {
        licenses.allSatisfy { ModuleInfo.gplCompatibleLicenses.contains($0) }
    }
}

/// One `__versions` entry: `struct modversion_info { unsigned long crc; char name[64 - sizeof(long)]; }`.
public struct SymbolVersion: Sendable, Hashable {
    public let name: String
    public let crc: UInt64
}

extension SymbolVersion {
    static let entrySize = 64

    static func parse(_ bytes: ByteView?, pointerSize: Int) throws -> [SymbolVersion] {
        guard let bytes else { return [] }
        guard bytes.count % entrySize == 0 else {
            throw ModuleError.corrupt("__versions is \(bytes.count) bytes, not a multiple of \(entrySize)")
        }
        var result: [SymbolVersion] = []
        result.reserveCapacity(bytes.count / entrySize)
        var offset = 0
        while offset < bytes.count {
            let crc = pointerSize == 8 ? bytes.u64(offset) : bytes.u32(offset).map(UInt64.init)
            guard let crc, let name = bytes.fixedString(at: offset + pointerSize, length: entrySize - pointerSize) else {
                throw ModuleError.corrupt("__versions entry \(offset / entrySize): name is not NUL-terminated")
            }
            result.append(SymbolVersion(name: name, crc: crc))
            offset += entrySize
        }
        return result
    }
}
