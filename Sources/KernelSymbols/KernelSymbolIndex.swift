import Foundation
import ModuleObject

/// The exports a target kernel provides, merged from every symbol source given: one
/// immutable name → export map, built once per run.
public struct KernelSymbolIndex: Sendable {
    public let sources: [String]
    private let exports: [String: KernelExport]
    /// Every export of every source, duplicates included (U006 compares owners).
    private let duplicates: [String: [KernelExport]]
    /// The vermagic the sources imply (the one most modules of a module-tree source carry).
    public let vermagic: String?
    /// The sources record namespaces (Module.symvers, module trees; not System.map or
    /// kallsyms), so "no namespace" is a fact rather than a gap.
    public let recordsNamespaces: Bool
    /// Owners listed by the extra symbol tables: those without `vmlinux` lines (an external
    /// build's Module.symvers, as KBUILD_EXTRA_SYMBOLS names it, or a module tree). Their
    /// lines are always used, in an installed-tree run too.
    private let extraOwners: Set<String>

    public init(sources: [String] = [], exports: [KernelExport], vermagic: String? = nil, recordsNamespaces: Bool = true,
                extraOwners: Set<String> = []) {
        self.sources = sources
        self.vermagic = vermagic
        self.recordsNamespaces = recordsNamespaces
        self.extraOwners = extraOwners
        var map: [String: KernelExport] = [:]
        var more: [String: [KernelExport]] = [:]
        map.reserveCapacity(exports.count)
        // First source wins, as modpost keeps the first definition it reads.
        for export in exports {
            // One hash per export: a name seen before (rare) is put back as it was.
            if let first = map.updateValue(export, forKey: export.name) {
                map[export.name] = first
                if first.owner != export.owner { more[export.name, default: [first]].append(export) }
            }
        }
        self.exports = map
        self.duplicates = more
    }

    public static let empty = KernelSymbolIndex(exports: [])

    public var isEmpty: Bool { exports.isEmpty }
    public var count: Int { exports.count }

    public func lookup(_ name: String) -> KernelExport? { exports[name] }

    /// Whether `export` comes from an extra symbol table rather than the kernel's own.
    public func isFromExtraTable(_ export: KernelExport) -> Bool {
        !export.isFromVmlinux && extraOwners.contains(export.owner)
    }

    /// Every export of `name` in the sources, one per distinct owner, first source first.
    public func allExports(of name: String) -> [KernelExport] {
        if let all = duplicates[name] { return all }
        return exports[name].map { [$0] } ?? []
    }

    /// Loads each source, recognising its kind by content (`SymbolSourceKind.detect`).
    public static func load(paths: [String]) throws -> KernelSymbolIndex {
        var all: [KernelExport] = []
        var vermagic: String?
        var recordsNamespaces = true
        var extraOwners: Set<String> = []
        for path in paths {
            switch try SymbolSourceKind.detect(path: path) {
            case .moduleSymvers:
                let exports = try ModuleSymvers.load(path: path)
                // A kernel's Module.symvers starts with vmlinux lines; an external build's has none.
                if !exports.contains(where: \.isFromVmlinux) { extraOwners.formUnion(exports.lazy.map(\.owner)) }
                if all.isEmpty { all = exports } else { all.append(contentsOf: exports) }
            case .systemMap:
                all.append(contentsOf: try SymbolMap.load(path: path, kind: .systemMap))
                recordsNamespaces = false
            case .kallsyms:
                all.append(contentsOf: try SymbolMap.load(path: path, kind: .kallsyms))
                recordsNamespaces = false
            case .vmlinux:
                let image: KernelImage
                do { image = try KernelImage.load(path: path) } catch let error as ModuleError {
                    throw SymbolTableError(path: path, line: nil, message: "cannot read it as a vmlinux: \(error)")
                }
                all.append(contentsOf: image.exports.map {
                    KernelExport(name: $0.name, crc: $0.crc, owner: "vmlinux", isGPLOnly: $0.isGPLOnly, namespace: $0.namespace)
                })
            case .moduleTree:
                let tree = try ModuleTree.load(directory: path)
                extraOwners.formUnion(tree.exports.lazy.map(\.owner))
                all.append(contentsOf: tree.exports)
                vermagic = vermagic ?? tree.vermagic
            }
        }
        return KernelSymbolIndex(sources: paths, exports: all, vermagic: vermagic, recordsNamespaces: recordsNamespaces,
                                 extraOwners: extraOwners)
    }
}

