import LintEngine
import ModuleObject

/// E001: a file that is not a readable ELF module. The run goes on with the other files.
public struct UnreadableInput: InputRule {
    public static let description = RuleDescription(
        code: "E001", name: "unreadable-input", defaultSeverity: .error,
        summary: "The file is not a readable ELF module (truncated, corrupt or unsupported).",
        rationale: """
            A module the linter cannot read is a module nobody checked. The loader would refuse a \
            truncated or corrupt object as well ("invalid ELF header", "module has no symbols").
            """,
        fix: "Rebuild or re-fetch the file; check that the path names a .ko (or .o) module.",
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "broken/fx_clean-truncated.ko", expected: ["fx_clean_truncated"]),
            RuleExample(fixture: "broken/not-elf.ko", expected: ["not_elf"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
        ])

    public init() {}

    public func diagnose(path: String, reason: String) -> Diagnostic {
        let rule = UnreadableInput.description
        return Diagnostic(code: rule.code, name: rule.name, severity: rule.defaultSeverity, path: path,
                          module: ModuleObject.moduleName(fromPath: path), message: "cannot read module: \(reason)")
    }
}
