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
        var numbers: [Int] = []
        var current: Int?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                current = (current ?? 0) * 10 + digit
                if current! > 1_000_000 { return nil }
            } else if character == ".", let value = current, numbers.count < 2 {
                numbers.append(value)
                current = nil
            } else {
                break
            }
        }
        if let current { numbers.append(current) }
        guard numbers.count >= 2 else { return nil }
        self.init(numbers[0], numbers[1], numbers.count > 2 ? numbers[2] : 0)
    }

    public static func < (a: KernelVersion, b: KernelVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }

    public var description: String { patch == 0 ? "\(major).\(minor)" : "\(major).\(minor).\(patch)" }

    /// The release at the start of a vermagic string ("6.1.0-50-amd64 SMP …"); nil when the
    /// string does not start with one.
    public init?(vermagic: String) {
        guard let release = vermagic.split(separator: " ").first else { return nil }
        self.init(parsing: String(release))
    }

    /// Major and minor only: layouts and section tables change between releases, not patches.
    public var release: KernelVersion { KernelVersion(major, minor) }
}

