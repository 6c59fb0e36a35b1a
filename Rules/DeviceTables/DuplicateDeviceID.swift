import LintEngine
import ModuleObject

/// D001: the same match entry twice in one device table.
public struct DuplicateDeviceID: Rule {
    public static let description = RuleDescription(
        code: "D001", name: "duplicate-device-id", defaultSeverity: .warning,
        summary: "A device table lists the same match entry twice.",
        rationale: """
            The bus core walks the table in order and stops at the first entry that matches, so \
            the second copy can never match; when only its driver_data differs, the driver never \
            gets the data the author meant for that device. modpost writes the alias twice and \
            depmod merges it silently: nothing in the kernel build reports it.
            """,
        fix: "Delete the later entry, or merge its driver_data into the first one.",
        kernelVersions: "modules of 5.15 to 7.3 (by vermagic; entry layouts generated from the mod_devicetable.h of 6.1, 6.12, 7.2 and 7.3, checked against Debian's 6.1, 6.12 and 7.2 trees; a release between two of them only for structs both lay out alike), for the types file2alias of that release knows",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_dup.ko", expected: [
                "fx_of_ids[2] -> fx_of_ids[0]", "fx_pci_ids[2] -> fx_pci_ids[0]", "fx_pci_ids[3] -> fx_pci_ids[1]",
                "fx_usb_ids[2] -> fx_usb_ids[0]",
            ]),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_ptr.ko", expected: [
                "fx_ptr_of_ids[2] -> fx_ptr_of_ids[0]", "fx_ptr_of_ids[3] -> fx_ptr_of_ids[1]",
            ]),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_clean.ko", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_rival.ko", expected: []),
        ])

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for table in context.module.orderedDeviceTables {
            var first: [[UInt8]: DeviceIDEntry] = [:]
            for entry in table.entries where !entry.isEmptySlot {
                guard let earlier = first[entry.matchKey] else {
                    first[entry.matchKey] = entry
                    continue
                }
                let place = EntryPlace(table: table, entry: entry)
                let earlierPlace = EntryPlace(table: table, entry: earlier)
                let dataNote = DriverData(entry: entry, table: table, module: context.module)
                    != DriverData(entry: earlier, table: table, module: context.module)
                    ? "; only its driver data differs, which the driver never receives" : ""
                found.append(context.diagnostic(
                    Self.description,
                    "\(table.type) device table entry \(place.name) matches the same devices as \(earlierPlace.name)\(earlierPlace.firstAlias): it can never match\(dataNote)",
                    symbol: place.name, place: place.objectPlace, targetSymbol: earlierPlace.name))
            }
        }
        return found
    }
}
