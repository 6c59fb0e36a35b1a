import LintEngine

/// The formats `modlint check` writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, gcc, json, sarif, github
}

/// Where one format goes: a file, or standard output when `file` is nil.
public struct OutputTarget: Sendable, Hashable {
    public let format: ReportFormat
    public let file: String?

    public init(format: ReportFormat, file: String?) {
        self.format = format
        self.file = file
    }
}

/// Pairs the `--format F` and `--output FILE` options of a command line, in the order typed.
///
/// Each `--output` belongs to the nearest `--format` before it that has no file yet
/// (`--format sarif --output a.sarif --format text`: SARIF to the file, text to stdout). With a
/// single format and a single output the order does not matter; with outputs but no format,
/// the format is text. Formats left without a file go to standard output, and at most one may.
public enum OutputPlan {
    public enum Option: Sendable, Hashable {
        case format(String)
        case output(String)
    }

    public static func pair(_ options: [Option]) throws(ConfigurationError) -> [OutputTarget] {
        var formats: [(format: ReportFormat, file: String?)] = []
        var outputs: [String] = []
        for option in options {
            switch option {
            case .format(let name):
                guard let format = ReportFormat(rawValue: name) else {
                    throw ConfigurationError("unknown format '\(name)': expected one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))"
                                             + Suggestion.didYouMean(name, among: ReportFormat.allCases.map(\.rawValue)))
                }
                formats.append((format, nil))
            case .output(let file):
                outputs.append(file)
                if formats.count == 1, outputs.count == 1 {
                    formats[0].file = file
                } else if let open = formats.lastIndex(where: { $0.file == nil }) {
                    formats[open].file = file
                } else if !(formats.isEmpty && outputs.count == 1) {
                    throw ConfigurationError("--output \(file) follows no --format without an output")
                }
            }
        }
        if formats.isEmpty { formats = [(.text, outputs.first)] }
        if formats.count == 1, outputs.count == 1 { formats[0].file = outputs[0] }
        let targets = formats.map { OutputTarget(format: $0.format, file: $0.file) }
        if targets.filter({ $0.file == nil }).count > 1 {
            throw ConfigurationError("only one format can go to standard output: give the others an --output FILE")
        }
        let files = targets.compactMap(\.file)
        if Set(files).count != files.count { throw ConfigurationError("two formats are written to the same --output file") }
        return targets
    }
}

/// Renders one format.
public struct Report: Sendable {
    public let result: LintResult
    public let rules: [RuleDescription]
    public let toolVersion: String

    public init(result: LintResult, rules: [RuleDescription], toolVersion: String) {
        self.result = result
        self.rules = rules
        self.toolVersion = toolVersion
    }

    public func render(_ format: ReportFormat, text: TextReporter = TextReporter()) throws -> String {
        switch format {
        case .text: return text.render(result)
        case .gcc: return GCCReporter().render(result)
        case .json: return try JSONReporter().render(result, toolVersion: toolVersion)
        case .sarif: return try SARIFReporter().render(result, rules: rules, toolVersion: toolVersion)
        case .github: return GitHubReporter().render(result)
        }
    }
}

/// `--color auto|always|never`, then `NO_COLOR` and `FORCE_COLOR` (no-color.org: an explicit
/// flag wins over the environment; an empty variable counts as unset).
public enum ColourChoice: String, Sendable, CaseIterable {
    case auto, always, never

    public func enabled(isTerminal: Bool, environment: [String: String]) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let value = environment["NO_COLOR"], !value.isEmpty { return false }
            if let value = environment["FORCE_COLOR"], !value.isEmpty, value != "0" { return true }
            if let value = environment["CLICOLOR_FORCE"], !value.isEmpty, value != "0" { return true }
            return isTerminal && environment["TERM"] != "dumb"
        }
    }
}

extension OutputPlan {
    /// The `--format` and `--output` options of a raw command line, in the order typed
    /// (argument parsers keep each option's values, but not how two options interleave).
    /// Stops at `--`, after which everything is a path.
    public static func options(inArguments arguments: [String]) -> [Option] {
        var options: [Option] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { break }
            for (name, make) in [("--format", Option.format), ("--output", Option.output)] {
                if argument == name, index + 1 < arguments.count {
                    options.append(make(arguments[index + 1]))
                    index += 1
                } else if argument.hasPrefix(name + "=") {
                    options.append(make(String(argument.dropFirst(name.count + 1))))
                }
            }
            index += 1
        }
        return options
    }
}
