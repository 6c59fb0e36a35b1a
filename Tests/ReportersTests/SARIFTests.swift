import FixtureSupport
import Foundation
import LintEngine
@testable import Reporters
import Rules
import Testing

@Suite struct SARIFTests {
    static let rules = Registry.all.descriptions

    static func log(_ result: LintResult) throws -> [String: Any] {
        let text = try SARIFReporter().render(result, rules: rules, toolVersion: "9.9.9")
        return try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func results(_ log: [String: Any]) throws -> [[String: Any]] {
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        return try #require(run["results"] as? [[String: Any]])
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func rulesCarryHelpFromTheirDescriptions() throws {
        let log = try Self.log(ReporterTests.result)
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "modlint")
        #expect(driver["version"] as? String == "9.9.9")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == Self.rules.map(\.code))
        // The rule metadata, once for every rule (the fixture snapshot leaves the prose out).
        for (rule, description) in zip(rules, Self.rules) {
            #expect(rule["name"] as? String == description.name)
            #expect((rule["shortDescription"] as? [String: String])?["text"] == description.summary, "\(description.code)")
            #expect((rule["fullDescription"] as? [String: String])?["text"] == description.rationale, "\(description.code)")
            #expect((rule["help"] as? [String: String]) == ["text": RuleDocumentation.text(description),
                                                            "markdown": RuleDocumentation.markdown(description)], "\(description.code)")
            #expect((rule["defaultConfiguration"] as? [String: String])?["level"] == description.defaultSeverity.rawValue)
            let properties = rule["properties"] as? [String: Any]
            #expect(properties?["tags"] as? [String] == ["kernel-module"])
            #expect(properties?["kernelVersions"] as? String == description.kernelVersions)
            #expect(Set(rule.keys) == ["id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration", "properties"])
        }
        #expect((rules.first { $0["id"] as? String == "U001" }?["defaultConfiguration"] as? [String: String])?["level"] == "error")
    }

    @Test func resultsPointAtTheModuleFileAndTheirRule() throws {
        let log = try Self.log(ReporterTests.result)
        let results = try Self.results(log)
        #expect(results.map { $0["ruleId"] as? String } == ["U001", "X002", "E001"])
        #expect(results.map { $0["level"] as? String } == ["error", "warning", "error"])
        let x002 = results[1]
        #expect(x002["ruleIndex"] as? Int == Self.rules.firstIndex { $0.code == "X002" })
        let location = try #require((x002["locations"] as? [[String: Any]])?.first)
        let physical = try #require(location["physicalLocation"] as? [String: Any])
        #expect((physical["artifactLocation"] as? [String: String]) == ["uri": "a/fx_exitref.ko", "uriBaseId": "%SRCROOT%"])
        #expect((physical["region"] as? [String: Int]) == ["startLine": 1])
        #expect((location["logicalLocations"] as? [[String: String]])?.first?["name"] == "drv")
        let properties = try #require(x002["properties"] as? [String: Any])
        #expect(properties["section"] as? String == ".data")
        #expect(properties["offset"] as? Int == 8)
        #expect(properties["targetSymbol"] as? String == "fx_remove")
    }

    @Test func absolutePathsBecomeFileURIs() {
        #expect(SARIFReporter.uri("/usr/lib/modules/a b/x.ko") == ("file:///usr/lib/modules/a%20b/x.ko", nil))
        #expect(SARIFReporter.uri("./m/x#1.ko") == ("m/x%231.ko", "%SRCROOT%"))
    }

    /// A fingerprint names the finding, not where the file lies or where the code moved to.
    @Test func fingerprintsIgnorePathsOffsetsAndMessages() throws {
        func d(path: String, offset: UInt64, message: String, target: String = "fx_remove") -> Diagnostic {
            Diagnostic(code: "X002", name: "data-references-exit", severity: .warning, path: path, module: "fx_exitref",
                       message: message, symbol: "drv", place: .inside("drv", at: 64, offset: offset, section: ".data"), targetSymbol: target,
                       targetSection: ".exit.text")
        }
        let a = SARIFReporter.fingerprint(d(path: "a/fx_exitref.ko", offset: 8, message: "drv+0x8"))
        #expect(a == SARIFReporter.fingerprint(d(path: "/build/b/fx_exitref.ko", offset: 16, message: "drv+0x10")))
        #expect(a != SARIFReporter.fingerprint(d(path: "a/fx_exitref.ko", offset: 8, message: "drv+0x8", target: "fx_other")))
        #expect(a == SHA256.hex("X002\u{1F}fx_exitref\u{1F}drv -> fx_remove\u{1F}.data\u{1F}.exit.text"))

        // Two equal findings in one run stay two alerts.
        let twice = LintResult(diagnostics: [d(path: "x.ko", offset: 8, message: "1"), d(path: "x.ko", offset: 24, message: "2")],
                               files: 1, modules: 1)
        let prints = try Self.results(try Self.log(twice)).map { ($0["partialFingerprints"] as? [String: String])?["modlint/v1"] }
        #expect(prints == [a, SHA256.hex(SARIFReporter.fingerprintSource(twice.diagnostics[0]) + "\u{1F}2")])
    }

    static let validator = Fixtures.packageRoot + "/scripts/validate-sarif"
    static let schema = Bundle.module.path(forResource: "sarif-schema-2.1.0", ofType: "json", inDirectory: "Resources")

    static func validate(_ text: String, name: String) throws -> (status: Int32, output: String) {
        let dir = try Fixtures.scratchDirectory("sarif-\(name)")
        let file = dir + "/log.sarif"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        // python3 with jsonschema: scripts/install-deps test installs it; missing, the test fails.
        let python = try Programs.requirePython(importing: "jsonschema", pythonPackage: "jsonschema")
        return try Command.run(python, [validator, try #require(schema), file])
    }

    @Test
    func theFixtureReportIsValidSARIF() throws {
        let result = try Fixtures.lint(Fixtures.modules(arch: "amd64") + [Fixtures.path("broken/not-elf.ko")],
                                       symbols: Fixtures.symbols(arch: "amd64"))
        // Findings of every rule family, and an unreadable file.
        #expect(Set(result.diagnostics.map { $0.code.prefix(1) }) == ["D", "E", "M", "O", "U", "X"])
        let text = try SARIFReporter().render(result, rules: Self.rules, toolVersion: "0.1.0")
        let run = try Self.validate(text, name: "fixtures")
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.hasSuffix("valid\n"))
    }

    /// Run-wide notices (modules without debug info) are the invocation's tool execution
    /// notifications, tied to their rule, not results; the log stays valid.
    @Test
    func noticesAreToolExecutionNotifications() throws {
        let result = try Fixtures.lint([Fixtures.path("stripped/linux-6.1-amd64/fx_owner.ko")], symbols: nil, select: ["O001"])
        #expect(result.diagnostics.isEmpty)
        let text = try SARIFReporter().render(result, rules: Self.rules, toolVersion: "0.1.0")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        #expect((run["results"] as? [Any])?.isEmpty == true)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        let notifications = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notifications.count == 1)
        #expect(notifications.first?["level"] as? String == "note")
        #expect((notifications.first?["associatedRule"] as? [String: Any])?["id"] as? String == "O001")
        #expect(((notifications.first?["message"] as? [String: Any])?["text"] as? String)?
            .hasPrefix("not checked for missing owner fields: 1 module had no debug info (fx_owner)") == true)
        let validation = try Self.validate(text, name: "notices")
        #expect(validation.status == 0, "\(validation.output)")
    }

    /// The committed snapshot of `--format sarif` (relative URIs against %SRCROOT%) is valid too.
    @Test
    func theSnapshotIsValidSARIF() throws {
        let text = try String(contentsOfFile: Fixtures.packageRoot + "/Tests/EndToEndTests/Snapshots/fixtures.sarif", encoding: .utf8)
        #expect(text.contains("\"uriBaseId\" : \"%SRCROOT%\""))
        let run = try Self.validate(text, name: "snapshot")
        #expect(run.status == 0, "\(run.output)")
    }

    /// sarif-tools (scripts/install-deps test installs it; missing, the test fails): a real
    /// consumer reads the log and counts what the fixtures report.
    @Test
    func sarifToolsSummarisesTheFixtureReport() throws {
        let result = try Fixtures.lint(Fixtures.modules(arch: "amd64") + [Fixtures.path("broken/not-elf.ko")],
                                       symbols: Fixtures.symbols(arch: "amd64"))
        let dir = try Fixtures.scratchDirectory("sarif-tools")
        try SARIFReporter().render(result, rules: Self.rules, toolVersion: "0.1.0")
            .write(toFile: dir + "/log.sarif", atomically: true, encoding: .utf8)
        let (status, output) = try Command.run(try Programs.requirePythonTool("sarif", pythonPackage: "sarif-tools"), ["summary", dir + "/log.sarif"])
        #expect(status == 0, "\(output)")
        // The consumer counts what modlint counted.
        #expect(output.contains("error: \(result.count(.error))\n"))
        #expect(output.contains(" - U002 GPL-incompatible module"))
        #expect(output.contains(" - E001 cannot read module: not an ELF file: 1"))
        #expect(output.contains("warning: \(result.count(.warning))\n"))
        #expect(output.contains("note: \(result.count(.note))\n"))
    }

    /// The validator is not a rubber stamp: a level SARIF does not know is rejected.
    @Test
    func anInvalidLogIsRejected() throws {
        let text = try SARIFReporter().render(ReporterTests.result, rules: Self.rules, toolVersion: "0.1.0")
            .replacingOccurrences(of: "\"level\" : \"warning\"", with: "\"level\" : \"warn\"")
        let run = try Self.validate(text, name: "invalid")
        #expect(run.status == 1)
        #expect(run.output.contains("'warn' is not one of"))
    }
}
