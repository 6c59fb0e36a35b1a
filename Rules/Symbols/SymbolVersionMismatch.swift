import KernelSymbols
import LintEngine
import ModuleObject

/// U004: the CRC a module recorded in `__versions` differs from the one its provider exports.
public struct SymbolVersionMismatch: Rule {
    public static let description = RuleDescription(
        code: "U004", name: "symbol-version-mismatch", defaultSeverity: .error,
        summary: "The CRC of an import in __versions (or the extended __version_ext_crcs) differs from the CRC the kernel or the providing module exports.",
        rationale: """
            With CONFIG_MODVERSIONS the loader compares, for every symbol it resolves, the CRC the \
            module was built with (its __versions table, computed from the headers it was compiled \
            against) with the CRC the provider publishes in __kcrctab. A difference means the symbol's \
            type signature changed: the load fails with "<mod>: disagrees about version of symbol \
            <sym>" and "Unknown symbol <sym> (err -22)". module_layout, which stands for struct module \
            itself, is checked first. depmod -e -E reports the same as "disagrees about version". \
            Since 6.14 a module built with CONFIG_EXTENDED_MODVERSIONS also has __version_ext_crcs and \
            __version_ext_names, which list every import whatever the length of its name; the loader \
            then compares against those alone and ignores __versions.
            """,
        fix: "Rebuild the module against the headers (and Module.symvers) of the kernel it is meant to load into.",
        kernelVersions: "all kernels built with CONFIG_MODVERSIONS; the extended tables from 6.14",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", symbols: "symtabs/crc-mismatch-6.1-amd64.symvers",
                        expected: ["_printk", "module_layout"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", symbols: "linux-6.1-amd64/Module.symvers", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_importer.ko", alongside: ["linux-6.1-amd64/fx_exporter.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: []),
            RuleExample(fixture: "linux-7.2-amd64/fx_ext_user.ko", symbols: "symtabs/ext-crc-mismatch-7.2-amd64.symvers",
                        expected: ["fx_exported_symbol_with_a_name_longer_than_a_versions_entry"]),
            RuleExample(fixture: "linux-7.2-amd64/fx_ext_user.ko", symbols: "linux-7.2-amd64/fx_modexp-crcs.symvers", expected: []),
            RuleExample(fixture: "mutants/fx_ext_user-ext-crc.ko", symbols: "linux-7.2-amd64/fx_modexp-crcs.symvers",
                        expected: ["fx_plain"]),
            RuleExample(fixture: "mutants/fx_ext_user-basic-crc.ko", symbols: "linux-7.2-amd64/fx_modexp-crcs.symvers", expected: []),
        ])

    public static let scope = RuleScope.run

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        let versions = VersionTable.of(context)
        guard !versions.crcOf.isEmpty else { return [] }
        func mismatch(_ name: String, recorded: UInt64, provider: SymbolProvider?) -> Diagnostic? {
            guard let provider, let crc = provider.crc, UInt64(crc) != recorded else { return nil }
            return context.importDiagnostic(
                Self.description,
                "disagrees about version of symbol \(name): the module was built against CRC \(Hex.crc(recorded)), \(provider.ownerDescription) exports it with CRC \(Hex.crc(UInt64(crc)))",
                symbol: name, section: versions.section)
        }
        var found: [Diagnostic] = []
        var matched = 0
        // The imports are already resolved; a weak one the loader may leave unresolved is not
        // checked (it has no provider to disagree with when absent, and modpost skips it).
        for resolved in context.resolvedImports {
            guard let recorded = versions.crcOf[resolved.symbol.name] else { continue }
            matched += 1
            guard !resolved.symbol.isWeak else { continue }
            if let finding = mismatch(resolved.symbol.name, recorded: recorded, provider: resolved.provider) { found.append(finding) }
        }
        // Entries that name no import: module_layout (up to 6.3), the struct module stand-in.
        if matched < versions.crcOf.count {
            for (name, recorded) in versions.crcOf where !module.importNames.contains(name) {
                if let finding = mismatch(name, recorded: recorded, provider: context.resolver.resolve(name, importer: module.path)) {
                    found.append(finding)
                }
            }
        }
        return found
    }
}

/// The CRCs the loader's check_version compares, by name (the first entry of a name wins, as
/// its lookup finds it), built once for the two rules that read them: the extended table
/// (`__version_ext_crcs`/`__version_ext_names`, 6.14+) when the module has one, else
/// `__versions`. The loader never falls back from the extended table to `__versions`.
struct VersionTable: Sendable {
    let crcOf: [String: UInt64]
    let isExtended: Bool

    /// The section a finding points at.
    var section: String { isExtended ? "__version_ext_crcs" : SectionNames.versions }

    static func of(_ context: ModuleContext) -> VersionTable {
        context.shared(VersionTable.self) {
            let versions = context.module.versionsTheLoaderChecks
            var crcOf: [String: UInt64] = [:]
            crcOf.reserveCapacity(versions.count)
            for version in versions.reversed() { crcOf[version.name] = version.crc }
            return VersionTable(crcOf: crcOf, isExtended: context.module.extendedVersions != nil)
        }
    }
}
