import ModuleObject

/// One member of a structure, in the words of its DWARF description.
public struct StructMember: Sendable, Hashable {
    /// Nil for an anonymous struct or union member.
    public let name: String?
    /// Byte offset from the start of the structure; nil when the compiler gave a location
    /// expression modlint does not evaluate.
    public let offset: UInt64?
    /// The member's C type as written, typedefs kept: `struct module *`, `const char *`.
    public let typeName: String

    public init(name: String?, offset: UInt64?, typeName: String) {
        self.name = name
        self.offset = offset
        self.typeName = typeName
    }
}

/// A named structure type. Every compilation unit carries its own copy of the types it
/// uses; the one kept is the definition a variable's type leads to (see `StructReach`).
public struct StructLayout: Sendable, Hashable {
    public let name: String
    public let size: UInt64?
    public let members: [StructMember]

    public init(name: String, size: UInt64?, members: [StructMember]) {
        self.name = name
        self.size = size
        self.members = members
    }

    public func member(named name: String) -> StructMember? { members.first { $0.name == name } }
}

/// A variable with static storage (file scope or `static` inside a function).
public struct DebugVariable: Sendable, Hashable {
    public let name: String
    /// The type as written, typedefs and qualifiers kept.
    public let typeName: String
    /// The structure the variable is (or, for an array, whose elements are), seen through
    /// typedef, const and volatile; nil for anything else.
    public let structName: String?
    /// Element count for an array of known bound; nil for a non-array.
    public let arrayCount: UInt64?
    public let isArray: Bool
    public let location: SourceLocation?

    public init(name: String, typeName: String, structName: String?, isArray: Bool, arrayCount: UInt64?,
                location: SourceLocation?) {
        self.name = name
        self.typeName = typeName
        self.structName = structName
        self.isArray = isArray
        self.arrayCount = arrayCount
        self.location = location
    }
}

/// A function the module defines, or one it only declares (the prototype of an import).
public struct DebugFunction: Sendable, Hashable {
    public let name: String
    public let location: SourceLocation?
    public let isDeclaration: Bool

    public init(name: String, location: SourceLocation?, isDeclaration: Bool) {
        self.name = name
        self.location = location
        self.isDeclaration = isDeclaration
    }
}

/// What the DWARF of one module says, as plain values. No libdwarf handle outlives the load.
public struct DebugInfo: Sendable {
    /// Names of the compilation units, in file order.
    public let compilationUnits: [String]
    public let structs: [String: StructLayout]
    /// By name; a name can be defined once per compilation unit (`static` objects).
    public let variables: [String: [DebugVariable]]
    /// Definitions win over declarations.
    public let functions: [String: DebugFunction]
    /// Declarations of variables the module does not define (`extern` objects it imports).
    public let variableDeclarations: [String: SourceLocation]
    /// Whether `functions` and `variableDeclarations` were read (`load(module:declarations:)`):
    /// without them both are empty and `declaration(of:)` knows only the variables.
    public let hasDeclarations: Bool

    public init(compilationUnits: [String], structs: [String: StructLayout], variables: [String: [DebugVariable]],
                functions: [String: DebugFunction], variableDeclarations: [String: SourceLocation],
                hasDeclarations: Bool = true) {
        self.compilationUnits = compilationUnits
        self.structs = structs
        self.variables = variables
        self.functions = functions
        self.variableDeclarations = variableDeclarations
        self.hasDeclarations = hasDeclarations
    }

    /// The variable named like an ELF symbol. gcc names `static` locals `name.N` in the
    /// symbol table, while DWARF keeps `name`.
    public func variables(forSymbol name: String) -> [DebugVariable] {
        if let found = variables[name] { return found }
        if let dot = name.lastIndex(of: "."), name[name.index(after: dot)...].allSatisfy(\.isNumber),
           name.index(after: dot) != name.endIndex {
            return variables[String(name[..<dot])] ?? []
        }
        return []
    }

    /// Offset of a member reached through nested structure members (`["driver", "owner"]`
    /// in `pci_driver`), and the type of the last member; nil when a step is missing.
    public func member(path: [String], in structName: String) -> (offset: UInt64, typeName: String)? {
        var current = structName
        var offset: UInt64 = 0
        var typeName = ""
        for (index, name) in path.enumerated() {
            guard let layout = structs[current], let member = layout.member(named: name),
                  let memberOffset = member.offset else { return nil }
            let (sum, overflow) = offset.addingReportingOverflow(memberOffset)
            guard !overflow else { return nil }
            offset = sum
            typeName = member.typeName
            if index < path.count - 1 {
                guard typeName.hasPrefix("struct ") else { return nil }
                current = String(typeName.dropFirst("struct ".count))
            }
        }
        return (offset, typeName)
    }

    /// The declaration of a function or variable: a definition first, else a prototype.
    /// Functions and prototypes only when `hasDeclarations`.
    public func declaration(of name: String) -> SourceLocation? {
        // gcc's clones keep the source name before the first dot (`f.constprop.0`,
        // `f.isra.0`, `f.cold`).
        if let dot = name.firstIndex(of: "."), dot != name.startIndex, functions[name] == nil, variables[name] == nil {
            return declaration(of: String(name[..<dot]))
        }
        if let function = functions[name], let location = function.location { return location }
        let defined = variables[name] ?? []
        if defined.count == 1, let location = defined[0].location { return location }
        return variableDeclarations[name]
    }
}

/// Debug info that is there but cannot be read.
public enum DebugInfoError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .unreadable(let reason): return "cannot read debug info: \(reason)"
        case .corrupt(let reason): return "corrupt debug info: \(reason)"
        }
    }
}
