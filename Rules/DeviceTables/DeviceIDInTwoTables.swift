import LintEngine
import ModuleObject

/// D002: the same match entry in two device tables of the same bus in one module.
public struct DeviceIDInTwoTables: Rule {
    public static let description = RuleDescription(
        code: "D002", name: "device-id-in-two-tables", defaultSeverity: .warning,
        summary: "Two device tables of the same bus in one module list the same match entry.",
        rationale: """
            Each table usually belongs to its own driver of the module: both drivers claim the \
            device, and which one binds depends on registration order. When the tables belong to \
            one driver, the copy is dead weight. Kernel tools de-duplicate the aliases silently.
            """,
        fix: "Keep the id in the table of the driver that should handle the device and delete it from the other.",
        kernelVersions: "modules of 5.15 to 7.3 (by vermagic; entry layouts generated from the mod_devicetable.h of 6.1, 6.12, 7.2 and 7.3, checked against Debian's 6.1, 6.12 and 7.2 trees; a release between two of them only for structs both lay out alike), for the types file2alias of that release knows",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_dup.ko", expected: ["fx_pci_ids[0] -> fx_pci_ids_extra[1]"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_clean.ko", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_rival.ko", expected: []),
        ])

    public init() {}

    /// Tables are compared in file order (section, offset): the entry in the table placed
    /// later is reported, pointing at its twin in the earlier one. GCC may place the tables in
    /// another order than the source has them.
    public func check(_ context: ModuleContext) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let tables = context.module.orderedDeviceTables
        for (position, table) in tables.enumerated() {
            let earlierTables = tables[..<position].filter {
                $0.type == table.type && !($0.section == table.section && $0.offset == table.offset)
            }
            guard !earlierTables.isEmpty else { continue }
            var seen: Set<[UInt8]> = []
            for entry in table.entries where !entry.isEmptySlot && seen.insert(entry.matchKey).inserted {
                guard let other = earlierTables.lazy.compactMap({ earlier in
                    earlier.entries.first { $0.matchKey == entry.matchKey }.map { EntryPlace(table: earlier, entry: $0) }
                }).first else { continue }
                let place = EntryPlace(table: table, entry: entry)
                found.append(context.diagnostic(
                    Self.description,
                    "\(table.type) device table entry \(place.name) is also in \(other.table.symbol.variable) as \(other.name)\(other.firstAlias)",
                    symbol: place.name, place: place.objectPlace, targetSymbol: other.name))
            }
        }
        return found
    }
}
