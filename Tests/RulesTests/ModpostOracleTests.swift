import FixtureSupport
import Foundation
import LintEngine
import ModuleObject
import Testing

/// Every ERROR/WARNING modpost printed while building the fixtures has its modlint
/// counterpart: same rule family, module, symbol, and for section mismatches the same
/// from/to symbols and sections.
@Suite struct ModpostOracleTests {
    struct Counterpart: CustomStringConvertible {
        let codes: Set<String>
        let module: String
        let symbol: String?
        let section: String?
        let targetSymbol: String?
        let targetSection: String?
        let line: String

        var description: String { line }

        func renaming(to name: String?) -> Counterpart {
            Counterpart(codes: codes, module: module, symbol: name ?? symbol, section: section,
                        targetSymbol: targetSymbol, targetSection: targetSection, line: line)
        }

        /// modpost reads the `.o`; modlint reads the `.ko`, linked with the kernel's module.lds,
        /// which in 7.2 merges `.text.*` (e.g. gcc's `.text.unlikely`) into `.text`.
        func matches(_ d: Diagnostic) -> Bool {
            let sameSection = section == nil || d.section == section
                || (section?.hasPrefix(".text.") == true && d.section == ".text")
            return codes.contains(d.code) && d.module == module
                && (symbol == nil || d.symbol == symbol) && sameSection
                && (targetSymbol == nil || d.targetSymbol == targetSymbol)
                && (targetSection == nil || d.targetSection == targetSection)
        }
    }

    static func moduleName(_ path: Substring) -> String {
        var base = path.split(separator: "/").last.map(String.init) ?? String(path)
        for suffix in [".ko", ".o"] where base.hasSuffix(suffix) { base.removeLast(suffix.count) }
        return base.replacingOccurrences(of: "-", with: "_")
    }

