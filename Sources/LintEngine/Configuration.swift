#if canImport(Glibc)
import Glibc
#endif
import ModuleLayout

/// Rule codes that apply to findings whose module (name or path) or symbol matches a glob.
public struct PatternIgnore: Sendable, Hashable {
    public let pattern: String
    /// Codes or code prefixes.
    public let codes: [String]

    public init(pattern: String, codes: [String]) {
        self.pattern = pattern
        self.codes = codes
    }

    func covers(_ code: String) -> Bool { codes.contains { code.hasPrefix($0) } }

    /// Shell glob (fnmatch(3)); `*` also matches `/`, so `drivers/*` covers a whole subtree.
    func matches(_ text: String) -> Bool { fnmatch(pattern, text, 0) == 0 }
}

/// The choices of one run that are not inputs: which rules, at which severity, what is
/// ignored where, and from which severity on the run fails. Read from `.modlint.yml`
/// (`ConfigurationFile`) and the command line.
public struct Configuration: Sendable, Hashable {
    /// Rule codes or code prefixes to run (`U`, `X00`, `U001`); nil runs every default rule.
    public var select: [String]?
    /// Rule codes or code prefixes not to run.
    public var ignore: [String]
    /// Findings at or above this severity make the exit code 1.
    public var failOn: Severity
    /// Severity by rule code, instead of the rule's default.
    public var severity: [String: Severity]
    /// Codes not reported for modules whose name or path matches.
    public var perModuleIgnores: [PatternIgnore]
    /// Codes not reported for findings whose symbol or referenced symbol matches.
    public var perSymbolIgnores: [PatternIgnore]
    /// The file this was read from, if any.
    public var source: String?
    /// A module that a debug-info rule could not check (no or unreadable DWARF) is an error,
    /// not a note.
    public var requireDebugInfo: Bool
    /// The rules' own options (`RuleOptions`), by type: each rule of the run gets its own.
    public var options: RuleOptionValues
    /// The target's loader, where it differs from the architecture's Debian defaults.
    public var loader: LoaderOverrides
    /// Paths of findings under this directory are reported relative to it (the command
    /// line's `--source-root`, else the current directory): what an editor, a CI log and
    /// GitHub code scanning resolve against the checkout. Nil: as the inputs and the debug
    /// info give them.
    public var sourceRoot: String? = nil

    public init(select: [String]? = nil, ignore: [String] = [], failOn: Severity = .error,
                severity: [String: Severity] = [:], perModuleIgnores: [PatternIgnore] = [],
                perSymbolIgnores: [PatternIgnore] = [], strictSections: Bool = false, source: String? = nil,
                requireDebugInfo: Bool = false, sizeBudget: SizeBudget = SizeBudget(), loader: LoaderOverrides = .none) {
        self.select = select
        self.ignore = ignore
        self.failOn = failOn
        self.severity = severity
        self.perModuleIgnores = perModuleIgnores
        self.perSymbolIgnores = perSymbolIgnores
        self.options = RuleOptionValues()
        self.source = source
        self.requireDebugInfo = requireDebugInfo
        self.loader = loader
        self.strictSections = strictSections
        self.sizeBudget = sizeBudget
    }

    /// `strict-sections`: the section rules' `SectionOptions.strict`.
    public var strictSections: Bool {
        get { options[SectionOptions.self].strict }
        set { options[SectionOptions.self].strict = newValue }
    }

    /// `size-budget`: Z002's options.
    public var sizeBudget: SizeBudget {
        get { options[SizeBudget.self] }
        set { options[SizeBudget.self] = newValue }
    }

    /// E001 is never switched off: a file that could not be read must not vanish from a report.
    /// An opt-in rule (Z001) runs only when `select` names it or its prefix.
    public func isEnabled(_ code: String, optIn: Bool = false) -> Bool {
        if code == "E001" { return true }
        func matches(_ selector: String) -> Bool { code.hasPrefix(selector.uppercased()) }
        if ignore.contains(where: matches) { return false }
        guard let select else { return !optIn }
        return select.contains(where: matches)
    }

    public func isEnabled(_ rule: RuleDescription) -> Bool { isEnabled(rule.code, optIn: rule.isOptIn) }

    /// The findings of a run as this configuration wants them: ignored ones dropped, severities
    /// overridden. Order is kept.
    public func apply(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.compactMap { diagnostic in
            if diagnostic.code != "E001" {
                if perModuleIgnores.contains(where: { $0.covers(diagnostic.code) && ($0.matches(diagnostic.module) || $0.matches(diagnostic.path)) }) {
                    return nil
                }
                let symbols = [diagnostic.symbol, diagnostic.targetSymbol].compactMap { $0 }
                if perSymbolIgnores.contains(where: { ignore in ignore.covers(diagnostic.code) && symbols.contains(where: ignore.matches) }) {
                    return nil
                }
            }
            guard let severity = severity[diagnostic.code], severity != diagnostic.severity else { return diagnostic }
            return diagnostic.with(severity: severity)
        }
    }
}