/// What a symbol source is, recognised from its content rather than its name.
public enum SymbolSourceKind: Sendable, Hashable {
    case moduleSymvers
    case systemMap
    case kallsyms
    case moduleTree
    /// A linked kernel ELF (`vmlinux`, with its symbol table).
    case vmlinux

    public static func detect(path: String) throws -> SymbolSourceKind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SymbolTableError(path: path, line: nil, message: "cannot read the file")
        }
        if isDirectory.boolValue { return .moduleTree }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SymbolTableError(path: path, line: nil, message: "cannot read the file")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 64 * 1024)) ?? Data()
        return try detect(head: head, path: path)
    }

    /// `head`: the first bytes of the file (a few KiB are enough).
    public static func detect(head: Data, path: String) throws -> SymbolSourceKind {
        if head.starts(with: [0x7f, 0x45, 0x4c, 0x46]) {
            // e_type, in the file's byte order (EI_DATA: 1 little, 2 big endian).
            guard head.count >= 18 else { throw SymbolTableError(path: path, line: nil, message: "a truncated ELF file") }
            let bytes = [UInt8](head.prefix(18))
            let type = bytes[5] == 2 ? UInt16(bytes[16]) << 8 | UInt16(bytes[17]) : UInt16(bytes[17]) << 8 | UInt16(bytes[16])
            guard type != 1 else {
                throw SymbolTableError(path: path, line: nil,
                                       message: "a relocatable object (a module?), not a kernel symbol table: give modules as inputs, or their directory as --symbols")
            }
            return .vmlinux
        }
        if SymbolMap.isDebianPlaceholder(head) { return .systemMap }
        let lines = head.split(separator: 0x0a, maxSplits: 64, omittingEmptySubsequences: true).prefix(64)
        guard let first = lines.first else {
            throw SymbolTableError(path: path, line: nil, message: "empty file: not a symbol table")
        }
        if first.starts(with: Array("0x".utf8)) && first.contains(0x09) { return .moduleSymvers }
        if let space = first.firstIndex(of: 0x20), space > first.startIndex {
            // `<hex> <type> <name>`: kallsyms when a line carries a `[module]` column or the
            // file is named after /proc/kallsyms; System.map otherwise.
            if lines.contains(where: { $0.contains(0x5b) && $0.contains(0x09) }) || path.hasSuffix("kallsyms") { return .kallsyms }
            return .systemMap
        }
        throw SymbolTableError(path: path, line: 1, message: """
            not a recognised symbol table: expected Module.symvers ('0x<crc>\t<symbol>\t<module>\t<export type>\t<namespace>'), \
            System.map or /proc/kallsyms ('<hex address> <type> <name>'), or a module tree directory
            """)
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

    /// nil when the provider publishes no CRC (modversions off, or a source without CRCs).
    public var crc: UInt32? {
        switch self {
        case .kernel(let export): return export.crc
        case .module(_, _, let export): return export.crc
        }
    }

    /// nil or the namespace the symbol is exported in.
    public var namespace: String? {
        let namespace: String?
        switch self {
        case .kernel(let export): namespace = export.namespace
        case .module(_, _, let export): namespace = export.namespace
        }
        return namespace?.isEmpty == false ? namespace : nil
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
    /// The run is an installed module tree: the modules present in it are the only module
    /// providers, and the module-owned lines of the kernel's symbol table are not used (they
    /// list the modules the kernel was built with, not the ones installed). This is depmod's
    /// view: `depmod -E` keeps only the `vmlinux` lines of Module.symvers. Extra tables
    /// (`KernelSymbolIndex.isFromExtraTable`) were given for their module lines and keep them.
    public let runIsModuleTree: Bool

    public init(kernel: KernelSymbolIndex, run: RunExports, runIsModuleTree: Bool = false) {
        self.kernel = kernel
        self.run = run
        self.runIsModuleTree = runIsModuleTree
    }

    /// The kernel's export of `name`, as far as this run uses the symbol table.
    public func kernelExport(_ name: String) -> KernelExport? {
        guard let export = kernel.lookup(name) else { return nil }
        if runIsModuleTree && !export.isFromVmlinux && !kernel.isFromExtraTable(export) { return nil }
        return export
    }

    public func resolve(_ name: String, importer path: String) -> SymbolProvider? {
        if let export = kernelExport(name) { return .kernel(export) }
        if let provider = run.providers(of: name).first(where: { $0.path != path }) {
            return .module(name: provider.module, path: provider.path, export: provider.export)
        }
        return nil
    }
}
