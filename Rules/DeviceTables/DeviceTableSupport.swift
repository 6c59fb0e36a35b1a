import LintEngine
import ModuleObject

/// Where an entry of a device table lives, for diagnostics.
struct EntryPlace {
    let table: DeviceTable
    let entry: DeviceIDEntry

    /// `variable[index]`: the entry as the driver source names it.
    var name: String { "\(table.symbol.variable)[\(entry.index)]" }
    var offset: UInt64 { table.offset + UInt64(entry.index * (table.entrySize ?? 0)) }
    var firstAlias: String { entry.aliases.first.map { " (\($0))" } ?? "" }
}

extension ModuleObject {
    /// The device tables in file order: by section, then offset.
    var orderedDeviceTables: [DeviceTable] {
        deviceTables.sorted { ($0.section, $0.offset, $0.symbol.name) < ($1.section, $1.offset, $1.symbol.name) }
    }
}

extension DeviceIDEntry {
    /// Two entries with the same match fields, where the driver data (which the bus never
    /// matches on) differs.
    func differsOnlyInDriverData(from other: DeviceIDEntry, table: DeviceTable) -> Bool {
        guard let layout = table.kind?.layout(wordSize: table.wordSize) else { return false }
        let data = zip(fields, other.fields).filter { pair in layout.field(pair.0.name)?.field.isDriverData == true }
        return data.contains { $0.0.value != $0.1.value }
    }
}
