import FixtureSupport
import LintEngine
import Rules
import Testing

/// Every example in every rule's description is run: the documentation cannot drift from
/// what the rule does.
@Suite struct RuleExampleTests {
    static let cases: [(String, RuleExample)] = Registry.all.descriptions.flatMap { rule in
        rule.examples.map { (rule.code, $0) }
    }

    @Test(arguments: cases.indices)
    func example(_ index: Int) throws {
        let (code, example) = Self.cases[index]
        let paths = ([example.fixture] + example.alongside).map(Fixtures.path)
        let result = try Fixtures.lint(paths, symbols: example.symbols.map(Fixtures.path), select: [code],
                                       options: example.options, kernelVersion: example.kernelVersion)
        // Every file of the example was there and read as a module: a missing or unreadable
        // fixture is an E001 the code filter below would drop, and a clean example would pass.
        for path in paths + [example.symbols.map(Fixtures.path)].compactMap({ $0 }) {
            #expect(FileManager.default.fileExists(atPath: path), "\(code): example file \(path) is missing")
        }
        #expect(result.files == paths.count, "\(code) on \(example.fixture): \(result.files) of \(paths.count) example files found")
        if code != "E001" {
            #expect(result.modules == paths.count, "\(code) on \(example.fixture): \(result.modules) of \(paths.count) example files read")
            #expect(result.diagnostics.filter { $0.code == "E001" }.map(\.message) == [])
        }
        let found = result.diagnostics
            .filter { $0.code == code && $0.path == Fixtures.path(example.fixture) }
            .map(\.subject).sorted()
        #expect(found == example.expected, "\(code) on \(example.fixture)\(example.options.isEmpty ? "" : " (with options)")")
    }

    @Test func everyRuleHasATriggeringAndACleanExample() {
        for rule in Registry.all.descriptions {
            #expect(rule.examples.contains { $0.triggers }, "\(rule.code) has no example that triggers it")
            #expect(rule.examples.contains { !$0.triggers }, "\(rule.code) has no example that must not trigger it")
        }
    }

    @Test func codesAndNamesAreUniqueAndWellFormed() {
        let rules = Registry.all.descriptions
        #expect(Set(rules.map(\.code)).count == rules.count)
        #expect(Set(rules.map(\.name)).count == rules.count)
        for rule in rules {
            #expect(rule.code.range(of: #"^[A-Z][0-9]{3}$"#, options: .regularExpression) != nil, "\(rule.code)")
            #expect(rule.name.range(of: #"^[a-z]+(-[a-z]+)*$"#, options: .regularExpression) != nil, "\(rule.name)")
            #expect(!rule.summary.isEmpty && !rule.rationale.isEmpty && !rule.fix.isEmpty)
        }
    }
}

import Foundation
