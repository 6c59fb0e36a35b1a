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
        try fm.createSymbolicLink(atPath: tree + "/build", withDestinationPath: "/usr/src/linux-headers-" + release)
        let run = try CommandLineTests.modlint("check", tree)
        #expect(run.stderr == "modlint: note: no --symbols given: using \(headers)/Module.symvers, the symbol table of the module tree \(tree)\n")
        #expect(run.status == 1)
        #expect(run.stdout.contains("fx_undef.ko: Fixtures/src/fx_undef/fx_undef.c:15:13: error: 'fx_no_such_symbol' is undefined"))
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
