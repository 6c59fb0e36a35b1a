import Foundation

/// A one-line progress bar on standard error for long runs, drawn only when standard error is
/// a terminal: a pipe or a CI log gets nothing. Redrawn at most once per percent, erased at
/// the end so the report starts on a clean line.
public final class ProgressBar: @unchecked Sendable {
    /// Runs over fewer files than this finish before a bar would be read.
    public static let minimumFiles = 50

    private let lock = NSLock()
    private let write: @Sendable (String) -> Void
    private let width: Int
    private var shownPercent = -1
    private var drawn = false

    /// `write` receives the terminal text (tests pass a collector).
    public init(width: Int = 30, write: @escaping @Sendable (String) -> Void) {
        self.width = width
        self.write = write
    }

    /// Whether a run should have a bar: stderr is a terminal (and not a dumb one).
    public static func wanted(stderrIsTerminal: Bool, environment: [String: String]) -> Bool {
        stderrIsTerminal && environment["TERM"] != "dumb"
    }

    /// One step of `total` done; `total` counts two steps per file (read, then check).
    public func update(done: Int, total: Int) {
        guard total >= 2 * Self.minimumFiles, total > 0 else { return }
        let percent = min(100, done * 100 / total)
        lock.lock(); defer { lock.unlock() }
        guard percent > shownPercent else { return }
        shownPercent = percent
        drawn = true
        let filled = width * percent / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        write("\r\u{1B}[2Kmodlint [\(bar)] \(percent)% (\(total / 2) files)")
    }

    /// Erases the bar, if one was drawn.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        if drawn { write("\r\u{1B}[2K") }
        drawn = false
    }
}
