import FixtureSupport
import Foundation
import LintEngine
import Rules
import Testing

@Suite struct ConfigurationFileTests {
    static let rules = Registry.all.descriptions

    static func parse(_ yaml: String) throws(ConfigurationError) -> Configuration {
        try ConfigurationFile.parse(yaml, path: ".modlint.yml", rules: rules)
    }

    static func error(_ yaml: String) -> String? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func everySettingIsRead() throws {
        let configuration = try Self.parse("""
            select: [U, X001, no-exit-function]
            ignore: U002
            fail-on: warning
            severity:
              X006: warning
              unresolved-symbol: note
            per-module-ignores:
              "fx_exit*": [X002]
              "drivers/staging/*": [M]
            per-symbol-ignores:
              "debugfs_*": [U002]
            strict-sections: true
            """)
        #expect(configuration.strictSections)
        #expect(configuration.select == ["U", "X001", "X006"])
        #expect(configuration.ignore == ["U002"])
        #expect(configuration.failOn == .warning)
        #expect(configuration.severity == ["X006": .warning, "U001": .note])
        #expect(configuration.perModuleIgnores == [PatternIgnore(pattern: "fx_exit*", codes: ["X002"]),
                                                   PatternIgnore(pattern: "drivers/staging/*", codes: ["M"])])
        #expect(configuration.perSymbolIgnores == [PatternIgnore(pattern: "debugfs_*", codes: ["U002"])])
        #expect(configuration.source == ".modlint.yml")
    }

    @Test func anEmptyFileIsTheDefaults() throws {
        #expect(try Self.parse("") == Configuration(source: ".modlint.yml"))
        #expect(try Self.parse("# nothing yet\n") == Configuration(source: ".modlint.yml"))
    }

    @Test func unknownKeysAndCodesAreErrorsWithASuggestion() {
        #expect(Self.error("fail-on: error\nselct: [U]\n") == ".modlint.yml:2: unknown key 'selct', did you mean 'select'?")
        #expect(Self.error("per_module_ignores: {}\n") == ".modlint.yml:1: unknown key 'per_module_ignores', did you mean 'per-module-ignores'?")
        #expect(Self.error("colour: always\n") == ".modlint.yml:1: unknown key 'colour'")
        #expect(Self.error("select: [U010]\n") == ".modlint.yml:1: unknown rule code 'U010', did you mean 'U001'? (see `modlint rules`)")
        #expect(Self.error("ignore: [unresolved-symbols]\n")
            == ".modlint.yml:1: unknown rule code 'unresolved-symbols', did you mean 'unresolved-symbol'? (see `modlint rules`)")
        #expect(Self.error("severity: {X00: note}\n") == ".modlint.yml:1: unknown rule code 'X00', did you mean 'X001'? (see `modlint rules`)")
        #expect(Self.error("fail-on: warn\n") == ".modlint.yml:1: severity must be error, warning or note, not 'warn', did you mean 'warning'?")
        #expect(Self.error("- select\n") == ".modlint.yml:1: expected a mapping of settings")
        #expect(Self.error("select: {a: b}\n") == ".modlint.yml:1: expected a list of rule codes")
        #expect(Self.error("select: [U\n")?.hasPrefix(".modlint.yml: not valid YAML") == true)
        #expect(Self.error("strict-sections: maybe\n") == ".modlint.yml:1: expected true or false")
        #expect(Self.error("strict_sections: true\n") == ".modlint.yml:1: unknown key 'strict_sections', did you mean 'strict-sections'?")
    }

    @Test func theShownConfigurationReadsBackToTheSameValue() throws {
        let configuration = try Self.parse("""
            select: [U]
            fail-on: note
            severity: {X006: error}
            per-symbol-ignores: {"a\\"b*": [U002, X]}
            strict-sections: true
            """)
        let shown = ConfigurationFile.render(configuration)
        #expect(shown.hasPrefix("# effective configuration (from .modlint.yml)\nselect: [\"U\"]\n"))
        #expect(try Self.parse(shown) == configuration)
        #expect(try Self.parse(ConfigurationFile.render(Configuration())) == Configuration(source: ".modlint.yml"))
    }

    @Test func theFileIsFoundFromTheCurrentDirectoryUpwards() throws {
        let root = try Fixtures.scratchDirectory("config-discovery")
        try FileManager.default.createDirectory(atPath: root + "/a/b", withIntermediateDirectories: true)
        #expect(ConfigurationFile.discover(from: root + "/a/b") == nil || !ConfigurationFile.discover(from: root + "/a/b")!.hasPrefix(root))
        try "fail-on: note\n".write(toFile: root + "/a/.modlint.yml", atomically: true, encoding: .utf8)
        #expect(ConfigurationFile.discover(from: root + "/a/b") == root + "/a/.modlint.yml")
        let resolved = try ConfigurationFile.resolve(configPath: nil, directory: root + "/a/b", select: nil, ignore: [],
                                                     failOn: nil, rules: Self.rules)
        #expect(resolved.failOn == .note)
        #expect(resolved.source == root + "/a/.modlint.yml")
    }

    @Test func theCommandLineGoesOnTopOfTheFile() throws {
        let root = try Fixtures.scratchDirectory("config-layers")
        try "select: [U]\nignore: [X006]\nfail-on: note\n".write(toFile: root + "/c.yml", atomically: true, encoding: .utf8)
        let resolved = try ConfigurationFile.resolve(configPath: root + "/c.yml", directory: root, select: ["X"], ignore: ["x002"],
                                                     failOn: "warning", rules: Self.rules)
        #expect(resolved.select == ["X"])
        #expect(resolved.ignore == ["X006", "X002"])
        #expect(resolved.failOn == .warning)
        #expect(throws: ConfigurationError("--select: unknown rule code 'Q1' (see `modlint rules`)")) {
            try ConfigurationFile.resolve(configPath: nil, directory: root, select: ["Q1"], ignore: [], failOn: nil, rules: Self.rules)
        }
        #expect(throws: ConfigurationError.self) {
            try ConfigurationFile.resolve(configPath: root + "/missing.yml", directory: root, select: nil, ignore: [], failOn: nil, rules: Self.rules)
        }
    }
}

