/// A place in the C sources a module was built from, as its debug info gives it: the path
/// relative to the compilation directory (absolute when the file lies outside it, such as
/// the kernel headers), the line, and the column when the compiler recorded one.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int?

    public init(file: String, line: Int, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line` or `file:line:column`.
    public var description: String {
        column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
    }

    enum CodingKeys: String, CodingKey { case file, line, column }

    // Every key always present, as everywhere in the JSON output.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(line, forKey: .line)
        try c.encode(column, forKey: .column)
    }
}

/// Paths as a reader clicks on them: without `.` and `..` components, and relative to the
/// directory the user works in when they lie under it.
public enum SourcePath {
    /// `path` with `.` and `..` resolved lexically (no file system access: the sources of a
    /// module are usually not on the machine that lints it). A relative path keeps leading
    /// `..` it cannot resolve.
    public static func normalise(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", absolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// `path` relative to `root` when it lies under it (both normalised; `root` absolute),
    /// else nil.
    public static func relative(_ path: String, to root: String) -> String? {
        guard path.hasPrefix("/") else { return nil }
        let file = normalise(path), base = normalise(root)
        let prefix = base == "/" ? "/" : base + "/"
        guard file.hasPrefix(prefix), file.count > prefix.count else { return nil }
        return String(file.dropFirst(prefix.count))
    }
}
