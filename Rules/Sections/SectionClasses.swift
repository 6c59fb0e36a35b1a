import LintEngine
import ModuleObject

/// What a section is for, as far as references between sections go.
enum SectionClass: Sendable, Hashable {
    case text, data, initSection, exitSection, export, pciFixup
}

/// modpost's section classes, mismatch table and whitelist for one generation of kernels, as
/// data. Rules pick the generation from the target-kernel profile.
struct SectionTable: Sendable {
    /// First match wins; patterns are exact names, or prefixes when they end in `*`.
    private(set) var classes: [(SectionClass, [SectionPattern])]
    /// Init sections that hold data (for the `__param` exemption).
    let initData: [String]
    /// Suffixes of from-symbols in data whose references to init/exit sections modpost
    /// does not report (structures only used on the init/exit path).
    let dataFromSymbolSuffixes: [String]

    /// Kernels before 6.7: `__meminit`/`__memexit` sections exist and count as init/exit, and
    /// modpost 6.1 exempts more structure names. Its `*driver` exemption for exit targets is not
    /// applied: a built-in driver whose `.remove` is `__exit` jumps into discarded code, which
    /// kernels from 6.10 on report.
    init(classes: [(SectionClass, [String])], initData: [String], dataFromSymbolSuffixes: [String]) {
        self.classes = classes.map { ($0.0, $0.1.map(SectionPattern.init)) }
        self.initData = initData
        self.dataFromSymbolSuffixes = dataFromSymbolSuffixes
    }

    static let before6_7 = SectionTable(
        classes: [
            (.exitSection, [".exit.*", ".memexit.*"]),
            (.initSection, [".init.*", ".meminit.*"]),
            (.text, textSections),
            (.data, dataSections),
            (.export, exportSections),
            (.pciFixup, pciFixupSections),
        ],
        initData: [".init.setup", ".init.rodata", ".init.data", ".meminit.rodata", ".meminit.data"],
        dataFromSymbolSuffixes: ["_template", "_timer", "_sht", "_ops", "_probe", "_probe_one", "_console"])

    /// Kernels from 6.7 on: `__meminit` is plain code or `__init`, `__memexit` is gone.
    static let since6_7 = SectionTable(
        classes: [
            (.exitSection, [".exit.*"]),
            (.initSection, [".init.*"]),
            (.text, textSections),
            (.data, dataSections),
            (.export, exportSections),
            (.pciFixup, pciFixupSections),
        ],
        initData: [".init.setup", ".init.rodata", ".init.data"],
        dataFromSymbolSuffixes: ["_ops", "_probe", "_console"])

    static func forContext(_ context: ModuleContext, options: SectionOptions) -> SectionTable {
        let table = context.profile.isBefore(KernelVersion(6, 7)) ? before6_7 : since6_7
        return options.strict ? table.strict : table
    }

    /// The stricter mode: constant and other data sections are sources too. A reference from
    /// `.rodata` into `.init.text` can be legitimate (a switch's jump table inside an `__init`
    /// function, on kernels built without -fno-jump-tables), which is why modpost leaves them out.
    static let strictDataSections = [".rodata", ".rodata.*", ".data.rel.ro", ".data.rel.ro.*", ".data.*"]

    var strict: SectionTable {
        var copy = self
        copy.classes = classes.map { sectionClass, patterns in
            (sectionClass, sectionClass == .data ? patterns + SectionTable.strictDataSections.map(SectionPattern.init) : patterns)
        }
        return copy
    }

    /// `.text.*` counts as text on every generation (modpost 6.1 listed only `.text` and a few
    /// named text sections, so with `-ffunction-sections` builds it checked almost nothing).
    static let textSections = [".text", ".text.*", ".sched.text", ".kprobes.text", ".cpuidle.text", ".noinstr.text",
                               ".ltext", ".ltext.*"]
    /// modpost checks `.data` and `.data.rel`. Architectures that build modules as
    /// position-independent code (s390x) put the same initialised structures in
    /// `.data.rel.local`, where modpost misses every `.remove = fx_remove` into `.exit.text`;
    /// they are checked here too. `.rodata`, `.data.rel.ro` and `.data..*` are not sources.
    static let dataSections = [".data", ".data.rel", ".data.rel.local"]
    /// The export tables of a `.ko` (merged) and of a `.o` before 6.5 (one section per symbol).
    static let exportSections = ["__ksymtab", "__ksymtab_gpl", "___ksymtab+*", "___ksymtab_gpl+*"]
    static let pciFixupSections = [".pci_fixup_early", ".pci_fixup_header", ".pci_fixup_final", ".pci_fixup_enable",
                                   ".pci_fixup_resume", ".pci_fixup_resume_early", ".pci_fixup_suspend"]

    func classOf(_ name: String) -> SectionClass? {
        var name = name
        return name.withUTF8 { bytes in
            classes.first { _, patterns in patterns.contains { $0.matches(bytes) } }?.0
        }
    }

    /// modpost's whitelist (`secref_whitelist`), minus the `*driver` exemption.
    func allows(_ reference: SectionReference, from: SectionClass, to: SectionClass) -> Bool {
        let fromSymbol = reference.fromSymbol ?? ""
        if from == .data && to == .initSection {
            // Module parameters in __initdata (perm 0) and their ops.
            if fromSymbol.hasPrefix("__param") && initData.contains(reference.toSection) { return true }
            if fromSymbol.hasPrefix("__param_ops_") && reference.toSection == ".init.text" { return true }
        }
        if from == .data && (to == .initSection || to == .exitSection),
           dataFromSymbolSuffixes.contains(where: { fromSymbol.hasSuffix($0) }) {
            return true
        }
        if to == .initSection && ["__init_begin", "_sinittext", "_einittext"].contains(reference.toSymbol ?? "") {
            return true
        }
        // gcc's constant-propagated clones of __init code called from text.
        if from == .text && to == .initSection && fromSymbol.contains(".constprop.") { return true }
        return false
    }
}

/// A section name pattern: an exact name, or a prefix when written with a trailing `*`.
/// Compared as bytes: section names are ASCII, and this runs for every section of every
/// module of a tree.
struct SectionPattern: Sendable {
    let bytes: [UInt8]
    let isPrefix: Bool

    init(_ pattern: String) {
        isPrefix = pattern.hasSuffix("*")
        bytes = Array((isPrefix ? String(pattern.dropLast()) : pattern).utf8)
    }

    func matches(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard isPrefix ? name.count >= bytes.count : name.count == bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { pattern in
            pattern.isEmpty || memcmp(pattern.baseAddress!, name.baseAddress!, pattern.count) == 0
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
