/// Why a file could not be read as a kernel module. Each case carries enough to tell the user
/// what is wrong without a hex editor; the text is what `E001 unreadable-input` prints.
public enum ModuleError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotOpen(String)
    case notELF
    case truncated(String)
    case unsupported(String)
    case corrupt(String)
    case tooLarge(String)
    /// The per-module watchdog gave up on it.
    case timedOut(String)
    /// More sections, symbols or relocations than `ModuleLimits` allows.
    case limitExceeded(what: String, count: UInt64, limit: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let why): return "cannot open: \(why)"
        case .notELF: return "not an ELF file"
        case .truncated(let what): return "truncated: \(what)"
        case .unsupported(let what): return "unsupported: \(what)"
        case .corrupt(let what): return "corrupt: \(what)"
        case .tooLarge(let what): return "too large: \(what)"
        case .timedOut(let what): return "timed out: \(what)"
        case .limitExceeded(let what, let count, let limit): return "too many \(what): \(count), the limit is \(limit)"
        }
    }
}
