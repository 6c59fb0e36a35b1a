import LintEngine
import ModuleObject

/// D003: the last entry of a device table is not all zero.
public struct UnterminatedDeviceTable: Rule {
    public static let description = RuleDescription(
        code: "D003", name: "unterminated-device-table", defaultSeverity: .error,
        summary: "A device table does not end with an all-zero entry.",
        rationale: """
            Bus code walks an id table until it finds the zero entry: without one it reads past \
            the end of the array. modpost stops the build ("struct <type>_device_id is not \
            terminated with a NULL entry!" up to 6.13, "<var>[] is not terminated with a NULL \
            entry" later), so a module that has it was built without modpost's checks.
            """,
        fix: "End the table with an empty entry: { }.",
        kernelVersions: "modules of 5.15 to 7.3 (by vermagic; entry layouts generated from the mod_devicetable.h of 6.1, 6.12, 7.2 and 7.3, checked against Debian's 6.1, 6.12 and 7.2 trees; a release between two of them only for structs both lay out alike), for the types file2alias of that release knows",
        examples: [
            RuleExample(fixture: "devtables/fx_devtab_unterminated.ko", expected: ["fx_rival_pci_ids"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_clean.ko", expected: []),
        ])

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        context.module.orderedDeviceTables.compactMap { table in
            guard case .unterminated(let entrySize) = table.status, let kind = table.kind else { return nil }
            let last = table.size / UInt64(entrySize) - 1
            return context.diagnostic(
                Self.description,
                "\(table.type) device table \(table.symbol.variable) is not terminated with an all-zero entry: the last of its \(last + 1) entries (struct \(kind.structName), \(entrySize) bytes) has non-zero bytes; modpost stops the build",
                symbol: table.symbol.variable,
                place: .inside(table.symbol.variable, at: table.offset, offset: last * UInt64(entrySize), section: table.section,
                               element: "[\(last)]"))
        }
    }
}
