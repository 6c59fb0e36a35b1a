import ArgumentParser
import Foundation
import ModuleObject
import Rules

/// `modlint info MODULE`: what modlint reads from one module, device tables first.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what modlint reads from one module: device tables, their entries and modaliases.")

    @Argument(help: "A module file (.ko or .o).")
    var module: String

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        let object: ModuleObject
        do {
            object = try ModuleObject.load(path: module)
        } catch let error as ModuleError {
            printError("error: cannot read \(module): \(error)")
            throw ExitCode(ExitStatus.unreadableInput)
        }
        let report = InfoReport(object)
        let output: String
        switch format {
        case .text: output = report.text
        case .json: output = try report.json()
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}

/// The `info` view of a module, as plain values for both formats.
struct InfoReport: Encodable {
    struct Entry: Encodable {
        let index: Int
        let fields: [String: String]
        let aliases: [String]
        let note: String?
    }

    struct Table: Encodable {
        let type: String
        let variable: String
        let symbol: String
        let naming: String
        let structName: String?
        let section: String
        let offset: UInt64
        let size: UInt64
        let entrySize: Int?
        let status: String
        let entries: [Entry]
        let fieldOrder: [String]

        enum CodingKeys: String, CodingKey {
            case type, variable, symbol, naming, section, offset, size, status, entries
            case structName = "struct"
            case entrySize = "entry_size"
        }
    }

    /// One EXPORT_SYMBOL*: its license, namespace (or the modules it is exported for), CRC.
    struct Export: Encodable {
        let name: String
        let gplOnly: Bool
        let namespace: String?
        let onlyForModules: [String]?
        let crc: String?
        let flags: UInt8?

        enum CodingKeys: String, CodingKey {
            case name, namespace, crc, flags
            case gplOnly = "gpl_only"
            case onlyForModules = "only_for_modules"
        }
    }

    let path: String
    let name: String
    let elf: String
    let vermagic: String?
    let deviceTables: [Table]
    let moduleAliases: [String]
    let aliasesMatchModinfo: Bool
    let exports: [Export]
    /// Entries of `__versions`, and of the extended tables (nil: none).
    let versions: Int
    let extendedVersions: Int?

    enum CodingKeys: String, CodingKey {
        case path, name, elf, vermagic, exports, versions
        case deviceTables = "device_tables"
        case moduleAliases = "module_alias"
        case aliasesMatchModinfo = "aliases_match_modinfo"
        case extendedVersions = "extended_versions"
    }

    init(_ module: ModuleObject) {
        path = module.path
        name = module.name
        let identity = module.identity
        elf = "\(identity.elfClass == .elf64 ? "64" : "32")-bit \(identity.byteOrder == .little ? "little" : "big")-endian \(identity.machine)"
        vermagic = module.modinfo.vermagic
        exports = module.exports.map { export in
            let patterns = export.onlyForModules
            return Export(name: export.name, gplOnly: export.isGPLOnly, namespace: export.namespace,
                          onlyForModules: patterns.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) },
                          crc: export.crc.map { Hex.crc(UInt64($0)) },
                          flags: export.flags)
        }
        versions = module.versions.count
        extendedVersions = module.extendedVersions?.count
        let comparison = AliasComparison(module: module)
        moduleAliases = comparison.fromSources
        aliasesMatchModinfo = comparison.agrees
        deviceTables = module.deviceTables.sorted { ($0.section, $0.offset) < ($1.section, $1.offset) }.map { table in
            let status: String
            switch table.status {
            case .decoded: status = "decoded"
            case .sizeMismatch(let size): status = "size is not a multiple of \(size) bytes: not decoded"
            case .unterminated: status = "not terminated with an all-zero entry"
            case .notInFile2alias: status = "type not handled by file2alias: no aliases"
            case .outsideSection: status = "outside its section: not decoded"
            case .layoutUnknownForKernel(let kernel):
                status = "entry layout not known for kernel \(kernel) (no generated layout covers it): not decoded"
            case .layoutMismatch(let problem): status = "layout does not fit the derivation (\(problem)): not decoded"
            }
            let layout = table.layout
            let entries = table.entries.map { entry in
                Entry(index: entry.index,
                      fields: Dictionary(uniqueKeysWithValues: entry.fields.map { ($0.name, $0.value.description) }),
                      aliases: entry.aliases, note: entry.note)
            }
            return Table(type: table.type, variable: table.symbol.variable, symbol: table.symbol.name,
                         naming: table.symbol.naming.rawValue, structName: table.layout?.structName ?? table.kind?.structName, section: table.section,
                         offset: table.offset, size: table.size, entrySize: layout?.size, status: status, entries: entries,
                         fieldOrder: layout?.fields.map(\.field.name) ?? [])
        }
    }

    var text: String {
        var out = "\(name) (\(path))\n  elf: \(elf)\n"
        if let vermagic { out += "  vermagic: \(vermagic.trimmingCharacters(in: .whitespaces))\n" }
        out += "  device tables: \(deviceTables.count)\n"
        for table in deviceTables {
            let shape = table.structName.map { "struct \($0), \(table.entrySize ?? 0) bytes" } ?? "type unknown to file2alias"
            out += "\n  \(table.type) \(table.variable) (\(shape); \(table.size) bytes at \(table.section)+\(Hex.offset(table.offset))): \(table.status)\n"
            out += "    symbol \(table.symbol) (\(table.naming) naming)\n"
            for entry in table.entries {
                // Members that are zero say nothing: most entries set two or three of them.
                let shown = table.fieldOrder.compactMap { name -> String? in
                    guard let value = entry.fields[name], !Self.isZero(value) else { return nil }
                    return "\(name)=\(value)"
                }
                out += "    [\(entry.index)] \(shown.joined(separator: " "))\n"
                for alias in entry.aliases { out += "        \(alias)\n" }
                if let note = entry.note { out += "        (\(note))\n" }
            }
        }
        if !moduleAliases.isEmpty {
            out += "\n  MODULE_ALIAS(): \(moduleAliases.joined(separator: " "))\n"
        }
        if !exports.isEmpty {
            out += "\n  exports: \(exports.count)\n"
            for export in exports {
                var facts = [export.gplOnly ? "GPL-only" : "any license"]
                if let modules = export.onlyForModules {
                    facts.append("only for modules \(modules.joined(separator: ","))")
                } else if let namespace = export.namespace {
                    facts.append("namespace \(namespace)")
                }
                if let crc = export.crc { facts.append("crc \(crc)") }
                out += "    \(export.name) (\(facts.joined(separator: ", ")))\n"
            }
        }
        if let extendedVersions {
            out += "\n  symbol versions: \(extendedVersions) extended (__version_ext_crcs, checked by the loader), \(versions) in __versions\n"
        }
        out += "\n  derived aliases \(aliasesMatchModinfo ? "match" : "DO NOT match") the alias= lines modpost wrote into .modinfo\n"
        return out
    }

    static func isZero(_ value: String) -> Bool {
        value == "\"\"" || value.allSatisfy { $0 == "0" || $0 == "x" || $0 == "," }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
