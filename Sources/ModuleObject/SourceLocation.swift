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
