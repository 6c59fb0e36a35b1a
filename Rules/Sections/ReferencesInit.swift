import LintEngine

/// X003: code or data that stays after init references `__init` code or data.
public struct ReferencesInit: ConfigurableRule {
    public static let description = RuleDescription(
        code: "X003", name: "references-init", defaultSeverity: .warning,
        summary: "Core text or data (or a PCI fixup) references .init.*, which is freed after init.",
        rationale: """
            The loader frees a module's .init.* sections once its init function has returned (the \
            kernel frees its own after boot). A call or pointer from code that runs later then \
            reaches freed memory. modpost prints it as a "section mismatch in reference".
            """,
        fix: """
            Drop __init/__initdata from the target, or only use it from init code; a reference that \
            is really only taken during init can live in a __ref function or __refdata object.
            """,
        kernelVersions: "all (before 6.7 `.meminit.*` counts as init too)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_initref.ko",
                        expected: ["fx_holder -> fx_setup_data", "fx_text_calls_init -> fx_setup_once"]),
            RuleExample(fixture: "linux-6.12-amd64/fx_initref.ko",
                        expected: ["fx_holder -> fx_setup_data", "fx_text_calls_init -> fx_setup_once"]),
            RuleExample(fixture: "linux-6.1-s390x/fx_initref.ko",
                        expected: ["fx_holder -> fx_setup_data", "fx_text_calls_init -> fx_setup_once"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_rodataref.ko", options: [SectionOptions(strict: true)],
                        expected: ["fx_const_table_init -> fx_const_start"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_rodataref.ko", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_exitref.ko", expected: []),
        ])

    /// `strict-sections`.
    public let options: SectionOptions

    public init(options: SectionOptions) { self.options = options }

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        [SectionClass.text, .data, .pciFixup].flatMap { from in
            SectionReference.scan(context, options: options, from: from, to: [.initSection]).map {
                $0.diagnostic(Self.description, in: context, why: SectionReference.freedAfterInit)
            }
        }
    }
}
