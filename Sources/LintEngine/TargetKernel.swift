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

    /// Whether `word` is one of the space-separated words of `vermagic`, without splitting it
    /// (asked once per module by the symbol-version rules).
    public static func has(word: String, in vermagic: String) -> Bool {
        let text = vermagic.utf8, target = word.utf8
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: UInt8(ascii: " ")) ?? text.endIndex
            if text[start..<end].elementsEqual(target) { return true }
            start = end == text.endIndex ? end : text.index(after: end)
        }
        return false
    }
}
