import LintEngine

/// U001: an undefined symbol nothing exports.
public struct UnresolvedSymbol: Rule {
    public static let description = RuleDescription(
        code: "U001", name: "unresolved-symbol", defaultSeverity: .error,
        summary: "An undefined, non-weak symbol is exported by neither the kernel nor any module of the run.",
        rationale: """
            The loader resolves every undefined symbol against the kernel's and the loaded modules' \
            exports; one it cannot find fails the load with "Unknown symbol <sym> (err -2)". modpost \
            reports it as `"<sym>" [<mod>.ko] undefined!`. Weak undefined symbols may stay unresolved.
            """,
        fix: """
            Check the symbol's spelling and that its provider exports it (EXPORT_SYMBOL); pass the \
            provider's Module.symvers with --symbols, or lint the providing module in the same run.
            """,
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_undef.ko", symbols: "linux-6.1-amd64/Module.symvers",
                        expected: ["fx_no_such_symbol"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_importer.ko", symbols: "linux-6.1-amd64/Module.symvers",
                        expected: ["fx_exported_gpl", "fx_exported_plain"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_importer.ko", alongside: ["linux-6.1-amd64/fx_exporter.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", symbols: "linux-6.1-amd64/Module.symvers", expected: []),
        ])

    public static let scope = RuleScope.run

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        // Without a kernel symbol table every kernel import would look unresolved.
        guard context.hasKernelSymbols else { return [] }
        return context.resolvedImports.compactMap { resolved in
            let symbol = resolved.symbol
            guard !symbol.isWeak, resolved.provider == nil else { return nil }
            return context.importDiagnostic(
                Self.description,
                "'\(symbol.name)' is undefined: exported neither by the kernel's symbol table nor by any module of this run",
                symbol: symbol.name)
        }
    }
}
