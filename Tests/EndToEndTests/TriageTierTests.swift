import FixtureSupport
import Foundation
import Testing

/// The triage tier: Debian's linux-image-6.1.0-50-amd64-dbg (4022 modules with DWARF) linted
/// with the DWARF and device-table rules, every finding compared with the committed verdicts
/// (Fixtures/triage/6.1-amd64-dbg.tsv, judged by hand against linux-source-6.1). A new finding
/// nobody judged, or a true one the rules lost, fails it. Runs when MODLINT_DBG_CACHE names
/// the cache `scripts/triage-dbg --fetch-only` unpacked the package into and MODLINT_DBG_MODULES
/// the modules folder it printed (scripts/test sets both).
@Suite struct TriageTierTests {
    static let unpacked = CorpusTrees.dbgUnpacked

    @Test(.enabled(if: unpacked, Comment(rawValue:
        "MODLINT_DBG_CACHE and MODLINT_DBG_MODULES do not name the unpacked 6.1 -dbg modules (scripts/triage-dbg --fetch-only unpacks them and prints their folder; scripts/test sets both)")))
    func everyFindingOnTheDbgTreeIsJudged() throws {
        _ = try Programs.require("python3")
        let cache = try #require(CorpusTrees.dbgCache)
        let (status, text) = try Command.run(Fixtures.packageRoot + "/scripts/triage-dbg",
                                             ["--cache", cache, "--modlint", CommandLineTests.executable])
        #expect(status == 0, "\(text)")
        #expect(text.contains(" passed, 0 failed"), "\(text)")
        // The tier's precision figures, as the script prints them (O001 and D006 at least).
        #expect(text.contains("\nO001 ") && text.contains("\nD006 "), "\(text)")
    }
}
