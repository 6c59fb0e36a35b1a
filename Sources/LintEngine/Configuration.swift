/// The choices of one run that are not inputs: which rules, and from which severity on the
/// run fails.
public struct Configuration: Sendable, Hashable {
    /// Rule codes or code prefixes to run (`U`, `X00`, `U001`); nil runs every default rule.
    public var select: [String]?
    /// Rule codes or code prefixes not to run.
    public var ignore: [String]
    /// Findings at or above this severity make the exit code 1.
    public var failOn: Severity
    /// A module that a debug-info rule could not check (no or unreadable DWARF) is an error,
    /// not a note.
    public var requireDebugInfo: Bool

    public init(select: [String]? = nil, ignore: [String] = [], failOn: Severity = .error, requireDebugInfo: Bool = false) {
        self.select = select
        self.ignore = ignore
        self.failOn = failOn
        self.requireDebugInfo = requireDebugInfo
    }

    /// E001 is never switched off: a file that could not be read must not vanish from a report.
    public func isEnabled(_ code: String) -> Bool {
        if code == "E001" { return true }
        func matches(_ selector: String) -> Bool { code.hasPrefix(selector.uppercased()) }
        if ignore.contains(where: matches) { return false }
        guard let select else { return true }
        return select.contains(where: matches)
    }
}
