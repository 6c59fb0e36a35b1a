/// A symbol the module exports with EXPORT_SYMBOL*.
public struct ExportedSymbol: Sendable, Hashable {
    public let name: String
    public let isGPLOnly: Bool
    /// nil or empty: no namespace. `module:<patterns>` for EXPORT_SYMBOL_FOR_MODULES (6.16+).
    public let namespace: String?
    public let crc: UInt32?
    /// The symbol's `__kflagstab` byte (7.1+; bit 0 is KSYM_FLAG_GPL_ONLY), nil on kernels
    /// that keep GPL-only exports in `__ksymtab_gpl`.
    public let flags: UInt8?

    public init(name: String, isGPLOnly: Bool, namespace: String?, crc: UInt32?, flags: UInt8? = nil) {
        self.name = name
        self.isGPLOnly = isGPLOnly
        self.namespace = namespace
        self.crc = crc
        self.flags = flags
    }

    /// The module-name patterns of an EXPORT_SYMBOL_FOR_MODULES export, nil for any other.
    public var onlyForModules: Substring? { ModuleNamespace.patterns(of: namespace) }
}

/// EXPORT_SYMBOL_FOR_MODULES(sym, "a,b-*") (6.16+) exports `sym` GPL-only in the namespace
/// `module:a,b-*`. The loader (kernel/module/main.c, verify_namespace_is_imported) never looks
/// such a namespace up among the module's import_ns= entries: it matches the importer's name
/// against the comma-separated patterns instead, each literal or ending in one `*` (a tail
/// glob), comparing `-` and `_` as equal (the name the kernel sees is KBUILD_MODNAME, with `-`
/// made `_`); no pattern matches: "module uses symbol (sym) from namespace module:..., but does
/// not import it", -EINVAL. An explicit MODULE_IMPORT_NS("module:...") makes the load fail
/// with -EPERM ("module tries to import module namespace"); modpost refuses it too.
public enum ModuleNamespace {
    public static let prefix = "module:"

    /// The patterns of a `module:` namespace, nil for any other namespace.
    public static func patterns(of namespace: String?) -> Substring? {
        guard let namespace, namespace.hasPrefix(prefix) else { return nil }
        return namespace.dropFirst(prefix.count)
    }

    public static func isModuleNamespace(_ namespace: String?) -> Bool { patterns(of: namespace) != nil }

    /// Whether module `name` may use an export whose namespace has these patterns.
    public static func allows(_ patterns: Substring, module name: String) -> Bool {
        let module = Array(name.utf8)
        for pattern in patterns.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            var literal = Array(pattern)
            let glob = literal.last == UInt8(ascii: "*")
            if glob { literal.removeLast() }
            guard glob ? module.count >= literal.count : module.count == literal.count else { continue }
            if zip(literal, module).allSatisfy({ folded($0) == folded($1) }) { return true }
        }
        return false
    }

    private static func folded(_ byte: UInt8) -> UInt8 { byte == UInt8(ascii: "-") ? UInt8(ascii: "_") : byte }
}

