import Foundation

/// The real Debian module trees the corpus tiers read, unpacked by scripts/fetch-corpus:
/// `MODLINT_CORPUS/<arch>` for Debian 12 (6.1), `MODLINT_SUITES/<suite>-<arch>` for the newer
/// suites (trixie's 6.12, sid's 7.x). scripts/test fetches them and sets both; a test over a
/// tree that is absent is skipped, saying so.
public enum CorpusTrees {
    /// One unpacked tree, as its MANIFEST describes it.
    public struct Tree: Sendable {
        public let name: String
        public let modulesDirectory: String
        public let moduleSymvers: String?
        public let config: String?
    }

    public static let corpus = directory("MODLINT_CORPUS")
    public static let suites = directory("MODLINT_SUITES")

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
        "the Debian \(name) tree is not fetched (scripts/test fetches it into MODLINT_SUITES; see MODLINT_CORPUS_SUITES)"
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
        return Tree(name: name, modulesDirectory: modules, moduleSymvers: value("module_symvers"), config: value("config"))
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
