/// Section classes and the mismatch table, as data. The names follow modpost's: `.text.*`
/// counts as text, as it does in modpost since 6.7 (6.1 listed only `.text` and a handful of
/// named text sections, so a reference from `.text.unlikely.foo` went unreported there).
enum SectionClass: Sendable, Hashable {
    case text, data, initSection, exitSection

    /// First match wins; patterns are exact names, or prefixes when they end in `*`.
    static let patterns: [(SectionClass, [String])] = [
        (.exitSection, [".exit.*", ".memexit.*"]),
        (.initSection, [".init.*", ".meminit.*"]),
        (.text, [".text", ".text.*", ".sched.text", ".kprobes.text", ".cpuidle.text", ".noinstr.text", ".ltext", ".ltext.*"]),
        // modpost checks `.data` and `.data.rel`. Architectures that build modules as
        // position-independent code (s390x) put the same initialised structures in
        // `.data.rel.local`, where modpost misses every `.remove = fx_remove` into `.exit.text`;
        // they are checked here too. `.rodata`, `.data.rel.ro` and `.data..*` are not sources.
        (.data, [".data", ".data.rel", ".data.rel.local"]),
    ]

    static func of(_ name: String) -> SectionClass? {
        for (sectionClass, names) in patterns where names.contains(where: { matches(name, $0) }) { return sectionClass }
        return nil
    }

    static func matches(_ name: String, _ pattern: String) -> Bool {
        if pattern.hasSuffix("*") { return name.hasPrefix(pattern.dropLast()) }
        return name == pattern
    }
}

/// References modpost does not report because the from-symbol's name says the structure is
/// only used on the init/exit path. The list is the one current kernels use; 6.1's longer
/// list (`*_template`, `*_timer`, `*_sht`, `*_probe_one`, and `*driver` for exit targets)
/// hid real bugs, above all `.remove = __exit_p(fn)` in a `*_driver`.
enum ReferenceWhitelist {
    static let dataFromSymbolSuffixes = ["_ops", "_probe", "_console"]

    static func allows(fromClass: SectionClass, fromSymbol: String?) -> Bool {
        guard fromClass == .data, let fromSymbol else { return false }
        return dataFromSymbolSuffixes.contains { fromSymbol.hasSuffix($0) }
    }
}
