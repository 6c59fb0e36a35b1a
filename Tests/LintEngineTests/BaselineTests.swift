import FixtureSupport
import Foundation
import LintEngine
import Rules
import Testing

@Suite struct BaselineTests {
    static let amd64 = Fixtures.modules(arch: "amd64")
    static let symbols = Fixtures.symbols(arch: "amd64")

    @Test func aBaselineIsSortedContentWithoutPathsOrOffsets() throws {
        let result = try Fixtures.lint(Self.amd64 + [Fixtures.path("broken/not-elf.ko")], symbols: Self.symbols)
        let baseline = Baseline(recording: result.diagnostics)
        // One entry per finding (code, module, subject); E001 never.
        let distinct = Set(result.diagnostics.filter { $0.code != "E001" }.map { "\($0.code) \($0.module) \($0.subject)" })
        #expect(baseline.entries.count == distinct.count && distinct.count > 20)
        #expect(baseline.entries == baseline.entries.sorted())
        #expect(!baseline.entries.contains { $0.code == "E001" })
        let text = baseline.encoded()
        #expect(!text.contains(Fixtures.root))
        #expect(!text.contains("Fixtures") && !text.contains("0x"))
        #expect(text.contains("""
                {
                  "code" : "X002",
                  "count" : 1,
                  "module" : "fx_exitref",
                  "subject" : "fx_pdrv_nowl -> fx_remove2"
                }
            """))
        #expect(text.hasPrefix("{\n  \"entries\" : [\n"))
        #expect(text.hasSuffix("  \"version\" : 1\n}\n"))
    }

    @Test func itSuppressesWhatItRecordedAndNamesWhatNoLongerOccurs() throws {
        let path = try Fixtures.scratchDirectory("baseline") + "/baseline.json"
        let before = try Fixtures.lint(Self.amd64, symbols: Self.symbols)
        try Baseline(recording: before.diagnostics).encoded().write(toFile: path, atomically: true, encoding: .utf8)
        let baseline = try Baseline.load(path: path)

        let (same, outcome) = baseline.apply(to: before)
        #expect(same.diagnostics.isEmpty)
        #expect(outcome.suppressed == before.diagnostics.count)
        #expect(outcome.stale.isEmpty)
        #expect(same.modules == before.modules)

        // fx_nolicense fixed (left out of the run), fx_undef still broken, a new finding appears.
        let after = try Fixtures.lint(Self.amd64.filter { !$0.hasSuffix("fx_nolicense.ko") }, symbols: Self.symbols)
        let extra = Diagnostic(code: "U001", name: "unresolved-symbol", severity: .error, path: "x/fx_undef.ko", module: "fx_undef",
                               message: "'other' is undefined", symbol: "other")
        let (left, outcome2) = baseline.apply(to: LintResult(diagnostics: after.diagnostics + [extra], files: 9, modules: 9))
        #expect(left.diagnostics == [extra])
        #expect(outcome2.stale == [Baseline.Entry(code: "M001", module: "fx_nolicense", subject: "fx_nolicense", count: 1)])
    }

    @Test func countsKeepEqualFindingsApart() {
        let d = Diagnostic(code: "X002", name: "data-references-exit", severity: .warning, path: "a.ko", module: "a",
                           message: "m", symbol: "s", place: .inside("s", at: 0, offset: 8, section: ".data"), targetSymbol: "t")
        let baseline = Baseline(recording: [d])
        let (left, outcome) = baseline.apply(to: LintResult(diagnostics: [d, d], files: 1, modules: 1))
        #expect(left.diagnostics == [d])
        #expect(outcome.suppressed == 1)
        let two = Baseline(recording: [d, d])
        #expect(two.entries == [Baseline.Entry(code: "X002", module: "a", subject: "s -> t", count: 2)])
        #expect(two.apply(to: LintResult(diagnostics: [d], files: 1, modules: 1)).1.stale
            == [Baseline.Entry(code: "X002", module: "a", subject: "s -> t", count: 1)])
    }

    @Test func aBrokenBaselineIsAConfigurationError() throws {
        let dir = try Fixtures.scratchDirectory("baseline-broken")
        try "[1, 2]".write(toFile: dir + "/b.json", atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try Baseline.load(path: dir + "/b.json") }
        try "{\"version\": 2, \"entries\": []}".write(toFile: dir + "/v.json", atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError("\(dir)/v.json: baseline version 2 is not supported (expected 1)")) {
            try Baseline.load(path: dir + "/v.json")
        }
        #expect(throws: ConfigurationError.self) { try Baseline.load(path: dir + "/missing.json") }
    }
}
