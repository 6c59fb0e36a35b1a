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
    /// than fnmatch, which then only runs on the few claims left. Plain offsets into shared
    /// pools: a query may visit thousands of patterns (every `of:N*` or `acpi*` claim) and
    /// must not retain and release anything per visit.
    struct Pattern: Sendable {
        let claimant: Int32
        let literalStart: Int32
        let literalCount: Int32
        /// The NUL-terminated pattern in `patternPool`, and its length without the NUL.
        let patternStart: Int32
        let patternCount: Int32
    }

    /// Every claim, keyed by its own text: identical claims match by a dictionary lookup.
    private let byAlias: [String: [Claimant]]
    /// The claims that are patterns, filed under their literal prefix (the text before the
    /// first glob character): walking a queried alias down the trie visits exactly the
    /// patterns whose prefix it starts with, without building or hashing a prefix string.
    private let patterns: PrefixTrie<Pattern>
    private let patternClaimants: [Claimant]
    private let literalPool: [UInt8]
    private let patternPool: [CChar]

    public init(modules: [ModuleObject]) {
        var exact: [String: [Claimant]] = [:]
        var patterns = PrefixTrie<Pattern>()
        var claimants: [Claimant] = []
        var literalPool: [UInt8] = []
        var patternPool: [CChar] = []
        for module in modules {
            let name = module.name
            for alias in Set(module.modinfo.values("alias")) {
                let claimant = Claimant(module: name, path: module.path, alias: alias)
                exact[alias, default: []].append(claimant)
                guard RunAliases.isPattern(alias) else { continue }
                let literal = RunAliases.longestLiteral(alias)
                let pattern = Pattern(claimant: Int32(claimants.count), literalStart: Int32(literalPool.count),
                                      literalCount: Int32(literal.count), patternStart: Int32(patternPool.count),
                                      patternCount: Int32(alias.utf8.count))
                claimants.append(claimant)
                literalPool.append(contentsOf: literal)
                patternPool.append(contentsOf: alias.utf8CString)
                patterns.insert(RunAliases.literalPrefix(alias), pattern)
            }
        }
        byAlias = exact
        self.patterns = patterns
        self.patternClaimants = claimants
        self.literalPool = literalPool
        self.patternPool = patternPool
    }

    public static let empty = RunAliases(modules: [])

    static func isGlobByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "\\")
    }

    static func isPattern(_ alias: String) -> Bool { alias.utf8.contains(where: isGlobByte) }

    static func literalPrefix(_ alias: String) -> Substring.UTF8View {
        let utf8 = Substring(alias).utf8
        return utf8.prefix { !isGlobByte($0) }
    }

    /// The longest run of characters outside glob syntax (brackets included).
    static func longestLiteral(_ alias: String) -> [UInt8] {
        let bytes = Array(alias.utf8)
        var best = 0..<0
        var inBracket = false
        var start = 0
        for (index, byte) in bytes.enumerated() {
            if inBracket {
                if byte == UInt8(ascii: "]") { inBracket = false; start = index + 1 }
            } else if isGlobByte(byte) {
                if index - start > best.count { best = start..<index }
                inBracket = byte == UInt8(ascii: "[")
                start = index + 1
            }
        }
        if !inBracket && bytes.count - start > best.count { best = start..<bytes.count }
        return Array(bytes[best])
    }

    /// Every claim of the run that modprobe would load for a device whose modalias is `alias`
    /// taken literally: the same string, or a glob that matches it (modprobe uses fnmatch with
    /// the module's alias as the pattern), so broader patterns count and narrower ones do not.
    public func claimants(covering alias: String) -> [Claimant] {
        var found = byAlias[alias] ?? []
        let query = Array(alias.utf8CString)
        let queryLength = query.count - 1
        query.withUnsafeBufferPointer { text in
            let body = UnsafeBufferPointer(rebasing: text[..<queryLength])
            literalPool.withUnsafeBufferPointer { literals in
                patternPool.withUnsafeBufferPointer { patternText in
                    body.withMemoryRebound(to: UInt8.self) { bytes in
                        patterns.forEachValue(underPrefixesOf: bytes) { pattern in
                            let start = patternText.baseAddress! + Int(pattern.patternStart)
                            // The same string is already among the exact claims.
                            if Int(pattern.patternCount) == queryLength && memcmp(start, text.baseAddress!, queryLength) == 0 { return }
                            let literal = UnsafeBufferPointer(rebasing: literals[Int(pattern.literalStart)..<Int(pattern.literalStart + pattern.literalCount)])
                            if RunAliases.contains(body, literal) && fnmatch(start, text.baseAddress!, 0) == 0 {
                                found.append(patternClaimants[Int(pattern.claimant)])
                            }
                        }
                    }
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

/// Values filed under byte-string keys; `forEachValue(underPrefixesOf:)` visits the values of
/// every key that is a prefix of the query, in one walk down the query's bytes. Nodes live in
/// flat arrays (first child, next sibling): the alias prefixes of a tree share long stems
/// such as `usb:v` and `pci:v0000`.
struct PrefixTrie<Value: Sendable>: Sendable {
    private var edge: [UInt8] = [0]
    private var firstChild: [Int32] = [-1]
    private var nextSibling: [Int32] = [-1]
    private var valueList: [Int32] = [-1]
    private var lists: [[Value]] = []

    mutating func insert(_ key: some Sequence<UInt8>, _ value: Value) {
        var node = 0
        for byte in key {
            var child = Int(firstChild[node])
            while child >= 0 && edge[child] != byte { child = Int(nextSibling[child]) }
            if child < 0 {
                child = edge.count
                edge.append(byte)
                firstChild.append(-1)
                nextSibling.append(firstChild[node])
                valueList.append(-1)
                firstChild[node] = Int32(child)
            }
            node = child
        }
        if valueList[node] < 0 {
            valueList[node] = Int32(lists.count)
            lists.append([])
        }
        lists[Int(valueList[node])].append(value)
    }

    func forEachValue(underPrefixesOf key: UnsafeBufferPointer<UInt8>, _ body: (Value) -> Void) {
        var node = 0
        var position = 0
        while true {
            if valueList[node] >= 0 {
                lists[Int(valueList[node])].withUnsafeBufferPointer { values in
                    for index in values.indices { body(values[index]) }
                }
            }
            guard position < key.count else { return }
            let byte = key[position]
            var child = Int(firstChild[node])
            while child >= 0 && edge[child] != byte { child = Int(nextSibling[child]) }
            guard child >= 0 else { return }
            node = child
            position += 1
        }
    }
}
