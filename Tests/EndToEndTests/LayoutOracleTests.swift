import FixtureSupport
import Foundation
import Testing

/// The kernel itself as the oracle for the layout model: scripts/oracle-layout boots Debian's
/// 6.1 amd64 kernel under QEMU, loads the modules of scripts/oracle-layout.modules and their
/// dependencies, and records what the loader allocated for each (coresize from sysfs, the init
/// allocation from a kprobe on module_alloc, because sysfs initsize is 0 once init is freed).
/// `modlint sizes` must give the same core and init allocation for every loaded module.
/// Runs when MODLINT_CORPUS holds the amd64 tree (scripts/fetch-corpus), and then requires
/// qemu-system-x86_64 and python3; a boot takes about a minute under TCG, and the
/// script caches the kernel's figures under ~/.cache/modlint/oracle-layout.
@Suite(.serialized) struct LayoutOracleTests {
    static let script = Fixtures.packageRoot + "/scripts/oracle-layout"

    static var amd64Tree: String? { CorpusTrees.bookworm("amd64")?.folder }

    /// One line of the oracle's OUT.tsv: `name<TAB>coresize<TAB>initsize` (`-` when unknown).
    struct KernelFigures: Equatable {
        let module: String
        let coresize: Int
        let initsize: Int?
    }

    /// The part of `modlint sizes --format json` the oracle checks.
    struct SizesReport: Decodable {
        struct Module: Decodable {
            let module: String
            let path: String
            let coreAllocated: Int
            let initAllocated: Int

            enum CodingKeys: String, CodingKey {
                case module, path
                case coreAllocated = "core_allocated"
                case initAllocated = "init_allocated"
            }
        }

        let schemaVersion: Int
        let pageSize: Int
        let modules: [Module]

        enum CodingKeys: String, CodingKey {
            case modules
            case schemaVersion = "schema_version"
            case pageSize = "page_size"
        }
    }

    static func parseFigures(_ text: String) -> [KernelFigures]? {
        var figures: [KernelFigures] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, let core = Int(fields[1]) else { return nil }
            if fields[2] == "-" {
                figures.append(KernelFigures(module: fields[0], coresize: core, initsize: nil))
            } else if let initsize = Int(fields[2]) {
                figures.append(KernelFigures(module: fields[0], coresize: core, initsize: initsize))
            } else {
                return nil
            }
        }
        return figures
    }

    @Test(.enabled(if: amd64Tree != nil, "needs MODLINT_CORPUS with the amd64 tree"))
    func modlintAllocatesWhatTheKernelAllocates() throws {
        let tree = try #require(Self.amd64Tree)
        for program in ["qemu-system-x86_64", "python3"] { _ = try Programs.require(program) }
        let scratch = try Fixtures.scratchDirectory("layout-oracle")
        defer { Fixtures.removeScratchDirectory(scratch) }
        let table = scratch + "/amd64-6.1.tsv"
        let (status, log) = try Command.run(Self.script, [tree, table])
        if status == 3 {
            // qemu is installed but cannot start here (no emulator binary for the machine,
            // missing firmware): the oracle cannot run, which is no verdict on modlint.
            print("LayoutOracleTests: skipped, qemu cannot start:\n\(log)")
            return
        }
        try #require(status == 0, "scripts/oracle-layout exited with \(status):\n\(log)")

        let figures = try #require(Self.parseFigures(try String(contentsOfFile: table, encoding: .utf8)),
                                   "malformed \(table)")
        let paths = try String(contentsOfFile: scratch + "/amd64-6.1.paths", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        try #require(paths.count == figures.count, "\(paths.count) paths for \(figures.count) modules")
        // The list spans the size classes: tiny library modules to multi-MB drivers.
        #expect(figures.count >= 40)
        #expect(figures.contains { $0.coresize <= 16384 })
        #expect(figures.contains { $0.coresize >= 4 << 20 })
        #expect(figures.allSatisfy { $0.initsize != nil }, "the kprobe on module_alloc gave no init sizes:\n\(log)")

        let run = try CommandLineTests.modlint(["sizes", "--format", "json"] + paths)
        try #require(run.status == 0, "modlint sizes exited with \(run.status): \(run.stderr)")
        let report = try JSONDecoder().decode(SizesReport.self, from: Data(run.stdout.utf8))
        #expect(report.schemaVersion == 1)
        #expect(report.pageSize == 4096)
        let byPath = Dictionary(report.modules.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })

        var agreeing = 0
        for (kernel, path) in zip(figures, paths) {
            guard let model = byPath[path] else {
                Issue.record("modlint sizes reports nothing for \(kernel.module) (\(path))")
                continue
            }
            #expect(model.coreAllocated == kernel.coresize,
                    "\(kernel.module): core_allocated \(model.coreAllocated), the kernel's coresize \(kernel.coresize)")
            if let initsize = kernel.initsize {
                #expect(model.initAllocated == initsize,
                        "\(kernel.module): init_allocated \(model.initAllocated), the kernel's init allocation \(initsize)")
            }
            if model.coreAllocated == kernel.coresize && kernel.initsize.map({ $0 == model.initAllocated }) ?? true {
                agreeing += 1
            }
        }
        print("LayoutOracleTests: modlint agrees with the kernel on \(agreeing) of \(figures.count) modules")
    }

    /// A tree without a kernel image is a usage error (exit 2), before any boot.
    @Test func treeWithoutKernelImageIsAUsageError() throws {
        _ = try Programs.require("python3")
        let scratch = try Fixtures.scratchDirectory("layout-oracle-usage")
        defer { Fixtures.removeScratchDirectory(scratch) }
        try FileManager.default.createDirectory(atPath: scratch + "/tree/lib/modules/6.1.0-50-amd64",
                                                withIntermediateDirectories: true)
        let (status, output) = try Command.run(Self.script, ["--modules", "dummy", scratch + "/tree", scratch + "/out.tsv"])
        #expect(status == 2, "\(output)")
        #expect(output.contains("oracle-layout: no kernel image \(scratch)/tree/boot/vmlinuz-6.1.0-50-amd64"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: scratch + "/out.tsv"))
    }

    @Test func figuresParse() {
        #expect(Self.parseFigures("ext4\t991232\t188416\nfat\t90112\t-\n") == [
            KernelFigures(module: "ext4", coresize: 991232, initsize: 188416),
            KernelFigures(module: "fat", coresize: 90112, initsize: nil),
        ])
        #expect(Self.parseFigures("ext4 991232 188416\n") == nil)
        #expect(Self.parseFigures("ext4\t991232\tmany\n") == nil)
    }
}