extension ExportedSymbol {
    /// Exports are found by their `__ksymtab_<name>` labels. In a `.ko` (any kernel version;
    /// ≥ 6.5 modpost generates the same objects from `.export_symbol`) they sit in the merged
    /// `__ksymtab` / `__ksymtab_gpl` sections; in a `.o` of ≤ 6.4 in `___ksymtab+<name>` /
    /// `___ksymtab_gpl+<name>`. Kernels before 5.12 also had `_unused` and `_gpl_future` tables.
    /// The namespace is the string at `__kstrtabns_<name>`; the CRC is `__crc_<name>`: an
    /// absolute symbol up to 5.18, a u32 in `__kcrctab*` since 5.19.
    ///
    /// Since 7.1 every export is in `__ksymtab` and GPL-only-ness is bit 0 (KSYM_FLAG_GPL_ONLY)
    /// of the symbol's byte in `__kflagstab`, labelled `__flags_<name>` (merged from
    /// `___kflagstab+<name>`), a u8 array parallel to `__ksymtab`. A module with a
    /// `__kflagstab` is read the way a 7.1+ loader reads it: the flags decide and a
    /// `__ksymtab_gpl` is ignored (the loader warns "ignoring obsolete section"); an export
    /// without a `__flags_` label takes the byte at its `__ksymtab` index. Without
    /// `__kflagstab`, the table an export sits in decides, as before 7.1.
    ///
    /// `linked`: symbol values are addresses (a vmlinux), not offsets into their section.
    static func find(symbols: [Symbol], sections: [Section], contents: (Section) -> ByteView?,
                     linked: Bool = false) -> [ExportedSymbol] {
        var namespaceOf: [Substring: Symbol] = [:]
        var crcOf: [Substring: Symbol] = [:]
        var flagsOf: [Substring: Symbol] = [:]
        var labels: [(name: Substring, section: Section)] = []
        // Runs over every symbol of every module: the candidates are picked by their first
        // bytes, read in place, before any symbol is copied.
        let heads = (Symbol.head(of: "__ks"), Symbol.head(of: "__cr"), Symbol.head(of: "__fl"))
        let candidates = symbols.withUnsafeBufferPointer { table in
            table.indices.filter { index in
                let head = table[index].nameHead
                return (head == heads.0 || head == heads.1 || head == heads.2)
                    && table[index].place != .undefined && table[index].type != Symbol.typeSection
            }
        }
        for symbol in candidates.map({ symbols[$0] }) {
            let name = symbol.name
            guard name.hasPrefix("__k") || name.hasPrefix("__crc_") || name.hasPrefix("__flags_") else { continue }
            if name.hasPrefix("__ksymtab_"), let index = symbol.sectionIndex, index < sections.count {
                let section = sections[index]
                if section.name.hasPrefix("__ksymtab") || section.name.hasPrefix("___ksymtab") {
                    labels.append((name.dropFirst("__ksymtab_".count), section))
                }
            } else if name.hasPrefix("__kstrtabns_") {
                namespaceOf[name.dropFirst("__kstrtabns_".count)] = symbol
            } else if name.hasPrefix("__crc_") {
                crcOf[name.dropFirst("__crc_".count)] = symbol
            } else if name.hasPrefix("__flags_"), let index = symbol.sectionIndex, index < sections.count,
                      isFlagsTable(sections[index].name) {
                flagsOf[name.dropFirst("__flags_".count)] = symbol
            }
        }
        let flagsTable = sections.first { isFlagsTable($0.name) }
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
        func flagsByte(_ symbol: Symbol) -> UInt8? {
            guard let index = symbol.sectionIndex, index < sections.count, let at = offset(symbol, in: sections[index]) else { return nil }
            return contents(sections[index])?.u8(at)
        }
        // The flags of an export without a label: `__kflagstab[i]` for the i-th `__ksymtab` entry
        // (the entry size is the table's size over its labels: 12 bytes with PREL32 references).
        var entrySize: [String: UInt64] = [:]
        if let flagsTable, flagsTable.name == "__kflagstab", labels.contains(where: { flagsOf[$0.name] == nil }) {
            for (name, group) in Dictionary(grouping: labels, by: { $0.section.name }) where name == "__ksymtab" {
                let size = group[0].section.size
                if size % UInt64(group.count) == 0 { entrySize[name] = size / UInt64(group.count) }
            }
        }
        func indexedFlags(_ label: (name: Substring, section: Section)) -> UInt8? {
            guard let flagsTable, let size = entrySize[label.section.name], size > 0,
                  let symbol = symbols.first(where: { $0.name == "__ksymtab_" + label.name && $0.place != .undefined }),
                  let at = offset(symbol, in: label.section), UInt64(at) % size == 0 else { return nil }
            return contents(flagsTable)?.u8(at / Int(size))
        }
        return labels.map { label in
            let table = label.section.name
            let namespace = namespaceOf[label.name].flatMap(stringAt)
            let flags = flagsTable == nil ? nil : (flagsOf[label.name].flatMap(flagsByte) ?? indexedFlags(label))
            let gpl = flagsTable == nil ? ExportedSymbol.isGPLOnlyTable(table) : (flags ?? 0) & ExportedSymbol.gplOnlyFlag != 0
            return ExportedSymbol(
                name: String(label.name), isGPLOnly: gpl,
                namespace: namespace?.isEmpty == false ? namespace : nil,
                crc: crcOf[label.name].flatMap(crcValue), flags: flags)
        }.sorted { $0.name < $1.name }
    }

    /// KSYM_FLAG_GPL_ONLY (include/linux/module_symbol.h, 7.1+).
    public static let gplOnlyFlag: UInt8 = 1

    /// `__kflagstab` (a `.ko`, a vmlinux) or `___kflagstab+<name>` (a `.mod.o`).
    static func isFlagsTable(_ name: String) -> Bool {
        name == "__kflagstab" || name.hasPrefix("___kflagstab+")
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
