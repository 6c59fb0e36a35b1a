import LintEngine

/// U002: a GPL-incompatible module using an EXPORT_SYMBOL_GPL symbol.
public struct GPLOnlySymbol: Rule {
    public static let description = RuleDescription(
        code: "U002", name: "gpl-only-symbol", defaultSeverity: .error,
        summary: "A module with a GPL-incompatible license uses an EXPORT_SYMBOL_GPL symbol.",
        rationale: """
            The loader hides GPL-only exports from modules whose license is not GPL-compatible, so \
            the load fails with "Unknown symbol". modpost refuses to build such a module: \
            "GPL-incompatible module <mod>.ko uses GPL-only symbol '<sym>'".
            """,
        fix: "Use a GPL-compatible MODULE_LICENSE(), or stop using the GPL-only symbol.",
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_gplonly.ko", symbols: "linux-6.1-amd64/Module.symvers",
                        expected: ["debugfs_create_dir", "ktime_get"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_importer_prop.ko", alongside: ["linux-6.1-amd64/fx_exporter.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: ["fx_exported_gpl"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_importer.ko", alongside: ["linux-6.1-amd64/fx_exporter.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", symbols: "linux-6.1-amd64/Module.symvers", expected: []),
        ])

    public static let scope = RuleScope.run

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        guard !module.modinfo.isGPLCompatible else { return [] }
        let license = module.modinfo.licenses.first { !$0.isEmpty } ?? ""
        return context.resolvedImports.compactMap { resolved in
            let symbol = resolved.symbol
            guard let provider = resolved.provider, provider.isGPLOnly else { return nil }
            return context.importDiagnostic(
                Self.description,
                "GPL-incompatible module (license '\(license)') uses GPL-only symbol '\(symbol.name)' exported by \(provider.ownerDescription)",
                symbol: symbol.name)
        }
    }
}
