import FixtureSupport
import LintEngine
import Rules
import Testing

@Suite struct RuleOptionsTests {
    @Test func valuesByTypeWithDefaults() {
        var values = RuleOptionValues()
        #expect(values[SectionOptions.self] == SectionOptions())
        #expect(values[SizeBudget.self].isEmpty)
        values[SectionOptions.self].strict = true
        values.set(SizeBudget(core: 4096))
        #expect(values[SectionOptions.self].strict)
        #expect(values[SizeBudget.self] == SizeBudget(core: 4096))
        #expect(values.exampleNotes == ["budget: core 4096 bytes"])
        // Set back to the defaults, the values equal untouched ones.
        values[SectionOptions.self] = SectionOptions()
        values[SizeBudget.self] = SizeBudget()
        #expect(values == RuleOptionValues())
        #expect(Configuration(strictSections: false) == Configuration())
    }

    /// The linter gives each configurable rule its own options from the configuration, and
    /// leaves the others as they are.
    @Test func theLinterConfiguresEachRuleOnce() throws {
        var configuration = Configuration()
        configuration.strictSections = true
        configuration.sizeBudget = SizeBudget(core: 8192)
        let linter = Linter(rules: Registry.all, kernel: .empty, configuration: configuration)
        let section = try #require(linter.rules.moduleRules.compactMap { $0 as? ReferencesInit }.first)
        #expect(section.options.strict)
        let budget = try #require(linter.rules.moduleRules.compactMap { $0 as? SizeBudgetExceeded }.first)
        #expect(budget.options == SizeBudget(core: 8192))
        #expect(linter.rules.moduleRules.count == Registry.all.moduleRules.count)
        // Strict and default section scans of one module are shared apart.
        let strict = try Fixtures.lint([Fixtures.path("linux-6.1-amd64/fx_rodataref.ko")], symbols: nil, select: ["X"],
                                       options: RuleOptionValues([SectionOptions(strict: true)]))
        let plain = try Fixtures.lint([Fixtures.path("linux-6.1-amd64/fx_rodataref.ko")], symbols: nil, select: ["X"])
        #expect(strict.diagnostics.count > plain.diagnostics.count)
    }
}
