import KernelSymbols
import LintEngine
import ModuleObject

/// U007: MODULE_IMPORT_NS of a namespace no used symbol is in.
public struct UnusedNamespaceImport: Rule {
    public static let description = RuleDescription(
        code: "U007", name: "unused-namespace-import", defaultSeverity: .note,
        summary: "MODULE_IMPORT_NS(NS) where no symbol the module uses is exported in NS.",
        rationale: """
            An import_ns= entry grants nothing by itself; left over after code that used the \
            namespace was removed, it hides which namespaces a module really depends on (what \
            `make nsdeps` maintains). The loader ignores it.
            """,
        fix: "Remove the MODULE_IMPORT_NS() line, or run `make nsdeps` to regenerate the imports.",
        kernelVersions: "5.4 and later (symbol namespaces)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_ns_import.ko", symbols: "linux-6.1-amd64/Module.symvers",
                        expected: ["CRYPTO_INTERNAL"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_ns_missing.ko", symbols: "linux-6.1-amd64/Module.symvers", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", symbols: "linux-6.1-amd64/Module.symvers", expected: []),
        ])

    public static let scope = RuleScope.run

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        // Namespaces of kernel symbols are only known from a table that records them.
        guard context.hasKernelSymbols, context.resolver.kernel.recordsNamespaces else { return [] }
        let imported = module.modinfo.values("import_ns")
        guard !imported.isEmpty else { return [] }
        let used = Set(module.imports.compactMap { context.resolver.resolve($0.name, importer: module.path)?.namespace })
        var seen = Set<String>()
        return imported.compactMap { namespace in
            // An import of a module: namespace is refused outright (U009), not merely unused.
            guard seen.insert(namespace).inserted, !used.contains(namespace),
                  !ModuleNamespace.isModuleNamespace(namespace) else { return nil }
            return context.diagnostic(
                Self.description,
                "MODULE_IMPORT_NS(\(namespace)) is unused: no symbol the module uses is exported in namespace \(namespace)",
                symbol: namespace)
        }
    }
}
