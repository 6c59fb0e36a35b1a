/// Rust symbol names as a person reads them. The kernel builds its Rust code (CONFIG_RUST,
/// on in Debian's 7.x kernels) with the v0 mangling (`_RNvMs0_NtNtCs…_6kernel3net3phy…`);
/// older Rust code uses the legacy one (`_ZN6kernel5print11call_printk17h0123456789abcdefE`).
/// Both are demangled in the short form `rustfilt` prints: paths without the crates'
/// disambiguating hashes (`<qt2025::PhyQT2025 as kernel::net::phy::Driver>::probe`).
///
/// A name is read from a module file, so it may be anything: the parser never reads outside
/// the name, a back reference must point before itself, nesting and output are bounded, and
/// any name that is not well formed gives nil (the caller keeps the mangled name).
public enum RustDemangle {
    /// The demangled form of `name`, or nil when it is not a Rust symbol name.
    public static func demangle(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.count > 2, bytes[0] == UInt8(ascii: "_"), bytes[1] == UInt8(ascii: "R") {
            var parser = V0(Array(bytes[2...]))
            return parser.symbol()
        }
        if bytes.count > 4, bytes[0] == UInt8(ascii: "_"), bytes[1] == UInt8(ascii: "Z"), bytes[2] == UInt8(ascii: "N") {
            return legacy(Array(bytes[3...]))
        }
        return nil
    }

    /// Whether `name` starts like a Rust symbol name (cheap: no parsing).
    public static func looksMangled(_ name: Substring.UTF8View) -> Bool {
        var i = name.makeIterator()
        guard i.next() == UInt8(ascii: "_"), let second = i.next() else { return false }
        if second == UInt8(ascii: "R") { return i.next().map(isUpper) ?? false }
        return second == UInt8(ascii: "Z") && i.next() == UInt8(ascii: "N")
    }

    /// Longest output produced; a longer name is left mangled.
    static let maximumLength = 4096
    /// Deepest nesting of paths, types and back references followed.
    static let maximumDepth = 300

