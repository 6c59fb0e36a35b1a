import FixtureSupport
import Foundation
import Testing

/// The README's DKMS recipe on the demo package Fixtures/oot/modlint-demo/ (demo_core exports
/// demo_count_event; demo_usb imports it and usb_register_driver/usb_deregister from usbcore).
/// Fixtures/oot/build/ and build-exitref/ are its kbuild M= directories as
/// scripts/oracle-dkms built them against Debian's 6.1.0-50-amd64 headers (with modules.order
/// and Module.symvers, the build path written as the committed one), and
/// Fixtures/oot/expected/<stage>.txt what the recipe's lint step printed and exited with.
/// These tests lint the committed directories as the recipe does, without rebuilding, against
/// the fixtures' copy of the headers' Module.symvers; DkmsOracleTests rebuilds them.
@Suite struct OutOfTreeTests {
    static let symbols = Fixtures.packageRoot + "/" + CommandLineTests.symbols

    /// An expected record: its exit codes line and the lint lines (the build directory written
    /// `<build>`).
    struct Record {
        let header: String
        let lines: [String]

        init(stage: String) throws {
            let text = try String(contentsOfFile: Fixtures.path("oot/expected/\(stage).txt"), encoding: .utf8)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            header = lines.removeFirst()
            self.lines = lines
        }

        /// The number after `label exit ` in the header.
        func exit(_ label: String) -> Int32? {
            guard let range = header.range(of: "\(label) exit ") else { return nil }
            return Int32(header[range.upperBound...].prefix { $0.isNumber })
        }
    }

    /// modlint as the recipe's lint target runs it: in the M= directory, which it is given by
    /// its absolute path ($(CURDIR)); the directory written `<build>` in the output lines.
    static func lintAsTheRecipe(_ build: String, _ arguments: [String]) throws -> (status: Int32, lines: [String], stderr: String) {
        let dir = Fixtures.path("oot/" + build)
        let run = try CommandLineTests.modlint(["check"] + arguments.map { $0.replacingOccurrences(of: "<build>", with: dir) }
                                               + ["--format", "gcc"], in: dir)
        let lines = run.stdout.split(separator: "\n").map { $0.replacingOccurrences(of: dir, with: "<build>") }
        return (run.status, lines, run.stderr)
    }

    @Test func theRecipesLintStepOnTheMDirectoryGivesTheRecordedFindings() throws {
        let record = try Record(stage: "kbuild")
        #expect(record.header == "# kbuild: make exit 0, modlint exit 0")
        let run = try Self.lintAsTheRecipe("build", ["<build>", "--symbols", Self.symbols])
        #expect(run.status == record.exit("modlint"))
        #expect(run.lines == record.lines, "\(run.stderr)")
        // The one finding is demo_usb's hand-set owner; the imports from demo_core (same
        // directory) and usbcore (the headers' Module.symvers) resolve.
        #expect(record.lines.count == 1)
        #expect(record.lines.allSatisfy { $0.contains("[O002]") })
    }

    @Test func anExitReferenceFailsTheRecipesLintStep() throws {
        let record = try Record(stage: "kbuild-exitref")
        #expect(record.header == "# kbuild-exitref: make exit 2, modlint exit 1")
        let run = try Self.lintAsTheRecipe("build-exitref", ["<build>", "--symbols", Self.symbols])
        #expect(run.status == 1)
        #expect(run.lines == record.lines, "\(run.stderr)")
        #expect(record.lines.filter { $0.contains(": error: ") && $0.contains("[X001]") }.count == 1)
    }

    /// The KBUILD_EXTRA_SYMBOLS case: demo_usb linted alone needs demo_core's Module.symvers
    /// beside the kernel's; without it demo_count_event is undefined.
    @Test func aSecondSymbolTableResolvesTheFirstStagesExports() throws {
        let record = try Record(stage: "kbuild")
        let alone = try Self.lintAsTheRecipe("build", ["<build>/demo_usb.ko", "--symbols", Self.symbols])
        #expect(alone.status == 1)
        // The recorded note and one error; where the error points (the declaration or the first
        // use) is the location rules' business, tested with them.
        let undefined = ": error: 'demo_count_event' is undefined: exported neither by the kernel's symbol table nor by any module of this run [U001]"
        #expect(alone.lines.filter { $0.contains(undefined) }.count == 1, "\(alone.lines)")
        #expect(alone.lines.filter { !$0.contains(undefined) } == record.lines, "\(alone.lines)")

        let staged = try Self.lintAsTheRecipe("build", ["<build>/demo_usb.ko", "--symbols", Self.symbols,
                                                        "--symbols", "<build>/Module.symvers"])
        #expect(staged.status == 0)
        #expect(staged.lines == record.lines, "\(staged.stderr)")
    }

    /// The recipe as committed: the README quotes these files.
    @Test func theRecipeRunsTheLintTargetFromDkms() throws {
        let makefile = try String(contentsOfFile: Fixtures.path("oot/modlint-demo/Makefile"), encoding: .utf8)
        #expect(makefile.contains("\t$(MODLINT) check $(CURDIR) --symbols $(KDIR) --format gcc\n"))
        let conf = try String(contentsOfFile: Fixtures.path("oot/modlint-demo/dkms.conf"), encoding: .utf8)
        #expect(conf.contains("MAKE[0]=\"make KVER=${kernelver} KDIR=${kernel_source_dir} lint\"\n"))
        let kbuild = try String(contentsOfFile: Fixtures.path("oot/modlint-demo/Kbuild"), encoding: .utf8)
        #expect(kbuild.contains("obj-m += demo_core.o demo_usb.o\n"))
    }
}

/// The demo package rebuilt for real: scripts/oracle-dkms runs the recipe's `make lint` with
/// kbuild and `dkms add`/`dkms build` against linux-headers-6.1.0-50-amd64 (unpacked, not
/// installed) and compares the findings, exit codes and modules with Fixtures/oot/. Runs when
/// MODLINT_DKMS names the cache where scripts/dkms-corpus unpacked the headers (scripts/test
/// sets it); the dkms stages also need Debian's dkms package. About 15 s.
@Suite(.serialized) struct DkmsOracleTests {
    static let cache = CorpusTrees.dkms
    static var headers: Bool {
        guard let cache else { return false }
        return FileManager.default.fileExists(atPath: cache + "/headers/.modlint-unpacked")
    }
    @Test(.enabled(if: headers, "needs MODLINT_DKMS with the unpacked 6.1 headers (scripts/dkms-corpus)"))
    func theRecipeBuildsAndLintsTheDemoPackage() throws {
        // scripts/install-deps installs dkms; without it the test fails naming the package.
        _ = try Programs.require("dkms")
        let (status, text) = try Command.run(Fixtures.packageRoot + "/scripts/oracle-dkms", [CommandLineTests.executable],
                                             environment: ["MODLINT_DKMS": Self.cache!])
        #expect(status == 0, "\(text)")
        #expect(text.contains("\nkbuild ok\n") || text.hasPrefix("kbuild ok\n"), "\(text)")
        #expect(text.contains("\nkbuild-exitref ok\n"), "\(text)")
        #expect(text.contains("\ndkms ok\n"), "\(text)")
        #expect(text.contains("\ndkms-exitref ok\n"), "\(text)")
    }
}
