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

/// Where in the module object a finding is, each part in a field of its own: the section and
/// the offset in it (`address`), the symbol that holds that place and the offset from the
/// symbol's start, and the element of the object the place is in (`[1].me`, `.owner`, `[2]`).
/// A part that does not apply is nil: a finding about a whole table has no offset in it.
public struct ObjectPlace: Sendable, Hashable, Codable {
    public let section: String
    /// Offset of the place in `section` (for a relocatable module: its address there).
    public let address: UInt64?
    /// The function or object the place is in.
    public let symbol: String?
    /// Offset of the place from `symbol`'s start.
    public let symbolOffset: UInt64?
    /// The member or array element of `symbol` the place is, as C spells it.
    public let element: String?

    public init(section: String, address: UInt64?, symbol: String? = nil, symbolOffset: UInt64? = nil, element: String? = nil) {
        self.section = section
        self.address = address
        self.symbol = symbol
        self.symbolOffset = symbolOffset
        self.element = element
    }

    /// A place `offset` bytes into `symbol`, which starts at `start` in `section`.
    public static func inside(_ symbol: String, at start: UInt64, offset: UInt64, section: String, element: String? = nil) -> ObjectPlace {
        ObjectPlace(section: section, address: start &+ offset, symbol: symbol, symbolOffset: offset, element: element)
    }

    enum CodingKeys: String, CodingKey {
        case section, address, symbol, element
        case symbolOffset = "symbol_offset"
    }
}

/// One finding. `symbol`/`section` name what it is about (for a reference: where it is made
/// from); `targetSymbol`/`targetSection` name what is referenced; `place` is where in the object
/// it is, part by part.
public struct Diagnostic: Sendable, Hashable, Codable {
    public let code: String
    public let name: String
    public let severity: Severity
    public let path: String
    public let module: String
    public let message: String
    public let symbol: String?
    public let section: String?
    /// Where in the module object the finding is; nil for a finding about the module as a
    /// whole or an import (no place in the object).
    public let place: ObjectPlace?
    public let targetSymbol: String?
    public let targetSection: String?
    /// Where in the C sources the finding is, when the module's debug info says.
    public let location: SourceLocation?
    /// Other places that explain the finding (the declaration of an imported symbol).
    public let related: [RelatedLocation]

    public init(code: String, name: String, severity: Severity, path: String, module: String, message: String,
                symbol: String? = nil, section: String? = nil, place: ObjectPlace? = nil,
                targetSymbol: String? = nil, targetSection: String? = nil, location: SourceLocation? = nil,
                related: [RelatedLocation] = []) {
        self.code = code
        self.name = name
        self.severity = severity
        self.path = path
        self.module = module
        self.message = Diagnostic.demanglingRustNames(in: message)
        self.symbol = symbol
        self.section = section ?? place?.section
        self.place = place
        self.targetSymbol = targetSymbol
        self.targetSection = targetSection
        self.location = location
        self.related = related
    }

    enum CodingKeys: String, CodingKey {
        case code, name, severity, path, module, message, symbol, section, place, location, related
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

    /// The single `offset` of the JSON schema 1 and the SARIF properties, kept as it was:
    /// the offset from `symbol` when the place is in the finding's own symbol (a reference
    /// from a function, an object's member), else the offset in the section (a device-table
    /// entry, a whole table, the init pointer in `__this_module`). `place` has the parts.
    public var legacyOffset: UInt64? {
        guard let place else { return nil }
        if let symbolOffset = place.symbolOffset, place.symbol == symbol { return symbolOffset }
        return place.address
    }

    /// The output order: by file, then section, then address in the section (findings without
    /// a place first), then rule, then what it is about.
    public static func reportOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.path != b.path { return a.path < b.path }
        let sectionA = a.place?.section ?? a.section ?? "", sectionB = b.place?.section ?? b.section ?? ""
        if sectionA != sectionB { return sectionA < sectionB }
        let addressA = a.place?.address, addressB = b.place?.address
        if addressA != addressB {
            guard let addressA else { return true }
            guard let addressB else { return false }
            return addressA < addressB
        }
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
                   symbol: symbol, section: section, place: place, targetSymbol: targetSymbol,
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
                          symbol: symbol, section: section, place: place, targetSymbol: targetSymbol,
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
