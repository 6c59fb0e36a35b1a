import LintEngine

/// X004: `__init` code references `__exit` code, or the other way round.
public struct InitExitCrossReference: ConfigurableRule {
    public static let description = RuleDescription(
        code: "X004", name: "init-exit-cross-reference", defaultSeverity: .warning,
        summary: "An .init.* section references .exit.*, or an .exit.* section references .init.*.",
        rationale: """
            Exit code is discarded when the module is built in, so init code calling an __exit \
            function (typically on its error path) jumps into nothing there. Init code is freed \
            after init, so exit code calling it runs freed memory when the module is unloaded.
            """,
        fix: "Move the shared part into a function that is neither __init nor __exit.",
        kernelVersions: "all (before 6.7 `.meminit.*`/`.memexit.*` count as init/exit too)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_initref.ko",
                        expected: ["fx_exit_calls_init -> fx_late_init_helper", "fx_init_calls_exit -> fx_cleanup_hw"]),
            RuleExample(fixture: "linux-6.1-armhf/fx_initref.ko",
                        expected: ["fx_exit_calls_init -> fx_late_init_helper", "fx_init_calls_exit -> fx_cleanup_hw"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_exitref.ko", expected: []),
        ])

    /// `strict-sections`.
    public let options: SectionOptions

    public init(options: SectionOptions) { self.options = options }

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        SectionReference.scan(context, options: options, from: .initSection, to: [.exitSection]).map {
            $0.diagnostic(Self.description, in: context, why: SectionReference.discardedWhenBuiltIn)
        } + SectionReference.scan(context, options: options, from: .exitSection, to: [.initSection]).map {
            $0.diagnostic(Self.description, in: context, why: "which was freed when the module's init finished")
        }
    }
}
