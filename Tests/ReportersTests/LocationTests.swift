import Foundation
import LintEngine
import ModuleObject
@testable import Reporters
import Testing

/// A finding the module's DWARF places in its sources, in every format.
@Suite struct LocationTests {
    static let located = LintResult(diagnostics: [
        Diagnostic(code: "X001", name: "code-references-exit", severity: .error, path: "m/fx_exitref.ko", module: "fx_exitref",
                   message: "section mismatch", symbol: "fx_normal_function", place: .inside("fx_normal_function", at: 0x40, offset: 0x12, section: ".text.unlikely"),
                   location: .init(file: "drivers/fx/fx_exitref.c", line: 30, column: 2)),
        Diagnostic(code: "U002", name: "gpl-only-symbol", severity: .error, path: "m/fx_gplonly.ko", module: "fx_gplonly",
                   message: "GPL-only", symbol: "ktime_get",
                   location: .init(file: "/usr/src/include/linux/timekeeping.h", line: 67)),
        Diagnostic(code: "M001", name: "missing-license", severity: .error, path: "m/fx_nolicense.ko", module: "fx_nolicense",
                   message: "no MODULE_LICENSE()"),
    ], files: 3, modules: 3)

    @Test func textPutsTheSourceLineAfterTheModule() {
        #expect(TextReporter().render(Self.located) == """
            m/fx_exitref.ko: drivers/fx/fx_exitref.c:30:2: error: section mismatch [X001 code-references-exit]
            m/fx_gplonly.ko: /usr/src/include/linux/timekeeping.h:67: error: GPL-only [U002 gpl-only-symbol]
            m/fx_nolicense.ko: error: no MODULE_LICENSE() [M001 missing-license]
            3 errors, 0 warnings, 0 notes in 3 modules

            """)
        #expect(TextReporter(grouped: true).render(Self.located).hasPrefix("""
            m/fx_exitref.ko (fx_exitref)
              drivers/fx/fx_exitref.c:30:2: error: section mismatch [X001 code-references-exit]

            """))
    }

    @Test func gccPointsAtTheSourceAndNamesTheModule() {
        #expect(GCCReporter().render(Self.located) == """
            drivers/fx/fx_exitref.c:30:2: error: section mismatch [X001] (in m/fx_exitref.ko)
            /usr/src/include/linux/timekeeping.h:67: error: GPL-only [U002] (in m/fx_gplonly.ko)
            m/fx_nolicense.ko:1:1: error: no MODULE_LICENSE() [M001]

            """)
    }

    @Test func githubAnnotatesTheSourceLine() {
        #expect(GitHubReporter().render(Self.located) == """
            ::error file=drivers/fx/fx_exitref.c,line=30,col=2,title=X001 code-references-exit in fx_exitref::section mismatch
            ::error file=/usr/src/include/linux/timekeeping.h,line=67,title=U002 gpl-only-symbol in fx_gplonly::GPL-only
            ::error file=m/fx_nolicense.ko,title=M001 missing-license::no MODULE_LICENSE()

            """)
    }

    @Test func sarifHasTheSourceRegionAndTheModuleAsARelatedLocation() throws {
        let text = try SARIFReporter().render(Self.located, rules: [], toolVersion: "0")
        let log = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let results = try #require(((log["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        func physical(_ location: [String: Any]?) -> [String: Any]? { location?["physicalLocation"] as? [String: Any] }
        let x001 = results[0]
        let source = try #require(physical((x001["locations"] as? [[String: Any]])?.first))
        #expect((source["artifactLocation"] as? [String: String]) == ["uri": "drivers/fx/fx_exitref.c", "uriBaseId": "%SRCROOT%"])
        #expect((source["region"] as? [String: Int]) == ["startLine": 30, "startColumn": 2])
        let related = try #require((x001["relatedLocations"] as? [[String: Any]])?.first)
        #expect(related["id"] as? Int == 1)
        #expect((related["message"] as? [String: String]) == ["text": "module fx_exitref"])
        #expect((physical(related)?["artifactLocation"] as? [String: String]) == ["uri": "m/fx_exitref.ko", "uriBaseId": "%SRCROOT%"])
        let header = try #require(physical((results[1]["locations"] as? [[String: Any]])?.first))
        #expect((header["artifactLocation"] as? [String: String]) == ["uri": "file:///usr/src/include/linux/timekeeping.h"])
        #expect((header["region"] as? [String: Int]) == ["startLine": 67])
        // Without a source location: the module at line 1, nothing related.
        #expect(results[2]["relatedLocations"] == nil)
        #expect((physical((results[2]["locations"] as? [[String: Any]])?.first)?["region"] as? [String: Int]) == ["startLine": 1])
    }
}
