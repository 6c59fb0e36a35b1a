import LintEngine
import ModuleObject

/// D004: a device table whose size is not a whole number of entries.
public struct DeviceTableSize: Rule {
    public static let description = RuleDescription(
        code: "D004", name: "device-table-size", defaultSeverity: .error,
        summary: "A device table's size is not a whole number of entries of its type.",
        rationale: """
            MODULE_DEVICE_TABLE(type, var) names a different struct than the one var is an array \
            of, or the module was built against other headers than the kernel's: the bus would \
            read the table with the wrong entry size. modpost stops the build ("is not a modulo \
            of the size of section" up to 6.13, "type mismatch between <var>[] and \
            MODULE_DEVICE_TABLE" later). modlint derives no alias from such a table.
            """,
        fix: "Make the type in MODULE_DEVICE_TABLE() match the array's element type, and build against the target kernel's headers.",
        kernelVersions: "modules of 5.15 to 7.3 (by vermagic; entry layouts generated from the mod_devicetable.h of 6.1, 6.12, 7.2 and 7.3, checked against Debian's 6.1, 6.12 and 7.2 trees; a release between two of them only for structs both lay out alike), for the types file2alias of that release knows",
        examples: [
            RuleExample(fixture: "devtables/fx_devtab_badsize.ko", expected: ["fx_rival_pci_ids"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_clean.ko", expected: []),
        ])

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        context.module.orderedDeviceTables.compactMap { table in
            switch table.status {
            case .sizeMismatch(let entrySize):
                let structName = table.kind?.structName ?? "\(table.type)_device_id"
                return context.diagnostic(
                    Self.description,
                    "\(table.type) device table \(table.symbol.variable) is \(table.size) bytes, not a whole number of struct \(structName) entries (\(entrySize) bytes on this target); modpost stops the build",
                    symbol: table.symbol.variable, place: ObjectPlace(section: table.section, address: table.offset, symbol: table.symbol.variable))
            case .outsideSection:
                return context.diagnostic(
                    Self.description,
                    "\(table.type) device table \(table.symbol.variable) (\(table.size) bytes at offset \(table.offset)) does not lie inside section \(table.section)",
                    symbol: table.symbol.variable, place: ObjectPlace(section: table.section, address: table.offset, symbol: table.symbol.variable))
            default:
                return nil
            }
        }
    }
}
