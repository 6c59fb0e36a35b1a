import LintEngine

/// X005: EXPORT_SYMBOL of an `__init` or `__exit` symbol.
public struct ExportedInitOrExit: ConfigurableRule {
    public static let description = RuleDescription(
        code: "X005", name: "exported-init-or-exit", defaultSeverity: .warning,
        summary: "EXPORT_SYMBOL of a symbol in .init.* or .exit.*.",
        rationale: """
            Another module can call an exported symbol at any time, but an __init symbol is freed \
            after init and an __exit symbol is discarded when built in. modpost warns "EXPORT_SYMBOL \
            used for init/exit symbol".
            """,
        fix: "Remove __init/__exit from the symbol, or stop exporting it.",
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_initref.ko", expected: ["__ksymtab_fx_exported_init -> fx_exported_init"]),
            RuleExample(fixture: "linux-6.1-i386/fx_initref.ko", expected: ["__ksymtab_fx_exported_init -> fx_exported_init"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_exporter.ko", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
        ])

    /// `strict-sections`.
    public let options: SectionOptions

    public init(options: SectionOptions) { self.options = options }

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        SectionReference.scan(context, options: options, from: .export, to: [.initSection, .exitSection]).map { reference in
            let exported = reference.toDescription
            return context.diagnostic(
                Self.description,
                "EXPORT_SYMBOL of \(exported), which is in \(reference.toSection): \(reference.toSection.hasPrefix(".init") ? "freed once the module's init has run" : "discarded when the code is built in")",
                symbol: reference.fromSymbol, place: reference.objectPlace,
                targetSymbol: exported, targetSection: reference.toSection)
        }
    }
}
