import ModuleObject

/// The exports a target kernel provides, merged from every symbol source given: one
/// immutable name → export map, built once per run.
public struct KernelSymbolIndex: Sendable {
    public let sources: [String]
    private let exports: [String: KernelExport]

    public init(sources: [String] = [], exports: [KernelExport]) {
        self.sources = sources
        var map: [String: KernelExport] = [:]
        map.reserveCapacity(exports.count)
        // First source wins, as modpost keeps the first definition it reads.
        for export in exports where map[export.name] == nil { map[export.name] = export }
        self.exports = map
    }

    public static let empty = KernelSymbolIndex(exports: [])

    public var isEmpty: Bool { exports.isEmpty }
    public var count: Int { exports.count }

    public func lookup(_ name: String) -> KernelExport? { exports[name] }

    /// Loads each file as a symbol table; the kind is recognised by name for now
    /// (`Module.symvers` and anything ending in `.symvers`).
    public static func load(paths: [String]) throws -> KernelSymbolIndex {
        var all: [KernelExport] = []
        for path in paths {
            all.append(contentsOf: try ModuleSymvers.load(path: path))
        }
        return KernelSymbolIndex(sources: paths, exports: all)
    }
}

/// Who provides a symbol a module imports.
public enum SymbolProvider: Sendable, Hashable {
    /// A symbol table of the target kernel (vmlinux or a module listed there).
    case kernel(KernelExport)
    /// Another module of the same run.
    case module(name: String, path: String, export: ExportedSymbol)

    public var isGPLOnly: Bool {
        switch self {
        case .kernel(let export): return export.isGPLOnly
        case .module(_, _, let export): return export.isGPLOnly
        }
    }

    public var ownerDescription: String {
        switch self {
        case .kernel(let export): return export.owner
        case .module(let name, _, _): return name
        }
    }
}

/// The exports of every module read in one run, so a module may use another's symbols
/// without a symbol table that lists them.
public struct RunExports: Sendable {
    public struct Provider: Sendable, Hashable {
        public let module: String
        public let path: String
        public let export: ExportedSymbol
    }

    private let byName: [String: [Provider]]

    public init(modules: [ModuleObject]) {
        var map: [String: [Provider]] = [:]
        for module in modules {
            for export in module.exports {
                map[export.name, default: []].append(Provider(module: module.name, path: module.path, export: export))
            }
        }
        byName = map
    }

    public func providers(of name: String) -> [Provider] { byName[name] ?? [] }
}

/// Resolution of one imported name the way the loader does it: the kernel's own exports
/// first, then the other modules of the run (never the importing module itself).
public struct SymbolResolver: Sendable {
    public let kernel: KernelSymbolIndex
    public let run: RunExports

    public init(kernel: KernelSymbolIndex, run: RunExports) {
        self.kernel = kernel
        self.run = run
    }

    public func resolve(_ name: String, importer path: String) -> SymbolProvider? {
        if let export = kernel.lookup(name) { return .kernel(export) }
        if let provider = run.providers(of: name).first(where: { $0.path != path }) {
            return .module(name: provider.module, path: provider.path, export: provider.export)
        }
        return nil
    }
}
