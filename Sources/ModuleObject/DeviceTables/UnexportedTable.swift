extension DeviceTable {
    /// What file2alias would make of a table of `type` that no MODULE_DEVICE_TABLE names,
    /// from a copy of its bytes (the terminator included): for rules that ask whether a
    /// table the driver matches with is covered by the module's own `alias=` lines.
    public static func decoding(variable: String, type: String, section: Section, offset: UInt64, bytes: [UInt8],
                                identity: ElfIdentity, kernel: KernelVersion?) -> DeviceTable {
        let symbol = DeviceTableSymbol(name: variable, type: type, variable: variable, moduleName: nil, naming: .legacy)
        return bytes.withUnsafeBytes { raw in
            // The copy stands in for the section: the table starts at offset 0 of it.
            let view = raw.baseAddress.map { ByteView(base: $0, count: raw.count, bigEndian: identity.byteOrder == .big) }
            let stand = Section(index: section.index, name: section.name, type: section.type == Section.typeNobits ? 1 : section.type,
                                flags: section.flags, address: 0, offset: 0, size: UInt64(bytes.count),
                                link: section.link, info: section.info, alignment: section.alignment, entrySize: section.entrySize)
            return DeviceTable(symbol: symbol, section: stand, offset: 0, size: UInt64(bytes.count), contents: view,
                               wordSize: identity.pointerSize, bigEndian: identity.byteOrder == .big, kernel: kernel)
        }
    }
}
