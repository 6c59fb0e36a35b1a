import LintEngine

/// X001: code outside the exit sections calls or references `__exit` code.
public struct CodeReferencesExit: ConfigurableRule {
    public static let description = RuleDescription(
        code: "X001", name: "code-references-exit", defaultSeverity: .error,
        summary: "Text outside .exit.* references a function or object in .exit.*.",
        rationale: """
            When the module is built into the kernel, .exit.* sections are discarded at link time \
            (built-in code is never unloaded): a call from ordinary code then jumps into nothing. \
            modpost prints it as a "section mismatch in reference".
            """,
        fix: "Drop __exit from the referenced function, or only call it from the module's exit path.",
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_exitref.ko", expected: ["fx_normal_function -> fx_teardown"]),
            RuleExample(fixture: "linux-6.1-armhf/fx_exitref.ko", expected: ["fx_normal_function -> fx_teardown"]),
            RuleExample(fixture: "linux-6.12-amd64/fx_exitref.ko", expected: ["fx_normal_function -> fx_teardown"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
        ])

    /// `strict-sections`.
    public let options: SectionOptions

    public init(options: SectionOptions) { self.options = options }

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        SectionReference.scan(context, options: options, from: .text, to: [.exitSection]).map {
            $0.diagnostic(Self.description, in: context, why: SectionReference.discardedWhenBuiltIn)
        }
    }
}
