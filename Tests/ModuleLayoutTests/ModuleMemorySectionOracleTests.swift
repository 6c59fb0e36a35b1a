import FixtureSupport
import Foundation
import ModuleLayout
import ModuleObject
import Testing

/// Where the 6.4+ loader puts each section, held against the booted kernels: scripts/oracle-layout
/// (see Tests/EndToEndTests/ModuleMemoryOracleTests.swift, which holds the sizes) writes, for
/// every section /sys/module/NAME/sections lists, the mod_mem region holding it and its offset
/// from the region's start. The model must place every section the module has once (sysfs
/// lists one entry per name) in the same region at the same offset. Runs on the trees of
/// MODLINT_SUITES and the cached or booted kernel as that test does.
@Suite(.serialized) struct ModuleMemorySectionOracleTests {
    static let script = Fixtures.packageRoot + "/scripts/oracle-layout"

    static func folder(_ suite: String, _ arch: String) -> String? {
        guard let suites = CorpusTrees.suites, CorpusTrees.suite(suite, arch) != nil else { return nil }
        return "\(suites)/\(suite)-\(arch)"
    }

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

    func check(suite: String, arch: String, program: String) throws {
        let tree = try #require(Self.folder(suite, arch))
        for needed in ["python3", program] { _ = try Programs.require(needed) }
        let configPath = try #require(CorpusTrees.suite(suite, arch)?.config)
        let overrides = LoaderOverrides(kernelConfig: KernelConfig(text: try String(contentsOfFile: configPath, encoding: .utf8)))
        let scratch = try Fixtures.scratchDirectory("module-memory-sections")
        defer { Fixtures.removeScratchDirectory(scratch) }
        let stem = scratch + "/\(suite)-\(arch)"
        let (status, log) = try Command.run(Self.script, [tree, stem + ".tsv"])
        try #require(status == 0, "scripts/oracle-layout exited with \(status):\n\(log)")
        let names = try String(contentsOfFile: stem + ".tsv", encoding: .utf8).split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        let paths = try String(contentsOfFile: stem + ".paths", encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(names.count == paths.count && !names.isEmpty)
        var kernel: [String: [String: (region: String, offset: UInt64)]] = [:]
        for line in try String(contentsOfFile: stem + ".sections.tsv", encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: "\t").map(String.init)
            try #require(fields.count == 4, "malformed line \(line)")
            kernel[fields[0], default: [:]][fields[1]] = (fields[2], UInt64(fields[3]) ?? .max)
        }
        var compared = 0
        for (name, path) in zip(names, paths) {
            let module = try ModuleObject.load(path: path)
            let configuration = overrides.configuration(machine: module.identity.machine,
                                                        version: module.modinfo.vermagic.flatMap(KernelVersion.init(vermagic:)))
            #expect(configuration.generation == .moduleMemory)
            let placements = LayoutModel(configuration: configuration).placements(of: module)
            for (section, (region, offset)) in kernel[name] ?? [:] {
                let matching = placements.filter { $0.name == section }
                guard matching.count == 1, let placement = matching.first else { continue }
                #expect(placement.region == region && placement.offset == offset,
                        "\(suite) \(arch) \(name) \(section): model \(placement.region ?? "?")+\(placement.offset), kernel \(region)+\(offset)")
                compared += 1
            }
        }
        #expect(compared > 2000, "\(compared) sections compared")
        print("ModuleMemorySectionOracleTests: \(suite) \(arch): \(compared) sections of \(names.count) modules compared")
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
