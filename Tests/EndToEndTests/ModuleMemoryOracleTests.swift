import FixtureSupport
import Foundation
import Testing

/// The kernel itself as the oracle for the 6.4+ layout (struct module_memory): scripts/oracle-layout
/// boots Debian 13's 6.12 and sid's 7.x kernels (amd64 and arm64) under QEMU (TCG), loads
/// the modules of scripts/oracle-layout.modules (arm64: oracle-layout.arm64.modules) and their
/// dependencies, and records every allocation execmem_alloc (execmem_alloc_rw from 6.17) returns
/// to the loader, each labelled with its mod_mem type (the core ones add up to sysfs coresize;
/// sysfs initsize reads 0 once init is freed, so the init figure is the allocations').
/// `modlint sizes`, given the tree's own kernel config, must give the same `core_allocated`,
/// `init_allocated` and page-rounded size of every region, for every loaded module. There are no
/// exceptions: every module the kernels load agrees (196 on trixie amd64, 189 on sid amd64, 215
/// on trixie arm64, 208 on sid arm64, from a few KiB of library code to amdgpu, i915 and
/// nouveau).
/// Runs when MODLINT_SUITES holds the tree (scripts/test fetches trixie and sid, amd64 and
/// arm64, by default); then requires python3 and the QEMU of the
/// architecture (a missing one fails, naming the package), and is skipped, saying so, when that
/// QEMU is installed but cannot start. The serial log of each boot is cached under
/// ~/.cache/modlint/oracle-layout, keyed by the kernel, the modules and the guest's init, so a
/// second run does not boot (a cold boot takes 1–2 minutes).
/// The kernels' figures are also committed, Fixtures/layout-oracle/<release>.tsv (written by
/// `scripts/oracle-layout --fixture`): with the tree fetched, modlint is held against them
/// without QEMU (6.1 included), and a boot must reproduce them.
@Suite(.serialized) struct ModuleMemoryOracleTests {
    static let script = Fixtures.packageRoot + "/scripts/oracle-layout"

    static func folder(_ suite: String, _ arch: String) -> String? {
        guard let suites = CorpusTrees.suites, CorpusTrees.suite(suite, arch) != nil else { return nil }
        return "\(suites)/\(suite)-\(arch)"
    }

    /// An installed QEMU that does not even print its version (no emulator for the machine, a
    /// broken library): the oracle cannot run here, which is no verdict on modlint.
    static func cannotStart(_ program: String) -> Bool {
        guard let path = Programs.find(program) else { return false }
        guard let (status, _) = try? Command.run(path, ["-version"]) else { return true }
        return status != 0
    }

    static func enabled(_ suite: String, _ arch: String, _ program: String) -> Bool {
        folder(suite, arch) != nil && !cannotStart(program)
    }

    static func skipNote(_ suite: String, _ arch: String, _ program: String) -> Comment {
        folder(suite, arch) == nil ? Comment(rawValue: CorpusTrees.absent("\(suite)-\(arch)"))
            : Comment(rawValue: "\(program) is installed but cannot start: the oracle cannot boot the \(suite) \(arch) kernel here")
    }

    /// `modlint sizes --format json`, the part the oracle checks.
    struct SizesReport: Decodable {
        struct Module: Decodable {
            let module: String
            let path: String
            let coreAllocated: Int
            let initAllocated: Int
            let regions: [String: Int]?

            enum CodingKeys: String, CodingKey {
                case module, path, regions
                case coreAllocated = "core_allocated"
                case initAllocated = "init_allocated"
            }
        }

        let modules: [Module]
    }

    /// The mod_mem types in the columns of OUT.regions.tsv (enum mod_mem_type order).
    static let regionNames = ["text", "data", "rodata", "ro_after_init", "init_text", "init_data", "init_rodata"]

