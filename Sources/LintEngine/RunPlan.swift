import Foundation
import KernelSymbols
import ModuleObject

/// How a run reads the module lines of the kernel's symbol table.
public enum RunMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Module files and build directories (a kbuild `M=` directory, a kernel's build output):
    /// every line of every symbol table counts, and the modules of the run add their exports.
    /// This is modpost's view of an external module build.
    case modules
    /// An installed module tree (`/lib/modules/<release>`): the modules present in it are the
    /// only module providers, and the module lines of the kernel's own Module.symvers (the
    /// modules the kernel was built with, not the ones installed) are not used. This is
    /// depmod's view: `depmod -E` keeps only the `vmlinux` lines of Module.symvers.
    case tree
}

/// `--mode`: what the user asks for; `auto` recognises installed trees by depmod's files.
public enum RunModeChoice: String, Sendable, Hashable, CaseIterable {
    case auto, tree, modules
}

/// An input or symbol-source problem that stops the run before any module is read.
public struct RunPlanError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a `check` run reads and how, decided once from the command line and the file system
/// before any module is read: the module files, the mode, the symbol tables (a kernel
/// headers directory stands for its Module.symvers; an installed tree's `build` link gives
/// the default one), the target kernel, and the notes that say so.
public struct RunPlan: Sendable, Equatable {
    public let mode: RunMode
    /// The module files to read, in report order of discovery.
    public let files: [String]
    /// The installed module trees among the inputs.
    public let trees: [String]
    /// The symbol tables to load, as files or module-tree directories.
    public let symbolTables: [String]
    /// The target kernel: `--kernel-version`, else the release an installed tree is named for.
    public let target: TargetKernel
    /// What the plan decided on the user's behalf, one line each (printed to stderr).
    public let notes: [String]

    public init(mode: RunMode, files: [String], trees: [String] = [], symbolTables: [String],
                target: TargetKernel = .unknown, notes: [String] = []) {
        self.mode = mode
        self.files = files
        self.trees = trees
        self.symbolTables = symbolTables
        self.target = target
        self.notes = notes
    }

    /// Files depmod (or `make modules_install`, which runs it) writes into an installed tree.
    /// kbuild writes `modules.order` and `Module.symvers` into every `M=` directory too, so
    /// neither marks a tree.
    public static let installedTreeMarkers = [
        "modules.dep", "modules.dep.bin", "modules.alias", "modules.symbols", "modules.builtin", "modules.builtin.modinfo",
    ]

    /// Why `path` is an installed module tree (the marker found), or nil when it is not one:
    /// one of depmod's files, or a `kernel/` directory under a directory named like a release
    /// (`6.1.0-50-amd64`), the layout `modules_install` makes before depmod runs.
    public static func installedTreeEvidence(_ path: String) -> String? {
        guard isDirectory(path) else { return nil }
        let base = path.hasSuffix("/") ? path : path + "/"
        if let marker = installedTreeMarkers.first(where: { FileManager.default.fileExists(atPath: base + $0) }) {
            return marker
        }
        if isDirectory(base + "kernel"), let release = ModuleTree.release(of: path), looksLikeRelease(release) {
            return "kernel/ under a release-named directory"
        }
        return nil
    }

    /// `6.1.0-50-amd64`, `6.12.57+deb13-amd64`, `7.2.13`: a digit first and a dot.
    public static func looksLikeRelease(_ name: String) -> Bool {
        name.first?.isNumber == true && name.contains(".")
    }

    /// The Module.symvers a `--symbols` directory stands for: a kernel headers or build
    /// directory (KDIR, as kbuild's `make -C KDIR M=...` takes it) or an external module's
    /// build directory (KBUILD_EXTRA_SYMBOLS names its Module.symvers). An installed tree, or a
    /// directory without one, is read as a module tree (its modules' exports).
    public static func symbolTable(for path: String) -> String {
        guard isDirectory(path), installedTreeEvidence(path) == nil else { return path }
        let symvers = (path.hasSuffix("/") ? path : path + "/") + "Module.symvers"
        return FileManager.default.isReadableFile(atPath: symvers) ? symvers : path
    }

    /// The module files under `inputs` (`InputDiscovery`); none at all is an error, for every
    /// command that reads modules.
    public static func discover(_ inputs: [String]) throws(RunPlanError) -> [String] {
        let files = InputDiscovery.discover(inputs)
        guard !files.isEmpty else {
            let named = inputs.isEmpty ? "the inputs" : inputs.joined(separator: ", ")
            throw RunPlanError("no modules found under \(named) (looked for *.ko, *.ko.xz, *.ko.zst, *.ko.gz)")
        }
        return files
    }

    /// Decides the run. Throws when no module is found at all: a CI step that lints nothing
    /// must not pass.
    public static func make(inputs: [String], symbols: [String], kernelVersion: String? = nil,
                            mode choice: RunModeChoice = .auto) throws(RunPlanError) -> RunPlan {
        let files = try discover(inputs)
        var notes: [String] = []
        let evidence = inputs.compactMap { input in installedTreeEvidence(input).map { (input, $0) } }
        let trees = evidence.map(\.0)
        let mode: RunMode
        switch choice {
        case .tree: mode = .tree
        case .modules: mode = .modules
        case .auto: mode = trees.isEmpty ? .modules : .tree
        }
        if mode == .tree {
            let why = choice == .tree ? "--mode tree" : evidence.map { "\($0.0) has \($0.1)" }.joined(separator: "; ")
            notes.append("""
                installed-tree mode (\(why)): only the modules of the run provide module symbols, \
                as with depmod; the module lines of the kernel's Module.symvers are not used (--mode modules to use them)
                """)
        }

        var tables = symbols.map(symbolTable(for:))
        var target = kernelVersion.map(TargetKernel.init(argument:)) ?? .unknown
        if tables.isEmpty, mode == .tree, let tree = trees.first {
            if let symvers = ModuleTree.buildSymvers(of: tree).map(SourcePath.normalise) {
                notes.append("no --symbols given: using \(symvers), the symbol table of the module tree \(tree)")
                tables = [symvers]
            }
            if !target.isKnown, let release = ModuleTree.release(of: tree), looksLikeRelease(release) {
                target = TargetKernel(release: release)
            }
        }
        if tables.isEmpty {
            notes.append("no --symbols given: imports are only resolved among the modules of this run, and U001 is not checked")
        }
        return RunPlan(mode: mode, files: files, trees: trees, symbolTables: tables, target: target, notes: notes)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }
}

/// The directory paths are reported relative to.
public enum SourceRoot {
    /// `--source-root` (relative to the current directory), else the checkout GitHub Actions
    /// names (`GITHUB_WORKSPACE`: annotations and code scanning resolve paths against it, also
    /// when the step runs in a subdirectory), else the current directory.
    public static func resolve(option: String?, currentDirectory: String, environment: [String: String]) -> String {
        if let option { return SourcePath.normalise(option.hasPrefix("/") ? option : currentDirectory + "/" + option) }
        if let workspace = environment["GITHUB_WORKSPACE"], workspace.hasPrefix("/"),
           SourcePath.normalise(currentDirectory) == SourcePath.normalise(workspace)
            || SourcePath.relative(currentDirectory, to: workspace) != nil {
            return SourcePath.normalise(workspace)
        }
        return currentDirectory
    }
}
