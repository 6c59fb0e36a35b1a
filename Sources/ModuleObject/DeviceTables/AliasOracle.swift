/// The check behind the alias oracle: do the aliases modlint derives from a module's device
/// tables equal the ones modpost wrote into its `.modinfo`?
///
/// modpost appends its `MODULE_ALIAS()` lines to `<mod>.mod.c`, and `<mod>.mod.o` is linked
/// after the module's own objects, so in `.modinfo` the device-table aliases are the last
/// `alias=` entries; the ones before them come from `MODULE_ALIAS()` in the sources. 6.1
/// keeps duplicates (6.13 on writes each once), so the comparison is of multisets.
public struct AliasComparison: Sendable, Hashable {
    /// Derived from the device tables, in table order.
    public let derived: [String]
    /// Every `alias=` of `.modinfo`, in order.
    public let modinfo: [String]

    public init(module: ModuleObject) {
        derived = DeviceTable.moduleAliases(module.deviceTables)
        modinfo = module.modinfo.values("alias")
    }

    /// The `alias=` entries modpost appended (the last `derived.count` ones).
    public var appended: [String] { Array(modinfo.suffix(derived.count)) }
    /// The `alias=` entries from `MODULE_ALIAS()` in the sources.
    public var fromSources: [String] { Array(modinfo.dropLast(min(derived.count, modinfo.count))) }

    public var agrees: Bool { derived.count <= modinfo.count && derived.sorted() == appended.sorted() }

    /// Derived but not in what modpost appended, and appended but not derived (multisets).
    public var differences: (missing: [String], extra: [String]) {
        var counts: [String: Int] = [:]
        for alias in appended { counts[alias, default: 0] += 1 }
        var extra: [String] = []
        for alias in derived {
            if let n = counts[alias], n > 0 { counts[alias] = n - 1 } else { extra.append(alias) }
        }
        let missing = counts.flatMap { Array(repeating: $0.key, count: $0.value) }.sorted()
        return (missing, extra)
    }
}
