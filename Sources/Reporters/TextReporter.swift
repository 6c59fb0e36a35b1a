import LintEngine

/// The report for a person at a terminal, in the shape compilers use so editors and `grep`
/// read it: `path: severity: message [CODE name]`, then one summary line.
public struct TextReporter: Sendable {
    public init() {}

    public func render(_ result: LintResult) -> String {
        var out = ""
        for diagnostic in result.diagnostics {
            out += "\(diagnostic.path): \(diagnostic.severity.rawValue): \(diagnostic.message) [\(diagnostic.code) \(diagnostic.name)]\n"
        }
        out += summary(result) + "\n"
        return out
    }

    public func summary(_ result: LintResult) -> String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        var line = "\(plural(result.count(.error), "error")), \(plural(result.count(.warning), "warning")), \(plural(result.count(.note), "note"))"
        line += " in \(plural(result.modules, "module"))"
        if result.unreadable > 0 { line += " (\(result.unreadable) of \(plural(result.files, "file")) unreadable)" }
        return line
    }
}
