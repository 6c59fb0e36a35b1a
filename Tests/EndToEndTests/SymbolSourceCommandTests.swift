import FixtureSupport
import Foundation
import Testing

/// `--symbols` kinds, the default symbol table of a module tree, `--kernel-version`.
@Suite struct SymbolSourceCommandTests {
    @Test func aModuleTreeUsesItsBuildSymversByDefault() throws {
        let root = try Fixtures.scratchDirectory("cli-tree")
        let release = "6.1.0-50-amd64"
        let tree = root + "/lib/modules/" + release
        let headers = root + "/usr/src/linux-headers-" + release
        let fm = FileManager.default
        try fm.createDirectory(atPath: tree + "/kernel", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: headers, withIntermediateDirectories: true)
        try fm.copyItem(atPath: Fixtures.path("linux-6.1-amd64/fx_undef.ko"), toPath: tree + "/kernel/fx_undef.ko")
        try fm.copyItem(atPath: Fixtures.symbols(arch: "amd64"), toPath: headers + "/Module.symvers")
        try "kernel/fx_undef.ko\n".write(toFile: tree + "/modules.order", atomically: true, encoding: .utf8)
        try "kernel/fx_undef.ko:\n".write(toFile: tree + "/modules.dep", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: tree + "/build", withDestinationPath: "/usr/src/linux-headers-" + release)
        let run = try CommandLineTests.modlint("check", tree)
        #expect(run.stderr == """
            modlint: note: installed-tree mode (\(tree) has modules.dep): only the modules of the run provide module symbols, as with depmod; the module lines of the kernel's Module.symvers are not used (--mode modules to use them)
            modlint: note: no --symbols given: using \(headers)/Module.symvers, the symbol table of the module tree \(tree)

            """)
        #expect(run.status == 1)
        #expect(run.stdout.contains("fx_undef.ko: Fixtures/src/fx_undef/fx_undef.c:20:2: error: 'fx_no_such_symbol' is undefined"))
    }

    /// A kbuild `M=` directory: modules.order and the build's own Module.symvers beside the
    /// module, the kernel's headers as `--symbols KDIR`.
    @Test func aKbuildDirectoryResolvesThroughTheHeadersModuleSymvers() throws {
        let root = try Fixtures.scratchDirectory("cli-kbuild")
        let kdir = root + "/linux-headers-6.1.0-50-amd64"
        let driver = root + "/driver"
        let fm = FileManager.default
        try fm.createDirectory(atPath: kdir, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: driver, withIntermediateDirectories: true)
        var symvers = try String(contentsOfFile: Fixtures.symbols(arch: "amd64"), encoding: .utf8)
        symvers += "0x06f13f42\tfx_exported_plain\tdrivers/fx/fx_exporter\tEXPORT_SYMBOL\t\n"
        symvers += "0x1d85ec21\tfx_exported_gpl\tdrivers/fx/fx_exporter\tEXPORT_SYMBOL_GPL\t\n"
        try symvers.write(toFile: kdir + "/Module.symvers", atomically: true, encoding: .utf8)
        try fm.copyItem(atPath: Fixtures.path("linux-6.1-amd64/fx_importer.ko"), toPath: driver + "/fx_importer.ko")
        try "fx_importer.o\n".write(toFile: driver + "/modules.order", atomically: true, encoding: .utf8)
        try "".write(toFile: driver + "/Module.symvers", atomically: true, encoding: .utf8)
        let run = try CommandLineTests.modlint("check", driver, "--symbols", kdir, "--select", "U", "--format", "json")
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        #expect(run.stdout.contains("\"errors\" : 0"))
        #expect(run.stdout.contains("\"mode\" : \"modules\""))
        let asTree = try CommandLineTests.modlint("check", driver, "--symbols", kdir, "--select", "U001", "--mode", "tree")
        #expect(asTree.status == 1)
        #expect(asTree.stdout.contains("error: 'fx_exported_plain' is undefined"))
    }

    @Test func aRunWithoutModulesExitsWithTwo() throws {
        let empty = try Fixtures.scratchDirectory("cli-empty")
        for format in ["text", "json", "sarif"] {
            let run = try CommandLineTests.modlint("check", empty, "--format", format)
            #expect(run.status == 2)
            #expect(run.stdout.isEmpty)
            #expect(run.stderr == "modlint: error: no modules found under \(empty) (looked for *.ko, *.ko.xz, *.ko.zst, *.ko.gz)\n")
        }
    }

    @Test func debiansPlaceholderSystemMapIsAUsageError() throws {
        let run = try CommandLineTests.modlint("check", "Fixtures/linux-6.1-amd64/fx_clean.ko",
                                               "--symbols", "Fixtures/symtabs/System.map-debian-placeholder")
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("modlint: error: Fixtures/symtabs/System.map-debian-placeholder:1: this is Debian's placeholder System.map"))
    }

    @Test func kernelVersionSelectsTheVermagicToCompare() throws {
        let other = try CommandLineTests.modlint("check", "Fixtures/linux-6.1-amd64/fx_clean.ko", "--symbols", CommandLineTests.symbols,
                                                 "--kernel-version", "6.1.0-50-amd64 SMP mod_unload modversions")
        #expect(other.status == 1)
        #expect(other.stdout.hasPrefix("Fixtures/linux-6.1-amd64/fx_clean.ko: error: version magic '6.1.0-50-amd64 SMP preempt mod_unload modversions ' should be '6.1.0-50-amd64 SMP mod_unload modversions'"))
        let release = try CommandLineTests.modlint("check", "Fixtures/linux-6.1-amd64/fx_clean.ko", "--symbols", CommandLineTests.symbols,
                                                   "--kernel-version", "6.1.0-51-amd64")
        #expect(release.status == 0)
    }
}
