import KernelSymbols
import LintEngine
import ModuleObject

/// U004: the CRC a module recorded in `__versions` differs from the one its provider exports.
public struct SymbolVersionMismatch: Rule {
    public static let description = RuleDescription(
        code: "U004", name: "symbol-version-mismatch", defaultSeverity: .error,
        summary: "The CRC of an import in __versions differs from the CRC the kernel or the providing module exports.",
        rationale: """
            With CONFIG_MODVERSIONS the loader compares, for every symbol it resolves, the CRC the \
            module was built with (its __versions table, computed from the headers it was compiled \
            against) with the CRC the provider publishes in __kcrctab. A difference means the symbol's \
            type signature changed: the load fails with "<mod>: disagrees about version of symbol \
            <sym>" and "Unknown symbol <sym> (err -22)". module_layout, which stands for struct module \
            itself, is checked first. depmod -e -E reports the same as "disagrees about version".
            """,
        fix: "Rebuild the module against the headers (and Module.symvers) of the kernel it is meant to load into.",
        kernelVersions: "all kernels built with CONFIG_MODVERSIONS",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", symbols: "symtabs/crc-mismatch-6.1-amd64.symvers",
                        expected: ["_printk", "module_layout"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", symbols: "linux-6.1-amd64/Module.symvers", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_importer.ko", alongside: ["linux-6.1-amd64/fx_exporter.ko"],
                        symbols: "linux-6.1-amd64/Module.symvers", expected: []),
        ])

    public static let scope = RuleScope.run

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        guard !module.versions.isEmpty else { return [] }
        let weak = Set(module.imports.filter(\.isWeak).map(\.name))
        var seen = Set<String>()
        return module.versions.compactMap { version in
            guard !weak.contains(version.name), seen.insert(version.name).inserted,
                  let provider = context.resolver.resolve(version.name, importer: module.path),
                  let crc = provider.crc, UInt64(crc) != version.crc else { return nil }
            return context.diagnostic(
                Self.description,
                "disagrees about version of symbol \(version.name): the module was built against CRC \(hex(version.crc)), \(provider.ownerDescription) exports it with CRC \(hex(UInt64(crc)))",
                symbol: version.name, section: SectionNames.versions)
        }
    }
}

func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
