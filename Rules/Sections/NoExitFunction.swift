import LintEngine
import ModuleObject

/// X006: module_init() without module_exit(): the module can never be unloaded.
public struct NoExitFunction: Rule {
    public static let description = RuleDescription(
        code: "X006", name: "no-exit-function", defaultSeverity: .note,
        summary: "The module has an init function but no exit function, so it can never be unloaded.",
        rationale: """
            The kernel refuses to unload a module whose struct module has .init but no .exit: \
            rmmod fails with "Device or resource busy" unless forced. Intended for some modules, \
            an oversight in most. modpost does not report it.
            """,
        fix: "Add a module_exit() function that undoes what the init function did.",
        kernelVersions: "all (kernels built with CONFIG_MODULE_UNLOAD; without it no module unloads)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_noexit.ko", expected: ["fx_noexit_init"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
        ])

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        guard let thisModule = module.thisModule, let initOffset = thisModule.initPointerOffset, !thisModule.hasExit else { return [] }
        // vermagic lists "mod_unload" when the kernel can unload modules at all.
        if let vermagic = module.modinfo.vermagic, !vermagic.split(separator: " ").contains("mod_unload") { return [] }
        let initFunction = initFunctionName(module) ?? "init_module"
        return [context.diagnostic(
            Self.description,
            "module_init(\(initFunction)) without module_exit(): the module can never be unloaded",
            symbol: initFunction,
            // `struct module` is the whole of its section.
            place: .inside("__this_module", at: 0, offset: initOffset, section: SectionNames.thisModule, element: ".init"),
            location: context.declaration(of: initFunction))]
    }

    /// The function `init_module` aliases.
    private func initFunctionName(_ module: ModuleObject) -> String? {
        guard let alias = module.symbols.first(where: { $0.name == "init_module" && !$0.isUndefined }),
              let section = alias.sectionIndex else { return nil }
        return SymbolLocator(module: module).symbol(containing: alias.value, inSection: section)?.name
    }
}
