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
        /// The module file, or for a built-in driver the `modules.builtin.modinfo` that lists it.
        public let path: String
        /// The alias= line of that module: the same string, or a pattern that matches it.
        public let alias: String
        /// A driver built into the kernel (its aliases from `modules.builtin.modinfo`).
        public var builtin: Bool = false
    }

    /// The modalias strings each module's device tables produce, by module path: what the
    /// alias rule needs of the other module of a pair.
    public let deviceTableAliases: [String: [String]]
    /// The alias= lines of each module, by module path.
    public let moduleClaims: [String: [String]]

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

    /// Every claim, keyed by its own text: identical claims match by a dictionary lookup. The
    /// value is the first of the claims of that text in `claims`, chained through `nextClaim`:
    /// one entry per distinct alias, no array per key.
    private let firstClaim: [String: Int32]
    private let claims: [Claimant]
    private let nextClaim: [Int32]
    /// The claims that are patterns, filed under their literal prefix (the text before the
    /// first glob character): walking a queried alias down the trie visits exactly the
    /// patterns whose prefix it starts with, without building or hashing a prefix string.
    private let patterns: PrefixTrie
    private let buckets: [Bucket]
    private let literalPool: [UInt8]
    private let patternPool: [CChar]

    /// `builtin`: the built-in drivers' aliases (name, alias, file); nil reads the
    /// `modules.builtin.modinfo` of every installed tree the modules lie in.
    public init(modules: [ModuleObject], builtin: [(module: String, alias: String, path: String)]? = nil) {
        let builtinClaims = builtin ?? BuiltinModinfo.aliases(forModulesAt: modules.map(\.path))
        var firstClaim: [String: Int32] = [:]
        var claims: [Claimant] = []
        var nextClaim: [Int32] = []
        var patterns = PrefixTrie()
        var buckets: [Bucket] = []
        var literalPool: [UInt8] = []
        var patternPool: [CChar] = []
        // Sized once: growing these by doubling was most of the cost of building them.
        var aliasCount = 0, aliasBytes = 0
        for module in modules {
            for entry in module.modinfo.entries where entry.key == "alias" {
                aliasCount += 1
                aliasBytes += entry.value.utf8.count + 1
            }
        }
        firstClaim.reserveCapacity(aliasCount)
        claims.reserveCapacity(aliasCount)
        nextClaim.reserveCapacity(aliasCount)
        patternPool.reserveCapacity(aliasBytes)
        literalPool.reserveCapacity(aliasBytes)
        var deviceTableAliases: [String: [String]] = [:]
        var moduleClaims: [String: [String]] = [:]
        var entries: [Claimant] = []
        entries.reserveCapacity(aliasCount + builtinClaims.count)
        for module in modules {
            var seen = Set<String>()
            var own: [String] = []
            for entry in module.modinfo.entries where entry.key == "alias" {
                guard seen.insert(entry.value).inserted else { continue }
                entries.append(Claimant(module: module.name, path: module.path, alias: entry.value))
                own.append(entry.value)
            }
            moduleClaims[module.path] = own
            deviceTableAliases[module.path] = module.deviceTableAliases
        }
        for claim in builtinClaims {
            entries.append(Claimant(module: claim.module, path: claim.path, alias: claim.alias, builtin: true))
        }
        self.deviceTableAliases = deviceTableAliases
        self.moduleClaims = moduleClaims
        for entry in entries {
            let alias = entry.alias
            let claimant = Int32(claims.count)
            claims.append(entry)
            nextClaim.append(-1)
            if let first = firstClaim.updateValue(claimant, forKey: alias) {
                // The chain's order does not matter (queries sort): link in after its head.
                firstClaim[alias] = first
                nextClaim[Int(claimant)] = nextClaim[Int(first)]
                nextClaim[Int(first)] = claimant
            }
            let utf8 = Array(alias.utf8)
            guard let (prefixLength, literal) = utf8.withUnsafeBufferPointer(RunAliases.globShape) else { continue }
            let pattern = Pattern(claimant: claimant, literalStart: Int32(literalPool.count),
                                  literalCount: Int32(literal.count), patternStart: Int32(patternPool.count),
                                  patternCount: Int32(utf8.count))
            literalPool.append(contentsOf: utf8[literal])
            patternPool.append(contentsOf: utf8.lazy.map { CChar(bitPattern: $0) })
            patternPool.append(0)
            let bucket = patterns.value(for: utf8[..<prefixLength]) {
                buckets.append(Bucket(patterns: []))
                return Int32(buckets.count - 1)
            }
            buckets[Int(bucket)].patterns.append(pattern)
        }
        for index in buckets.indices { buckets[index].index(literals: literalPool) }
        self.firstClaim = firstClaim
        self.claims = claims
        self.nextClaim = nextClaim
        self.patterns = patterns
        self.buckets = buckets
        self.literalPool = literalPool
        self.patternPool = patternPool
    }

    /// For a glob: the length of its literal prefix and the range of its longest literal run;
    /// nil for a plain string.
    static func globShape(_ bytes: UnsafeBufferPointer<UInt8>) -> (prefix: Int, literal: Range<Int>)? {
        guard let firstGlob = bytes.firstIndex(where: isGlobByte) else { return nil }
        return (firstGlob, longestLiteral(bytes))
    }

    public static let empty = RunAliases(modules: [])

    static func isGlobByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "\\")
    }

    /// The longest run of characters outside glob syntax (brackets included).
    static func longestLiteral(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
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
        return best
    }

    /// Every claim of the run that modprobe would load for a device whose modalias is `alias`
    /// taken literally: the same string, or a glob that matches it (modprobe uses fnmatch with
    /// the module's alias as the pattern), so broader patterns count and narrower ones do not.
    public func claimants(covering alias: String) -> [Claimant] {
        var found: [Claimant] = []
        var next = firstClaim[alias] ?? -1
        while next >= 0 {
            found.append(claims[Int(next)])
            next = nextClaim[Int(next)]
        }
        let query = Array(alias.utf8CString)
        let queryLength = query.count - 1
        query.withUnsafeBufferPointer { text in
            let body = UnsafeBufferPointer(rebasing: text[..<queryLength])
            literalPool.withUnsafeBufferPointer { literals in
                patternPool.withUnsafeBufferPointer { patternText in
                    body.withMemoryRebound(to: UInt8.self) { bytes in
                        func check(_ pattern: Pattern) {
                            let start = patternText.baseAddress! + Int(pattern.patternStart)
                            // The same string is already among the exact claims.
                            if Int(pattern.patternCount) == queryLength && memcmp(start, text.baseAddress!, queryLength) == 0 { return }
                            let literal = UnsafeBufferPointer(rebasing: literals[Int(pattern.literalStart)..<Int(pattern.literalStart + pattern.literalCount)])
                            if RunAliases.contains(body, literal) && fnmatch(start, text.baseAddress!, 0) == 0 {
                                found.append(claims[Int(pattern.claimant)])
                            }
                        }
                        var windows: [UInt32]?
                        patterns.forEachValue(underPrefixesOf: bytes) { bucketIndex in
                            let bucket = buckets[Int(bucketIndex)]
                            bucket.patterns.forEach(check)
                            guard !bucket.byWindow.isEmpty else { return }
                            if windows == nil { windows = Bucket.windows(of: bytes) }
                            for window in windows! { bucket.byWindow[window]?.forEach(check) }
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

/// The aliases of the drivers built into a kernel: `modules.builtin.modinfo` of an installed
/// tree holds `<module>.alias=<alias>` entries, NUL-separated (MODULE_ALIAS() of built-in
/// code; from ≈6.18 on also the aliases of their device tables, which modpost now derives for
/// vmlinux too). modprobe treats them as built in, but a module claiming the same device
/// still loads and loses the device to the driver already bound.
public enum BuiltinModinfo {
    public static let fileName = "modules.builtin.modinfo"

    /// The built-in aliases of every tree the module files lie in: the nearest directory above
    /// each file that holds `modules.builtin.modinfo` (looked up once per directory).
    public static func aliases(forModulesAt paths: [String]) -> [(module: String, alias: String, path: String)] {
        var treeOf: [String: String?] = [:]
        func tree(of directory: String) -> String? {
            if let known = treeOf[directory] { return known }
            let candidate = directory + "/" + fileName
            let found: String?
            if access(candidate, R_OK) == 0 {
                found = candidate
            } else if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
                found = tree(of: String(directory[..<slash]))
            } else {
                found = nil
            }
            treeOf[directory] = found
            return found
        }
        var files: [String] = []
        for path in paths {
            guard let slash = path.lastIndex(of: "/") else { continue }
            if let file = tree(of: String(path[..<slash])), !files.contains(file) { files.append(file) }
        }
        return files.flatMap { file in parse(read(file)).map { (module: $0.module, alias: $0.alias, path: file) } }
    }

    static func read(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        return bytes
    }

    /// The `<module>.alias=<alias>` entries of the file's bytes, in order, each pair once.
    public static func parse(_ bytes: [UInt8]) -> [(module: String, alias: String)] {
        var found: [(module: String, alias: String)] = []
        var seen = Set<String>()
        let marker = Array(".alias=".utf8)
        for entry in bytes.split(separator: 0, omittingEmptySubsequences: true) {
            guard let dot = entry.firstIndex(of: UInt8(ascii: ".")), entry[dot...].starts(with: marker) else { continue }
            let module = String(decoding: entry[..<dot], as: UTF8.self)
            let alias = String(decoding: entry[(dot + marker.count)...], as: UTF8.self)
            guard !module.isEmpty, !alias.isEmpty, seen.insert(module + "\u{0}" + alias).inserted else { continue }
            found.append((module, alias))
        }
        return found
    }
}

/// The patterns that share one literal prefix. A big bucket (every `acpi*:…:*` or
/// `of:N*T*C…` claim of a tree shares a prefix of four bytes) is indexed by the first four
/// bytes of each pattern's longest literal: a query only tries the patterns whose literal
/// starts at one of its own four-byte windows, instead of searching it for thousands of
/// literals.
struct Bucket: Sendable {
    static let indexedSize = 32
    static let window = 4
    /// Every pattern of a small bucket; the ones with a literal shorter than a window in a big one.
    var patterns: [Pattern]
    var byWindow: [UInt32: [Pattern]] = [:]

    init(patterns: [Pattern]) { self.patterns = patterns }

    typealias Pattern = RunAliases.Pattern

    mutating func index(literals: [UInt8]) {
        guard patterns.count > Bucket.indexedSize else { return }
        var short: [Pattern] = []
        for pattern in patterns {
            guard Int(pattern.literalCount) >= Bucket.window else { short.append(pattern); continue }
            let start = Int(pattern.literalStart)
            byWindow[Bucket.key(literals[start], literals[start + 1], literals[start + 2], literals[start + 3]), default: []].append(pattern)
        }
        patterns = short
    }

    static func key(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
        UInt32(a) | UInt32(b) << 8 | UInt32(c) << 16 | UInt32(d) << 24
    }

    /// Every distinct four-byte window of `text`.
    static func windows(of text: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        guard text.count >= window else { return [] }
        var keys = (0...(text.count - window)).map { key(text[$0], text[$0 + 1], text[$0 + 2], text[$0 + 3]) }
        keys.sort()
        var unique: [UInt32] = []
        unique.reserveCapacity(keys.count)
        for key in keys where unique.last != key { unique.append(key) }
        return unique
    }
}

/// Values filed under byte-string keys, one per key; `forEachValue(underPrefixesOf:)` visits
/// the values of every key that is a prefix of the query, in one walk down the query's bytes.
/// Nodes live in flat arrays (first child, next sibling): the alias prefixes of a tree share
/// long stems such as `usb:v` and `pci:v0000`.
struct PrefixTrie: Sendable {
    private var edge: [UInt8] = [0]
    private var firstChild: [Int32] = [-1]
    private var nextSibling: [Int32] = [-1]
    private var values: [Int32] = [-1]

    /// The value filed under `key`, made by `make` when there is none yet.
    mutating func value(for key: some Sequence<UInt8>, make: () -> Int32) -> Int32 {
        var node = 0
        for byte in key {
            var child = Int(firstChild[node])
            while child >= 0 && edge[child] != byte { child = Int(nextSibling[child]) }
            if child < 0 {
                child = edge.count
                edge.append(byte)
                firstChild.append(-1)
                nextSibling.append(firstChild[node])
                values.append(-1)
                firstChild[node] = Int32(child)
            }
            node = child
        }
        if values[node] < 0 { values[node] = make() }
        return values[node]
    }

    func forEachValue(underPrefixesOf key: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void) {
        var node = 0
        var position = 0
        while true {
            if values[node] >= 0 { body(values[node]) }
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
