import Foundation
import KernelSymbols
import LintEngine
import Rules

/// Paths to the committed fixtures and a way to lint them, for every test target.
public enum Fixtures {
    /// The package root, found from this file's location.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static let root = packageRoot + "/Fixtures"

    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// The fixture trees: one folder per kernel and architecture (`6.1-amd64`, `6.12-amd64`, …),
    /// each with its modules and the Module.symvers they were built against.
    public static var trees: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { $0.hasPrefix("linux-") }.map { String($0.dropFirst("linux-".count)) }.sorted()
    }

    /// The architectures built with the 6.1 headers.
    public static var architectures: [String] {
        trees.filter { $0.hasPrefix("6.1-") }.map { String($0.dropFirst("6.1-".count)) }
    }

    public static func modules(tree: String) -> [String] {
        let dir = path("linux-\(tree)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".ko") }.sorted().map { dir + "/" + $0 }
    }

    public static func symbols(tree: String) -> String { path("linux-\(tree)/Module.symvers") }

    public static func modules(arch: String) -> [String] { modules(tree: "6.1-\(arch)") }

    public static func symbols(arch: String) -> String { symbols(tree: "6.1-\(arch)") }

    /// Symbol tables are parsed once per test process.
    nonisolated(unsafe) private static var symbolCache: [String: KernelSymbolIndex] = [:]
    private static let lock = NSLock()

    public static func kernel(_ symbols: String?) throws -> KernelSymbolIndex {
        guard let symbols else { return .empty }
        lock.lock(); defer { lock.unlock() }
        if let cached = symbolCache[symbols] { return cached }
        let index = try KernelSymbolIndex.load(paths: [symbols])
        symbolCache[symbols] = index
        return index
    }

    /// Lints `paths` with every rule (or the `select`ed ones).
    public static func lint(_ paths: [String], symbols: String?, select: [String]? = nil, options: RuleOptionValues = RuleOptionValues(),
                            jobs: Int = 2, kernelVersion: String? = nil) throws -> LintResult {
        var configuration = Configuration(select: select)
        configuration.options = options
        let linter = Linter(rules: Registry.all, kernel: try kernel(symbols), configuration: configuration, jobs: jobs,
                            target: kernelVersion.map(TargetKernel.init(argument:)) ?? .unknown)
        return linter.run(paths: paths)
    }

    /// A fresh empty directory for one test.
    /// A fresh empty directory for one test, inside one directory per test process that is
    /// removed when the process exits (mutation tests write hundreds of MB there).
    public static func scratchDirectory(_ name: String) throws -> String {
        let dir = scratchRoot + "/" + name
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Removes a scratch directory as soon as a test is done with it.
    public static func removeScratchDirectory(_ dir: String) {
        try? FileManager.default.removeItem(atPath: dir)
    }

    static let scratchRoot: String = {
        let root = NSTemporaryDirectory() + "modlint-tests-\(getpid())"
        atexit { try? FileManager.default.removeItem(atPath: Fixtures.scratchRoot) }
        return root
    }()
}
