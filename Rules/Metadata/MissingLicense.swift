import LintEngine

/// M001: no MODULE_LICENSE().
public struct MissingLicense: Rule {
    public static let description = RuleDescription(
        code: "M001", name: "missing-license", defaultSeverity: .error,
        summary: "The module has no MODULE_LICENSE().",
        rationale: """
            modpost refuses to build it ("missing MODULE_LICENSE() in <file>"). A module loaded \
            without a license taints the kernel as proprietary and cannot use GPL-only symbols.
            """,
        fix: "Add MODULE_LICENSE(\"GPL\") (or the license the code is really under).",
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_nolicense.ko", expected: ["fx_nolicense"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_gplonly.ko", expected: []),
        ])

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        guard context.module.modinfo.licenses.isEmpty else { return [] }
        return [context.diagnostic(Self.description, "no MODULE_LICENSE(): modpost refuses to build this module, and loading it taints the kernel")]
    }
}
