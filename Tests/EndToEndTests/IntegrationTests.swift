import FixtureSupport
import Foundation
import Testing

/// Formats, configuration files and baselines through the executable, as CI and editors use them.
@Suite struct IntegrationTests {
    static let symbols = CommandLineTests.symbols
    static let fixtures = "Fixtures/linux-6.1-amd64"

    static func run(_ arguments: [String], in directory: String = Fixtures.packageRoot,
                    environment: [String: String] = [:]) throws -> CommandLineTests.Run {
        try CommandLineTests.modlint(arguments, in: directory, environment: environment)
    }

    static func snapshotPath(_ format: String) -> String {
        Fixtures.packageRoot + "/Tests/EndToEndTests/Snapshots/fixtures.\(format)"
    }

    /// What of a format's output the snapshot pins: all of it, but for SARIF the rules' prose
    /// (summary, rationale, help), which SARIFTests checks once against the descriptions, so
    /// that rewording a rule does not churn the snapshot.
    static func pinned(_ output: String, format: String) throws -> String {
        guard format == "sarif" else { return output }
        var log = try #require(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        var runs = try #require(log["runs"] as? [[String: Any]])
        var tool = try #require(runs[0]["tool"] as? [String: Any])
        var driver = try #require(tool["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        driver["rules"] = rules.map { $0.filter { !["shortDescription", "fullDescription", "help"].contains($0.key) } }
        tool["driver"] = driver
        runs[0]["tool"] = tool
        log["runs"] = runs
        let data = try JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Each format's whole output for the README command is pinned in `Snapshots/`. After a
    /// deliberate change, scripts/update-snapshots rewrites them (MODLINT_UPDATE_SNAPSHOTS=1):
    /// the test then records an issue for each file it rewrote instead of passing, and the
    /// diff is for review.
    @Test(arguments: ["text", "gcc", "json", "sarif", "github"])
    func snapshot(format: String) throws {
        let run = try Self.run(["check", Self.fixtures, "--symbols", Self.symbols, "--format", format])
        #expect(run.status == 1)
        #expect(run.stderr.isEmpty)
        let path = Self.snapshotPath(format)
        let actual = try Self.pinned(run.stdout, format: format)
        let expected = try? String(contentsOfFile: path, encoding: .utf8)
        if ProcessInfo.processInfo.environment["MODLINT_UPDATE_SNAPSHOTS"] == "1" {
            if actual != expected {
                try actual.write(toFile: path, atomically: true, encoding: .utf8)
                Issue.record("Snapshots/fixtures.\(format) rewritten: review the diff, then run the tests without MODLINT_UPDATE_SNAPSHOTS")
            }
            return
        }
        #expect(actual == expected, "Snapshots/fixtures.\(format) differs (scripts/update-snapshots rewrites it)")
    }

    @Test func severalFormatsInOneRun() throws {
        let dir = try Fixtures.scratchDirectory("formats")
        let run = try Self.run(["check", Self.fixtures, "--symbols", Self.symbols, "--format", "sarif", "--output", dir + "/r.sarif",
                                "--format", "text", "--format", "github", "--output", dir + "/r.github"])
        #expect(run.status == 1)
        let text = try String(contentsOfFile: Fixtures.packageRoot + "/Tests/EndToEndTests/Snapshots/fixtures.text", encoding: .utf8)
        #expect(run.stdout == text)
        #expect(try String(contentsOfFile: dir + "/r.github", encoding: .utf8)
            == String(contentsOfFile: Fixtures.packageRoot + "/Tests/EndToEndTests/Snapshots/fixtures.github", encoding: .utf8))
        #expect(try Self.pinned(String(contentsOfFile: dir + "/r.sarif", encoding: .utf8), format: "sarif")
            == String(contentsOfFile: Self.snapshotPath("sarif"), encoding: .utf8))

