import Foundation
import Yams
import ModuleLayout

/// A configuration that cannot be used: exit code 2, with the file and line when there is one.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// `.modlint.yml`: found from the current directory upwards, or named with `--config`.
///
/// ```yaml
/// select: [U, X]            # codes or prefixes; default: every rule
/// ignore: [X006]
/// fail-on: warning          # error | warning | note
/// severity: {X006: warning} # per rule code or name
/// per-module-ignores: {"fx_*": [X002]}     # glob on module name or path
/// per-symbol-ignores: {"debugfs_*": [U002]} # glob on symbol or referenced symbol
/// size-budget: {core: 16384, init: 8192}    # Z002, bytes as allocated
/// page-size: 4096                           # the target's page size
/// kernel-config: config-6.1.0-50-amd64      # the target's .config, relative to this file
/// ```
/// Unknown keys and unknown codes are errors with a suggestion: a misspelt key silently
/// ignored is a check silently not made.
public enum ConfigurationFile {
    public static let fileName = ".modlint.yml"
    public static let keys = ["select", "ignore", "fail-on", "severity", "per-module-ignores", "per-symbol-ignores", "strict-sections",
                               "size-budget", "page-size", "kernel-config"]
    public static let budgetKeys = ["core", "init"]

    /// The nearest `.modlint.yml` in `directory` or one of its parents.
    public static func discover(from directory: String) -> String? {
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            let candidate = url.appendingPathComponent(fileName).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    public static func load(path: String, rules: [RuleDescription]) throws(ConfigurationError) -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError("\(path): cannot read the configuration file")
        }
        return try parse(text, path: path, rules: rules)
    }

    public static func parse(_ text: String, path: String, rules: [RuleDescription]) throws(ConfigurationError) -> Configuration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError("\(path): not valid YAML: \(error)")
        }
        var configuration = Configuration(source: path)
        guard let root else { return configuration }
        guard let mapping = root.mapping else { throw ConfigurationError("\(at(path, root)): expected a mapping of settings") }
        let codes = RuleCodes(rules)
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw ConfigurationError("\(at(path, keyNode)): expected a setting name") }
            let place = at(path, keyNode)
            switch key {
            case "select":
                configuration.select = try codes.selectors(strings(value, path: path), at: place)
            case "ignore":
                configuration.ignore = try codes.selectors(strings(value, path: path), at: place)
            case "fail-on":
                configuration.failOn = try severity(value, path: path)
            case "severity":
                guard let overrides = value.mapping else { throw ConfigurationError("\(at(path, value)): expected a mapping of rule code to severity") }
                for (codeNode, severityNode) in overrides {
                    let code = try codes.exact(codeNode.string ?? "", at: at(path, codeNode))
                    configuration.severity[code] = try severity(severityNode, path: path)
                }
            case "per-module-ignores", "per-symbol-ignores":
                guard let patterns = value.mapping else { throw ConfigurationError("\(at(path, value)): expected a mapping of glob to rule codes") }
                var ignores: [PatternIgnore] = []
                for (patternNode, codesNode) in patterns {
                    guard let pattern = patternNode.string, !pattern.isEmpty else { throw ConfigurationError("\(at(path, patternNode)): expected a glob") }
                    ignores.append(PatternIgnore(pattern: pattern, codes: try codes.selectors(strings(codesNode, path: path), at: at(path, codesNode))))
                }
                if key == "per-module-ignores" { configuration.perModuleIgnores = ignores } else { configuration.perSymbolIgnores = ignores }
            case "strict-sections":
                guard let flag = value.bool else { throw ConfigurationError("\(at(path, value)): expected true or false") }
                configuration.strictSections = flag
            case "size-budget":
                guard let budgets = value.mapping else { throw ConfigurationError("\(at(path, value)): expected a mapping like {core: 16384, init: 8192}") }
                for (nameNode, limitNode) in budgets {
                    let name = nameNode.string ?? ""
                    let limit = try bytes(limitNode, path: path)
                    switch name {
                    case "core": configuration.sizeBudget.core = limit
                    case "init": configuration.sizeBudget.initSize = limit
                    default:
                        throw ConfigurationError("\(at(path, nameNode)): unknown budget '\(name)'" + Suggestion.didYouMean(name, among: budgetKeys))
                    }
                }
            case "page-size":
                let size = try bytes(value, path: path)
                guard size >= 1024, size & (size - 1) == 0 else { throw ConfigurationError("\(at(path, value)): page-size must be a power of two of at least 1024") }
                configuration.loader.pageSize = size
            case "kernel-config":
                guard let file = value.string, !file.isEmpty else { throw ConfigurationError("\(at(path, value)): expected the path of a kernel .config") }
                let resolved = file.hasPrefix("/") ? file : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(file).path
                configuration.loader.kernelConfig = try kernelConfig(path: resolved)
            default:
                throw ConfigurationError("\(place): unknown key '\(key)'" + Suggestion.didYouMean(key, among: keys))
            }
        }
        return configuration
    }

    /// The configuration of a run: the file (named, or discovered from `directory`), then the
    /// command line on top — `--select` and `--fail-on` replace, `--ignore` adds.
    public static func resolve(configPath: String?, directory: String, select: [String]?, ignore: [String],
                               failOn: String?, rules: [RuleDescription]) throws(ConfigurationError) -> Configuration {
        var configuration = Configuration()
        if let path = configPath ?? discover(from: directory) {
            configuration = try load(path: path, rules: rules)
        }
        let codes = RuleCodes(rules)
        if let select { configuration.select = try codes.selectors(select, at: "--select") }
        configuration.ignore += try codes.selectors(ignore, at: "--ignore")
        if let failOn {
            guard let severity = Severity(rawValue: failOn) else {
                throw ConfigurationError("--fail-on must be error, warning or note, not '\(failOn)'")
            }
            configuration.failOn = severity
        }
        return configuration
    }

    /// The effective configuration as YAML that `load` reads back to the same value.
    public static func render(_ configuration: Configuration) -> String {
        func list(_ items: [String]) -> String { "[" + items.map(quoted).joined(separator: ", ") + "]" }
        var out = "# effective configuration" + (configuration.source.map { " (from \($0))" } ?? " (defaults: no .modlint.yml found)") + "\n"
        out += configuration.select.map { "select: \(list($0))\n" } ?? "# select: every rule\n"
        out += "ignore: \(list(configuration.ignore))\n"
        out += "fail-on: \(configuration.failOn.rawValue)\n"
        out += "severity:" + (configuration.severity.isEmpty ? " {}\n" : "\n")
        for (code, severity) in configuration.severity.sorted(by: { $0.key < $1.key }) { out += "  \(code): \(severity.rawValue)\n" }
        for (key, ignores) in [("per-module-ignores", configuration.perModuleIgnores), ("per-symbol-ignores", configuration.perSymbolIgnores)] {
            out += "\(key):" + (ignores.isEmpty ? " {}\n" : "\n")
            for ignore in ignores { out += "  \(quoted(ignore.pattern)): \(list(ignore.codes))\n" }
        }
        out += "strict-sections: \(configuration.strictSections)\n"
        let budget = configuration.sizeBudget
        if !budget.isEmpty {
            out += "size-budget: {" + [budget.core.map { "core: \($0)" }, budget.initSize.map { "init: \($0)" }]
                .compactMap { $0 }.joined(separator: ", ") + "}\n"
        }
        if let pageSize = configuration.loader.pageSize { out += "page-size: \(pageSize)\n" }
        if let config = configuration.loader.kernelConfig {
            // The file's path is not kept; what was read from it is.
            out += "# kernel-config: \(config.values.count) options read"
                + (config.version.map { " (Linux \($0))" } ?? "") + "\n"
        }
        return out
    }

    /// A kernel `.config` file (`--kernel-config`, `kernel-config:`).
    public static func kernelConfig(path: String) throws(ConfigurationError) -> KernelConfig {
        // Read through a handle: a process substitution (/dev/fd/N) has no size to map.
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
            throw ConfigurationError("\(path): cannot read the kernel configuration")
        }
        let config = KernelConfig(text: String(decoding: data, as: UTF8.self))
        guard !config.values.isEmpty else { throw ConfigurationError("\(path): no CONFIG_ lines: not a kernel .config") }
        return config
    }

    /// A byte count: a number, optionally with K, M or G (powers of 1024).
    private static func bytes(_ node: Node, path: String) throws(ConfigurationError) -> UInt64 {
        let text = (node.string ?? "").trimmingCharacters(in: .whitespaces)
        var digits = Substring(text)
        var unit: UInt64 = 1
        if let last = text.last?.uppercased(), let shift = ["K": 10, "M": 20, "G": 30][last] {
            unit = UInt64(1) << UInt64(shift)
            digits = digits.dropLast()
        }
        guard let number = UInt64(digits), number <= UInt64.max / unit else {
            throw ConfigurationError("\(at(path, node)): expected a size in bytes (e.g. 16384 or 16K), not '\(text)'")
        }
        return number * unit
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func at(_ path: String, _ node: Node) -> String {
        guard let mark = node.mark else { return path }
        return "\(path):\(mark.line)"
    }

    private static func strings(_ node: Node, path: String) throws(ConfigurationError) -> [String] {
        if let sequence = node.sequence {
            var out: [String] = []
            for item in sequence {
                guard let text = item.string else { throw ConfigurationError("\(at(path, item)): expected a rule code") }
                out.append(text)
            }
            return out
        }
        if let text = node.string { return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        throw ConfigurationError("\(at(path, node)): expected a list of rule codes")
    }

    private static func severity(_ node: Node, path: String) throws(ConfigurationError) -> Severity {
        guard let text = node.string, let severity = Severity(rawValue: text) else {
            let text = node.string ?? ""
            throw ConfigurationError("\(at(path, node)): severity must be error, warning or note, not '\(text)'"
                                     + Suggestion.didYouMean(text, among: Severity.allCases.map(\.rawValue)))
        }
        return severity
    }
}

/// The rule codes and names of a run, for checking what a user typed.
public struct RuleCodes: Sendable {
    public let codes: [String]
    public let names: [String: String]

    public init(_ rules: [RuleDescription]) {
        codes = rules.map(\.code)
        names = Dictionary(rules.map { ($0.name, $0.code) }, uniquingKeysWith: { first, _ in first })
    }

    /// A code, a code prefix (`U`, `X00`) or a rule name, as a code or prefix.
    public func selector(_ text: String, at place: String) throws(ConfigurationError) -> String {
        if let code = names[text] { return code }
        let upper = text.uppercased()
        guard !upper.isEmpty, codes.contains(where: { $0.hasPrefix(upper) }) else {
            throw ConfigurationError("\(place): unknown rule code '\(text)'" + suggestion(text) + " (see `modlint rules`)")
        }
        return upper
    }

    public func selectors(_ texts: [String], at place: String) throws(ConfigurationError) -> [String] {
        var out: [String] = []
        for text in texts where !text.isEmpty { out.append(try selector(text, at: place)) }
        return out
    }

    /// One whole code or name, as a code.
    public func exact(_ text: String, at place: String) throws(ConfigurationError) -> String {
        if let code = names[text] { return code }
        if codes.contains(text.uppercased()) { return text.uppercased() }
        throw ConfigurationError("\(place): unknown rule code '\(text)'" + suggestion(text) + " (see `modlint rules`)")
    }

    private func suggestion(_ text: String) -> String {
        let upper = text.uppercased()
        if let near = Suggestion.nearest(upper, among: codes), Suggestion.distance(near, upper) <= 2 {
            return ", did you mean '\(near)'?"
        }
        return Suggestion.didYouMean(text, among: Array(names.keys).sorted())
    }
}

/// "did you mean" for a misspelt word: the nearest candidate by edit distance, if it is near.
public enum Suggestion {
    public static func didYouMean(_ word: String, among candidates: [String]) -> String {
        if word.count >= 3, let extended = candidates.first(where: { $0.lowercased().hasPrefix(word.lowercased()) }) {
            return ", did you mean '\(extended)'?"
        }
        guard let best = nearest(word, among: candidates) else { return "" }
        let limit = max(2, word.count / 3)
        return distance(best, word) <= limit ? ", did you mean '\(best)'?" : ""
    }

    /// The candidate nearest by edit distance; among equally near ones, the one sharing the
    /// longest prefix (a rule code's letter is its category: X007 is nearer X001 than U007).
    /// Nil for words longer than `maximumWordLength`.
    public static func nearest(_ word: String, among candidates: [String]) -> String? {
        guard word.count <= maximumWordLength else { return nil }
        func commonPrefix(_ a: String) -> Int { zip(a.lowercased(), word.lowercased()).prefix { $0 == $1 }.count }
        let scored = candidates.map { (candidate: $0, distance: distance($0, word), prefix: commonPrefix($0)) }
        return scored.min { a, b in a.distance != b.distance ? a.distance < b.distance : a.prefix > b.prefix }?.candidate
    }

    /// Longer than any rule code or name: no suggestion, since the edit distance is quadratic
    /// in the word's length (a fuzzed .modlint.yml with a long unknown code took seconds).
    public static let maximumWordLength = 64

    /// Levenshtein distance over characters, case-insensitive.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
