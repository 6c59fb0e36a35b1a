import Foundation
import LintEngine
import ModuleObject
import Reporters
import Testing

@Suite struct ReporterTests {
    static let result = LintResult(
        diagnostics: [
            Diagnostic(code: "U001", name: "unresolved-symbol", severity: .error, path: "a/fx_undef.ko", module: "fx_undef",
                       message: "'x' is undefined", symbol: "x"),
            Diagnostic(code: "X002", name: "data-references-exit", severity: .warning, path: "a/fx_exitref.ko", module: "fx_exitref",
                       message: "section mismatch", symbol: "drv", place: .inside("drv", at: 0, offset: 8, section: ".data"),
                       targetSymbol: "fx_remove", targetSection: ".exit.text"),
            Diagnostic(code: "E001", name: "unreadable-input", severity: .error, path: "a/bad.ko", module: "bad",
                       message: "cannot read module: not an ELF file"),
        ],
        files: 4, modules: 3)

    @Test func textReadsLikeACompiler() {
        #expect(TextReporter().render(Self.result) == """
            a/fx_undef.ko: error: 'x' is undefined [U001 unresolved-symbol]
            a/fx_exitref.ko: warning: section mismatch [X002 data-references-exit]
            a/bad.ko: error: cannot read module: not an ELF file [E001 unreadable-input]
            2 errors, 1 warning, 0 notes in 3 modules (1 of 4 files unreadable)

            """)
    }

    @Test func summaryOfACleanRun() {
        #expect(TextReporter().summary(LintResult(diagnostics: [], files: 1, modules: 1)) == "0 errors, 0 warnings, 0 notes in 1 module")
    }

    @Test func jsonIsOneVersionedDocumentWithEveryKeyPresent() throws {
        let text = try JSONReporter().render(Self.result, toolVersion: "9.9.9")
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        #expect((object["tool"] as? [String: String]) == ["name": "modlint", "version": "9.9.9"])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 3)
        let keys: Set<String> = ["code", "name", "severity", "path", "module", "message", "symbol", "section", "offset",
                                 "target_symbol", "target_section", "location", "related", "symbol_demangled", "target_symbol_demangled", "place"]
        for d in diagnostics { #expect(Set(d.keys) == keys) }
        #expect(diagnostics[1]["offset"] as? Int == 8)
        #expect(diagnostics[1]["place"] as? NSDictionary == ["section": ".data", "address": 8, "symbol": "drv", "symbol_offset": 8, "element": NSNull()])
        #expect(diagnostics[0]["place"] is NSNull)
        #expect(diagnostics[1]["target_symbol"] as? String == "fx_remove")
        #expect(diagnostics[0]["section"] is NSNull)
        #expect(diagnostics.allSatisfy { $0["location"] is NSNull })
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary == ["files": 4, "modules": 3, "unreadable": 1, "errors": 2, "warnings": 1, "notes": 0])
    }

    /// A Rust symbol: the message shows it demangled, JSON keeps `symbol` mangled and adds
    /// the demangled form; C names have null there.
    @Test func rustSymbolsAreDemangledInMessagesAndGivenBothWaysInJSON() throws {
        let mangled = "_RNvNtNtCsdJ13ReMSUMg_6kernel4time5delay6fsleep"
        let rust = Diagnostic(code: "U001", name: "unresolved-symbol", severity: .error, path: "qt2025.ko", module: "qt2025",
                              message: "\(mangled) is undefined: neither the kernel nor a module of the run exports it (\(mangled)).",
                              symbol: mangled)
        #expect(rust.message == "kernel::time::delay::fsleep is undefined: neither the kernel nor a module of the run exports it (kernel::time::delay::fsleep).")
        #expect(rust.symbolDemangled == "kernel::time::delay::fsleep")
        #expect(rust.with(severity: .warning).message == rust.message)
        // Not a word start, not a Rust name, or not well formed: left alone.
        for text in ["__pfx_\(mangled) x", "_Rfoo and _ZN3foo3barEv", "\(mangled.dropLast()) y", "x\(mangled)"] {
            #expect(Diagnostic(code: "U001", name: "u", severity: .error, path: "a.ko", module: "a", message: text).message == text)
        }
        let c = Diagnostic(code: "U001", name: "unresolved-symbol", severity: .error, path: "a.ko", module: "a", message: "m", symbol: "printk")
        let text = try JSONReporter().render(LintResult(diagnostics: [rust, c], files: 2, modules: 2), toolVersion: "1")
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics[0]["symbol"] as? String == mangled)
        #expect(diagnostics[0]["symbol_demangled"] as? String == "kernel::time::delay::fsleep")
        #expect(diagnostics[0]["target_symbol_demangled"] is NSNull)
        #expect(diagnostics[1]["symbol_demangled"] is NSNull)
        #expect(TextReporter().render(LintResult(diagnostics: [rust], files: 1, modules: 1)).hasPrefix(
            "qt2025.ko: error: kernel::time::delay::fsleep is undefined"))
    }

    @Test func jsonLocationHasFileLineAndColumn() throws {
        let located = Diagnostic(code: "O001", name: "missing-owner", severity: .warning, path: "a.ko", module: "a",
                                 message: "m", symbol: "fops", location: SourceLocation(file: "a.c", line: 12, column: 7))
        let noColumn = Diagnostic(code: "O001", name: "missing-owner", severity: .warning, path: "a.ko", module: "a",
                                  message: "m", symbol: "fops2", location: SourceLocation(file: "a.c", line: 3))
        let text = try JSONReporter().render(LintResult(diagnostics: [located, noColumn], files: 1, modules: 1), toolVersion: "1")
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        let first = try #require(diagnostics[0]["location"] as? [String: Any])
        #expect(first["file"] as? String == "a.c")
        #expect(first["line"] as? Int == 12)
        #expect(first["column"] as? Int == 7)
        let second = try #require(diagnostics[1]["location"] as? [String: Any])
        #expect(Set(second.keys) == ["file", "line", "column"])
        #expect(second["column"] is NSNull)
    }
}
