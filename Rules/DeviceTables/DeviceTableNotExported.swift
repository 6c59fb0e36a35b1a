import DebugInfo
import Foundation
import LintEngine
import ModuleObject

/// D006: an id table a driver matches devices with, never named in MODULE_DEVICE_TABLE.
public struct DeviceTableNotExported: DebugInfoRule {
    public static let description = RuleDescription(
        code: "D006", name: "device-table-not-exported", defaultSeverity: .warning,
        summary: "A driver structure points at an id table (id_table, of_match_table, acpi_match_table) that no MODULE_DEVICE_TABLE exports.",
        rationale: """
            The bus matches devices against the table once the driver is registered, but only \
            MODULE_DEVICE_TABLE(type, table) makes modpost write the table's `alias=` lines into \
            .modinfo: without it depmod has no modalias for the module, and udev never loads it when \
            a matching device appears; the driver works only when something loads it by name. \
            The tables are found through the driver structures that point at them: the member \
            offsets of `pci_driver.id_table`, `device_driver.of_match_table` and the other id \
            table pointers, and the structure types of the module's objects, come from the \
            module's debug info (DWARF), and the pointer itself from the relocation that fills it. \
            Without debug info the rule does not guess from symbol names (a name tells neither the \
            type nor which structure points at the object): such modules are listed once per run. \
            Not reported, because the module is loaded some other way on purpose or the table \
            would add nothing: a module that autoloads through an x86cpu or dmi table (intel_uncore, \
            asus-wmi-sensors: the machine, not the device, decides, and the drivers inside are \
            registered for what that machine has); a table one of whose devices the module's own \
            `alias=` lines already name (a hand-written MODULE_ALIAS, or another exported table \
            that holds the same ids, like f81232's combined table and viafb's autoload subset); \
            an i2c or spi id table when the module exports an of or acpi table (devices that \
            firmware describes report an of:/acpi: modalias, which that table covers); a table \
            with no entry before its terminator, or whose entries match every device (xen-pciback); \
            an input_handler's table (a handler attaches to every matching input device, and \
            loading it for every keyboard is not wanted: rfkill is loaded by its users). \
            A usb_serial_driver's id_table is exempt: usb_serial_register_drivers() builds the \
            usb_driver from the table passed to it, and that one carries MODULE_DEVICE_TABLE. So is \
            a table in .bss: it has no ids at build time (the driver fills it from module parameters \
            at load, as xusbatm does), so there is nothing modpost could write. Other deliberate \
            cases the rule cannot see (ids of devices the module creates itself) are disabled with \
            per-symbol-ignores.
            """,
        fix: "Add MODULE_DEVICE_TABLE(<type>, <table>) after the table (pci, usb, of, acpi, platform, i2c, …).",
        kernelVersions: "all (the member offsets are read from the module's DWARF; the alias symbol of MODULE_DEVICE_TABLE in each naming generation)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_noexport.ko",
                        expected: ["fx_noexport_of_ids", "fx_noexport_pci_ids"]),
            RuleExample(fixture: "linux-6.12-amd64/fx_devtab_noexport.ko",
                        expected: ["fx_noexport_of_ids", "fx_noexport_pci_ids"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_export.ko", expected: []),
            RuleExample(fixture: "linux-6.12-amd64/fx_devtab_export.ko", expected: []),
            // Without DWARF: no finding; a notice of the run names the modules not checked.
            RuleExample(fixture: "stripped/linux-6.1-amd64/fx_devtab_noexport.ko", expected: []),
        ])

    public init() {}

    /// Members that point at an id table the module should export.
    static let tableMembers: Set<String> = ["id_table", "of_match_table", "acpi_match_table"]
    /// Structures whose id_table is not the module's autoload table (see the rationale).
    static let exemptStructs: Set<String> = ["usb_serial_driver", "input_handler"]
    /// Alias prefixes of tables through which a module is loaded for the machine it runs on.
    static let machineAliasPrefixes = ["cpu:type:x86", "dmi:", "dmi*"]
    /// Id types of devices that firmware may describe (of:/acpi: modalias instead).
    static let firmwareDescribed: Set<String> = ["i2c", "spi"]
    /// `struct pci_device_id` → `pci`: the id structures file2alias knows.
    static let idStructs: [String: String] = Dictionary(
        DeviceIDType.all.map { ($0.structName, $0.type) }, uniquingKeysWith: { first, _ in first })

