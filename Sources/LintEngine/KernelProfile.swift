import ModuleObject

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

    public var description: String { "\(major).\(minor).\(patch)" }
}

/// The kernel a module is checked against. Rules whose answer depends on the kernel
/// generation (section classes, modpost's whitelist, loader layout) ask the profile and never
/// assume one version. The version is forced with `--kernel-version`, else read from the
/// module's own vermagic; unknown means "the newest rules".
public struct KernelProfile: Sendable, Hashable {
    public let version: KernelVersion?
    public let isForced: Bool

    public init(version: KernelVersion?, isForced: Bool) {
        self.version = version
        self.isForced = isForced
    }

    public static func of(_ module: ModuleObject, forced: KernelVersion?) -> KernelProfile {
        if let forced { return KernelProfile(version: forced, isForced: true) }
        let release = module.modinfo.vermagic?.split(separator: " ").first.map(String.init)
        return KernelProfile(version: release.flatMap(KernelVersion.init(parsing:)), isForced: false)
    }

    /// True when the target is known to be older than `version`.
    public func isBefore(_ version: KernelVersion) -> Bool {
        guard let own = self.version else { return false }
        return own < version
    }
}
