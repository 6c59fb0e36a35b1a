import Foundation

/// The kernel the modules are meant to load into, as far as it is known: from
/// `--kernel-version`, or implied by the symbol sources (a module tree's vermagic, a tree's
/// release). Rules that compare against the target (M003) stay silent when it is unknown.
public struct TargetKernel: Sendable, Hashable {
    /// The release, `uname -r` (the first word of vermagic).
    public let release: String?
    /// The whole vermagic string (`<release> SMP preempt mod_unload modversions ...`).
    public let vermagic: String?

    public init(release: String? = nil, vermagic: String? = nil) {
        let words = vermagic.map(TargetKernel.words) ?? []
        self.vermagic = words.isEmpty ? nil : vermagic
        self.release = release ?? words.first.map(String.init)
    }

    /// `--kernel-version`: a release (`6.1.0-50-amd64`) or a whole vermagic string.
    public init(argument: String) {
        if TargetKernel.words(argument).count > 1 {
            self.init(vermagic: argument)
        } else {
            self.init(release: argument.trimmingCharacters(in: .whitespaces))
        }
    }

    public static let unknown = TargetKernel()

    public var isKnown: Bool { release != nil || vermagic != nil }

    /// The space-separated words of a vermagic string; the loader compares the string, and
    /// the words are what differ in practice (the trailing space modpost writes is not).
    public static func words(_ vermagic: String) -> [Substring] {
        vermagic.split(separator: " ", omittingEmptySubsequences: true)
    }
}
