import LintEngine
import ModuleObject

/// D005: a modalias this module claims is claimed by another module of the run too.
public struct AliasClaimedElsewhere: Rule {
    public static let description = RuleDescription(
        code: "D005", name: "alias-claimed-elsewhere", defaultSeverity: .note,
        summary: "Another module of the run claims a modalias this module's device tables produce, or a pattern that matches it.",
        rationale: """
            When a device appears, udev runs modprobe with its modalias and modprobe loads every \
            module whose alias matches: both modules are loaded and the one that registers first \
            binds the device. Often intended (a generic driver and a specific one), sometimes a \
            copied id that sends the device to the wrong driver. depmod merges the claims without \
            a word.
            """,
        fix: "Check that both drivers really handle the device; if one should win, drop the id from the other or blacklist it.",
        kernelVersions: "modules of 5.15–6.13 whose tables modlint decodes (tree mode: the aliases of this module's device tables against the alias= lines of the other modules linted with it; the same string or a glob that matches it as fnmatch would; patterns that merely overlap are not reported)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_rival.ko", alongside: ["linux-6.1-amd64/fx_devtab_dup.ko"], expected: [
                "of:N*T*Cmodlint,fx-other", "of:N*T*Cmodlint,fx-otherC*", "pci:v00008086d00001234sv*sd*bc*sc*i*",
            ]),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_rival.ko", alongside: ["linux-6.1-amd64/fx_devtab_clean.ko"], expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_dup.ko", expected: []),
        ])

    public static let scope = RuleScope.runAliases

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        var seen: Set<String> = []
        var found: [Diagnostic] = []
        // This module's side: the aliases its device tables produce (MODULE_ALIAS() lines such as
        // crypto algorithm names are shared on purpose). The other side: every alias= line of
        // the other modules, as depmod indexes them.
        for alias in module.deviceTableAliases where seen.insert(alias).inserted {
            // The same module twice (signed and unsigned copies, two trees) is not another claimant.
            let others = context.aliases.claimants(covering: alias).filter { $0.path != module.path && $0.module != module.name }
            guard !others.isEmpty else { continue }
            var names: [String] = []
            for other in others {
                let name = other.alias == alias ? other.module : "\(other.module) ('\(other.alias)')"
                if !names.contains(name) { names.append(name) }
            }
            let list = names.count > 5 ? names.prefix(5).joined(separator: ", ") + " and \(names.count - 5) more" : names.joined(separator: ", ")
            found.append(context.diagnostic(
                Self.description,
                "modalias '\(alias)' is also claimed by \(list): modprobe loads all of them for a matching device",
                symbol: alias, section: SectionNames.modinfo))
        }
        return found
    }
}
