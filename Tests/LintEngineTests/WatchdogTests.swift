import FixtureSupport
import Foundation
@testable import LintEngine
import ParallelRun
import ModuleObject
import Rules
import Testing

/// A rule that never finishes on one module: what a parser loop on a hostile file looks like
/// to the linter.
private struct StuckOnOneModule: Rule {
    static let description = RuleDescription(
        code: "T999", name: "stuck", defaultSeverity: .note, summary: "test", rationale: "test", fix: "test",
        kernelVersions: "test", examples: [])
    static let stuckModule = "fx_undef"
    init() {}
    func check(_ context: ModuleContext) -> [Diagnostic] {
        if context.module.name == Self.stuckModule { Thread.sleep(forTimeInterval: 600) }
        return []
    }
}

@Suite struct WatchdogTests {
    @Test func anIndexPastTheTimeoutGetsItsReplacementAndTheOthersTheirResults() {
        let start = ContinuousClock.now
        let values = Parallel.map(count: 8, jobs: 2, timeout: .seconds(2), timedOut: { -$0 }) { index -> Int in
            if index == 2 { Thread.sleep(forTimeInterval: 600) }
            return index
        }
        #expect(values == [0, 1, -2, 3, 4, 5, 6, 7])
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    @Test func withoutATimeoutEveryIndexRuns() {
        let values = Parallel.map(count: 5, jobs: 3, timeout: nil, timedOut: { _ in -1 }) { $0 * 2 }
        #expect(values == [0, 2, 4, 6, 8])
    }

    @Test func aStuckModuleBecomesOneE001AndTheRunGoesOn() throws {
        let modules = Fixtures.modules(arch: "amd64")
        let kernel = try Fixtures.kernel(Fixtures.symbols(arch: "amd64"))
        let stuckPath = try #require(modules.first { ModuleObject.moduleName(fromPath: $0) == StuckOnOneModule.stuckModule })
        let plain = Linter(rules: Registry.all, kernel: kernel).run(paths: modules)
        let rules = RuleSet(moduleRules: Registry.all.moduleRules + [StuckOnOneModule()], inputRule: Registry.all.inputRule)
        let start = ContinuousClock.now
        // Long enough for the slowest fixture (DWARF under AddressSanitizer on a loaded machine),
        // far below the stuck module's ten minutes.
        let watched = Linter(rules: rules, kernel: kernel, jobs: 2, moduleTimeout: .seconds(30)).run(paths: modules)
        #expect(ContinuousClock.now - start < .seconds(300))

        let timedOut = watched.diagnostics.filter { $0.code == "E001" }
        #expect(timedOut.map(\.path) == [stuckPath])
        #expect(timedOut.first?.message.contains("timed out: still being checked after 30 s (--module-timeout)") == true)
        // Every other module is reported exactly as without the stuck rule; the stuck one is
        // not reported at all beyond its E001.
        #expect(watched.diagnostics.filter { $0.code != "E001" } == plain.diagnostics.filter { $0.path != stuckPath })
        #expect(watched.modules == plain.modules - 1)
    }
}