@Suite struct SuppressionTests {
    static let amd64 = Fixtures.modules(arch: "amd64")
    static let symbols = Fixtures.symbols(arch: "amd64")

    static func lint(_ configuration: Configuration, _ paths: [String] = amd64) throws -> [Diagnostic] {
        Linter(rules: Registry.all, kernel: try Fixtures.kernel(symbols), configuration: configuration, jobs: 2).run(paths: paths).diagnostics
    }

    @Test func perModuleIgnoresMatchTheNameOrThePath() throws {
        let all = try Self.lint(Configuration())
        let byName = try Self.lint(Configuration(perModuleIgnores: [PatternIgnore(pattern: "fx_exit*", codes: ["X00"])]))
        #expect(all.filter { $0.module == "fx_exitref" }.map(\.code) == ["X002", "X002", "X001"])
        #expect(byName == all.filter { $0.module != "fx_exitref" })
        let byPath = try Self.lint(Configuration(perModuleIgnores: [PatternIgnore(pattern: "*/linux-6.1-amd64/fx_gpl*", codes: ["U"])]))
        #expect(byPath == all.filter { $0.module != "fx_gplonly" })
        // Only the codes named are ignored.
        let otherCode = try Self.lint(Configuration(perModuleIgnores: [PatternIgnore(pattern: "fx_exitref", codes: ["X001"])]))
        #expect(otherCode.filter { $0.module == "fx_exitref" }.map(\.code) == ["X002", "X002"])
    }

    @Test func perSymbolIgnoresMatchTheSymbolOrWhatItReferences() throws {
        let all = try Self.lint(Configuration())
        let debugfs = try Self.lint(Configuration(perSymbolIgnores: [PatternIgnore(pattern: "debugfs_*", codes: ["U002"])]))
        #expect(debugfs == all.filter { $0.symbol != "debugfs_create_dir" })
        let target = try Self.lint(Configuration(perSymbolIgnores: [PatternIgnore(pattern: "fx_remove2", codes: ["X002"])]))
        #expect(target == all.filter { $0.targetSymbol != "fx_remove2" })
        #expect(target.count == all.count - 1)
    }

    @Test func severityOverridesChangeOnlyTheirRule() throws {
        let all = try Self.lint(Configuration())
        let raised = try Self.lint(Configuration(severity: ["X006": .error, "U002": .note]))
        #expect(raised.map(\.code) == all.map(\.code))
        for (before, after) in zip(all, raised) {
            switch before.code {
            case "X006": #expect(after.severity == .error)
            case "U002": #expect(after.severity == .note)
            default: #expect(after == before)
            }
        }
    }

    @Test func unreadableInputIsNeverIgnoredByPattern() throws {
        let result = try Self.lint(Configuration(perModuleIgnores: [PatternIgnore(pattern: "*", codes: ["E", "U", "X", "M", "D", "O"])]),
                                   [Fixtures.path("broken/not-elf.ko")] + Self.amd64)
        #expect(result.map(\.code) == ["E001"])
    }
}

