import ModuleObject

/// One symbol a kernel (or a module of it) exports, as a symbol table records it.
public struct KernelExport: Sendable, Hashable {
    public let name: String
    /// nil when the source has no CRCs (System.map, kallsyms) or modversions were off (0x0).
    public let crc: UInt32?
    /// `vmlinux`, or the module path without `.ko` as Module.symvers writes it.
    public let owner: String
    public let isGPLOnly: Bool
    public let namespace: String?

    public init(name: String, crc: UInt32?, owner: String, isGPLOnly: Bool, namespace: String?) {
        self.name = name
        self.crc = crc
        self.owner = owner
        self.isGPLOnly = isGPLOnly
        self.namespace = namespace
    }

    public var isFromVmlinux: Bool { owner == "vmlinux" }
}

/// A symbol table file that could not be parsed: which file, which line, what was expected.
public struct SymbolTableError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
