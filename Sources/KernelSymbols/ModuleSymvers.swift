import Foundation

/// `Module.symvers`, as modpost writes it: one export per line,
/// `0x<crc> TAB symbol TAB owner TAB EXPORT_SYMBOL[_GPL] TAB namespace` (the namespace
/// column exists since 5.4; older files have four columns).
public enum ModuleSymvers {
    public static func load(path: String) throws -> [KernelExport] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SymbolTableError(path: path, line: nil, message: "cannot read the file")
        }
        return try parse(data, path: path)
    }

    public static func parse(_ data: Data, path: String) throws -> [KernelExport] {
        var exports: [KernelExport] = []
        exports.reserveCapacity(data.count / 64)
        try TextLines.forEach(in: data) { line, number in
            exports.append(try parseLine(line, path: path, lineNumber: number))
        }
        return exports
    }

    private static func parseLine(_ line: UnsafeRawBufferPointer, path: String, lineNumber: Int) throws -> KernelExport {
        func fail(_ message: String) -> SymbolTableError {
            SymbolTableError(path: path, line: lineNumber, message: message)
        }
        let fields = line.split(separator: 0x09, omittingEmptySubsequences: false)
        guard fields.count == 5 || fields.count == 4 else {
            throw fail("expected 5 tab-separated fields (crc, symbol, module, export type, namespace), found \(fields.count)")
        }
        let text = fields.map { String(decoding: UnsafeRawBufferPointer(rebasing: $0), as: UTF8.self) }
        let crcText = text[0]
        guard crcText.hasPrefix("0x"), crcText.count > 2, crcText.count <= 18,
              let crcValue = UInt64(crcText.dropFirst(2), radix: 16), crcValue <= UInt64(UInt32.max) else {
            throw fail("CRC '\(crcText)' is not a 32-bit hexadecimal number like 0x1a2b3c4d")
        }
        guard !text[1].isEmpty else { throw fail("empty symbol name") }
        guard !text[2].isEmpty else { throw fail("empty module name for symbol \(text[1])") }
        let gpl: Bool
        switch text[3] {
        case "EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL_FUTURE", "EXPORT_UNUSED_SYMBOL": gpl = false
        case "EXPORT_SYMBOL_GPL", "EXPORT_UNUSED_SYMBOL_GPL": gpl = true
        default: throw fail("unknown export type '\(text[3])' for symbol \(text[1]), expected EXPORT_SYMBOL or EXPORT_SYMBOL_GPL")
        }
        let namespace = fields.count == 5 && !text[4].isEmpty ? text[4] : nil
        // modpost writes 0x00000000 when CONFIG_MODVERSIONS is off: no CRC to compare.
        return KernelExport(name: text[1], crc: crcValue == 0 ? nil : UInt32(crcValue), owner: text[2],
                            isGPLOnly: gpl, namespace: namespace)
    }
}
