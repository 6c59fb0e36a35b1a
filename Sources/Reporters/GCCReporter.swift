import LintEngine

/// One line per finding in the shape gcc prints, `file:line:column: severity: message [CODE]`,
/// which vim's quickfix (`%f:%l:%c: %t%*[^:]: %m`), Emacs' compilation mode and VS Code's
/// `$gcc` problem matcher read. When the module's debug info gives a source line, that is the
/// location (`file:line:column:`, or `file:line:` without a column), and the module follows
/// the code (`[X001] (in path/to/module.ko)`). Otherwise the location is the module file at
/// line 1, column 1, because those readers need a number there (a line-less
/// `file: severity:` form is skipped by most of them). Newlines in a message would start a
/// bogus entry, so they become spaces. No summary: every line is a finding.
public struct GCCReporter: Sendable {
    public init() {}

    public func render(_ result: LintResult) -> String {
        var out = ""
        for diagnostic in result.diagnostics {
            let message = diagnostic.message.split(whereSeparator: \.isNewline).joined(separator: " ")
            if let location = diagnostic.location {
                out += "\(location): \(diagnostic.severity.rawValue): \(message) [\(diagnostic.code)] (in \(diagnostic.path))\n"
            } else {
                out += "\(diagnostic.path):1:1: \(diagnostic.severity.rawValue): \(message) [\(diagnostic.code)]\n"
            }
        }
        return out
    }
}