    static func isUpper(_ c: UInt8) -> Bool { c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") }
    static func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    // MARK: legacy

    /// `_ZN` { <length> <element> } `E`, the last element `17h` and 16 hex digits: the elements
    /// joined by `::` without the hash, with the `$…$` escapes and `..` (for `::`) decoded. A
    /// name without the hash is a C++ one and stays mangled.
    static func legacy(_ s: [UInt8]) -> String? {
        var elements: [[UInt8]] = []
        var i = 0
        while i < s.count, s[i] != UInt8(ascii: "E") {
            var length = 0
            guard isDigit(s[i]) else { return nil }
            while i < s.count, isDigit(s[i]) {
                length = length * 10 + Int(s[i] - UInt8(ascii: "0"))
                guard length <= maximumLength else { return nil }
                i += 1
            }
            guard length > 0, length <= s.count - i else { return nil }
            elements.append(Array(s[i..<(i + length)]))
            i += length
        }
        // The terminating `E`, then at most a `.llvm.…`-style suffix.
        guard i < s.count, elements.count >= 2, let hash = elements.last, hash.count == 17, hash[0] == UInt8(ascii: "h"),
              hash.dropFirst().allSatisfy({ isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }) else { return nil }
        guard i + 1 == s.count || s[i + 1] == UInt8(ascii: ".") else { return nil }
        var out = ""
        for (n, element) in elements.dropLast().enumerated() {
            if n > 0 { out += "::" }
            guard let text = legacyElement(element) else { return nil }
            out += text
        }
        return out.utf8.count <= maximumLength ? out : nil
    }

    static let legacyEscapes: [String: String] = [
        "SP": "@", "BP": "*", "RF": "&", "LT": "<", "GT": ">", "LP": "(", "RP": ")", "C": ",",
    ]

    static func legacyElement(_ e: [UInt8]) -> String? {
        var out = ""
        var i = 0
        // `_$` starts an element that begins with an escape.
        if e.count > 1, e[0] == UInt8(ascii: "_"), e[1] == UInt8(ascii: "$") { i = 1 }
        while i < e.count {
            let c = e[i]
            if c == UInt8(ascii: "$") {
                guard let end = e[(i + 1)...].firstIndex(of: UInt8(ascii: "$")) else { return nil }
                let code = String(decoding: e[(i + 1)..<end], as: UTF8.self)
                if let text = legacyEscapes[code] {
                    out += text
                } else if code.hasPrefix("u"), let scalar = UInt32(code.dropFirst(), radix: 16).flatMap(Unicode.Scalar.init) {
                    out.unicodeScalars.append(scalar)
                } else {
                    return nil
                }
                i = end + 1
            } else if c == UInt8(ascii: "."), i + 1 < e.count, e[i + 1] == UInt8(ascii: ".") {
                out += "::"
                i += 2
            } else {
                guard c >= 0x20, c < 0x7f else { return nil }
                out.unicodeScalars.append(Unicode.Scalar(c))
                i += 1
            }
        }
        return out
    }

    // MARK: v0

    /// The v0 grammar (RFC 2603), printed as rustc-demangle's alternate form.
    struct V0 {
        let s: [UInt8]
        var position = 0
        var depth = 0
        var out = ""
        /// While > 0, parsed parts are not printed (an impl's own path).
        var silent = 0
        /// Lifetimes bound by enclosing `for<…>` binders.
        var boundLifetimes = 0

        init(_ s: [UInt8]) { self.s = s }

        struct Invalid: Error {}

        mutating func symbol() -> String? {
            // No encoding version: only v0 itself, whose paths start with an upper-case letter.
            guard let first = s.first, isUpper(first) else { return nil }
            do {
                try path(inValue: true)
                // The instantiating crate, printed by no demangler.
                if position < s.count, isUpper(s[position]) {
                    silent += 1
                    try path(inValue: false)
                    silent -= 1
                }
                // A vendor suffix (`.llvm.1234`) is not part of the name.
                guard position == s.count || s[position] == UInt8(ascii: ".") || s[position] == UInt8(ascii: "$") else { return nil }
            } catch {
                return nil
            }
            return out
        }

        mutating func emit(_ text: String) throws {
            guard silent == 0 else { return }
            out += text
            guard out.utf8.count <= maximumLength else { throw Invalid() }
        }

        mutating func peek() -> UInt8? { position < s.count ? s[position] : nil }

        mutating func next() throws -> UInt8 {
            guard position < s.count else { throw Invalid() }
            defer { position += 1 }
            return s[position]
        }

        mutating func eat(_ c: Character) -> Bool {
            guard position < s.count, s[position] == c.asciiValue! else { return false }
            position += 1
            return true
        }

        mutating func enter() throws {
            depth += 1
            guard depth <= maximumDepth else { throw Invalid() }
        }

        /// <base-62-number>: `_` is 0, else digits 0-9a-zA-Z and `_`, plus one.
        mutating func base62() throws -> UInt64 {
            if eat("_") { return 0 }
            var value: UInt64 = 0
            while true {
                let c = try next()
                if c == UInt8(ascii: "_") { break }
                let digit: UInt64
                if isDigit(c) { digit = UInt64(c - UInt8(ascii: "0")) }
                else if isLower(c) { digit = UInt64(c - UInt8(ascii: "a")) + 10 }
                else if isUpper(c) { digit = UInt64(c - UInt8(ascii: "A")) + 36 }
                else { throw Invalid() }
                let (times, o1) = value.multipliedReportingOverflow(by: 62)
                let (sum, o2) = times.addingReportingOverflow(digit)
                guard !o1, !o2 else { throw Invalid() }
                value = sum
            }
            let (result, overflow) = value.addingReportingOverflow(1)
            guard !overflow else { throw Invalid() }
            return result
        }

        /// [`s` <base-62-number>]: 0 without one, else the number plus one.
        mutating func disambiguator() throws -> UInt64 {
            guard eat("s") else { return 0 }
            let (value, overflow) = try base62().addingReportingOverflow(1)
            guard !overflow else { throw Invalid() }
            return value
        }

        mutating func decimal() throws -> Int {
            guard let c = peek(), isDigit(c) else { throw Invalid() }
            if c == UInt8(ascii: "0") { position += 1; return 0 }
            var value = 0
            while let c = peek(), isDigit(c) {
                value = value * 10 + Int(c - UInt8(ascii: "0"))
                guard value <= s.count else { throw Invalid() }
                position += 1
            }
            return value
        }

        /// <undisambiguated-identifier>: [`u`] <decimal> [`_`] <bytes>. Punycode (`u`) names
        /// are shown as rustc-demangle shows those it cannot decode.
        mutating func identifier() throws -> String {
            let punycode = eat("u")
            let length = try decimal()
            _ = eat("_")
            guard length <= s.count - position else { throw Invalid() }
            let bytes = s[position..<(position + length)]
            position += length
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { throw Invalid() }
            let text = String(decoding: bytes, as: UTF8.self)
            return punycode ? "punycode{\(text)}" : text
        }

        /// Runs `body` at the position a back reference names, then comes back.
        mutating func backref(_ body: (inout V0) throws -> Void) throws {
            let start = position - 1   // the `B`
            let target = try base62()
            guard target < UInt64(start) else { throw Invalid() }
            try enter()
            let resume = position
            position = Int(target)
            try body(&self)
            position = resume
            depth -= 1
        }

        mutating func path(inValue: Bool) throws {
            try enter()
            defer { depth -= 1 }
            let tag = try next()
            switch tag {
            case UInt8(ascii: "C"):
                _ = try disambiguator()
                try emit(try identifier())
            case UInt8(ascii: "M"):
                _ = try disambiguator()
                silent += 1
                try path(inValue: false)
                silent -= 1
                try emit("<")
                try type()
                try emit(">")
            case UInt8(ascii: "X"):
                _ = try disambiguator()
                silent += 1
                try path(inValue: false)
                silent -= 1
                try emit("<")
                try type()
                try emit(" as ")
                try path(inValue: false)
                try emit(">")
            case UInt8(ascii: "Y"):
                try emit("<")
                try type()
                try emit(" as ")
                try path(inValue: false)
                try emit(">")
            case UInt8(ascii: "N"):
                let namespace = try next()
                guard isUpper(namespace) || isLower(namespace) else { throw Invalid() }
                try path(inValue: inValue)
                let number = try disambiguator()
                let name = try identifier()
                if isUpper(namespace) {
                    let kind: String
                    switch namespace {
                    case UInt8(ascii: "C"): kind = "closure"
                    case UInt8(ascii: "S"): kind = "shim"
                    default: kind = String(UnicodeScalar(namespace))
                    }
                    try emit("::{\(kind)\(name.isEmpty ? "" : ":" + name)#\(number)}")
                } else if !name.isEmpty {
                    try emit("::" + name)
                }
            case UInt8(ascii: "I"):
                try path(inValue: inValue)
                if inValue { try emit("::") }
                try emit("<")
                try genericArguments()
                try emit(">")
            case UInt8(ascii: "B"):
                try backref { try $0.path(inValue: inValue) }
            default:
                throw Invalid()
            }
        }

        /// { <generic-arg> } `E`, separated by ", ".
        mutating func genericArguments() throws {
            var first = true
            while !eat("E") {
                if !first { try emit(", ") }
                first = false
                if eat("L") {
                    try lifetime(try base62())
                } else if eat("K") {
                    try constant()
                } else {
                    try type()
                }
            }
        }

        mutating func lifetime(_ index: UInt64) throws {
            if index == 0 { try emit("'_"); return }
            guard index <= UInt64(boundLifetimes) else { throw Invalid() }
            let depth = boundLifetimes - Int(index)
            if depth < 26 {
                try emit("'" + String(UnicodeScalar(UInt8(ascii: "a") + UInt8(depth))))
            } else {
                try emit("'_\(depth)")
            }
        }

        /// [`G` <base-62-number>]: a `for<'a, …>` binder around `body`.
        mutating func binder(_ body: (inout V0) throws -> Void) throws {
            let count = eat("G") ? try base62() + 1 : 0
            guard count <= 64 else { throw Invalid() }
            if count > 0 {
                try emit("for<")
                for n in 0..<Int(count) {
                    if n > 0 { try emit(", ") }
                    boundLifetimes += 1
                    try lifetime(1)
                }
                try emit("> ")
            }
            try body(&self)
            boundLifetimes -= Int(count)
        }

        static let basicTypes: [UInt8: String] = [
            UInt8(ascii: "a"): "i8", UInt8(ascii: "b"): "bool", UInt8(ascii: "c"): "char", UInt8(ascii: "d"): "f64",
            UInt8(ascii: "e"): "str", UInt8(ascii: "f"): "f32", UInt8(ascii: "h"): "u8", UInt8(ascii: "i"): "isize",
            UInt8(ascii: "j"): "usize", UInt8(ascii: "l"): "i32", UInt8(ascii: "m"): "u32", UInt8(ascii: "n"): "i128",
            UInt8(ascii: "o"): "u128", UInt8(ascii: "s"): "i16", UInt8(ascii: "t"): "u16", UInt8(ascii: "u"): "()",
            UInt8(ascii: "v"): "...", UInt8(ascii: "x"): "i64", UInt8(ascii: "y"): "u64", UInt8(ascii: "z"): "!",
            UInt8(ascii: "p"): "_",
        ]

        mutating func type() throws {
            try enter()
            defer { depth -= 1 }
            guard let tag = peek() else { throw Invalid() }
            if let basic = V0.basicTypes[tag] {
                position += 1
                try emit(basic)
                return
            }
            position += 1
            switch tag {
            case UInt8(ascii: "R"), UInt8(ascii: "Q"):
                try emit("&")
                if eat("L") {
                    let index = try base62()
                    if index != 0 { try lifetime(index); try emit(" ") }
                }
                if tag == UInt8(ascii: "Q") { try emit("mut ") }
                try type()
            case UInt8(ascii: "P"):
                try emit("*const ")
                try type()
            case UInt8(ascii: "O"):
                try emit("*mut ")
                try type()
            case UInt8(ascii: "A"):
                try emit("[")
                try type()
                try emit("; ")
                try constant()
                try emit("]")
            case UInt8(ascii: "S"):
                try emit("[")
                try type()
                try emit("]")
            case UInt8(ascii: "T"):
                try emit("(")
                var count = 0
                while !eat("E") {
                    if count > 0 { try emit(", ") }
                    try type()
                    count += 1
                }
                if count == 1 { try emit(",") }
                try emit(")")
            case UInt8(ascii: "F"):
                try binder { try $0.functionSignature() }
            case UInt8(ascii: "D"):
                try emit("dyn ")
                try binder { v in
                    var first = true
                    while !v.eat("E") {
                        if !first { try v.emit(" + ") }
                        first = false
                        try v.dynTrait()
                    }
                }
                guard eat("L") else { throw Invalid() }
                let index = try base62()
                if index != 0 { try emit(" + "); try lifetime(index) }
            case UInt8(ascii: "B"):
                try backref { try $0.type() }
            default:
                position -= 1
                try path(inValue: false)
            }
        }

        mutating func functionSignature() throws {
            if eat("U") { try emit("unsafe ") }
            if eat("K") {
                if eat("C") {
                    try emit("extern \"C\" ")
                } else {
                    let abi = try identifier()
                    try emit("extern \"\(abi.replacingOccurrences(of: "_", with: "-"))\" ")
                }
            }
            try emit("fn(")
            var first = true
            while !eat("E") {
                if !first { try emit(", ") }
                first = false
                try type()
            }
            try emit(")")
            if eat("u") { return }
            try emit(" -> ")
            try type()
        }

        /// <path> { `p` <identifier> <type> }: `Trait<Assoc = Type>`, the bindings added to
        /// the trait's own generic arguments when it has some.
        mutating func dynTrait() throws {
            let open = try pathOpeningGenerics()
            var isOpen = open
            while eat("p") {
                try emit(isOpen ? ", " : "<")
                isOpen = true
                try emit(try identifier())
                try emit(" = ")
                try type()
            }
            if isOpen { try emit(">") }
        }

        /// A path whose generic arguments are printed without the closing `>`: true then.
        mutating func pathOpeningGenerics() throws -> Bool {
            if eat("B") {
                var open = false
                try backref { open = try $0.pathOpeningGenerics() }
                return open
            }
            if eat("I") {
                try enter()
                defer { depth -= 1 }
                try path(inValue: false)
                try emit("<")
                var first = true
                while !eat("E") {
                    if !first { try emit(", ") }
                    first = false
                    if eat("L") { try lifetime(try base62()) } else if eat("K") { try constant() } else { try type() }
                }
                return true
            }
            try path(inValue: false)
            return false
        }

        /// <const>: a type and its value (integers, bool, char), `_` for a placeholder, or a
        /// back reference.
        mutating func constant() throws {
            try enter()
            defer { depth -= 1 }
            if eat("B") { try backref { try $0.constant() }; return }
            if eat("p") { try emit("_"); return }
            let tag = try next()
            let negative = eat("n")
            var digits: [UInt8] = []
            while true {
                let c = try next()
                if c == UInt8(ascii: "_") { break }
                guard isDigit(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c) else { throw Invalid() }
                digits.append(c)
            }
            let hex = String(decoding: digits, as: UTF8.self)
            switch tag {
            case UInt8(ascii: "h"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "y"), UInt8(ascii: "o"), UInt8(ascii: "j"),
                 UInt8(ascii: "a"), UInt8(ascii: "s"), UInt8(ascii: "l"), UInt8(ascii: "x"), UInt8(ascii: "n"), UInt8(ascii: "i"):
                let value = hex.isEmpty ? 0 : UInt64(hex, radix: 16)
                if let value { try emit((negative ? "-" : "") + String(value)) } else { try emit((negative ? "-" : "") + "0x" + hex) }
            case UInt8(ascii: "b"):
                guard !negative else { throw Invalid() }
                switch hex {
                case "0": try emit("false")
                case "1": try emit("true")
                default: throw Invalid()
                }
            case UInt8(ascii: "c"):
                guard !negative, let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else { throw Invalid() }
                try emit("'" + String(Character(scalar)).unicodeScalars.map { $0.escaped(asASCII: true) }.joined() + "'")
            default:
                throw Invalid()
            }
        }
    }
}