    static func capture(_ line: String, _ pattern: String) -> [Substring]? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { return nil }
        return (1..<match.numberOfRanges).map { line[Range(match.range(at: $0), in: line)!] }
    }

    /// Parses one modpost line; a line of a shape this test does not know fails the test.
    static func counterpart(of line: String) -> Counterpart? {
        let body = line.replacingOccurrences(of: #"^(WARNING|ERROR): modpost: "#, with: "", options: .regularExpression)
        if let m = capture(body, #"^"([^"]+)" \[([^\]]+)\] undefined!$"#) {
            return Counterpart(codes: ["U001"], module: moduleName(m[1]), symbol: String(m[0]), section: nil,
                               targetSymbol: nil, targetSection: nil, line: line)
        }
        if let m = capture(body, #"^GPL-incompatible module (\S+) uses GPL-only symbol '([^']+)'$"#) {
            return Counterpart(codes: ["U002"], module: moduleName(m[0]), symbol: String(m[1]), section: nil,
                               targetSymbol: nil, targetSection: nil, line: line)
        }
        // modpost (6.16+) words a module outside an EXPORT_SYMBOL_FOR_MODULES list as a missing
        // import of the module: namespace; modlint reports it as U009.
        if let m = capture(body, #"^module (\S+) uses symbol (\S+) from namespace (\S+), but does not import it\.$"#) {
            return Counterpart(codes: m[2].hasPrefix("module:") ? ["U009"] : ["U003"], module: moduleName(m[0]),
                               symbol: String(m[1]), section: nil, targetSymbol: nil, targetSection: nil, line: line)
        }
        if let m = capture(body, #"^(\S+): '([^']+)' exported twice\. Previous export was in \S+$"#) {
            return Counterpart(codes: ["U006"], module: moduleName(m[0]), symbol: String(m[1]), section: nil,
                               targetSymbol: nil, targetSection: nil, line: line)
        }
        if let m = capture(body, #"^"([^"]+)" \[([^\]]+)\] has no CRC!$"#) {
            return Counterpart(codes: ["U005"], module: moduleName(m[1]), symbol: String(m[0]), section: nil,
                               targetSymbol: nil, targetSection: nil, line: line)
        }
        if let m = capture(body, #"^missing MODULE_LICENSE\(\) in (\S+)$"#) {
            return Counterpart(codes: ["M001"], module: moduleName(m[0]), symbol: nil, section: nil,
                               targetSymbol: nil, targetSection: nil, line: line)
        }
        // 6.1: "<obj>: section mismatch in reference: from (section: s) -> to (section: t)";
        // newer kernels add "+0x<off>" to the from-symbol.
        if let m = capture(body, #"^(\S+): section mismatch in reference: ([^ +]+)(?:\+0x[0-9a-f]+)? \(section: ([^)]+)\) -> (\S+) \(section: ([^)]+)\)$"#) {
            return Counterpart(codes: mismatchCodes(from: String(m[2]), to: String(m[4])), module: moduleName(m[0]),
                               symbol: String(m[1]), section: String(m[2]),
                               targetSymbol: String(m[3]), targetSection: String(m[4]), line: line)
        }
        // 6.1: "<obj>: EXPORT_SYMBOL used for init/exit symbol: sym (section: s)".
        if let m = capture(body, #"^(\S+): EXPORT_SYMBOL used for init/exit symbol: (\S+) \(section: ([^)]+)\)$"#) {
            return Counterpart(codes: ["X005"], module: moduleName(m[0]), symbol: nil, section: nil,
                               targetSymbol: String(m[1]), targetSection: String(m[2]), line: line)
        }
        // ≥ 6.5: "<mod>: sym: EXPORT_SYMBOL used for init symbol. Remove __init or EXPORT_SYMBOL."
        if let m = capture(body, #"^(\S+): (\S+): EXPORT_SYMBOL used for (init|exit) symbol\. Remove __(?:init|exit) or EXPORT_SYMBOL\.$"#) {
            return Counterpart(codes: ["X005"], module: moduleName(m[0]), symbol: nil, section: nil,
                               targetSymbol: String(m[1]), targetSection: ".\(m[2]).text", line: line)
        }
        return nil
    }

    /// The rule for a reference between two sections, by the sections' names.
    static func mismatchCodes(from: String, to: String) -> Set<String> {
        let fromInitOrExit = from.hasPrefix(".init") || from.hasPrefix(".exit")
        if fromInitOrExit { return ["X004"] }
        if to.hasPrefix(".init") { return ["X003"] }
        return from.hasPrefix(".text") ? ["X001"] : ["X002"]
    }

    static func logLines(tree: String) throws -> [String] {
        let dir = Fixtures.path("linux-\(tree)/modpost")
        let logs = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".log") }.sorted()
        return try logs.flatMap { name in
            try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
                .split(separator: "\n").map(String.init)
                .filter { $0.hasPrefix("WARNING: modpost:") || $0.hasPrefix("ERROR: modpost:") }
        }
    }

    @Test(arguments: Fixtures.trees)
    func everyModpostFindingHasACounterpart(tree: String) throws {
        let lines = try Self.logLines(tree: tree)
        #expect(!lines.isEmpty, "no modpost output recorded for \(tree)")
        let paths = Fixtures.modules(tree: tree)
        let result = try Fixtures.lint(paths, symbols: Fixtures.symbols(tree: tree))
        for line in lines {
            guard var counterpart = Self.counterpart(of: line) else {
                Issue.record("modpost line of unknown shape: \(line)")
                continue
            }
            // modpost 6.1 names a from-place by the first symbol it finds there, which for a
            // module's init or exit function is the `init_module`/`cleanup_module` alias;
            // modlint names the function itself.
            if let alias = counterpart.symbol, alias == "init_module" || alias == "cleanup_module",
               let path = paths.first(where: { ModuleObject.moduleName(fromPath: $0) == counterpart.module }) {
                counterpart = counterpart.renaming(to: try Self.aliased(alias, in: path))
            }
            #expect(result.diagnostics.contains(where: counterpart.matches), "no counterpart for: \(line)")
        }
    }

    /// The function an alias such as `init_module` stands for.
    static func aliased(_ alias: String, in path: String) throws -> String? {
        let module = try ModuleObject.load(path: path)
        guard let symbol = module.symbols.first(where: { $0.name == alias && !$0.isUndefined }) else { return nil }
        return module.symbols.first {
            $0.name != alias && $0.place == symbol.place && $0.value == symbol.value && $0.type == Symbol.typeFunc
        }?.name
    }

    @Test func linesOfEveryKindAreRecognised() {
        let samples = [
            #"WARNING: modpost: "fx_no_such_symbol" [Fixtures/src/fx_undef/fx_undef.ko] undefined!"#,
            "ERROR: modpost: GPL-incompatible module fx_gplonly.ko uses GPL-only symbol 'ktime_get'",
            "ERROR: modpost: missing MODULE_LICENSE() in Fixtures/src/fx_nolicense/fx_nolicense.o",
            "WARNING: modpost: x/fx_exitref.o: section mismatch in reference: fx_pdrv_nowl (section: .data) -> fx_remove2 (section: .exit.text)",
            "WARNING: modpost: x/fx_exitref: section mismatch in reference: fx_pdrv_nowl+0x8 (section: .data) -> fx_remove2 (section: .exit.text)",
            "ERROR: modpost: module fx_ns_missing uses symbol usb_stor_sense_invalidCDB from namespace USB_STORAGE, but does not import it.",
            "ERROR: modpost: module fx_stranger uses symbol fx_for_friends from namespace module:fx_friend,fx-glob-*, but does not import it.",
            "ERROR: modpost: x/fx_dup: 'fx_exported_plain' exported twice. Previous export was in x/fx_exporter.ko",
            #"WARNING: modpost: "fx_exported_plain" [x/fx_nover.ko] has no CRC!"#,
        ]
        let parsed = samples.map(Self.counterpart(of:))
        #expect(parsed.map { $0?.codes.sorted().first } == ["U001", "U002", "M001", "X002", "X002", "U003", "U009", "U006", "U005"])
        #expect(parsed[4]?.symbol == "fx_pdrv_nowl" && parsed[4]?.module == "fx_exitref")
        #expect(parsed[5]?.symbol == "usb_stor_sense_invalidCDB" && parsed[5]?.module == "fx_ns_missing")
        #expect(parsed[6]?.symbol == "fx_for_friends" && parsed[6]?.module == "fx_stranger")
        #expect(parsed[7]?.symbol == "fx_exported_plain" && parsed[7]?.module == "fx_dup")
        #expect(parsed[8]?.symbol == "fx_exported_plain" && parsed[8]?.module == "fx_nover")
        #expect(Self.counterpart(of: "WARNING: modpost: something else entirely") == nil)
        let exports = [
            "WARNING: modpost: x/fx_initref.o: EXPORT_SYMBOL used for init/exit symbol: fx_exported_init (section: .init.text)",
            "WARNING: modpost: x/fx_initref: fx_exported_init: EXPORT_SYMBOL used for init symbol. Remove __init or EXPORT_SYMBOL.",
        ].map(Self.counterpart(of:))
        #expect(exports.map { $0?.targetSymbol } == ["fx_exported_init", "fx_exported_init"])
        #expect(exports.map { $0?.targetSection } == [".init.text", ".init.text"])
        #expect(Self.mismatchCodes(from: ".text", to: ".init.text") == ["X003"])
        #expect(Self.mismatchCodes(from: ".init.text", to: ".exit.text") == ["X004"])
        #expect(Self.mismatchCodes(from: ".text.unlikely", to: ".exit.text") == ["X001"])
    }
}
