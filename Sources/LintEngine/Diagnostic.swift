import ModuleObject

/// How serious a finding is. Ordered: a note < a warning < an error.
public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    case note, warning, error

    var rank: Int {
        switch self {
        case .note: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One finding. `symbol`/`section`/`offset` name the place it is about (for a reference: where
/// it is made from, the offset relative to `symbol`); `targetSymbol`/`targetSection` name what
/// is referenced.
public struct Diagnostic: Sendable, Hashable, Codable {
    public let code: String
    public let name: String
    public let severity: Severity
    public let path: String
    public let module: String
    public let message: String
    public let symbol: String?
    public let section: String?
    public let offset: UInt64?
    public let targetSymbol: String?
    public let targetSection: String?
    /// Where in the C sources the finding is, when the module's debug info says.
    public let location: SourceLocation?
    /// Other places that explain the finding (the declaration of an imported symbol).
    public let related: [RelatedLocation]

    public init(code: String, name: String, severity: Severity, path: String, module: String, message: String,
                symbol: String? = nil, section: String? = nil, offset: UInt64? = nil,
                targetSymbol: String? = nil, targetSection: String? = nil, location: SourceLocation? = nil,
                related: [RelatedLocation] = []) {
        self.code = code
        self.name = name
        self.severity = severity
        self.path = path
        self.module = module
        self.message = Diagnostic.demanglingRustNames(in: message)
        self.symbol = symbol
        self.section = section
        self.offset = offset
        self.targetSymbol = targetSymbol
        self.targetSection = targetSection
        self.location = location
        self.related = related
    }

    enum CodingKeys: String, CodingKey {
        case code, name, severity, path, module, message, symbol, section, offset, location, related
        case targetSymbol = "target_symbol"
        case targetSection = "target_section"
    }

    /// `symbol` and `targetSymbol` demangled when they are Rust symbol names (v0 or legacy),
    /// else nil: the JSON report gives both forms.
    public var symbolDemangled: String? { symbol.flatMap(RustDemangle.demangle) }
    public var targetSymbolDemangled: String? { targetSymbol.flatMap(RustDemangle.demangle) }

    /// `message` with every Rust symbol name in it (a word starting `_R` and an upper-case
    /// letter, or `_ZN`) demangled: messages are for people, `symbol` keeps the mangled name.
    /// Every output format shows this message.
    static func demanglingRustNames(in message: String) -> String {
        let utf8 = message.utf8
        // Most messages: no candidate at all, one pass over the bytes.
        guard utf8.contains(UInt8(ascii: "_")) else { return message }
        func isWordByte(_ c: UInt8) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
                || c == UInt8(ascii: ".")
        }
        var out = ""
        var copied = utf8.startIndex
        var index = utf8.startIndex
        var previous: UInt8 = 0
        while index < utf8.endIndex {
            let c = utf8[index]
            if c == UInt8(ascii: "_"), !isWordByte(previous), RustDemangle.looksMangled(message[index...].utf8) {
                var end = index
                while end < utf8.endIndex, isWordByte(utf8[end]) { end = utf8.index(after: end) }
                // A sentence's full stop is not part of the name.
                var word = Substring(message[index..<end])
                while word.last == "." { word = word.dropLast() }
                if let demangled = RustDemangle.demangle(String(word)) {
                    out += message[copied..<index] + demangled
                    copied = word.endIndex
                    index = word.endIndex
                    previous = 0
                    continue
                }
            }
            previous = c
            index = utf8.index(after: index)
        }
        guard copied != utf8.startIndex else { return message }
        return out + message[copied...]
    }

    /// The output order: by file, then place in the file, then rule, then what it is about.
    public static func reportOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.path != b.path { return a.path < b.path }
        if a.section != b.section { return (a.section ?? "") < (b.section ?? "") }
        if a.offset != b.offset { return (a.offset ?? 0) < (b.offset ?? 0) }
        if a.code != b.code { return a.code < b.code }
        if a.symbol != b.symbol { return (a.symbol ?? "") < (b.symbol ?? "") }
        if a.targetSymbol != b.targetSymbol { return (a.targetSymbol ?? "") < (b.targetSymbol ?? "") }
        return a.message < b.message
    }
}

extension Diagnostic {
    /// The same finding at another severity.
    public func with(severity: Severity) -> Diagnostic {
        Diagnostic(code: code, name: name, severity: severity, path: path, module: module, message: message,
                   symbol: symbol, section: section, offset: offset, targetSymbol: targetSymbol,
                   targetSection: targetSection, location: location, related: related)
    }

    /// The same finding with its paths as the user reads them: the module path and source
    /// files relative to `root` when under it, normalised.
    public func relativised(to root: String) -> Diagnostic {
        func shown(_ location: SourceLocation) -> SourceLocation {
            guard location.file.hasPrefix("/") else { return location }
            let file = SourcePath.relative(location.file, to: root) ?? SourcePath.normalise(location.file)
            return SourceLocation(file: file, line: location.line, column: location.column)
        }
        let shownPath = path.hasPrefix("/") ? (SourcePath.relative(path, to: root) ?? path) : path
        return Diagnostic(code: code, name: name, severity: severity, path: shownPath, module: module, message: message,
                          symbol: symbol, section: section, offset: offset, targetSymbol: targetSymbol,
                          targetSection: targetSection, location: location.map(shown),
                          related: related.map { RelatedLocation(location: shown($0.location), message: $0.message) })
    }

    /// What the finding is about in one string: `from -> to` for a reference, else the symbol,
    /// else the module. Rule examples and baselines key on it.
    public var subject: String {
        if let targetSymbol { return "\(symbol ?? section ?? "?") -> \(targetSymbol)" }
        return symbol ?? module
    }
}

/// A place in the sources that explains a finding without being where it is.
public struct RelatedLocation: Sendable, Hashable, Codable {
    public let location: SourceLocation
    /// What the place is (`declared here`).
    public let message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }
}
