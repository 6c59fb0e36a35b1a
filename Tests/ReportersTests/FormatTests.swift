import FixtureSupport
import Foundation
import LintEngine
@testable import Reporters
import Rules
import Testing

@Suite struct GCCAndGitHubTests {
    static let result = ReporterTests.result

    @Test func gccLinesCarryLineAndColumnOneAndTheCode() {
        #expect(GCCReporter().render(Self.result) == """
            a/fx_undef.ko:1:1: error: 'x' is undefined [U001]
            a/fx_exitref.ko:1:1: warning: section mismatch [X002]
            a/bad.ko:1:1: error: cannot read module: not an ELF file [E001]

            """)
    }

    @Test func gccKeepsOneFindingOnOneLine() {
        let result = LintResult(diagnostics: [
            Diagnostic(code: "M001", name: "missing-license", severity: .note, path: "m.ko", module: "m", message: "one\ntwo\r\nthree"),
        ], files: 1, modules: 1)
        #expect(GCCReporter().render(result) == "m.ko:1:1: note: one two three [M001]\n")
    }

    @Test func githubAnnotationsUseTheSeverityCommand() {
        #expect(GitHubReporter().render(Self.result) == """
            ::error file=a/fx_undef.ko,title=U001 unresolved-symbol::'x' is undefined
            ::warning file=a/fx_exitref.ko,title=X002 data-references-exit::section mismatch
            ::error file=a/bad.ko,title=E001 unreadable-input::cannot read module: not an ELF file

            """)
        let note = LintResult(diagnostics: [
            Diagnostic(code: "X006", name: "no-exit-function", severity: .note, path: "n.ko", module: "n", message: "m"),
        ], files: 1, modules: 1)
        #expect(GitHubReporter().render(note) == "::notice file=n.ko,title=X006 no-exit-function::m\n")
    }

    @Test func githubEscapesPercentNewlinesColonsAndCommas() {
        let result = LintResult(diagnostics: [
            Diagnostic(code: "U001", name: "unresolved-symbol", severity: .error, path: "dir,x/a:b%.ko", module: "a",
                       message: "100% broken: a, b\nsecond line\r\n::warning::injected"),
        ], files: 1, modules: 1)
        #expect(GitHubReporter().render(result)
            == "::error file=dir%2Cx/a%3Ab%25.ko,title=U001 unresolved-symbol::100%25 broken: a, b%0Asecond line%0D%0A::warning::injected\n")
        #expect(GitHubReporter.escapeProperty("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae")
        #expect(GitHubReporter.escapeData("a:b,c%d\re") == "a:b,c%25d%0De")
    }
}

@Suite struct TextStyleTests {
    @Test func groupedPutsEachModuleUnderOneHeading() {
        let result = LintResult(diagnostics: [
            Diagnostic(code: "X002", name: "data-references-exit", severity: .warning, path: "a/e.ko", module: "e", message: "one"),
            Diagnostic(code: "X001", name: "code-references-exit", severity: .error, path: "a/e.ko", module: "e", message: "two"),
            Diagnostic(code: "U001", name: "unresolved-symbol", severity: .error, path: "a/u.ko", module: "u", message: "three"),
        ], files: 2, modules: 2)
        #expect(TextReporter(grouped: true).render(result) == """
            a/e.ko (e)
              warning: one [X002 data-references-exit]
              error: two [X001 code-references-exit]

            a/u.ko (u)
              error: three [U001 unresolved-symbol]

            2 errors, 1 warning, 0 notes in 2 modules

            """)
    }

    @Test func colourWrapsPathSeverityCodeAndCounts() {
        let result = LintResult(diagnostics: [
            Diagnostic(code: "U001", name: "unresolved-symbol", severity: .error, path: "u.ko", module: "u", message: "gone"),
        ], files: 1, modules: 1)
        let e = "\u{1B}["
        #expect(TextReporter(colour: true).render(result) == """
            \(e)1mu.ko\(e)0m: \(e)1;31merror:\(e)0m gone \(e)2m[U001 unresolved-symbol]\(e)0m
            \(e)1;31m1 error\(e)0m, 0 warnings, 0 notes in 1 module

            """)
        #expect(!TextReporter().render(result).contains("\u{1B}"))
    }

    @Test func colourFollowsTheFlagThenNoColorThenForceColor() {
        #expect(ColourChoice.auto.enabled(isTerminal: true, environment: [:]))
        #expect(!ColourChoice.auto.enabled(isTerminal: false, environment: [:]))
        #expect(!ColourChoice.auto.enabled(isTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(ColourChoice.auto.enabled(isTerminal: true, environment: ["NO_COLOR": ""]))
        #expect(ColourChoice.auto.enabled(isTerminal: false, environment: ["FORCE_COLOR": "1"]))
        #expect(!ColourChoice.auto.enabled(isTerminal: false, environment: ["FORCE_COLOR": "0"]))
        #expect(!ColourChoice.auto.enabled(isTerminal: true, environment: ["NO_COLOR": "1", "FORCE_COLOR": "1"]))
        #expect(!ColourChoice.auto.enabled(isTerminal: true, environment: ["TERM": "dumb"]))
        #expect(ColourChoice.always.enabled(isTerminal: false, environment: ["NO_COLOR": "1"]))
        #expect(!ColourChoice.never.enabled(isTerminal: true, environment: ["FORCE_COLOR": "1"]))
    }
}

@Suite struct OutputPlanTests {
    typealias O = OutputPlan.Option

    @Test func eachOutputBelongsToTheFormatBeforeIt() throws {
        #expect(try OutputPlan.pair([]) == [OutputTarget(format: .text, file: nil)])
        #expect(try OutputPlan.pair([O.format("sarif"), .output("a.sarif"), .format("text")])
            == [OutputTarget(format: .sarif, file: "a.sarif"), OutputTarget(format: .text, file: nil)])
        #expect(try OutputPlan.pair([O.format("text"), .format("sarif"), .output("a.sarif")])
            == [OutputTarget(format: .text, file: nil), OutputTarget(format: .sarif, file: "a.sarif")])
        #expect(try OutputPlan.pair([O.output("a.sarif"), .format("sarif")]) == [OutputTarget(format: .sarif, file: "a.sarif")])
        #expect(try OutputPlan.pair([O.output("r.txt")]) == [OutputTarget(format: .text, file: "r.txt")])
        #expect(try OutputPlan.pair([O.format("json"), .output("a"), .format("gcc"), .output("b"), .format("github")])
            == [OutputTarget(format: .json, file: "a"), OutputTarget(format: .gcc, file: "b"), OutputTarget(format: .github, file: nil)])
    }

    @Test func ambiguousPlansAreUsageErrors() {
        #expect(throws: ConfigurationError.self) { try OutputPlan.pair([O.format("text"), .format("json")]) }
        #expect(throws: ConfigurationError.self) { try OutputPlan.pair([O.format("text"), .output("a"), .output("b")]) }
        #expect(throws: ConfigurationError.self) { try OutputPlan.pair([O.format("text"), .output("a"), .format("json"), .output("a")]) }
        #expect(throws: ConfigurationError("unknown format 'sarf': expected one of text, gcc, json, sarif, github, did you mean 'sarif'?")) {
            try OutputPlan.pair([O.format("sarf")])
        }
    }

    @Test func theCommandLineIsReadInTheOrderTyped() {
        #expect(OutputPlan.options(inArguments: ["check", "x", "--format", "sarif", "--output=o", "--format=text", "--", "--format", "y"])
            == [.format("sarif"), .output("o"), .format("text")])
    }
}

@Suite struct ProgressBarTests {
    final class Collector: @unchecked Sendable {
        let lock = NSLock()
        var text = ""
        func append(_ s: String) { lock.lock(); text += s; lock.unlock() }
    }

    @Test func drawsOncePerPercentAndErasesItself() {
        let collector = Collector()
        let bar = ProgressBar(width: 10) { collector.append($0) }
        let total = 2 * ProgressBar.minimumFiles * 2
        for done in 1...total { bar.update(done: done, total: total) }
        bar.finish()
        // 0% to 100%: 101 draws, then one erase, each starting with the clear-line sequence.
        #expect(collector.text.components(separatedBy: "\r\u{1B}[2K").count - 1 == 102)
        #expect(collector.text.contains("modlint [#####-----] 50% (100 files)"))
        #expect(collector.text.contains("modlint [##########] 100% (100 files)"))
        #expect(collector.text.hasSuffix("100% (100 files)\r\u{1B}[2K"))
    }

    @Test func shortRunsGetNoBar() {
        let collector = Collector()
        let bar = ProgressBar { collector.append($0) }
        for done in 1...20 { bar.update(done: done, total: 20) }
        bar.finish()
        #expect(collector.text.isEmpty)
        #expect(!ProgressBar.wanted(stderrIsTerminal: false, environment: [:]))
        #expect(ProgressBar.wanted(stderrIsTerminal: true, environment: [:]))
    }
}

@Suite struct RuleDocumentationTests {
    /// The committed pages are what `modlint rules --markdown docs/rules` writes now.
    @Test func theCommittedRulePagesAreCurrent() throws {
        let dir = Fixtures.packageRoot + "/docs/rules"
        let pages = RuleDocumentation.pages(Registry.all.descriptions)
        let committed = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".md") }.sorted()
        #expect(committed == pages.map(\.name).sorted(), "regenerate with: modlint rules --markdown docs/rules")
        for page in pages {
            let text = try String(contentsOfFile: dir + "/" + page.name, encoding: .utf8)
            #expect(text == page.contents, "docs/rules/\(page.name) is stale: regenerate with `modlint rules --markdown docs/rules`")
        }
    }

    @Test func everyPageSaysWhyAndWhatToDo() {
        for rule in Registry.all.descriptions {
            let page = RuleDocumentation.markdown(rule)
            #expect(page.contains("# \(rule.code) \(rule.name)\n"))
            #expect(page.contains(rule.rationale) && page.contains(rule.fix))
            #expect(RuleDocumentation.index(Registry.all.descriptions).contains("[\(rule.code)](\(rule.code).md)"))
        }
    }

    @Test func rulesAsJSON() throws {
        let text = try RuleDocumentation.json(Registry.all.descriptions)
        let array = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]])
        #expect(array.map { $0["code"] } == Registry.all.descriptions.map(\.code))
        #expect(array.first { $0["code"] == "U001" }?["default_severity"] == "error")
        #expect(Set(array[0].keys) == ["code", "name", "default_severity", "summary", "rationale", "fix", "kernel_versions"])
    }
}

@Suite struct BaselineNotesTests {
    @Test func notesNameWhatWasHiddenAndWhatIsGone() {
        let outcome = Baseline.Outcome(suppressed: 3, stale: [
            Baseline.Entry(code: "M001", module: "a", subject: "a", count: 1),
            Baseline.Entry(code: "X002", module: "b", subject: "s -> t", count: 2),
        ])
        #expect(BaselineNotes.render(outcome, baseline: "base.json") == """
            modlint: note: 3 findings suppressed by the baseline base.json
            modlint: note: 2 baseline entries no longer occur (fixed? rewrite the baseline with --write-baseline):
              M001 a: a
              X002 b: s -> t (2 fewer)

            """)
        #expect(BaselineNotes.render(Baseline.Outcome(suppressed: 0, stale: []), baseline: "b").isEmpty)
    }
}
