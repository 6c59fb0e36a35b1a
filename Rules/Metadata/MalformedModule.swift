import LintEngine
import ModuleObject

/// M006: structural defects the loader refuses although the file is a readable ELF object.
public struct MalformedModule: Rule {
    public static let description = RuleDescription(
        code: "M006", name: "malformed-module", defaultSeverity: .error,
        summary: "Missing, duplicated or non-allocated .gnu.linkonce.this_module, no symbol table, or a writable and executable section.",
        rationale: """
            The loader needs exactly one .gnu.linkonce.this_module that it allocates (6.1: "No \
            module found in object"; since 6.4 also uniqueness, SHF_ALLOC and the size of struct \
            module), a symbol table ("module has no symbols (stripped?)"), and with \
            CONFIG_STRICT_MODULE_RWX refuses any section both writable and executable ("section <s> \
            (index <i>) has invalid WRITE|EXEC flags").
            """,
        fix: "Rebuild the module with kbuild (do not strip it with --strip-all, do not edit its sections); mark assembly sections \"ax\" or \"aw\", never \"awx\".",
        kernelVersions: "all (W+X: kernels with CONFIG_STRICT_MODULE_RWX, the default on x86, arm64, s390, powerpc)",
        examples: [
            RuleExample(fixture: "mutants/fx_clean-nothismodule.ko", expected: ["fx_clean"]),
            RuleExample(fixture: "mutants/fx_clean-thismodule-noalloc.ko", expected: ["fx_clean"]),
            RuleExample(fixture: "mutants/fx_clean-wx.ko", expected: ["fx_clean"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
        ])

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        var found: [Diagnostic] = []
        let thisModule = module.sections.filter { $0.name == SectionNames.thisModule }
        switch thisModule.count {
        case 0:
            found.append(context.diagnostic(Self.description, "no \(SectionNames.thisModule) section: the loader finds no module in the object"))
        case 1:
            let section = thisModule[0]
            if !section.isAllocated || section.type == Section.typeNobits {
                found.append(context.diagnostic(
                    Self.description, "\(SectionNames.thisModule) is not an allocated section with contents: the loader has no struct module to use",
                    section: section.name))
            }
        default:
            found.append(context.diagnostic(
                Self.description, "\(thisModule.count) \(SectionNames.thisModule) sections: the loader accepts one", section: SectionNames.thisModule))
        }
        let symbolTables = module.sections.filter { $0.type == Section.typeSymtab }
        if symbolTables.isEmpty {
            found.append(context.diagnostic(Self.description, "no symbol table: the loader refuses the module (stripped?)"))
        }
        for section in module.sections where section.isWritable && section.isExecutable {
            found.append(context.diagnostic(
                Self.description, "section \(section.name) (index \(section.index)) is both writable and executable: refused under CONFIG_STRICT_MODULE_RWX",
                section: section.name))
        }
        return found
    }
}
