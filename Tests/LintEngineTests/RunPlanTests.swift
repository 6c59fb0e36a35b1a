import FixtureSupport
import Foundation
import LintEngine
import Testing

/// The run's input policy, one test per rule of it: what is an installed tree, what a
/// `--symbols` directory stands for, the default symbol table, the target, an empty run.
@Suite struct RunPlanTests {
    static let fm = FileManager.default
    var fm: FileManager { Self.fm }

    /// An empty directory `name` inside a fresh scratch directory.
    static func directory(_ test: String, _ name: String) throws -> String {
        let dir = try Fixtures.scratchDirectory("plan-\(test)") + "/" + name
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func touch(_ path: String) throws {
        try "".write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func addModule(to dir: String, _ name: String = "fx_clean.ko") throws {
        try fm.copyItem(atPath: Fixtures.path("linux-6.1-amd64/fx_clean.ko"), toPath: dir + "/" + name)
    }

    @Test(arguments: RunPlan.installedTreeMarkers)
    func depmodsFilesMarkAnInstalledTree(marker: String) throws {
        let dir = try Self.directory("marker-\(marker)", "somewhere")
        try Self.touch(dir + "/" + marker)
        #expect(RunPlan.installedTreeEvidence(dir) == marker)
    }

    @Test func aKbuildDirectoryIsNotAnInstalledTree() throws {
        // What `make -C KDIR M=$PWD modules` leaves: modules.order, Module.symvers, *.mod.
        let dir = try Self.directory("kbuild", "driver")
        for name in ["modules.order", "Module.symvers", "fx_clean.mod", "Makefile"] { try Self.touch(dir + "/" + name) }
        try Self.addModule(to: dir)
        #expect(RunPlan.installedTreeEvidence(dir) == nil)
        let plan = try RunPlan.make(inputs: [dir], symbols: [])
        #expect(plan.mode == .modules && plan.trees.isEmpty && plan.files == [dir + "/fx_clean.ko"])
    }

    @Test func aKernelDirectoryUnderAReleaseNameIsAnInstalledTree() throws {
        let tree = try Self.directory("layout", "6.12.57+deb13-amd64")
        try fm.createDirectory(atPath: tree + "/kernel", withIntermediateDirectories: true)
        #expect(RunPlan.installedTreeEvidence(tree) == "kernel/ under a release-named directory")
        let other = try Self.directory("layout-other", "build")
        try fm.createDirectory(atPath: other + "/kernel", withIntermediateDirectories: true)
        #expect(RunPlan.installedTreeEvidence(other) == nil)
        #expect(RunPlan.installedTreeEvidence(Fixtures.path("linux-6.1-amd64/fx_clean.ko")) == nil)
    }

    @Test func releaseNames() {
        #expect(RunPlan.looksLikeRelease("6.1.0-50-amd64"))
        #expect(RunPlan.looksLikeRelease("7.2.13+deb14-arm64"))
        #expect(!RunPlan.looksLikeRelease("build"))
        #expect(!RunPlan.looksLikeRelease("6"))
    }

    @Test func aSymbolsDirectoryStandsForItsModuleSymvers() throws {
        let kdir = try Self.directory("kdir", "linux-headers-6.1.0-50-amd64")
        try Self.touch(kdir + "/Module.symvers")
        #expect(RunPlan.symbolTable(for: kdir) == kdir + "/Module.symvers")
        #expect(RunPlan.symbolTable(for: kdir + "/Module.symvers") == kdir + "/Module.symvers")
        // An installed tree as --symbols is read for its modules' exports, even with a
        // Module.symvers beside them.
        let tree = try Self.directory("kdir-tree", "6.1.0-50-amd64")
        try Self.touch(tree + "/modules.dep")
        try Self.touch(tree + "/Module.symvers")
        #expect(RunPlan.symbolTable(for: tree) == tree)
        let bare = try Self.directory("kdir-bare", "modules")
        #expect(RunPlan.symbolTable(for: bare) == bare)
    }

    @Test func severalSymbolTablesAreKeptInOrder() throws {
        let kdir = try Self.directory("extra", "kdir")
        try Self.touch(kdir + "/Module.symvers")
        let first = try Self.directory("extra-stage1", "stage1")
        try Self.touch(first + "/Module.symvers")
        let plan = try RunPlan.make(inputs: [Fixtures.path("linux-6.1-amd64/fx_clean.ko")], symbols: [kdir, first])
        #expect(plan.symbolTables == [kdir + "/Module.symvers", first + "/Module.symvers"])
        #expect(plan.notes.isEmpty)
    }

    @Test func anInstalledTreeGivesTheDefaultTableAndRelease() throws {
        let root = try Fixtures.scratchDirectory("plan-default")
        let tree = root + "/lib/modules/6.1.0-50-amd64"
        let headers = root + "/usr/src/linux-headers-6.1.0-50-amd64"
        try fm.createDirectory(atPath: tree + "/kernel", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: headers, withIntermediateDirectories: true)
        try Self.touch(headers + "/Module.symvers")
        try Self.touch(tree + "/modules.dep")
        try Self.addModule(to: tree + "/kernel")
        try fm.createSymbolicLink(atPath: tree + "/build", withDestinationPath: "/usr/src/linux-headers-6.1.0-50-amd64")
        let plan = try RunPlan.make(inputs: [tree], symbols: [])
        #expect(plan.mode == .tree && plan.trees == [tree])
        #expect(plan.symbolTables == [headers + "/Module.symvers"])
        #expect(plan.target == TargetKernel(release: "6.1.0-50-amd64"))
        #expect(plan.notes == [
            "installed-tree mode (\(tree) has modules.dep): only the modules of the run provide module symbols, as with depmod; the module lines of the kernel's Module.symvers are not used (--mode modules to use them)",
            "no --symbols given: using \(headers)/Module.symvers, the symbol table of the module tree \(tree)",
        ])
        // --kernel-version and --symbols win over what the tree implies.
        let forced = try RunPlan.make(inputs: [tree], symbols: [Fixtures.symbols(arch: "amd64")], kernelVersion: "6.1.0-51-amd64")
        #expect(forced.symbolTables == [Fixtures.symbols(arch: "amd64")])
        #expect(forced.target == TargetKernel(release: "6.1.0-51-amd64"))
        // Asked for as plain modules, the tree is linted as a build directory.
        let modules = try RunPlan.make(inputs: [tree], symbols: [], mode: .modules)
        #expect(modules.mode == .modules && modules.symbolTables.isEmpty && modules.target == .unknown)
    }

