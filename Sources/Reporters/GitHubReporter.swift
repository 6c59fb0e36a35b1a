import LintEngine

/// GitHub Actions workflow commands: one `::error file=…,title=…::message` (or `::warning`,
/// `::notice`) per finding, which the runner turns into annotations on the run and the pull
/// request. A finding with a source location (from the module's debug info) points at it
/// (`file=`, `line=`, `col=`), with the module in the title; without one the annotation is on
/// the module file, with no line.
public struct GitHubReporter: Sendable {
    public init() {}

    public func render(_ result: LintResult) -> String {
        var out = ""
        for diagnostic in result.diagnostics {
            let command: String
            switch diagnostic.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .note: command = "notice"
            }
            var title = "\(diagnostic.code) \(diagnostic.name)"
            var properties: String
            if let location = diagnostic.location {
                properties = "file=\(Self.escapeProperty(location.file)),line=\(location.line)"
                if let column = location.column { properties += ",col=\(column)" }
                title += " in \(diagnostic.module)"
            } else {
                properties = "file=\(Self.escapeProperty(diagnostic.path))"
            }
            out += "::\(command) \(properties),title=\(Self.escapeProperty(title))::"
            out += Self.escapeData(diagnostic.message) + "\n"
        }
        return out
    }

    /// The runner reads `%`, CR and LF in a message as escapes (actions/toolkit's command.ts).
    public static func escapeData(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// In a property value `:` would end the properties and `,` the value, so they are escaped too.
    public static func escapeProperty(_ text: String) -> String {
        var out = ""
        for scalar in escapeData(text).unicodeScalars {
            switch scalar {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
