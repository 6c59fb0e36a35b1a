import LintEngine

/// The report for a person at a terminal, in the shape compilers use so editors and `grep`
/// read it: `path: severity: message [CODE name]`, then one summary line. A finding the
/// module's debug info places in its sources says so after the module, as a compiler would:
/// `path: drivers/foo.c:42:5: severity: message [CODE name]`.
///
/// `grouped` (used when the report goes to a terminal) puts each module's findings under one
/// heading instead of repeating its path; `colour` adds ANSI SGR colour. Both off gives the
/// plain compiler shape, byte for byte, whatever the environment.
public struct TextReporter: Sendable {
    public var colour: Bool
    public var grouped: Bool

    public init(colour: Bool = false, grouped: Bool = false) {
        self.colour = colour
        self.grouped = grouped
    }

    public func render(_ result: LintResult) -> String {
        var out = ""
        if grouped {
            var previousPath: String?
            for diagnostic in result.diagnostics {
                if diagnostic.path != previousPath {
                    if previousPath != nil { out += "\n" }
                    out += paint(diagnostic.path, .bold) + paint(" (\(diagnostic.module))", .dim) + "\n"
                    previousPath = diagnostic.path
                }
                out += "  " + line(diagnostic) + "\n"
            }
            if previousPath != nil { out += "\n" }
        } else {
            for diagnostic in result.diagnostics {
                out += paint(diagnostic.path, .bold) + ": " + line(diagnostic) + "\n"
            }
        }
        for notice in result.notices {
            let severity = paint(notice.severity.rawValue + ":", Self.style(of: notice.severity))
            out += "modlint: \(severity) \(notice.message) " + paint("[\(notice.code) \(notice.name)]", .dim) + "\n"
        }
        out += summary(result) + "\n"
        return out
    }

    private func line(_ diagnostic: Diagnostic) -> String {
        let severity = paint(diagnostic.severity.rawValue + ":", Self.style(of: diagnostic.severity))
        let place = diagnostic.location.map { paint("\($0):", .bold) + " " } ?? ""
        return "\(place)\(severity) \(diagnostic.message) " + paint("[\(diagnostic.code) \(diagnostic.name)]", .dim)
    }

    public func summary(_ result: LintResult) -> String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        func counted(_ severity: Severity, _ word: String) -> String {
            let text = plural(result.count(severity), word)
            return result.count(severity) > 0 ? paint(text, Self.style(of: severity)) : text
        }
        var line = "\(counted(.error, "error")), \(counted(.warning, "warning")), \(counted(.note, "note"))"
        line += " in \(plural(result.modules, "module"))"
        if result.unreadable > 0 { line += " (\(result.unreadable) of \(plural(result.files, "file")) unreadable)" }
        return line
    }

    enum SGR: String {
        case bold = "1", dim = "2", red = "1;31", yellow = "1;33", cyan = "1;36"
    }

    static func style(of severity: Severity) -> SGR {
        switch severity {
        case .error: return .red
        case .warning: return .yellow
        case .note: return .cyan
        }
    }

    private func paint(_ text: String, _ sgr: SGR) -> String {
        colour ? "\u{1B}[\(sgr.rawValue)m\(text)\u{1B}[0m" : text
    }
}