    /// An id-table pointer inside a structure, possibly in an embedded one
    /// (`driver.of_match_table`); `found` is the id structure it points at.
    typealias Slot = StructWalk<String>.Slot

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        guard let debugInfo = context.debugInfo else { return [] }
        let module = context.module
        var walk = Self.tableWalk(debugInfo)
        var pointers: DataPointers?
        var locator: SymbolLocator?
        var reported: Set<String> = []
        var found: [Diagnostic] = []
        let exported = Set(module.symbols.compactMap { symbol -> DataPlace? in
            guard DeviceTableSymbol.parse(symbol.name) != nil, let section = symbol.sectionIndex else { return nil }
            return DataPlace(section: section, offset: symbol.value)
        })
        let aliases = module.modinfo.values("alias")
        if aliases.contains(where: { alias in Self.machineAliasPrefixes.contains { alias.hasPrefix($0) } }) { return [] }
        let exportsFirmwareTable = module.deviceTables.contains { $0.type == "of" || $0.type == "acpi" }
        var contents = ObjectContents(module)
        for object in TypedObject.all(in: module, debugInfo: debugInfo) where !Self.exemptStructs.contains(object.structName) {
            let slots = walk.slots(in: object.structName)
            guard !slots.isEmpty, let size = debugInfo.structs[object.structName]?.size, size > 0 else { continue }
            let count: UInt64
            if object.variable.isArray {
                guard object.symbol.size % size == 0 else { continue }
                count = object.symbol.size / size
            } else {
                guard object.symbol.size == size else { continue }
                count = 1
            }
            if pointers == nil { pointers = DataPointers(module) }
            for element in 0..<count {
                for slot in slots {
                    let (place, overflow) = object.symbol.value.addingReportingOverflow(element * size + slot.offset)
                    guard !overflow, let target = pointers!.target(section: object.section.index, offset: place),
                          !exported.contains(target), module.sections[target.section].occupiesFile else { continue }
                    if locator == nil { locator = SymbolLocator(module: module) }
                    guard let table = locator!.symbol(containing: target.offset, inSection: target.section),
                          table.value == target.offset, reported.insert(table.name).inserted else { continue }
                    let type = Self.idStructs[slot.found] ?? slot.found
                    if Self.firmwareDescribed.contains(type) && exportsFirmwareTable { continue }
                    if let bytes = contents.bytes(section: target.section, offset: table.value, count: table.size) {
                        let decoded = DeviceTable.decoding(
                            variable: table.name, type: type, section: module.sections[target.section], offset: table.value,
                            bytes: bytes, identity: module.identity,
                            kernel: module.modinfo.vermagic.flatMap(KernelVersion.init(vermagic:)))
                        if case .decoded = decoded.status, !Self.worthExporting(decoded, moduleAliases: aliases) { continue }
                    }
                    let holder = object.variable.isArray ? "\(object.symbol.name)[\(element)]" : object.symbol.name
                    found.append(context.diagnostic(
                        Self.description,
                        "'\(table.name)' (struct \(slot.found)) is the .\(slot.path) of '\(holder)' (struct \(object.structName)) but no MODULE_DEVICE_TABLE(\(type), \(table.name)) exports it: modpost writes no alias for it, so udev does not load the module for these devices",
                        symbol: table.name,
                        place: ObjectPlace(section: module.sections[target.section].name, address: target.offset, symbol: table.name),
                        location: context.declaration(of: table.name) ?? object.variable.location))
                }
            }
        }
        return found
    }

    /// False for a table with nothing to add: no entry before its terminator, entries that
    /// match every device, or an entry whose devices the module's own `alias=` lines already name
    /// (one glob matches the other).
    static func worthExporting(_ table: DeviceTable, moduleAliases: [String]) -> Bool {
        let entries = table.entries.filter { !$0.isEmptySlot }
        guard !entries.isEmpty else { return false }
        let aliases = entries.flatMap(\.aliases)
        if !aliases.isEmpty && aliases.allSatisfy(isMatchAll) { return false }
        for alias in aliases {
            let concrete = alias.replacingOccurrences(of: "*", with: "")
            // The two globs overlap: either one matches the other (viafb's autoload subset,
            // `pci:v1106d5122sv152Dsd0833…`, lies inside the table's `pci:v1106d5122sv*sd*…`).
            if moduleAliases.contains(where: { $0 == alias || fnmatch($0, concrete, 0) == 0 || fnmatch($0, alias, 0) == 0
                                                || fnmatch(alias, $0, 0) == 0 }) {
                return false
            }
        }
        return true
    }

    /// `pci:v*d*sv*sd*bc*sc*i*`: only wildcards after the type.
    static func isMatchAll(_ alias: String) -> Bool {
        guard let colon = alias.firstIndex(of: ":") else { return false }
        var rest = alias[alias.index(after: colon)...]
        // Field names are lower-case letters; every value must be a lone `*`.
        while !rest.isEmpty {
            let name = rest.prefix { $0.isLetter && $0.isLowercase }
            rest = rest.dropFirst(name.count)
            guard rest.first == "*" else { return false }
            rest = rest.dropFirst()
        }
        return true
    }

    /// The walk for id-table pointers: members named like one (`tableMembers`) that point at
    /// an id structure file2alias knows, in a structure and the ones embedded in it, three
    /// levels deep; `found` is the id structure.
    static func tableWalk(_ debugInfo: DebugInfo) -> StructWalk<String> {
        StructWalk(debugInfo: debugInfo) { member, _, _ in
            guard let name = member.name, tableMembers.contains(name), let pointee = pointee(of: member.typeName),
                  idStructs[pointee] != nil else { return nil }
            return pointee
        }
    }

    /// `const struct pci_device_id *` → `pci_device_id`; nil for anything but a pointer to a struct.
    static func pointee(of typeName: String) -> String? {
        var text = Substring(typeName)
        guard text.hasSuffix(" *") else { return nil }
        text = text.dropLast(2)
        if text.hasPrefix("const ") { text = text.dropFirst("const ".count) }
        guard text.hasPrefix("struct "), !text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        return String(text.dropFirst("struct ".count))
    }

    public func unchecked(_ modules: [UncheckedModule]) -> Notice? {
        guard !modules.isEmpty else { return nil }
        let names = modules.prefix(5).map(\.module).joined(separator: ", ")
        let list = modules.count > 5 ? names + ", and \(modules.count - 5) more" : names
        return Notice(
            code: Self.description.code, name: Self.description.name, severity: .note,
            message: "not checked for device tables without MODULE_DEVICE_TABLE: \(modules.count) module\(modules.count == 1 ? "" : "s") had no readable debug info (\(list)); build with CONFIG_DEBUG_INFO or lint the unstripped modules",
            paths: modules.map(\.path))
    }
}
