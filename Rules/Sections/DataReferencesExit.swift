import LintEngine
import ModuleObject

/// X002: data (typically a driver structure's `.remove`) points at `__exit` code.
public struct DataReferencesExit: ConfigurableRule {
    public static let description = RuleDescription(
        code: "X002", name: "data-references-exit", defaultSeverity: .warning,
        summary: "Data in .data references a function or object in .exit.* (e.g. .remove marked __exit); with strict-sections also constant data.",
        rationale: """
            .exit.* is discarded when the code is built in, so the pointer dangles: a driver whose \
            .remove is __exit crashes on unbind. modpost 6.1 hides the case for structures named \
            *driver; kernels from 6.10 on report it. A platform driver registered only through \
            platform_driver_probe() (__platform_driver_probe, also behind \
            platform_create_bundle()) is exempt: that call binds the devices present at \
            registration once, sets suppress_bind_attrs so that they can never be unbound from \
            user space, and never probes again, so .remove runs only from \
            platform_driver_unregister() in the module's exit — which a built-in driver never \
            reaches. This is why modpost let such structures reference __exit code (upstream marks \
            them __refdata since kernels that report *driver structures).
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
            RuleExample(fixture: "linux-6.1-amd64/fx_rodataref.ko", options: [SectionOptions(strict: true)],
                        expected: ["fx_const_table_exit -> fx_const_stop"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_rodataref.ko", expected: []),
        ])

    /// `strict-sections`.
    public let options: SectionOptions

    public init(options: SectionOptions) { self.options = options }

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        // modpost exempted structures named *driver until 6.10 (W=1 only from 6.7).
        let exemptedByModpost = context.profile.isBefore(KernelVersion(6, 10))
        var probedOnce: Set<String>?
        return SectionReference.scan(context, options: options, from: .data, to: [.exitSection]).compactMap { reference in
            if let from = reference.fromSymbol {
                if probedOnce == nil { probedOnce = Self.registeredOnlyByProbe(context.module) }
                if probedOnce!.contains(from) { return nil }
            }
            let exempted = exemptedByModpost && reference.fromSymbol?.hasSuffix("driver") == true
            return reference.diagnostic(
                Self.description, in: context, why: SectionReference.discardedWhenBuiltIn,
                note: exempted ? " (modpost of this kernel does not report it: it exempts symbols named *driver)" : "")
        }
    }

    /// The functions that register a platform driver, and whether each binds only once.
    static let platformRegistrations: [String: Bool] = [
        "__platform_driver_probe": true, "__platform_create_bundle": true,
        "__platform_driver_register": false, "__platform_register_drivers": false,
    ]

    /// Data symbols the module's code hands to a platform-driver registration, each time to
    /// one that binds once (`__platform_driver_probe`): the nearest registration call after
    /// each code reference to the symbol, in the same section, decides.
    static func registeredOnlyByProbe(_ module: ModuleObject) -> Set<String> {
        guard module.importNames.contains("__platform_driver_probe") || module.importNames.contains("__platform_create_bundle")
        else { return [] }
        var once: Set<String> = []
        var again: Set<String> = []
        for relocationSection in module.relocationSections {
            guard relocationSection.targetSectionIndex < module.sections.count,
                  module.sections[relocationSection.targetSectionIndex].isExecutable else { continue }
            let relocations = relocationSection.relocations.sorted { $0.offset < $1.offset }
            var pending: [String] = []
            for relocation in relocations where relocation.symbolIndex < module.symbols.count {
                let symbol = module.symbols[relocation.symbolIndex]
                if let bindsOnce = platformRegistrations[symbol.name] {
                    for name in pending { if bindsOnce { once.insert(name) } else { again.insert(name) } }
                    pending = []
                } else if symbol.type == Symbol.typeObject, symbol.sectionIndex != nil, !symbol.name.isEmpty {
                    pending.append(symbol.name)
                } else if symbol.isSectionSymbol, let index = symbol.sectionIndex, relocation.addendIsKnown {
                    // A local object named through its section: the symbol at that place.
                    let address = UInt64(bitPattern: Int64(bitPattern: symbol.value) &+ relocation.addend)
                    if let named = module.symbols.first(where: { $0.sectionIndex == index && $0.type == Symbol.typeObject && $0.value == address }) {
                        pending.append(named.name)
                    }
                }
            }
        }
        return once.subtracting(again)
    }
}
