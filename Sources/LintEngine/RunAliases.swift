#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ModuleObject

/// The `alias=` claims of every module read in one run, as depmod indexes them: which modules
/// a modalias string would load.
public struct RunAliases: Sendable {
    public struct Claimant: Sendable, Hashable {
        public let module: String
        public let path: String
        /// The alias= line of that module: the same string, or a pattern that matches it.
        public let alias: String
    }

    /// A claim that is a glob, prepared for matching: a string can only match it when it
    /// starts with its literal prefix and contains its longest literal run, checks far cheaper
    /// than fnmatch, which then only runs on the few claims left.
    struct Pattern: Sendable {
        let claimant: Claimant
        let longestLiteral: [UInt8]
        let cPattern: [CChar]
    }

    /// Every claim, keyed by its own text: identical claims match by a dictionary lookup.
    private let byAlias: [String: [Claimant]]
    /// The claims that are patterns, keyed by their literal prefix (the text before the first
    /// glob character).
    private let patternsByLiteralPrefix: [String: [Pattern]]
    private let prefixLengths: [Int]

    public init(modules: [ModuleObject]) {
        var exact: [String: [Claimant]] = [:]
        var patterns: [String: [Pattern]] = [:]
        for module in modules {
            for alias in Set(module.modinfo.values("alias")) {
                let claimant = Claimant(module: module.name, path: module.path, alias: alias)
                exact[alias, default: []].append(claimant)
                if RunAliases.isPattern(alias) {
                    let pattern = Pattern(claimant: claimant, longestLiteral: RunAliases.longestLiteral(alias),
                                          cPattern: Array(alias.utf8CString))
                    patterns[RunAliases.literalPrefix(alias), default: []].append(pattern)
                }
            }
        }
        byAlias = exact
        patternsByLiteralPrefix = patterns
        prefixLengths = Set(patterns.keys.map(\.utf8.count)).sorted()
    }

    public static let empty = RunAliases(modules: [])

    static let globCharacters: Set<Character> = ["*", "?", "[", "\\"]

    static func isPattern(_ alias: String) -> Bool { alias.contains { globCharacters.contains($0) } }

    static func literalPrefix(_ alias: String) -> String {
        String(alias.prefix { !globCharacters.contains($0) })
    }

    /// The longest run of characters outside glob syntax (brackets included).
    static func longestLiteral(_ alias: String) -> [UInt8] {
        var best: Substring = ""
        var inBracket = false
        var start = alias.startIndex
        for index in alias.indices {
            let character = alias[index]
            if inBracket {
                if character == "]" { inBracket = false; start = alias.index(after: index) }
            } else if globCharacters.contains(character) {
                if alias[start..<index].count > best.count { best = alias[start..<index] }
                inBracket = character == "["
                start = alias.index(after: index)
            }
        }
        if !inBracket && alias[start...].count > best.count { best = alias[start...] }
        return Array(best.utf8)
    }

    /// Every claim of the run that modprobe would load for a device whose modalias is `alias`
    /// taken literally: the same string, or a glob that matches it (modprobe uses fnmatch with
    /// the module's alias as the pattern), so broader patterns count and narrower ones do not.
    public func claimants(covering alias: String) -> [Claimant] {
        var found = byAlias[alias] ?? []
        let query = Array(alias.utf8CString)
        let queryLength = query.count - 1
        for length in prefixLengths {
            guard length <= queryLength else { break }
            let prefix = String(Substring(alias.utf8.prefix(length)))
            guard let patterns = patternsByLiteralPrefix[prefix] else { continue }
            query.withUnsafeBufferPointer { text in
                for pattern in patterns where pattern.claimant.alias != alias {
                    let contains = pattern.longestLiteral.withUnsafeBufferPointer { literal in
                        RunAliases.contains(UnsafeBufferPointer(rebasing: text[..<queryLength]), literal)
                    }
                    if contains && fnmatch(pattern.cPattern, text.baseAddress!, 0) == 0 { found.append(pattern.claimant) }
                }
            }
        }
        return found.sorted { ($0.module, $0.path, $0.alias) < ($1.module, $1.path, $1.alias) }
    }

    /// Whether `text` contains `needle` (memmem, which glibc does not export to Swift).
    static func contains(_ text: UnsafeBufferPointer<CChar>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= text.count else { return false }
        let first = CChar(bitPattern: needle[0])
        var index = 0
        let last = text.count - needle.count
        while index <= last {
            if text[index] == first && memcmp(text.baseAddress! + index, needle.baseAddress!, needle.count) == 0 { return true }
            index += 1
        }
        return false
    }
}
