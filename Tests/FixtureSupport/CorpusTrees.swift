import Foundation

/// The real inputs the corpus tiers read, one place for every test that needs them:
/// `MODLINT_CORPUS/<arch>` for Debian 12 (6.1) and `MODLINT_SUITES/<suite>-<arch>` for the newer
/// suites (trixie's 6.12, sid's 7.x), unpacked by scripts/fetch-corpus; `MODLINT_DKMS`, where
/// scripts/dkms-corpus builds the DKMS packages; `MODLINT_DBG_CACHE`, where
/// `scripts/triage-dbg --fetch-only` unpacks Debian 6.1's -dbg package, and
/// `MODLINT_DBG_MODULES`, the modules folder it printed (the script owns that layout);
/// `MODLINT_DEBUG_CORPUS`, any tree of modules with DWARF. scripts/test sets all but the last. A test over
/// something absent is skipped with `.enabled(if:_:)`, saying what is missing, never passed by
/// returning early.
public enum CorpusTrees {
    /// One unpacked tree, as its MANIFEST describes it.
    public struct Tree: Sendable {
        public let name: String
        /// The folder the tree was unpacked into (holding its MANIFEST).
        public let folder: String
        public let modulesDirectory: String
        public let moduleSymvers: String?
        public let config: String?
    }

    public static let corpus = directory("MODLINT_CORPUS")
    public static let suites = directory("MODLINT_SUITES")
    public static let dkms = directory("MODLINT_DKMS")
    public static let debugCorpus = directory("MODLINT_DEBUG_CORPUS")
    public static let dbgCache = directory("MODLINT_DBG_CACHE")

    /// Whether the -dbg package is unpacked: `MODLINT_DBG_CACHE` set and `MODLINT_DBG_MODULES`
    /// naming a folder that is there.
    public static var dbgUnpacked: Bool {
        var isDirectory: ObjCBool = false
        guard dbgCache != nil, let modules = directory("MODLINT_DBG_MODULES") else { return false }
        return FileManager.default.fileExists(atPath: modules, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The architectures of the Debian 12 trees present under `MODLINT_CORPUS`, sorted.
    public static var bookwormArches: [String] {
        guard let corpus else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []
        return names.sorted().filter { FileManager.default.fileExists(atPath: "\(corpus)/\($0)/MANIFEST") }
    }

    /// Why a test needing the environment variable `variable` is skipped.
    public static func unset(_ variable: String, _ what: String) -> String {
        "\(variable) is not set: \(what)"
    }

    static func directory(_ variable: String) -> String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Debian 12's tree of `arch`, nil when it is not there.
    public static func bookworm(_ arch: String) -> Tree? {
        corpus.flatMap { tree(at: "\($0)/\(arch)", name: "bookworm-\(arch)") }
    }

    /// The tree of `suite` (trixie, sid) and `arch`, nil when it is not there.
    public static func suite(_ suite: String, _ arch: String) -> Tree? {
        suites.flatMap { tree(at: "\($0)/\(suite)-\(arch)", name: "\(suite)-\(arch)") }
    }

    /// Why a test over `name` is skipped, for `.enabled(if:_:)`.
    public static func absent(_ name: String) -> String {
        name.hasPrefix("bookworm")
            ? "the Debian \(name) tree is not fetched (scripts/test fetches it into MODLINT_CORPUS; see MODLINT_CORPUS_ARCHES)"
            : "the Debian \(name) tree is not fetched (scripts/test fetches it into MODLINT_SUITES; see MODLINT_CORPUS_SUITES)"
    }

    /// The tree in `folder`, from its MANIFEST: `key=path`, possibly followed by a remark in
    /// parentheses (`module_symvers=… (26765 exports)`).
    public static func tree(at folder: String, name: String) -> Tree? {
        guard let manifest = try? String(contentsOfFile: folder + "/MANIFEST", encoding: .utf8) else { return nil }
        func value(_ key: String) -> String? {
            guard let line = manifest.split(separator: "\n").first(where: { $0.hasPrefix(key + "=") }) else { return nil }
            let text = String(line.dropFirst(key.count + 1))
            if FileManager.default.fileExists(atPath: text) { return text }
            let path = text.components(separatedBy: " (").first ?? text
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        guard let modules = value("modules_dir") else { return nil }
        return Tree(name: name, folder: folder, modulesDirectory: modules, moduleSymvers: value("module_symvers"), config: value("config"))
    }

    /// Every module file under `root` (`.ko`, and `.ko.xz`, `.ko.zst`, `.ko.gz`), sorted.
    public static func modules(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".ko") || relative.hasSuffix(".ko.xz") || relative.hasSuffix(".ko.zst") || relative.hasSuffix(".ko.gz") {
                found.append(root + "/" + relative)
            }
        }
        return found.sorted()
    }
}
