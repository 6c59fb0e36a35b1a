import FixtureSupport
import Foundation
import KernelSymbols
import LintEngine
import Rules
import Testing

/// A run over a whole module tree resolves module symbols the way depmod does: only the
/// modules present in the tree provide them, not the module lines of Module.symvers.
@Suite struct ModuleTreeRunTests {
    /// The fixtures' Module.symvers plus the exports of fx_exporter, as a kernel build that
    /// included fx_exporter would have written it.
    static func symversWithExporter(_ test: String) throws -> String {
        let dir = try Fixtures.scratchDirectory("tree-run-symvers-\(test)")
        let path = dir + "/Module.symvers"
        var text = try String(contentsOfFile: Fixtures.symbols(arch: "amd64"), encoding: .utf8)
        text += "0x11111111\tfx_exported_plain\tfx/fx_exporter\tEXPORT_SYMBOL\t\n"
        text += "0x22222222\tfx_exported_gpl\tfx/fx_exporter\tEXPORT_SYMBOL_GPL\t\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func tree(_ name: String, modules: [String]) throws -> String {
        let tree = try Fixtures.scratchDirectory("tree-run-\(name)") + "/6.1.0-50-amd64"
        try FileManager.default.createDirectory(atPath: tree + "/kernel", withIntermediateDirectories: true)
        for module in modules {
            try FileManager.default.copyItem(atPath: Fixtures.path("linux-6.1-amd64/" + module), toPath: tree + "/kernel/" + module)
        }
        try "".write(toFile: tree + "/modules.order", atomically: true, encoding: .utf8)
        return tree
    }

    static func lint(_ paths: [String], symbols: String) throws -> [String] {
        let linter = Linter(rules: Registry.all, kernel: try KernelSymbolIndex.load(paths: [symbols]),
                            configuration: Configuration(select: ["U001", "U006"]), jobs: 2)
        return linter.run(paths: paths).diagnostics.map { "\($0.code) \($0.module) \($0.subject)" }
    }

    @Test func aSingleModuleMayUseModuleExportsListedInTheSymbolTable() throws {
        let symvers = try Self.symversWithExporter("single")
        #expect(try Self.lint([Fixtures.path("linux-6.1-amd64/fx_importer.ko")], symbols: symvers) == [])
    }

    @Test func inATreeOnlyTheModulesPresentProvide() throws {
        let symvers = try Self.symversWithExporter("tree")
        let without = try Self.tree("without", modules: ["fx_importer.ko"])
        #expect(try Self.lint([without], symbols: symvers) == [
            "U001 fx_importer fx_exported_gpl", "U001 fx_importer fx_exported_plain",
        ])
        let with = try Self.tree("with", modules: ["fx_importer.ko", "fx_exporter.ko"])
        // fx_exporter's own line in the symbol table is not a second export of it.
        #expect(try Self.lint([with], symbols: symvers) == [])
    }

    @Test func outsideATreeAModuleClashingWithAnotherOwnerInTheTableIsExportedTwice() throws {
        let symvers = try Self.symversWithExporter("dup")
        // fx_dup exports fx_exported_plain, which the table says fx/fx_exporter owns.
        #expect(try Self.lint([Fixtures.path("linux-6.1-amd64/fx_dup.ko")], symbols: symvers) == [
            "U006 fx_dup fx_exported_plain",
        ])
        #expect(try Self.lint([Fixtures.path("linux-6.1-amd64/fx_exporter.ko")], symbols: symvers) == [])
    }
}
