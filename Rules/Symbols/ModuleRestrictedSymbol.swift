import KernelSymbols
import LintEngine
import ModuleObject

/// U009: a symbol exported with EXPORT_SYMBOL_FOR_MODULES() for other modules, or an import of
/// a `module:` namespace.
public struct ModuleRestrictedSymbol: Rule {
    public static let description = RuleDescription(
        code: "U009", name: "module-restricted-symbol", defaultSeverity: .error,
        summary: "The module uses a symbol exported with EXPORT_SYMBOL_FOR_MODULES() for other modules only, or imports a module: namespace.",
        rationale: """
            EXPORT_SYMBOL_FOR_MODULES(sym, "a,b-*") (6.16+) exports a GPL-only symbol in the namespace \
            "module:a,b-*". The loader does not look that namespace up among the module's imports: it \
            matches the module's name against the comma-separated patterns (each a name or a prefix \
            ending in *, with - and _ taken as equal). A module that matches none is refused the \
            symbol: "<mod>: module uses symbol (<sym>) from namespace module:a,b-*, but does not \
            import it." and "Unknown symbol <sym> (err -22)", as for a missing namespace import (a kernel \
            with CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS only warns). A module: namespace cannot be imported either: MODULE_IMPORT_NS("module:...") \
            makes the load fail with "module tries to import module namespace" (-EPERM), and modpost \
            stops the build ("explicitly importing namespace ... is not allowed"). modpost reports a \
            module outside the list as a missing namespace import; it compares names without folding \
            - and _, so a pattern written with - matches a file name with - only.
            """,
        fix: """
            Use the symbol only from the modules it is exported for, or have its owner add the module \
            to the EXPORT_SYMBOL_FOR_MODULES() list; remove any MODULE_IMPORT_NS("module:...").
            """,
        kernelVersions: "6.16 and later (EXPORT_SYMBOL_FOR_MODULES)",
        examples: [
            RuleExample(fixture: "linux-7.2-amd64/fx_stranger.ko", alongside: ["linux-7.2-amd64/fx_modexp.ko"],
                        symbols: "linux-7.2-amd64/Module.symvers", expected: ["fx_for_friends"]),
            RuleExample(fixture: "linux-7.2-amd64/fx_stranger.ko", symbols: "linux-7.2-amd64/fx_modexp.symvers",
                        expected: ["fx_for_friends"]),
            RuleExample(fixture: "linux-7.2-amd64/fx_friend.ko", alongside: ["linux-7.2-amd64/fx_modexp.ko"],
                        symbols: "linux-7.2-amd64/Module.symvers", expected: []),
            RuleExample(fixture: "linux-7.2-amd64/fx-glob-friend.ko", alongside: ["linux-7.2-amd64/fx_modexp.ko"],
                        symbols: "linux-7.2-amd64/Module.symvers", expected: []),
            RuleExample(fixture: "mutants/fx_ns_user-modns.ko", alongside: ["linux-7.2-amd64/fx_modexp.ko"],
                        symbols: "linux-7.2-amd64/Module.symvers", expected: ["module:fx_friend"]),
            RuleExample(fixture: "linux-7.2-amd64/fx_ns_user.ko", alongside: ["linux-7.2-amd64/fx_modexp.ko"],
                        symbols: "linux-7.2-amd64/Module.symvers", expected: []),
        ])

    public static let scope = RuleScope.run

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        var found: [Diagnostic] = []
        var seen = Set<String>()
        for namespace in module.modinfo.values("import_ns") where ModuleNamespace.isModuleNamespace(namespace) {
            guard seen.insert(namespace).inserted else { continue }
            found.append(context.diagnostic(
                Self.description,
                "MODULE_IMPORT_NS(\(namespace)): a module namespace cannot be imported; the loader refuses the module (\"module tries to import module namespace\")",
                symbol: namespace, section: SectionNames.modinfo))
        }
        for resolved in context.resolvedImports {
            guard let provider = resolved.provider, let namespace = provider.namespace,
                  let patterns = ModuleNamespace.patterns(of: namespace),
                  !ModuleNamespace.allows(patterns, module: module.name) else { continue }
            let symbol = resolved.symbol
            found.append(context.importDiagnostic(
                Self.description,
                "module uses symbol (\(symbol.name)) from namespace \(namespace), but does not import it: \(provider.ownerDescription) exports it only for modules \(patterns), and \(module.name) is none of them",
                symbol: symbol.name))
        }
        return found
    }
}
