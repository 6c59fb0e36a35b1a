import KernelSymbols
import LintEngine
import ModuleObject

/// U008: `.modinfo depends=` differs from the modules that really provide the imports.
public struct DependsMismatch: Rule {
    public static let description = RuleDescription(
        code: "U008", name: "depends-mismatch", defaultSeverity: .warning,
        summary: "The modules listed in .modinfo depends= differ from the modules that provide the module's imports.",
        rationale: """
            modpost writes depends= from the modules that exported the symbols at build time. When \
            the modules that provide them now are others (or some listed ones provide nothing), the \
            module was built against a different set of modules than it meets: its CRCs and \
            assumptions were made for other providers, and tools that read depends= (modinfo, \
            initramfs builders that copy dependencies) pick the wrong modules. depmod computes \
            modules.dep from the real providers and ignores depends=.
            """,
        fix: "Rebuild the module against the Module.symvers of the modules it is installed with.",
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_importer.ko", alongside: ["linux-6.1-amd64/fx_dup.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: ["fx_importer"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_importer.ko", alongside: ["linux-6.1-amd64/fx_exporter.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", symbols: "linux-6.1-amd64/Module.symvers", expected: []),
        ])

    public static let scope = RuleScope.run

    public init() {}

    static func normalised(_ name: String) -> String {
        // Module names are nearly always already in the kernel's form: no new string then.
        guard name.utf8.contains(UInt8(ascii: "-")) else { return name }
        return String(decoding: name.utf8.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        // Without a kernel table every vmlinux import is unresolved and its provider unknown.
        guard context.hasKernelSymbols, let depends = module.modinfo.first("depends") else { return [] }
        let listed = Set(depends.split(separator: ",").map { Self.normalised(String($0)) }.filter { !$0.isEmpty })
        let own = Self.normalised(module.name)
        var used = Set<String>()
        var missing = Set<String>()
        var unresolved = false
        for resolved in context.resolvedImports {
            // Most imports come from vmlinux: settled by the one lookup all symbol rules share.
            if case .kernel(let export) = resolved.provider, export.isFromVmlinux { continue }
            let symbol = resolved.symbol
            let kernel = context.resolver.kernelExport(symbol.name)
            // Every module that could provide it: when two export the same name (U006), the
            // one listed is taken to be the one the module was built against.
            var candidates = Set(context.resolver.run.providers(of: symbol.name)
                .filter { $0.path != module.path }.map { Self.normalised($0.module) })
            if let kernel { candidates.insert(Self.normalised(ModuleObject.moduleName(fromPath: kernel.owner))) }
            candidates.remove(own)
            if candidates.isEmpty {
                if !symbol.isWeak { unresolved = true }
                continue
            }
            let listedCandidates = candidates.intersection(listed)
            if listedCandidates.isEmpty {
                missing.insert(candidates.sorted()[0])
            } else {
                used.formUnion(listedCandidates)
            }
        }
        let missingNames = missing.sorted()
        // A listed module may be the provider of an import that is unresolved now (U001 says so).
        let unusedNames = unresolved ? [] : listed.subtracting(used).sorted()
        guard !missingNames.isEmpty || !unusedNames.isEmpty else { return [] }
        var parts: [String] = []
        if !missingNames.isEmpty { parts.append("imports come from \(missingNames.joined(separator: ", ")), not listed") }
        if !unusedNames.isEmpty {
            parts.append("\(unusedNames.joined(separator: ", ")) provide\(unusedNames.count == 1 ? "s" : "") none of its imports")
        }
        return [context.diagnostic(
            Self.description, "depends=\(depends) does not match the providers of its imports: \(parts.joined(separator: "; "))")]
    }
}
