/// A symbol the module exports with EXPORT_SYMBOL*.
public struct ExportedSymbol: Sendable, Hashable {
    public let name: String
    public let isGPLOnly: Bool
    /// nil or empty: no namespace.
    public let namespace: String?
    public let crc: UInt32?

    public init(name: String, isGPLOnly: Bool, namespace: String?, crc: UInt32?) {
        self.name = name
        self.isGPLOnly = isGPLOnly
        self.namespace = namespace
        self.crc = crc
    }
}

extension ExportedSymbol {
    /// Exports are found by their `__ksymtab_<name>` labels. In a `.ko` (any kernel version;
    /// ≥ 6.5 modpost generates the same objects from `.export_symbol`) they sit in the merged
    /// `__ksymtab` / `__ksymtab_gpl` sections; in a `.o` of ≤ 6.4 in `___ksymtab+<name>` /
    /// `___ksymtab_gpl+<name>`. Kernels before 5.12 also had `_unused` and `_gpl_future` tables.
    /// The namespace is the string at `__kstrtabns_<name>`; the CRC is `__crc_<name>`: an
    /// absolute symbol up to 5.18, a u32 in `__kcrctab*` since 5.19.
    ///
    /// `linked`: symbol values are addresses (a vmlinux), not offsets into their section.
    static func find(symbols: [Symbol], sections: [Section], contents: (Section) -> ByteView?,
                     linked: Bool = false) -> [ExportedSymbol] {
        var namespaceOf: [Substring: Symbol] = [:]
        var crcOf: [Substring: Symbol] = [:]
        var labels: [(name: Substring, section: Section)] = []
        // Runs over every symbol of every module: the candidates are picked by their first
        // bytes, read in place, before any symbol is copied.
        let heads = (Symbol.head(of: "__ks"), Symbol.head(of: "__cr"))
        let candidates = symbols.withUnsafeBufferPointer { table in
            table.indices.filter { index in
                let head = table[index].nameHead
                return (head == heads.0 || head == heads.1)
                    && table[index].place != .undefined && table[index].type != Symbol.typeSection
            }
        }
        for symbol in candidates.map({ symbols[$0] }) {
            let name = symbol.name
            guard name.hasPrefix("__k") || name.hasPrefix("__crc_") else { continue }
            if name.hasPrefix("__ksymtab_"), let index = symbol.sectionIndex, index < sections.count {
                let section = sections[index]
                if section.name.hasPrefix("__ksymtab") || section.name.hasPrefix("___ksymtab") {
                    labels.append((name.dropFirst("__ksymtab_".count), section))
                }
            } else if name.hasPrefix("__kstrtabns_") {
                namespaceOf[name.dropFirst("__kstrtabns_".count)] = symbol
            } else if name.hasPrefix("__crc_") {
                crcOf[name.dropFirst("__crc_".count)] = symbol
            }
        }
        func offset(_ symbol: Symbol, in section: Section) -> Int? {
            guard linked else { return Int(clamping: symbol.value) }
            guard symbol.value >= section.address else { return nil }
            return Int(clamping: symbol.value - section.address)
        }
        func stringAt(_ symbol: Symbol) -> String? {
            guard let index = symbol.sectionIndex, index < sections.count, let bytes = contents(sections[index]),
                  let at = offset(symbol, in: sections[index]) else { return nil }
            return bytes.cString(at: at)
        }
        func crcValue(_ symbol: Symbol) -> UInt32? {
            switch symbol.place {
            case .absolute: return UInt32(truncatingIfNeeded: symbol.value)
            case .section(let index):
                guard index < sections.count, let at = offset(symbol, in: sections[index]) else { return nil }
                return contents(sections[index])?.u32(at)
            default: return nil
            }
        }
        return labels.map { label in
            let table = label.section.name
            let gpl = ExportedSymbol.isGPLOnlyTable(table)
            let namespace = namespaceOf[label.name].flatMap(stringAt)
            return ExportedSymbol(
                name: String(label.name), isGPLOnly: gpl,
                namespace: namespace?.isEmpty == false ? namespace : nil,
                crc: crcOf[label.name].flatMap(crcValue))
        }.sorted { $0.name < $1.name }
    }

    /// `__ksymtab_gpl`, `___ksymtab_gpl+name`, `__ksymtab_unused_gpl`; not `_gpl_future`. Bytes,
    /// not Foundation's `contains`: asked for every export of every module.
    static func isGPLOnlyTable(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        let gpl = Array("_gpl".utf8)
        guard bytes.count >= gpl.count else { return false }
        for start in 0...(bytes.count - gpl.count) where bytes[start..<(start + gpl.count)].elementsEqual(gpl) {
            return !bytes[(start + gpl.count)...].starts(with: "_future".utf8)
        }
        return false
    }
}