@Suite struct SuggestionTests {
    @Test func editDistance() {
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("", "abc") == 3)
        #expect(Suggestion.distance("Select", "select") == 0)
        #expect(Suggestion.didYouMean("selct", among: ["ignore", "select"]) == ", did you mean 'select'?")
        #expect(Suggestion.didYouMean("zzzzzz", among: ["ignore", "select"]) == "")
    }

    /// The edit distance is quadratic: words longer than any code or name get no suggestion
    /// (found by fuzzing the configuration parser).
    @Test func longWordsAreNotCompared() throws {
        let long = "u" + String(repeating: "x", count: Suggestion.maximumWordLength)
        #expect(Suggestion.nearest(String(long.dropLast()), among: ["U001", "unresolved-symbol"]) != nil)
        #expect(Suggestion.nearest(long, among: ["U001", "unresolved-symbol"]) == nil)
        let huge = String(repeating: "\u{FFFD}", count: 100)
        do {
            _ = try ConfigurationFile.parse("ignore: \(huge)\n", path: ".modlint.yml", rules: Registry.all.descriptions)
            Issue.record("an unknown rule code was accepted")
        } catch {
            #expect(error.message.hasPrefix(".modlint.yml:1: unknown rule code '\u{FFFD}"))
            #expect(error.message.hasSuffix("\u{FFFD}' (see `modlint rules`)"))
        }
    }
}

@Suite struct SizeConfigurationTests {
    static func parse(_ yaml: String) throws(ConfigurationError) -> Configuration {
        try ConfigurationFile.parse(yaml, path: ".modlint.yml", rules: Registry.all.descriptions)
    }

    static func error(_ yaml: String) -> String? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func budgetsAndPageSizeAreRead() throws {
        let configuration = try Self.parse("size-budget: {core: 16K, init: 8192}\npage-size: 64K\n")
        #expect(configuration.sizeBudget == SizeBudget(core: 16384, initSize: 8192))
        #expect(configuration.loader.pageSize == 65536)
        let rendered = ConfigurationFile.render(configuration)
        #expect(rendered.contains("size-budget: {core: 16384, init: 8192}\n"))
        #expect(rendered.contains("page-size: 65536\n"))
        let again = try Self.parse(rendered)
        #expect(again.sizeBudget == configuration.sizeBudget && again.loader == configuration.loader)
    }

    @Test func misspeltSizeSettingsAreErrorsWithASuggestion() {
        #expect(Self.error("size-budgt: {core: 1}\n") == ".modlint.yml:1: unknown key 'size-budgt', did you mean 'size-budget'?")
        #expect(Self.error("size-budget: {cor: 4096}\n") == ".modlint.yml:1: unknown budget 'cor', did you mean 'core'?")
        #expect(Self.error("size-budget: {core: lots}\n") == ".modlint.yml:1: expected a size in bytes (e.g. 16384 or 16K), not 'lots'")
        #expect(Self.error("page-size: 3000\n") == ".modlint.yml:1: page-size must be a power of two of at least 1024")
        #expect(Self.error("kernel-config: /nonexistent/config\n") == "/nonexistent/config: cannot read the kernel configuration")
    }

    @Test func kernelConfigIsReadRelativeToTheFile() throws {
        let dir = try Fixtures.scratchDirectory("kernel-config")
        defer { Fixtures.removeScratchDirectory(dir) }
        try "# CONFIG_STRICT_MODULE_RWX is not set\nCONFIG_KALLSYMS_ALL=y\n".write(toFile: dir + "/config-test", atomically: true, encoding: .utf8)
        try "kernel-config: config-test\n".write(toFile: dir + "/.modlint.yml", atomically: true, encoding: .utf8)
        let configuration = try ConfigurationFile.load(path: dir + "/.modlint.yml", rules: Registry.all.descriptions)
        #expect(configuration.loader.kernelConfig?.bool("STRICT_MODULE_RWX") == false)
        #expect(configuration.loader.kernelConfig?.bool("KALLSYMS_ALL") == true)
        try "not a config\n".write(toFile: dir + "/config-test", atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try ConfigurationFile.load(path: dir + "/.modlint.yml", rules: Registry.all.descriptions) }
    }

    @Test func optInRulesRunOnlyWhenSelected() {
        #expect(!Configuration().isEnabled("Z001", optIn: true))
        #expect(Configuration().isEnabled("Z002"))
        #expect(Configuration(select: ["Z"]).isEnabled("Z001", optIn: true))
        #expect(Configuration(select: ["Z001"]).isEnabled("Z001", optIn: true))
        #expect(!Configuration(select: ["Z001"], ignore: ["Z001"]).isEnabled("Z001", optIn: true))
        #expect(!Configuration(select: ["U"]).isEnabled("Z001", optIn: true))
    }
}
