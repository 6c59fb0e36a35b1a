/// A kernel release as `major.minor.patch`, parsed from the front of a release string
/// (`6.1.0-50-amd64`, `6.12.117+deb12-amd64`, `6.1`).
public struct KernelVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public init?(parsing text: String) {
        self.init(release: Substring(text).utf8)
    }

    /// Bytes, not characters: every module's vermagic is parsed, and only ASCII digits count.
    init?(release text: Substring.UTF8View) {
        var numbers = (0, 0, 0)
        var count = 0
        var current: Int?
        for byte in text {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                current = (current ?? 0) * 10 + Int(byte - UInt8(ascii: "0"))
                if current! > 1_000_000 { return nil }
            } else if byte == UInt8(ascii: "."), let value = current, count < 2 {
                if count == 0 { numbers.0 = value } else { numbers.1 = value }
                count += 1
                current = nil
            } else {
                break
            }
        }
        if let current {
            switch count {
            case 0: numbers.0 = current
            case 1: numbers.1 = current
            default: numbers.2 = current
            }
            count += 1
        }
        guard count >= 2 else { return nil }
        self.init(numbers.0, numbers.1, numbers.2)
    }

    public static func < (a: KernelVersion, b: KernelVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }

    public var description: String { patch == 0 ? "\(major).\(minor)" : "\(major).\(minor).\(patch)" }

    /// The release at the start of a vermagic string ("6.1.0-50-amd64 SMP …"); nil when the
    /// string does not start with one.
    public init?(vermagic: String) {
        let words = Substring(vermagic).utf8.drop { $0 == UInt8(ascii: " ") }
        self.init(release: words.prefix { $0 != UInt8(ascii: " ") })
    }

    /// Major and minor only: layouts and section tables change between releases, not patches.
    public var release: KernelVersion { KernelVersion(major, minor) }
}

