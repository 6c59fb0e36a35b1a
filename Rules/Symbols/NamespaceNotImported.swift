import KernelSymbols
import LintEngine
import ModuleObject

/// U003: a symbol from a namespace the module does not import.
public struct NamespaceNotImported: Rule {
    public static let description = RuleDescription(
        code: "U003", name: "namespace-not-imported", defaultSeverity: .error,
        summary: "The module uses a symbol exported in namespace NS without MODULE_IMPORT_NS(NS).",
        rationale: """
            Symbols exported with EXPORT_SYMBOL_NS*() may only be used by modules that import the \
            namespace (an import_ns= entry in .modinfo). The loader refuses the symbol otherwise: \
            "<mod>: module uses symbol (<sym>) from namespace <ns>, but does not import it." and \
            "Unknown symbol <sym> (err -22)", unless the kernel has \
            CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS. modpost fails the build the same way.
            """,
        fix: "Add MODULE_IMPORT_NS(NS) to the module (since 6.13 the argument is a string literal: MODULE_IMPORT_NS(\"NS\")).",
        kernelVersions: "5.4 and later (symbol namespaces)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_ns_missing.ko", symbols: "linux-6.1-amd64/Module.symvers",
                        expected: ["crypto_cipher_setkey", "usb_stor_sense_invalidCDB"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_ns_import.ko", symbols: "linux-6.1-amd64/Module.symvers", expected: []),
        ])

    public static let scope = RuleScope.run

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        let imported = Set(module.modinfo.values("import_ns"))
        return context.resolvedImports.compactMap { resolved in
            let symbol = resolved.symbol
            guard let provider = resolved.provider, let namespace = provider.namespace, !imported.contains(namespace) else { return nil }
            return context.importDiagnostic(
                Self.description,
                "module uses symbol (\(symbol.name)) from namespace \(namespace), but does not import it (exported by \(provider.ownerDescription))",
                symbol: symbol.name)
        }
    }
}
