import Foundation

/// Findings accepted as they are, so a project can adopt modlint and fail only on new ones.
///
/// Entries are keyed on content — rule code, module name, subject (`from -> to` for a
/// reference, else the symbol, else the module) — with a count, never on paths or offsets,
/// which change with the checkout and every rebuild. The file is sorted, pretty-printed JSON
/// so it diffs well. Unreadable inputs (E001) are never recorded: they are not a state of a
/// module to accept.
public struct Baseline: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable, Comparable {
        public let code: String
        public let module: String
        public let subject: String
        public let count: Int

        public init(code: String, module: String, subject: String, count: Int) {
            self.code = code
            self.module = module
            self.subject = subject
            self.count = count
        }

        var key: Key { Key(code: code, module: module, subject: subject) }

        public static func < (a: Entry, b: Entry) -> Bool {
            (a.module, a.code, a.subject, a.count) < (b.module, b.code, b.subject, b.count)
        }
    }

    struct Key: Hashable {
        let code: String
        let module: String
        let subject: String
    }

    public static let currentVersion = 1
    public let version: Int
    public let entries: [Entry]

    public init(entries: [Entry]) {
        version = Baseline.currentVersion
        self.entries = entries.sorted()
    }

    /// The baseline that accepts every finding of `diagnostics`.
    public init(recording diagnostics: [Diagnostic]) {
        var counts: [Key: Int] = [:]
        for diagnostic in diagnostics where diagnostic.code != "E001" {
            counts[Key(code: diagnostic.code, module: diagnostic.module, subject: diagnostic.subject), default: 0] += 1
        }
        self.init(entries: counts.map { Entry(code: $0.key.code, module: $0.key.module, subject: $0.key.subject, count: $0.value) })
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    public static func load(path: String) throws(ConfigurationError) -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(path): cannot read the baseline")
        }
        let baseline: Baseline
        do {
            baseline = try JSONDecoder().decode(Baseline.self, from: data)
        } catch {
            throw ConfigurationError("\(path): not a modlint baseline (expected {\"version\": 1, \"entries\": [...]})")
        }
        guard baseline.version == currentVersion else {
            throw ConfigurationError("\(path): baseline version \(baseline.version) is not supported (expected \(currentVersion))")
        }
        guard baseline.entries.allSatisfy({ $0.count > 0 }) else { throw ConfigurationError("\(path): a baseline entry has a count below 1") }
        return Baseline(entries: baseline.entries)
    }

    /// What applying a baseline did: how many findings it hid, and which entries matched
    /// nothing (or fewer findings than recorded) — fixed since, so the baseline can shrink.
    public struct Outcome: Sendable, Hashable {
        public let suppressed: Int
        /// Entries, with `count` the number of recorded findings that no longer occur.
        public let stale: [Entry]

        public init(suppressed: Int, stale: [Entry]) {
            self.suppressed = suppressed
            self.stale = stale
        }
    }

    public func apply(to result: LintResult) -> (LintResult, Outcome) {
        var remaining: [Key: Int] = [:]
        for entry in entries { remaining[entry.key, default: 0] += entry.count }
        var kept: [Diagnostic] = []
        var suppressed = 0
        for diagnostic in result.diagnostics {
            let key = Key(code: diagnostic.code, module: diagnostic.module, subject: diagnostic.subject)
            if diagnostic.code != "E001", let left = remaining[key], left > 0 {
                remaining[key] = left - 1
                suppressed += 1
            } else {
                kept.append(diagnostic)
            }
        }
        let stale = remaining.filter { $0.value > 0 }
            .map { Entry(code: $0.key.code, module: $0.key.module, subject: $0.key.subject, count: $0.value) }.sorted()
        return (LintResult(diagnostics: kept, files: result.files, modules: result.modules, mode: result.mode), Outcome(suppressed: suppressed, stale: stale))
    }
}
