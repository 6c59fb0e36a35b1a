import FixtureSupport
import Foundation
import LintEngine
import ModuleObject
import Testing

/// Today's kernels: every module of Debian 13's (6.12) and sid's (7.x) trees reads without
/// E001, on every architecture fetched, and the intact trees lint without errors against their
/// own Module.symvers. Each tree is a test of its own, skipped when it is not fetched
/// (scripts/test fetches MODLINT_CORPUS_SUITES: by default trixie and sid on amd64 and arm64,
/// trixie on riscv64 and armhf).
@Suite(.serialized) struct SuiteCorpusTests {
    static func absent(_ name: String) -> Comment { Comment(rawValue: CorpusTrees.absent(name)) }

    /// What the readers found, behind a lock.
    final class Findings: @unchecked Sendable {
        let lock = NSLock()
        var failures: [String] = []
        var rust: [String] = []
    }

    /// Reads every module of `tree` on two threads: the paths that fail, with why, and the
    /// Rust symbol names met.
    static func unreadable(_ tree: CorpusTrees.Tree) -> (count: Int, failures: [String], rustSymbols: [String]) {
        let paths = CorpusTrees.modules(under: tree.modulesDirectory)
        let findings = Findings()
        let workers = 2
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: paths.count, by: workers) {
                do {
                    let module = try ModuleObject.load(path: paths[index])
                    let names = module.symbols.map(\.name).filter { $0.hasPrefix("_R") || $0.hasPrefix("_ZN") }
                    if !names.isEmpty { findings.lock.lock(); findings.rust += names; findings.lock.unlock() }
                } catch {
                    findings.lock.lock(); findings.failures.append("\(paths[index]): \(error)"); findings.lock.unlock()
                }
            }
        }
        return (paths.count, findings.failures.sorted(), findings.rust)
    }

    static func expectEveryModuleReads(_ suite: String, _ arch: String, atLeast minimum: Int) throws {
        let tree = try #require(CorpusTrees.suite(suite, arch))
        let (count, failures, rust) = Self.unreadable(tree)
        #expect(count >= minimum, "\(tree.name): \(count) modules")
        #expect(failures.isEmpty, "\(tree.name): \(failures.count) of \(count) unreadable, first: \(failures.prefix(5))")
        // Every Rust symbol name of the tree (7.x: qt2025, ax88796b_rust, drm's QR encoder)
        // demangles.
        let mangledRust = rust.filter { RustDemangle.looksMangled($0[...].utf8) }
        let undemangled = Set(mangledRust.filter { RustDemangle.demangle($0) == nil })
        #expect(undemangled.isEmpty, "\(tree.name): \(undemangled.sorted().prefix(5))")
        if suite == "sid" { #expect(mangledRust.count >= 50, "\(tree.name): \(mangledRust.count) Rust symbols") }
    }

    @Test(.enabled(if: CorpusTrees.suite("trixie", "amd64") != nil, Self.absent("trixie amd64")))
    func trixieAmd64Reads() throws { try Self.expectEveryModuleReads("trixie", "amd64", atLeast: 4000) }

    @Test(.enabled(if: CorpusTrees.suite("trixie", "arm64") != nil, Self.absent("trixie arm64")))
    func trixieArm64Reads() throws { try Self.expectEveryModuleReads("trixie", "arm64", atLeast: 4000) }

    @Test(.enabled(if: CorpusTrees.suite("trixie", "riscv64") != nil, Self.absent("trixie riscv64")))
    func trixieRiscv64Reads() throws { try Self.expectEveryModuleReads("trixie", "riscv64", atLeast: 3000) }

    @Test(.enabled(if: CorpusTrees.suite("trixie", "armhf") != nil, Self.absent("trixie armhf")))
    func trixieArmhfReads() throws { try Self.expectEveryModuleReads("trixie", "armhf", atLeast: 2000) }

    @Test(.enabled(if: CorpusTrees.suite("trixie", "ppc64el") != nil, Self.absent("trixie ppc64el")))
    func trixiePpc64elReads() throws { try Self.expectEveryModuleReads("trixie", "ppc64el", atLeast: 2000) }

    @Test(.enabled(if: CorpusTrees.suite("trixie", "s390x") != nil, Self.absent("trixie s390x")))
    func trixieS390xReads() throws { try Self.expectEveryModuleReads("trixie", "s390x", atLeast: 1000) }

    @Test(.enabled(if: CorpusTrees.suite("sid", "amd64") != nil, Self.absent("sid amd64")))
    func sidAmd64Reads() throws { try Self.expectEveryModuleReads("sid", "amd64", atLeast: 4000) }

    @Test(.enabled(if: CorpusTrees.suite("sid", "arm64") != nil, Self.absent("sid arm64")))
    func sidArm64Reads() throws { try Self.expectEveryModuleReads("sid", "arm64", atLeast: 4000) }

    /// The intact trixie amd64 and sid amd64 trees linted with every rule against their own
    /// Module.symvers, as `modlint check TREE --symbols Module.symvers`: no E001 and no error
    /// (on 7.x the module-restricted exports of 6.16+ are used by the modules they name: no
    /// U003, no U009).
    static func expectNoErrors(_ suite: String, _ arch: String) throws {
        let tree = try #require(CorpusTrees.suite(suite, arch))
        let result = try Fixtures.lint([tree.modulesDirectory], symbols: try #require(tree.moduleSymvers))
        #expect(result.unreadable == 0, "\(tree.name)")
        #expect(result.modules >= 4000, "\(tree.name): \(result.modules) modules")
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(tree.name): \(errors.count) errors, first: \(errors.prefix(5).map { "\($0.code) \($0.module): \($0.message)" })")
    }

    @Test(.enabled(if: CorpusTrees.suite("trixie", "amd64") != nil, Self.absent("trixie amd64")))
    func trixieAmd64LintsWithoutErrors() throws { try Self.expectNoErrors("trixie", "amd64") }

    @Test(.enabled(if: CorpusTrees.suite("sid", "amd64") != nil, Self.absent("sid amd64")))
    func sidAmd64LintsWithoutErrors() throws { try Self.expectNoErrors("sid", "amd64") }

    /// sid's Rust PHY driver qt2025 against a symbol table without the kernel crate's exports:
    /// its U001 messages name the imports demangled, `symbol` keeps them mangled.
    @Test(.enabled(if: CorpusTrees.suite("sid", "amd64") != nil, Self.absent("sid amd64")))
    func rustImportsAreNamedDemangled() throws {
        let tree = try #require(CorpusTrees.suite("sid", "amd64"))
        let qt2025 = try #require(CorpusTrees.modules(under: tree.modulesDirectory).first { $0.hasSuffix("/qt2025.ko.xz") })
        let dir = try Fixtures.scratchDirectory("rust-qt2025")
        defer { Fixtures.removeScratchDirectory(dir) }
        try "0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n".write(toFile: dir + "/Module.symvers", atomically: true, encoding: .utf8)
        let result = try Fixtures.lint([qt2025], symbols: dir + "/Module.symvers", select: ["U001"])
        #expect(result.unreadable == 0)
        let register = try #require(result.diagnostics.first { $0.symbol == "_RNvMs3_NtNtCsdJ13ReMSUMg_6kernel3net3phyNtB5_12Registration8register" })
        #expect(register.symbolDemangled == "<kernel::net::phy::Registration>::register")
        #expect(register.message.hasPrefix("'<kernel::net::phy::Registration>::register' is undefined"))
        #expect(result.diagnostics.allSatisfy { !$0.message.contains("_RNv") })
    }
}