    func check(suite: String, arch: String, program: String) throws {
        let tree = try #require(Self.folder(suite, arch))
        for needed in ["python3", program] { _ = try Programs.require(needed) }
        let config = try #require(CorpusTrees.suite(suite, arch)?.config, "\(tree): no kernel config in its MANIFEST")
        let scratch = try Fixtures.scratchDirectory("module-memory-oracle")
        defer { Fixtures.removeScratchDirectory(scratch) }
        let table = scratch + "/\(suite)-\(arch).tsv"
        let (status, log) = try Command.run(Self.script, [tree, table])
        try #require(status == 0, "scripts/oracle-layout exited with \(status):\n\(log)")

        let figures = try #require(LayoutOracleTests.parseFigures(try String(contentsOfFile: table, encoding: .utf8)), "malformed \(table)")
        let stem = scratch + "/\(suite)-\(arch)"
        let paths = try String(contentsOfFile: stem + ".paths", encoding: .utf8).split(separator: "\n").map(String.init)
        var regions: [String: [Int]] = [:]
        for line in try String(contentsOfFile: stem + ".regions.tsv", encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: "\t").map(String.init)
            try #require(fields.count == 1 + Self.regionNames.count, "malformed regions line \(line)")
            regions[fields[0]] = fields.dropFirst().compactMap { Int($0) }
        }
        try #require(paths.count == figures.count && regions.count == figures.count,
                     "\(paths.count) paths and \(regions.count) region lines for \(figures.count) modules")
        // At least 150 modules, library modules of a few pages to the multi-MB GPU drivers.
        #expect(figures.count >= 150)
        #expect(figures.contains { $0.coresize <= 16384 })
        #expect(figures.contains { $0.coresize >= 4 << 20 })
        #expect(figures.allSatisfy { $0.initsize != nil }, "the probes on execmem_alloc gave no init sizes:\n\(log)")

        let run = try CommandLineTests.modlint(["sizes", "--format", "json", "--kernel-config", config] + paths)
        try #require(run.status == 0, "modlint sizes exited with \(run.status): \(run.stderr)")
        let report = try JSONDecoder().decode(SizesReport.self, from: Data(run.stdout.utf8))
        let byPath = Dictionary(report.modules.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var agreeing = 0
        for (kernel, path) in zip(figures, paths) {
            guard let model = byPath[path] else {
                Issue.record("modlint sizes reports nothing for \(kernel.module) (\(path))")
                continue
            }
            let kernelRegions = regions[kernel.module] ?? []
            let modelRegions = Self.regionNames.map { model.regions?[$0] ?? -1 }
            #expect(model.coreAllocated == kernel.coresize,
                    "\(suite) \(arch) \(kernel.module): core_allocated \(model.coreAllocated), the kernel's coresize \(kernel.coresize)")
            #expect(model.initAllocated == kernel.initsize,
                    "\(suite) \(arch) \(kernel.module): init_allocated \(model.initAllocated), the kernel's init allocations \(kernel.initsize ?? -1)")
            #expect(modelRegions == kernelRegions,
                    "\(suite) \(arch) \(kernel.module): regions \(modelRegions), the kernel's \(kernelRegions) (\(Self.regionNames))")
            if model.coreAllocated == kernel.coresize && model.initAllocated == kernel.initsize && modelRegions == kernelRegions {
                agreeing += 1
            }
        }
        print("ModuleMemoryOracleTests: \(suite) \(arch): modlint agrees with the kernel on \(agreeing) of \(figures.count) modules, region by region")

        // The committed figures of this release are the booted kernel's.
        let release = URL(fileURLWithPath: CorpusTrees.suite(suite, arch)?.modulesDirectory ?? "").lastPathComponent
        if let committed = try Self.committed(release: release) {
            let booted = Dictionary(uniqueKeysWithValues: figures.map { kernel in
                (kernel.module, CommittedFigures.Row(module: kernel.module, path: "", coresize: kernel.coresize,
                                                     initsize: kernel.initsize, regions: regions[kernel.module]))
            })
            #expect(Set(committed.rows.map(\.module)) == Set(booted.keys), "\(release): other modules than Fixtures/layout-oracle/\(release).tsv")
            for row in committed.rows {
                let boot = booted[row.module]
                #expect(boot?.coresize == row.coresize && boot?.initsize == row.initsize && boot?.regions == row.regions,
                        "\(release) \(row.module): booted \(String(describing: boot)), committed \(row)")
            }
        } else {
            print("ModuleMemoryOracleTests: note: no Fixtures/layout-oracle/\(release).tsv to hold the boot against")
        }
    }

    /// Fixtures/layout-oracle/<release>.tsv, written by `scripts/oracle-layout --fixture`.
    struct CommittedFigures {
        struct Row: Equatable, CustomStringConvertible {
            let module: String
            /// Under the modules directory.
            let path: String
            let coresize: Int
            let initsize: Int?
            /// The seven mod_mem regions (6.4+), nil for 6.1's two layouts.
            let regions: [Int]?
            var description: String { "\(module): core \(coresize), init \(initsize ?? -1), regions \(regions.map { "\($0)" } ?? "-")" }
            static func == (a: Row, b: Row) -> Bool {
                a.module == b.module && a.coresize == b.coresize && a.initsize == b.initsize && a.regions == b.regions
            }
        }

        let imageSHA256: String
        let rows: [Row]
    }

    static func committed(release: String) throws -> CommittedFigures? {
        let file = Fixtures.path("layout-oracle/\(release).tsv")
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        var sha = "", rows: [CommittedFigures.Row] = []
        for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
            if line.hasPrefix("# kernel image sha256 ") { sha = String(line.dropFirst("# kernel image sha256 ".count)); continue }
            if line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try #require(fields.count == 4 + regionNames.count, "\(file): malformed line \(line)")
            let core = try #require(Int(fields[2]), "\(file): \(line)")
            let regions = fields[4...].allSatisfy { $0 == "-" } ? nil : fields[4...].compactMap { Int($0) }
            rows.append(CommittedFigures.Row(module: fields[0], path: fields[1], coresize: core, initsize: Int(fields[3]), regions: regions))
        }
        return CommittedFigures(imageSHA256: sha, rows: rows)
    }

    /// The fetched tree of `release` (MODLINT_CORPUS for 6.1, MODLINT_SUITES for the others).
    static func tree(release: String) -> CorpusTrees.Tree? {
        let trees = [CorpusTrees.bookworm("amd64"), CorpusTrees.suite("trixie", "amd64"), CorpusTrees.suite("sid", "amd64"),
                     CorpusTrees.suite("trixie", "arm64"), CorpusTrees.suite("sid", "arm64")].compactMap { $0 }
        return trees.first { URL(fileURLWithPath: $0.modulesDirectory).lastPathComponent == release }
    }

    /// modlint against the committed figures of a booted kernel: no QEMU, only the tree.
    func checkCommitted(release: String) throws {
        let tree = try #require(Self.tree(release: release))
        let committed = try #require(try Self.committed(release: release))
        #expect(committed.rows.count >= 150 && committed.imageSHA256.count == 64)
        let paths = committed.rows.map { tree.modulesDirectory + "/" + $0.path }
        let options = tree.config.map { ["--kernel-config", $0] } ?? []
        let run = try CommandLineTests.modlint(["sizes", "--format", "json"] + options + paths)
        try #require(run.status == 0, "modlint sizes exited with \(run.status): \(run.stderr)")
        let report = try JSONDecoder().decode(SizesReport.self, from: Data(run.stdout.utf8))
        let byPath = Dictionary(report.modules.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var agreeing = 0
        for (row, path) in zip(committed.rows, paths) {
            guard let model = byPath[path] else {
                Issue.record("\(release): modlint sizes reports nothing for \(row.module) (\(path))")
                continue
            }
            let modelRegions = row.regions == nil ? nil : Self.regionNames.map { model.regions?[$0] ?? -1 }
            let same = model.coreAllocated == row.coresize && model.initAllocated == row.initsize && modelRegions == row.regions
            #expect(same, "\(release) \(row.module): modlint core \(model.coreAllocated) init \(model.initAllocated) regions \(String(describing: modelRegions)); the kernel's \(row)")
            agreeing += same ? 1 : 0
        }
        print("ModuleMemoryOracleTests: \(release): modlint agrees with the committed kernel figures on \(agreeing) of \(committed.rows.count) modules")
    }

    static func committedNote(_ release: String) -> Comment {
        Comment(rawValue: "the Debian tree of \(release) is not fetched (MODLINT_CORPUS, MODLINT_SUITES; see scripts/test)")
    }

    @Test(.enabled(if: tree(release: "6.1.0-50-amd64") != nil, committedNote("6.1.0-50-amd64")))
    func committed61Amd64() throws { try checkCommitted(release: "6.1.0-50-amd64") }

    @Test(.enabled(if: tree(release: "6.12.117+deb13-amd64") != nil, committedNote("6.12.117+deb13-amd64")))
    func committed612Amd64() throws { try checkCommitted(release: "6.12.117+deb13-amd64") }

    @Test(.enabled(if: tree(release: "7.2.13+deb14-amd64") != nil, committedNote("7.2.13+deb14-amd64")))
    func committed72Amd64() throws { try checkCommitted(release: "7.2.13+deb14-amd64") }

    @Test(.enabled(if: tree(release: "6.12.117+deb13-arm64") != nil, committedNote("6.12.117+deb13-arm64")))
    func committed612Arm64() throws { try checkCommitted(release: "6.12.117+deb13-arm64") }

    @Test(.enabled(if: tree(release: "7.2.13+deb14-arm64") != nil, committedNote("7.2.13+deb14-arm64")))
    func committed72Arm64() throws { try checkCommitted(release: "7.2.13+deb14-arm64") }

    /// Every committed file parses and names a release of its own.
    @Test func committedFiguresParse() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("layout-oracle")).filter { $0.hasSuffix(".tsv") }.sorted()
        #expect(files == ["6.1.0-50-amd64.tsv", "6.12.117+deb13-amd64.tsv", "6.12.117+deb13-arm64.tsv",
                          "7.2.13+deb14-amd64.tsv", "7.2.13+deb14-arm64.tsv"])
        for file in files {
            let figures = try #require(try Self.committed(release: String(file.dropLast(4))))
            #expect(figures.rows.count >= 150, "\(file)")
            #expect(figures.rows.allSatisfy { $0.initsize != nil && $0.coresize % 4096 == 0 }, "\(file)")
            // 6.4+: the core regions add up to coresize.
            #expect(figures.rows.allSatisfy { row in row.regions.map { $0.prefix(4).reduce(0, +) == row.coresize } ?? file.hasPrefix("6.1.") }, "\(file)")
        }
    }

    @Test(.enabled(if: enabled("trixie", "amd64", "qemu-system-x86_64"), skipNote("trixie", "amd64", "qemu-system-x86_64")))
    func trixieAmd64() throws { try check(suite: "trixie", arch: "amd64", program: "qemu-system-x86_64") }

    @Test(.enabled(if: enabled("sid", "amd64", "qemu-system-x86_64"), skipNote("sid", "amd64", "qemu-system-x86_64")))
    func sidAmd64() throws { try check(suite: "sid", arch: "amd64", program: "qemu-system-x86_64") }

    @Test(.enabled(if: enabled("trixie", "arm64", "qemu-system-aarch64"), skipNote("trixie", "arm64", "qemu-system-aarch64")))
    func trixieArm64() throws { try check(suite: "trixie", arch: "arm64", program: "qemu-system-aarch64") }

    @Test(.enabled(if: enabled("sid", "arm64", "qemu-system-aarch64"), skipNote("sid", "arm64", "qemu-system-aarch64")))
    func sidArm64() throws { try check(suite: "sid", arch: "arm64", program: "qemu-system-aarch64") }
}
