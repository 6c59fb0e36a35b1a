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
        // Lines come grouped by owner (vmlinux, then module after module): the previous
        // line's owner is reused rather than made again.
        var owners = OwnerCache()
        try TextLines.forEach(in: data) { line, number in
            exports.append(try parseLine(line, path: path, lineNumber: number, owners: &owners))
        }
        return exports
    }

    struct OwnerCache {
        var bytes: [UInt8] = []
        var owner = ""

        mutating func owner(of field: UnsafeRawBufferPointer) -> String {
            if field.elementsEqual(bytes) { return owner }
            bytes = Array(field)
            owner = String(decoding: field, as: UTF8.self)
            return owner
        }
    }

    private static let exportTypes: [(text: [UInt8], isGPLOnly: Bool)] = [
        (Array("EXPORT_SYMBOL".utf8), false), (Array("EXPORT_SYMBOL_GPL".utf8), true),
        (Array("EXPORT_SYMBOL_GPL_FUTURE".utf8), false), (Array("EXPORT_UNUSED_SYMBOL".utf8), false),
        (Array("EXPORT_UNUSED_SYMBOL_GPL".utf8), true),
    ]

    private static func parseLine(_ line: UnsafeRawBufferPointer, path: String, lineNumber: Int,
                                  owners: inout OwnerCache) throws -> KernelExport {
        func fail(_ message: String) -> SymbolTableError {
            SymbolTableError(path: path, line: lineNumber, message: message)
        }
        func text(_ field: UnsafeRawBufferPointer) -> String { String(decoding: field, as: UTF8.self) }
        // At most five fields, on the stack: no array per line.
        let empty = UnsafeRawBufferPointer(rebasing: line[0..<0])
        var fields = (empty, empty, empty, empty, empty)
        var count = 0
        var start = 0
        for index in 0...line.count where index == line.count || line[index] == 0x09 {
            let field = UnsafeRawBufferPointer(rebasing: line[start..<index])
            switch count {
            case 0: fields.0 = field
            case 1: fields.1 = field
            case 2: fields.2 = field
            case 3: fields.3 = field
            case 4: fields.4 = field
            default: break
            }
            count += 1
            start = index + 1
        }
        guard count == 5 || count == 4 else {
            throw fail("expected 5 tab-separated fields (crc, symbol, module, export type, namespace), found \(count)")
        }
        guard let crcValue = parseCRC(fields.0) else {
            throw fail("CRC '\(text(fields.0))' is not a 32-bit hexadecimal number like 0x1a2b3c4d")
        }
        let name = text(fields.1)
        guard !name.isEmpty else { throw fail("empty symbol name") }
        guard !fields.2.isEmpty else { throw fail("empty module name for symbol \(name)") }
        guard let type = exportTypes.first(where: { fields.3.elementsEqual($0.text) }) else {
            throw fail("unknown export type '\(text(fields.3))' for symbol \(name), expected EXPORT_SYMBOL or EXPORT_SYMBOL_GPL")
        }
        let namespace = count == 5 && !fields.4.isEmpty ? text(fields.4) : nil
        // modpost writes 0x00000000 when CONFIG_MODVERSIONS is off: no CRC to compare.
        return KernelExport(name: name, crc: crcValue == 0 ? nil : crcValue, owner: owners.owner(of: fields.2),
                            isGPLOnly: type.isGPLOnly, namespace: namespace)
    }

    /// `0x` and one to eight hexadecimal digits (leading zeros aside), as modpost writes.
    static func parseCRC(_ field: UnsafeRawBufferPointer) -> UInt32? {
        guard field.count > 2, field.count <= 18, field[0] == UInt8(ascii: "0"), field[1] == UInt8(ascii: "x") else { return nil }
        var value: UInt64 = 0
        for byte in field[2...] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value <= UInt64(UInt32.max) ? UInt32(value) : nil
    }
}
