import FixtureSupport
import Foundation
import Testing

/// The triage tier: Debian's linux-image-6.1.0-50-amd64-dbg (4022 modules with DWARF) linted
/// with the DWARF and device-table rules, every finding compared with the committed verdicts
/// (Fixtures/triage/6.1-amd64-dbg.tsv, judged by hand against linux-source-6.1). A new finding
/// nobody judged, or a true one the rules lost, fails it. Runs when MODLINT_DBG_CACHE names
/// the cache `scripts/triage-dbg --fetch-only` unpacked the package into (scripts/test does).
@Suite struct TriageTierTests {
    static let cache = ProcessInfo.processInfo.environment["MODLINT_DBG_CACHE"].flatMap { $0.isEmpty ? nil : $0 }

    static var unpacked: Bool {
        guard let cache, let releases = try? FileManager.default.contentsOfDirectory(atPath: cache + "/root/usr/lib/debug/lib/modules") else {
            return false
        }
        return releases.contains { FileManager.default.fileExists(atPath: cache + "/root/usr/lib/debug/lib/modules/\($0)/kernel") }
    }

    @Test(.enabled(if: unpacked, "needs MODLINT_DBG_CACHE with the 6.1 -dbg modules unpacked by scripts/triage-dbg --fetch-only"))
    func everyFindingOnTheDbgTreeIsJudged() throws {
        _ = try Programs.require("python3")
        let (status, text) = try Command.run(Fixtures.packageRoot + "/scripts/triage-dbg",
                                             ["--cache", Self.cache!, "--modlint", CommandLineTests.executable])
        #expect(status == 0, "\(text)")
        #expect(text.contains(" passed, 0 failed"), "\(text)")
        // The tier's precision figures, as the script prints them (O001 and D006 at least).
        #expect(text.contains("\nO001 ") && text.contains("\nD006 "), "\(text)")
    }
}
