import LintEngine
import ModuleObject

/// X002: data (typically a driver structure's `.remove`) points at `__exit` code.
public struct DataReferencesExit: Rule {
    public static let description = RuleDescription(
        code: "X002", name: "data-references-exit", defaultSeverity: .warning,
        summary: "Data in .data references a function or object in .exit.* (e.g. .remove marked __exit); with strict-sections also constant data.",
        rationale: """
            .exit.* is discarded when the code is built in, so the pointer dangles: a driver whose \
            .remove is __exit crashes on unbind. modpost 6.1 hides the case for structures named \
            *driver; kernels from 6.10 on report it.
            """,
        fix: "Remove __exit from the function (and __exit_p() from the reference).",
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_exitref.ko",
                        expected: ["fx_pdrv_nowl -> fx_remove2", "fx_platform_driver -> fx_remove"]),
            RuleExample(fixture: "linux-6.1-s390x/fx_exitref.ko",
                        expected: ["fx_pdrv_nowl -> fx_remove2", "fx_platform_driver -> fx_remove"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_initref.ko", expected: []),
            // .rodata is a source only in the strict mode.
            RuleExample(fixture: "linux-6.1-amd64/fx_rodataref.ko", strictSections: true,
                        expected: ["fx_const_table_exit -> fx_const_stop"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_rodataref.ko", expected: []),
        ])

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        // modpost exempted structures named *driver until 6.10 (W=1 only from 6.7).
        let exemptedByModpost = context.profile.isBefore(KernelVersion(6, 10))
        return SectionReference.scan(context, from: .data, to: [.exitSection]).map { reference in
            let exempted = exemptedByModpost && reference.fromSymbol?.hasSuffix("driver") == true
            return reference.diagnostic(
                Self.description, in: context, why: SectionReference.discardedWhenBuiltIn,
                note: exempted ? " (modpost of this kernel does not report it: it exempts symbols named *driver)" : "")
        }
    }
}
