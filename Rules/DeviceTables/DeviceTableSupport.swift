import LintEngine
import ModuleObject

/// Where an entry of a device table lives, for diagnostics.
struct EntryPlace {
    let table: DeviceTable
    let entry: DeviceIDEntry

    /// `variable[index]`: the entry as the driver source names it.
    var name: String { "\(table.symbol.variable)[\(entry.index)]" }
    /// The entry as a place: element `[index]` of the table's variable.
    var objectPlace: ObjectPlace {
        .inside(table.symbol.variable, at: table.offset, offset: UInt64(entry.index * (table.entrySize ?? 0)),
                section: table.section, element: "[\(entry.index)]")
    }
    var firstAlias: String { entry.aliases.first.map { " (\($0))" } ?? "" }
}

extension ModuleObject {
    /// The device tables in file order: by section, then offset.
    var orderedDeviceTables: [DeviceTable] {
        deviceTables.sorted { ($0.section, $0.offset, $0.symbol.name) < ($1.section, $1.offset, $1.symbol.name) }
    }
}

/// What the driver-data members of an entry hold: their bytes and, for members a relocation
/// fills (pointers on RELA targets are zero in the file), the symbol and addend it points to.
struct DriverData: Equatable {
    let bytes: [[UInt8]]
    let targets: [String]

    init(entry: DeviceIDEntry, table: DeviceTable, module: ModuleObject) {
        let layout = table.layout
        let members = layout?.fields.filter(\.field.isDriverData) ?? []
        let entryStart = table.offset + UInt64(entry.index * (layout?.size ?? 0))
        let sectionIndex = module.sections.first { $0.name == table.section }?.index
        let relocations = module.relocationSections.filter { $0.targetSectionIndex == sectionIndex }.flatMap(\.relocations)
        bytes = members.map { member in
            let start = Int(entryStart) + member.offset
            guard start >= 0, start + member.size <= Int(table.offset) + table.bytes.count else { return [] }
            let local = start - Int(table.offset)
            return Array(table.bytes[local ..< local + member.size])
        }
        targets = members.map { member in
            let place = entryStart + UInt64(member.offset)
            guard let relocation = relocations.first(where: { $0.offset == place }),
                  relocation.symbolIndex < module.symbols.count else { return "" }
            let symbol = module.symbols[relocation.symbolIndex]
            let name = symbol.isSectionSymbol ? (symbol.sectionIndex.map { module.sections[$0].name } ?? "") : symbol.name
            return "\(name)+\(relocation.addend)"
        }
    }
}
