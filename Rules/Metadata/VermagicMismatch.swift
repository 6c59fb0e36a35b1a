import LintEngine
import ModuleObject

/// M003: the module's vermagic differs from the target kernel's.
public struct VermagicMismatch: Rule {
    public static let description = RuleDescription(
        code: "M003", name: "vermagic-mismatch", defaultSeverity: .error,
        summary: "The module's vermagic differs from the target kernel's.",
        rationale: """
            The loader compares the module's vermagic with its own and refuses a difference: \
            "<mod>: version magic '<module's>' should be '<kernel's>'" (-ENOEXEC). When the module \
            has a __versions table the release (the part before the first space) is not compared, \
            because the CRCs check the ABI symbol by symbol; the configuration words (SMP, preempt, \
            mod_unload, modversions, the architecture, RANDSTRUCT) still must match. The target is \
            --kernel-version (a release or a whole vermagic) or the vermagic of a module tree given \
            as symbol source.
            """,
        fix: "Rebuild the module against the target kernel's headers and configuration.",
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko",
                        kernelVersion: "6.1.0-50-amd64 SMP mod_unload modversions ", expected: ["fx_clean"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko",
                        kernelVersion: "6.1.0-51-amd64 SMP preempt mod_unload modversions ", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", kernelVersion: "6.1.0-51-amd64", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
        ])

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        guard context.target.isKnown, let vermagic = module.modinfo.vermagic else { return [] }
        let words = TargetKernel.words(vermagic)
        let hasVersions = !module.versions.isEmpty
        if let target = context.target.vermagic {
            let targetWords = TargetKernel.words(target)
            let same = hasVersions ? words.dropFirst().elementsEqual(targetWords.dropFirst()) : words == targetWords
            guard !same else { return [] }
            return [context.diagnostic(
                Self.description,
                "version magic '\(vermagic)' should be '\(target)'"
                    + (hasVersions ? " (the release may differ, the module has __versions; the configuration words may not)" : ""))]
        }
        // Only the release is known: it matters only without __versions.
        guard let release = context.target.release, !hasVersions, words.first.map(String.init) != release else { return [] }
        return [context.diagnostic(
            Self.description,
            "version magic '\(vermagic)' is for release \(words.first ?? "?"), the target is \(release) (no __versions, so the release must match)")]
    }
}
