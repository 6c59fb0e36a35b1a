import LintEngine
import ModuleObject

/// M005: the module name does not fit MODULE_NAME_LEN.
public struct ModuleNameTooLong: Rule {
    public static let description = RuleDescription(
        code: "M005", name: "module-name-too-long", defaultSeverity: .error,
        summary: "The module's name does not fit MODULE_NAME_LEN (56 bytes with the NUL on 64-bit, 60 on 32-bit).",
        rationale: """
            struct module keeps the name in char name[MODULE_NAME_LEN], MODULE_NAME_LEN being \
            64 - sizeof(unsigned long). modpost refuses longer names ("module name is too long \
            [<mod>.ko]"); a module file renamed past the limit no longer matches the name it \
            loads under, which breaks modprobe, rmmod and depmod's bookkeeping.
            """,
        fix: "Shorten the module's file name (obj-m name) to at most 55 characters (59 on 32-bit).",
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "mutants/fx_clean_renamed_to_a_name_much_longer_than_module_name_len.ko", expected: ["fx_clean"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
        ])

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        let limit = 64 - module.identity.pointerSize
        let candidates = [ModuleObject.moduleName(fromPath: module.path), module.modinfo.name ?? ""]
        guard let long = candidates.first(where: { $0.utf8.count >= limit }) else { return [] }
        return [context.diagnostic(
            Self.description,
            "module name is too long: '\(long)' is \(long.utf8.count) bytes, MODULE_NAME_LEN allows \(limit - 1) plus the NUL")]
    }
}
