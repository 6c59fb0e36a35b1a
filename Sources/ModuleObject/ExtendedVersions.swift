/// Extended modversions (6.14+, CONFIG_EXTENDED_MODVERSIONS; modpost -x): `__version_ext_crcs`,
/// a u32 array, and `__version_ext_names`, as many NUL-terminated names one after the other.
/// They name every import, however long (a `__versions` entry holds 55 bytes of name on
/// 64-bit), and the loader prefers them: when the module has them, check_version
/// (kernel/module/version.c) looks a symbol up there only and never in `__versions`.
extension SymbolVersion {
    static let extendedCRCs = "__version_ext_crcs"
    static let extendedNames = "__version_ext_names"

    /// nil when the module has neither section. The loader finds them by name among the
    /// allocated sections (find_sec) and refuses the module (-ENOEXEC) when only one is there
    /// ("extended version crc+name presence does not match") or when the names run out before
    /// the CRCs ("more extended version crcs than names"); so does this reader. Names left
    /// over after the last CRC are ignored, as by the loader.
    static func parseExtended(sections: [Section], contents: (Section) -> ByteView?) throws -> [SymbolVersion]? {
        let crcSection = sections.first { $0.isAllocated && $0.name == extendedCRCs }
        let nameSection = sections.first { $0.isAllocated && $0.name == extendedNames }
        guard crcSection != nil || nameSection != nil else { return nil }
        guard let crcSection, let nameSection else {
            throw ModuleError.corrupt("extended version crc+name presence does not match: \(crcSection == nil ? extendedNames : extendedCRCs) without \(crcSection == nil ? extendedCRCs : extendedNames)")
        }
        let crcs = contents(crcSection)
        let names = contents(nameSection)
        let count = (crcs?.count ?? 0) / 4
        var result: [SymbolVersion] = []
        result.reserveCapacity(count)
        var at = 0
        for index in 0..<count {
            guard let names, let crc = crcs?.u32(index * 4), let name = names.cString(at: at) else {
                throw ModuleError.corrupt("more extended version crcs than names: \(extendedCRCs) has \(count) entries, \(extendedNames) ends at entry \(index)")
            }
            result.append(SymbolVersion(name: name, crc: UInt64(crc)))
            at += name.utf8.count + 1
        }
        return result
    }
}
