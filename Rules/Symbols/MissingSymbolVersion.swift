import KernelSymbols
import LintEngine
import ModuleObject

/// U005: a modversions kernel, but an import has no `__versions` entry.
public struct MissingSymbolVersion: Rule {
    public static let description = RuleDescription(
        code: "U005", name: "missing-symbol-version", defaultSeverity: .warning,
        summary: "The kernel uses modversions, but an import whose provider has a CRC has no __versions entry.",
        rationale: """
            On a CONFIG_MODVERSIONS kernel the loader looks each resolved symbol up in the module's \
            __versions table. No entry for a symbol whose exporter has a CRC is accepted with a \
            one-time "<mod>: no symbol version for <sym>" (and the ABI of that symbol goes \
            unchecked); a module with no __versions table at all is a forced load: it taints the \
            kernel, and without CONFIG_MODULE_FORCE_LOAD it is refused. modpost leaves an import out \
            of __versions when the exporter had no CRC ("has no CRC!"). A module with the extended \
            tables of 6.14+ (__version_ext_crcs, __version_ext_names) is looked up there only: a \
            symbol missing from them is accepted with "no extended symbol version for <sym>", even \
            when __versions has it.
            """,
        fix: "Rebuild the module with the provider's Module.symvers (KBUILD_EXTRA_SYMBOLS) so every import gets its CRC.",
        kernelVersions: "all kernels built with CONFIG_MODVERSIONS (vermagic contains 'modversions')",
        examples: [
            RuleExample(fixture: "mutants/fx_importer-noversion.ko", alongside: ["linux-6.1-amd64/fx_exporter.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: ["fx_exported_plain"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_importer.ko", alongside: ["linux-6.1-amd64/fx_exporter.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: []),
            RuleExample(fixture: "mutants/fx_ext_user-ext-name.ko", symbols: "linux-7.2-amd64/fx_modexp-crcs.symvers",
                        kernelVersion: modversionsVermagic, expected: ["fx_plain"]),
            RuleExample(fixture: "linux-7.2-amd64/fx_ext_user.ko", symbols: "linux-7.2-amd64/fx_modexp-crcs.symvers",
                        kernelVersion: modversionsVermagic, expected: []),
        ])

    /// Debian's 7.2 kernels are built without modversions; the extended-modversions fixture is
    /// linted as for the same kernel with them.
    static let modversionsVermagic = "7.2.13+deb14-amd64 SMP preempt mod_unload modversions "

    public static let scope = RuleScope.run

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        let vermagic = context.target.vermagic ?? module.modinfo.vermagic
        guard let vermagic, TargetKernel.has(word: "modversions", in: vermagic) else { return [] }
        let table = VersionTable.of(context)
        let versioned = table.crcOf
        let missing = context.resolvedImports.filter { resolved in
            guard let provider = resolved.provider, provider.crc != nil else { return false }
            return versioned[resolved.symbol.name] == nil
        }.map(\.symbol)
        guard !missing.isEmpty else { return [] }
        // With extended versions the loader warns "no extended symbol version for <sym>" and
        // goes on; it never forces the load for a missing entry there.
        if table.isExtended {
            return missing.map { symbol in
                context.diagnostic(
                    Self.description,
                    "no extended symbol version for \(symbol.name): its provider has a CRC but __version_ext_names has no entry (the loader does not look in __versions), so its ABI is not checked at load",
                    symbol: symbol.name)
            }
        }
        if module.versions.isEmpty {
            return [context.diagnostic(
                Self.description,
                "no __versions table on a modversions kernel: the module loads only when forced (and taints the kernel)")]
        }
        return missing.map { symbol in
            context.diagnostic(
                Self.description,
                "no symbol version for \(symbol.name): its provider has a CRC but __versions has no entry, so its ABI is not checked at load",
                symbol: symbol.name)
        }
    }
}
