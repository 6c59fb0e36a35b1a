import Foundation

/// `System.map` and `/proc/kallsyms`: `nm`-style lines `<hex address> <type letter> <name>`,
/// kallsyms adding `\t[<module>]` for the symbols of loaded modules.
///
/// Neither records CRCs, GPL-only flags or namespaces (System.map is `nm -n vmlinux` filtered
/// by scripts/mksysmap, which drops `__crc_*` and `__kstrtabns_*`), so exports read from them
/// only answer "is it exported": U002, U003 and U004 need a Module.symvers.
public enum SymbolMap {
    public enum Kind: Sendable, Hashable {
        /// vmlinux exports are the `__ksymtab_<name>` labels (how `depmod -F` reads it).
        case systemMap
        /// As System.map for vmlinux; a module's symbol is exported when its type letter is
        /// upper case (kernel/module/kallsyms.c upper-cases exported symbols).
        case kallsyms
    }

    /// The text Debian puts in its one-line placeholder `/boot/System.map-<version>`.
    static let debianPlaceholderMarker = "The real System.map is in"

    static let ksymtabPrefix = "__ksymtab_"

    public static func load(path: String, kind: Kind) throws -> [KernelExport] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SymbolTableError(path: path, line: nil, message: "cannot read the file")
        }
        return try parse(data, path: path, kind: kind)
    }

    /// A one-line file whose only "symbol" is the sentence Debian writes instead of the map.
    public static func isDebianPlaceholder(_ data: Data) -> Bool {
        guard data.count < 512 else { return false }
        let text = String(decoding: data, as: UTF8.self)
        return text.contains(debianPlaceholderMarker)
    }

    public static func parse(_ data: Data, path: String, kind: Kind) throws -> [KernelExport] {
        if isDebianPlaceholder(data) {
            throw SymbolTableError(
                path: path, line: 1,
                message: """
                    this is Debian's placeholder System.map, not a symbol table (the real one is in the \
                    linux-image-<version>-dbg package); pass the kernel's Module.symvers from its \
                    linux-headers package instead
                    """)
        }
        var exports: [KernelExport] = []
        try TextLines.forEach(in: data) { line, number in
            if let export = try parseLine(line, path: path, lineNumber: number, kind: kind) {
                exports.append(export)
            }
        }
        return exports
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (0x41...0x46).contains(byte)
    }

    private static func isTypeLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || byte == 0x3f || byte == 0x2d
    }

    private static func parseLine(_ line: UnsafeRawBufferPointer, path: String, lineNumber: Int, kind: Kind) throws -> KernelExport? {
        func fail(_ message: String) -> SymbolTableError {
            SymbolTableError(path: path, line: lineNumber, message: message)
        }
        let expected = kind == .kallsyms
            ? "expected '<hex address> <type letter> <name>' optionally followed by a tab and '[<module>]'"
            : "expected '<hex address> <type letter> <name>'"
        var position = 0
        while position < line.count && isHexDigit(line[position]) { position += 1 }
        guard position > 0, position <= 16 else { throw fail("\(expected): the address is not 1 to 16 hex digits") }
        guard position + 2 < line.count, line[position] == 0x20, isTypeLetter(line[position + 1]), line[position + 2] == 0x20 else {
            throw fail("\(expected): no single-letter symbol type after the address")
        }
        let type = line[position + 1]
        let nameStart = position + 3
        var nameEnd = nameStart
        while nameEnd < line.count && line[nameEnd] != 0x09 && line[nameEnd] != 0x20 { nameEnd += 1 }
        guard nameEnd > nameStart else { throw fail("\(expected): empty symbol name") }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[nameStart..<nameEnd]), as: UTF8.self)
        var module: String?
        if nameEnd < line.count {
            let rest = UnsafeRawBufferPointer(rebasing: line[nameEnd...])
            guard kind == .kallsyms, rest.count > 3, rest[0] == 0x09, rest[1] == 0x5b, rest[rest.count - 1] == 0x5d else {
                throw fail("\(expected): unexpected text after the symbol name \(name)")
            }
            let inner = UnsafeRawBufferPointer(rebasing: rest[2..<(rest.count - 1)])
            guard !inner.contains(0x20), !inner.contains(0x09), !inner.contains(0x5d) else {
                throw fail("\(expected): malformed module column after \(name)")
            }
            module = String(decoding: inner, as: UTF8.self)
        }
        if let module {
            // Loaded module: exported symbols carry an upper-case type; the `__ksymtab_*`
            // labels themselves are not exports.
            guard (0x41...0x5a).contains(type), !name.hasPrefix(ksymtabPrefix), !name.hasPrefix("__kstrtab"),
                  !name.hasPrefix("__crc_") else { return nil }
            return KernelExport(name: name, crc: nil, owner: module, isGPLOnly: false, namespace: nil)
        }
        guard name.hasPrefix(ksymtabPrefix), name.count > ksymtabPrefix.count else { return nil }
        return KernelExport(name: String(name.dropFirst(ksymtabPrefix.count)), crc: nil, owner: "vmlinux",
                            isGPLOnly: false, namespace: nil)
    }
}
