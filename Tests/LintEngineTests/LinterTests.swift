import DebugInfo
import FixtureSupport
import Foundation
import ModuleObject
@testable import LintEngine
import Rules
import Testing

@Suite struct LinterTests {
    static let amd64 = Fixtures.modules(arch: "amd64")
    static let symbols = Fixtures.symbols(arch: "amd64")

    /// The rules' debug info is read without the functions and declared variables; the first
    /// declaration asked for (a finding's place) reads them, once, and the cache keeps them.
    @Test func declarationsAreReadWhenFirstAskedFor() throws {
        let module = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/fx_owner.ko"))
        let cache = DebugInfoCache(module: module)
        let objects = try #require(cache.value)
        #expect(!objects.hasDeclarations && objects.functions.isEmpty)
        #expect(cache.declaration(of: "fx_open") == SourceLocation(file: "Fixtures/src/fx_owner/fx_owner.c", line: 25, column: 12))
        let whole = try #require(cache.value)
        #expect(whole.hasDeclarations && whole.functions["fx_open"] != nil)
        #expect(whole.variables == objects.variables && whole.structs == objects.structs)
        #expect(cache.state == .loaded)
        // Asked for first, the declarations are read in the one walk.
        let fresh = DebugInfoCache(module: module)
        #expect(fresh.declaration(of: "register_filesystem")?.file.hasSuffix("include/linux/fs.h") == true)
        #expect(fresh.value?.hasDeclarations == true)
    }

    @Test func outputDoesNotDependOnTheNumberOfJobsOrInputOrder() throws {
        let one = try Fixtures.lint(Self.amd64, symbols: Self.symbols, jobs: 1)
        #expect(!one.diagnostics.isEmpty)
        let kernel = try Fixtures.kernel(Self.symbols)
        for jobs in [2, 3, 4, 5, 8] {
            // Inputs rotated by the number of jobs, and reversed: the threads meet the modules
            // in another order each time.
            let rotated = Array(Self.amd64[jobs...] + Self.amd64[..<jobs])
            let many = try Fixtures.lint(jobs % 2 == 0 ? rotated.reversed() : rotated, symbols: Self.symbols, jobs: jobs)
            #expect(one.diagnostics == many.diagnostics, "jobs \(jobs)")
            #expect(one.notices == many.notices, "jobs \(jobs)")
            // Without the watchdog the plain parallel map runs the passes.
            let unwatched = Linter(rules: Registry.all, kernel: kernel, jobs: jobs, moduleTimeout: nil).run(paths: rotated)
            #expect(one.diagnostics == unwatched.diagnostics, "jobs \(jobs), no timeout")
        }
    }

    @Test func selectAndIgnoreTakeCodesAndPrefixes() throws {
        let onlyX = try Fixtures.lint(Self.amd64, symbols: Self.symbols, select: ["X"])
        #expect(Set(onlyX.diagnostics.map(\.code)) == ["X001", "X002", "X003", "X004", "X005", "X006"])
        let linter = Linter(rules: Registry.all, kernel: try Fixtures.kernel(Self.symbols),
                            configuration: Configuration(ignore: ["u", "X00"]))
        #expect(Set(linter.run(paths: Self.amd64).diagnostics.map(\.code)) == ["M001", "D001", "D002", "D005", "D006", "O001", "O002"])
    }

    @Test func unreadableInputIsNeverSwitchedOff() throws {
        let linter = Linter(rules: Registry.all, kernel: .empty, configuration: Configuration(select: ["X"], ignore: ["E"]))
        let result = linter.run(paths: [Fixtures.path("broken/not-elf.ko")])
        #expect(result.diagnostics.map(\.code) == ["E001"])
        #expect(result.unreadable == 1)
    }

    @Test func withoutKernelSymbolsImportsAreNotReportedUnresolved() throws {
        let result = try Fixtures.lint(Self.amd64, symbols: nil)
        #expect(!result.diagnostics.contains { $0.code == "U001" })
        // Resolution among the run's modules still works for U002.
        #expect(result.diagnostics.contains { $0.code == "U002" && $0.symbol == "fx_exported_gpl" })
    }