    @Test func treeModeCanBeForced() throws {
        let plan = try RunPlan.make(inputs: [Fixtures.path("linux-6.1-amd64/fx_clean.ko")], symbols: [Fixtures.symbols(arch: "amd64")],
                                    mode: .tree)
        #expect(plan.mode == .tree)
        #expect(plan.notes == [
            "installed-tree mode (--mode tree): only the modules of the run provide module symbols, as with depmod; the module lines of the kernel's Module.symvers are not used (--mode modules to use them)",
        ])
    }

    @Test func withoutSymbolsTheRunSaysU001IsNotChecked() throws {
        let plan = try RunPlan.make(inputs: [Fixtures.path("linux-6.1-amd64/fx_clean.ko")], symbols: [])
        #expect(plan.mode == .modules && plan.symbolTables.isEmpty)
        #expect(plan.notes == ["no --symbols given: imports are only resolved among the modules of this run, and U001 is not checked"])
    }

    @Test func aRunWithoutModulesIsRefused() throws {
        let empty = try Self.directory("empty", "nothing-here")
        try Self.touch(empty + "/foo.o")
        #expect(throws: RunPlanError("no modules found under \(empty) (looked for *.ko, *.ko.xz, *.ko.zst, *.ko.gz)")) {
            try RunPlan.make(inputs: [empty], symbols: [])
        }
        // A named file that does not exist is still a file to read: it becomes an E001.
        let missing = empty + "/missing.ko"
        #expect(try RunPlan.make(inputs: [missing], symbols: []).files == [missing])
    }
}

@Suite struct SourceRootTests {
    @Test func theOptionWinsAndIsResolvedAgainstTheCurrentDirectory() {
        #expect(SourceRoot.resolve(option: "../src", currentDirectory: "/srv/repo/build", environment: ["GITHUB_WORKSPACE": "/srv/repo"]) == "/srv/repo/src")
        #expect(SourceRoot.resolve(option: "/srv/x", currentDirectory: "/srv", environment: [:]) == "/srv/x")
    }

    @Test func githubsWorkspaceWhenTheStepRunsInsideIt() {
        #expect(SourceRoot.resolve(option: nil, currentDirectory: "/srv/repo/driver", environment: ["GITHUB_WORKSPACE": "/srv/repo"]) == "/srv/repo")
        #expect(SourceRoot.resolve(option: nil, currentDirectory: "/srv/repo", environment: ["GITHUB_WORKSPACE": "/srv/repo/"]) == "/srv/repo")
        #expect(SourceRoot.resolve(option: nil, currentDirectory: "/srv/other", environment: ["GITHUB_WORKSPACE": "/srv/repo"]) == "/srv/other")
        #expect(SourceRoot.resolve(option: nil, currentDirectory: "/srv/repo2", environment: ["GITHUB_WORKSPACE": "/srv/repo"]) == "/srv/repo2")
        #expect(SourceRoot.resolve(option: nil, currentDirectory: "/srv", environment: [:]) == "/srv")
    }
}
