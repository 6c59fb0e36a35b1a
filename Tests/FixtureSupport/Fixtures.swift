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

    /// The architectures fixtures were built for (folders `linux-6.1-<arch>` with modules).
    public static var architectures: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { $0.hasPrefix("linux-6.1-") }.map { String($0.dropFirst("linux-6.1-".count)) }.sorted()
    }

    public static func modules(arch: String) -> [String] {
        let dir = path("linux-6.1-\(arch)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".ko") }.sorted().map { dir + "/" + $0 }
    }

    public static func symbols(arch: String) -> String { path("linux-6.1-\(arch)/Module.symvers") }

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
    public static func lint(_ paths: [String], symbols: String?, select: [String]? = nil, jobs: Int = 2,
                            kernelVersion: String? = nil) throws -> LintResult {
        let linter = Linter(rules: Registry.all, kernel: try kernel(symbols),
                            configuration: Configuration(select: select), jobs: jobs,
                            target: kernelVersion.map(TargetKernel.init(argument:)) ?? .unknown)
        return linter.run(paths: paths)
    }

    /// A fresh empty directory for one test.
    public static func scratchDirectory(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "modlint-tests-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
