import LintEngine
import ModuleLayout
import ModuleObject

/// Z001: the module's core footprint and its size class.
public struct SizeClass: Rule {
    public static let description = RuleDescription(
        code: "Z001", name: "size-class", defaultSeverity: .note,
        summary: "The module's core is under one page (kmalloc class) but the loader gives it whole pages: what it takes and what it uses.",
        rationale: """
            The loader allocates a module's core (text, rodata, ro_after_init, data, bss and the \
            symbol table kallsyms keeps) from vmalloc space, in whole pages, and with \
            STRICT_MODULE_RWX (6.1) or always (6.4 and later) every region on its own pages. A \
            module whose core is under one page takes several pages for a few hundred bytes: \
            the question the module-loader authors asked in 2002 ("412 of 1129 modules have \
            .text + .data < 4096"). Z001 names those kmalloc-class modules, with their figures; \
            modules of a page or more (vmalloc class) are not reported. Off by default in \
            `check`; `modlint sizes` gives every module's class and the tree's count.
            """,
        fix: "Nothing to fix: this is a report. Merge tiny modules, or build them in, when their pages matter.",
        kernelVersions: "all (layout of 6.1: core/init layouts; 6.4 and later: module_memory regions)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_size_small.ko", expected: ["kmalloc"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_size_large.ko", expected: []),
        ],
        isOptIn: true)

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let f = context.footprint
        guard f.sizeClass == .kmalloc else { return [] }
        let approximate = f.isExact ? "" : " (lower bound: the architecture sizes \(f.archSizedSections.joined(separator: ", ")) at load time)"
        let classText = "kmalloc class: the core is under one \(f.pageSize)-byte page"
        return [context.diagnostic(
            Self.description,
            "core \(f.core) bytes (text \(f.text), rodata \(f.rodata), ro_after_init \(f.roAfterInit), data \(f.data), "
                + "bss \(f.bss), kallsyms \(f.kallsyms)), allocated \(f.coreAllocated) bytes in \(f.corePages) pages; "
                + "init \(f.initAllocated) bytes while loading; \(classText)\(approximate)",
            symbol: f.sizeClass.rawValue)]
    }
}
