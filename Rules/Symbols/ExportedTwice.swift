import KernelSymbols
import LintEngine
import ModuleObject

/// U006: a symbol exported by two modules, or by a module and the kernel.
public struct ExportedTwice: Rule {
    public static let description = RuleDescription(
        code: "U006", name: "exported-twice", defaultSeverity: .error,
        summary: "The module exports a symbol that the kernel or another module of the run exports too.",
        rationale: """
            The loader refuses a module that exports a name already exported by the kernel or a \
            loaded module: "<mod>: exports duplicate symbol <sym> (owned by <owner>)" (-ENOEXEC). Of \
            two modules exporting the same name only the first loaded works, and depmod silently \
            records the last one it read as the provider. modpost reports "'<sym>' exported twice".
            """,
        fix: "Rename the symbol (or make it static), or drop the module that duplicates the export.",
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_dup.ko", alongside: ["linux-6.1-amd64/fx_exporter.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: ["fx_exported_plain"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_exporter.ko", symbols: "symtabs/exports-clash-6.1-amd64.symvers",
                        expected: ["fx_exported_plain"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_exporter.ko", alongside: ["linux-6.1-amd64/fx_importer.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: []),
        ])

    public static let scope = RuleScope.run

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        let resolver = context.resolver
        return module.exports.compactMap { export in
            var owners: [String] = []
            for other in resolver.kernel.allExports(of: export.name) {
                if other.isFromVmlinux {
                    owners.append("vmlinux")
                } else if !resolver.runIsModuleTree,
                          ModuleObject.moduleName(fromPath: other.owner) != module.name {
                    // A symbol table lists this very module under its build path; only other
                    // owners are duplicates. In a tree run the modules themselves are the truth.
                    owners.append(other.owner)
                }
            }
            // The same module from another tree of the run (or its signed copy) is not a second
            // exporter: no kernel loads both.
            for provider in resolver.run.providers(of: export.name) where provider.path != module.path && provider.module != module.name {
                owners.append("\(provider.module) (\(provider.path))")
            }
            guard !owners.isEmpty else { return nil }
            return context.diagnostic(
                Self.description,
                "exports duplicate symbol \(export.name), also exported by \(owners.joined(separator: ", "))",
                symbol: export.name)
        }
    }
}
