import FixtureSupport
import Foundation
import KernelSymbols
import LintEngine
import Rules
import Testing

/// A run over an installed module tree resolves module symbols the way depmod does: only the
/// modules present in the tree provide them, not the module lines of the kernel's
/// Module.symvers. A kbuild `M=` directory is linted the way modpost does: every line counts.
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
        try "".write(toFile: tree + "/modules.dep", atomically: true, encoding: .utf8)
        return tree
    }

    /// A kbuild `M=` directory after `make modules`: the modules, modules.order and the
    /// external build's own Module.symvers (the exports of its modules, no vmlinux line).
    static func kbuildDirectory(_ name: String, modules: [String]) throws -> String {
        let dir = try Fixtures.scratchDirectory("kbuild-\(name)") + "/driver"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for module in modules {
            try FileManager.default.copyItem(atPath: Fixtures.path("linux-6.1-amd64/" + module), toPath: dir + "/" + module)
        }
        let order = modules.map { $0.replacingOccurrences(of: ".ko", with: ".o") + "\n" }.joined()
        try order.write(toFile: dir + "/modules.order", atomically: true, encoding: .utf8)
        try "".write(toFile: dir + "/Module.symvers", atomically: true, encoding: .utf8)
        return dir
    }

    /// Through the run's policy, as `modlint check PATHS --symbols TABLES` does.
    static func lint(_ paths: [String], symbols: [String], mode: RunModeChoice = .auto) throws -> [String] {
        let plan = try RunPlan.make(inputs: paths, symbols: symbols, mode: mode)
        let linter = Linter(rules: Registry.all, kernel: try KernelSymbolIndex.load(paths: plan.symbolTables),
                            configuration: Configuration(select: ["U001", "U006"]), jobs: 2, mode: plan.mode)
        return linter.run(files: plan.files).diagnostics.map { "\($0.code) \($0.module) \($0.subject)" }
    }

    static func lint(_ paths: [String], symbols: String, mode: RunModeChoice = .auto) throws -> [String] {
        try lint(paths, symbols: [symbols], mode: mode)
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

    @Test func aKbuildDirectoryUsesTheModuleLinesOfTheKernelsSymbolTable() throws {
        // The directory has modules.order, as every M= directory has: it is not an installed
        // tree, and fx_importer's imports resolve through the table's fx/fx_exporter lines.
        let symvers = try Self.symversWithExporter("kbuild")
        let dir = try Self.kbuildDirectory("importer", modules: ["fx_importer.ko"])
        #expect(try RunPlan.make(inputs: [dir], symbols: [symvers]).mode == .modules)
        #expect(try Self.lint([dir], symbols: symvers) == [])
        // Asked for as a tree, it is read as depmod would.
        #expect(try Self.lint([dir], symbols: symvers, mode: .tree) == [
            "U001 fx_importer fx_exported_gpl", "U001 fx_importer fx_exported_plain",
        ])
    }

    @Test func anExtraSymbolTableIsHonouredInATree() throws {
        // KBUILD_EXTRA_SYMBOLS: the exporter was built elsewhere; its Module.symvers has no
        // vmlinux line, and its lines count even in an installed-tree run.
        let extra = try Fixtures.scratchDirectory("tree-run-extra-symvers") + "/Module.symvers"
        try "0x11111111\tfx_exported_plain\t/build/fx/fx_exporter\tEXPORT_SYMBOL\t\n0x22222222\tfx_exported_gpl\t/build/fx/fx_exporter\tEXPORT_SYMBOL_GPL\t\n"
            .write(toFile: extra, atomically: true, encoding: .utf8)
        let tree = try Self.tree("extra", modules: ["fx_importer.ko"])
        #expect(try Self.lint([tree], symbols: [Fixtures.symbols(arch: "amd64"), extra]) == [])
        #expect(try Self.lint([tree], symbols: [Fixtures.symbols(arch: "amd64")]) == [
            "U001 fx_importer fx_exported_gpl", "U001 fx_importer fx_exported_plain",
        ])
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