    @Test func reportOrderIsPathThenPlaceThenRule() throws {
        let result = try Fixtures.lint(Self.amd64, symbols: Self.symbols)
        #expect(result.diagnostics == result.diagnostics.sorted(by: Diagnostic.reportOrder))
        #expect(result.diagnostics.map(\.path) == result.diagnostics.map(\.path).sorted())
    }
}

@Suite struct InputDiscoveryTests {
    @Test func walksDirectoriesForModulesOnlyAndDoesNotFollowDirectoryLinks() throws {
        let dir = try Fixtures.scratchDirectory("discovery")
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/kernel/drivers", withIntermediateDirectories: true)
        for name in ["kernel/drivers/b.ko", "kernel/drivers/a.ko.xz", "kernel/c.ko.zst", "kernel/d.ko.gz",
                     "kernel/drivers/b.o", "kernel/drivers/b.mod.o", "modules.dep", "z.ko"] {
            _ = fm.createFile(atPath: dir + "/" + name, contents: Data())
        }
        try fm.createSymbolicLink(atPath: dir + "/build", withDestinationPath: dir + "/kernel")
        try fm.createSymbolicLink(atPath: dir + "/kernel/loop", withDestinationPath: dir)
        let found = InputDiscovery.discover([dir]).map { String($0.dropFirst(dir.count + 1)) }
        #expect(found == ["kernel/c.ko.zst", "kernel/d.ko.gz", "kernel/drivers/a.ko.xz", "kernel/drivers/b.ko", "z.ko"])
        // A file named explicitly is read whatever its name; a missing one is kept to be reported.
        #expect(InputDiscovery.discover([dir + "/kernel/drivers/b.o", dir + "/missing.ko"])
                == [dir + "/kernel/drivers/b.o", dir + "/missing.ko"])
    }
}

@Suite struct FixtureDiscoveryTests {
    @Test func findsEveryFixtureModule() {
        let found = InputDiscovery.discover([Fixtures.path("linux-6.1-amd64")])
        #expect(found == Fixtures.modules(arch: "amd64"), "\(found)")
    }
}

@Suite struct RunAliasMatchingTests {
    /// The literal prefix and the longest literal run of `alias`, as text; nil for a plain string.
    static func shape(_ alias: String) -> (prefix: String, literal: String)? {
        let bytes = Array(alias.utf8)
        guard let (prefix, literal) = bytes.withUnsafeBufferPointer(RunAliases.globShape) else { return nil }
        return (String(decoding: bytes[..<prefix], as: UTF8.self), String(decoding: bytes[literal], as: UTF8.self))
    }

    @Test func longestLiteralSkipsGlobSyntax() {
        #expect(Self.shape("of:N*T*Cmodlint,fx-otherC*")?.literal == "Cmodlint,fx-otherC")
        #expect(Self.shape("usb:v0BDAp8153d0[1-9]*dc*")?.literal == "usb:v0BDAp8153d0")
        #expect(Self.shape("acpi*:PNP0C0A:*")?.literal == ":PNP0C0A:")
        #expect(Self.shape("*")?.literal == "")
    }

    @Test func literalPrefixEndsAtTheFirstGlobCharacter() {
        #expect(Self.shape("pci:v00008086d*sv*")?.prefix == "pci:v00008086d")
        #expect(Self.shape("usb:v0BDAp8153d0[1-9]*dc*")?.prefix == "usb:v0BDAp8153d0")
        #expect(Self.shape("*")?.prefix == "")
        #expect(Self.shape("platform:fx-device") == nil)
    }

    @Test func containsFindsTheNeedleAnywhere() {
        func contains(_ text: String, _ needle: String) -> Bool {
            Array(text.utf8CString).withUnsafeBufferPointer { t in
                Array(needle.utf8).withUnsafeBufferPointer { RunAliases.contains(UnsafeBufferPointer(rebasing: t.dropLast()), $0) }
            }
        }
        #expect(contains("of:N*T*Cvendor,chipC*", "Cvendor,chipC"))
        #expect(contains("abc", "c") && contains("abc", "abc") && contains("abc", ""))
        #expect(!contains("abc", "abcd") && !contains("abc", "bd") && !contains("", "a"))
    }
}