        let twoOnStdout = try Self.run(["check", Self.fixtures, "--format", "text", "--format", "json"])
        #expect(twoOnStdout.status == 2)
        #expect(twoOnStdout.stderr == "modlint: error: only one format can go to standard output: give the others an --output FILE\n")
    }

    @Test func aConfigurationFileIsFoundAndApplied() throws {
        let dir = try Fixtures.scratchDirectory("config-cli")
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try """
            fail-on: note
            severity: {X006: warning}
            per-module-ignores: {"fx_exit*": [X]}
            """.write(toFile: dir + "/.modlint.yml", atomically: true, encoding: .utf8)
        let modules = Fixtures.path("linux-6.1-amd64")
        let run = try Self.run(["check", modules + "/fx_noexit.ko", modules + "/fx_exitref.ko", "--format", "gcc"], in: dir + "/sub")
        #expect(run.status == 1)
        #expect(run.stdout == "Fixtures/src/fx_noexit/fx_noexit.c:11:19: warning: module_init(fx_noexit_init) without module_exit(): the module can never be unloaded [X006] (in \(modules)/fx_noexit.ko)\n")

        let show = try Self.run(["config", "--show", "--ignore", "M001"], in: dir + "/sub")
        #expect(show.status == 0)
        #expect(show.stdout == """
            # effective configuration (from \(dir)/.modlint.yml)
            # select: every rule
            ignore: ["M001"]
            fail-on: note
            severity:
              X006: warning
            per-module-ignores:
              "fx_exit*": ["X"]
            per-symbol-ignores: {}
            strict-sections: false

            """)
    }

    @Test func configurationMistakesExitWith2AndSuggest() throws {
        let dir = try Fixtures.scratchDirectory("config-bad")
        try "fail_on: warning\n".write(toFile: dir + "/.modlint.yml", atomically: true, encoding: .utf8)
        let run = try Self.run(["check", Fixtures.path("linux-6.1-amd64/fx_clean.ko")], in: dir)
        #expect(run.status == 2)
        #expect(run.stderr == "modlint: error: \(dir)/.modlint.yml:1: unknown key 'fail_on', did you mean 'fail-on'?\n")
        #expect(run.stdout.isEmpty)
        let config = try Self.run(["config"], in: dir)
        #expect(config.status == 2)
        let prefix = try Self.run(["check", Fixtures.path("linux-6.1-amd64/fx_undef.ko"), "--select", "U00"], in: dir + "/..")
        #expect(prefix.status == 0)
        let typo = try Self.run(["check", "x.ko", "--select", "X007"])
        #expect(typo.status == 2)
        #expect(typo.stderr == "modlint: error: --select: unknown rule code 'X007', did you mean 'X001'? (see `modlint rules`)\n")
    }

    @Test func aBaselineAcceptsTodaysFindingsAndNamesFixedOnes() throws {
        let dir = try Fixtures.scratchDirectory("baseline-cli")
        let baseline = dir + "/baseline.json"
        let modules = ["fx_exitref", "fx_undef", "fx_noexit", "fx_nolicense"].map { Self.fixtures + "/\($0).ko" }
        let write = try Self.run(["check"] + modules + ["--symbols", Self.symbols, "--write-baseline", baseline])
        #expect(write.status == 1)
        #expect(write.stderr == "modlint: note: wrote 6 baseline entries for 6 findings to \(baseline)\n")
        let text = try String(contentsOfFile: baseline, encoding: .utf8)
        #expect(!text.contains("Fixtures/") && !text.contains(Fixtures.packageRoot))

        let clean = try Self.run(["check"] + modules + ["--symbols", Self.symbols, "--baseline", baseline])
        #expect(clean.status == 0)
        #expect(clean.stdout == "0 errors, 0 warnings, 0 notes in 4 modules\n")
        #expect(clean.stderr == "modlint: note: 6 findings suppressed by the baseline \(baseline)\n")

        let partial = try Self.run(["check", Self.fixtures + "/fx_undef.ko", Self.fixtures + "/fx_noexit.ko", "--symbols", Self.symbols,
                                    "--baseline", baseline])
        #expect(partial.status == 0)
        #expect(partial.stderr == """
            modlint: note: 2 findings suppressed by the baseline \(baseline)
            modlint: note: 4 baseline entries no longer occur (fixed? rewrite the baseline with --write-baseline):
              X001 fx_exitref: fx_normal_function -> fx_teardown
              X002 fx_exitref: fx_pdrv_nowl -> fx_remove2
              X002 fx_exitref: fx_platform_driver -> fx_remove
              M001 fx_nolicense: fx_nolicense

            """)
    }

    @Test func rulesAsJSONAndAsPages() throws {
        let json = try Self.run(["rules", "--format", "json"])
        #expect(json.status == 0)
        let array = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]])
        #expect(array.map { $0["code"] ?? "" } == ["D001", "D002", "D003", "D004", "D005", "D006", "E001", "M001", "M003", "M005", "M006", "O001", "O002", "U001", "U002", "U003", "U004", "U005", "U006", "U007", "U008", "U009", "X001", "X002", "X003", "X004", "X005", "X006", "Z001", "Z002"])
        let dir = try Fixtures.scratchDirectory("rule-pages")
        #expect(try Self.run(["rules", "--markdown", dir]).status == 0)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            #expect(try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
                == String(contentsOfFile: Fixtures.packageRoot + "/docs/rules/" + name, encoding: .utf8))
        }
        let explain = try Self.run(["explain", "unresolved-symbl"])
        #expect(explain.status == 2)
        #expect(explain.stderr == "modlint: error: unknown rule 'unresolved-symbl', did you mean 'unresolved-symbol'? (see `modlint rules`)\n")
    }
}
