import FixtureSupport
import Foundation
import ModuleLayout
import ModuleObject
import Testing

/// Debian's module trees through the layout model: every module is read, and the figures keep
/// the invariants of the 6.1 loader with STRICT_MODULE_RWX (all four architectures have it).
/// Runs over the trees of MODLINT_CORPUS that are there (scripts/test fetches them).
@Suite struct CorpusFootprintTests {
    static func modules(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".ko") { found.append(root + "/" + relative) }
        }
        return found.sorted()
    }

    @Test(.enabled(if: !CorpusTrees.bookwormArches.isEmpty, Comment(rawValue: CorpusTrees.unset("MODLINT_CORPUS", "no Debian 12 tree"))),
          arguments: CorpusTrees.bookwormArches)
    func everyModuleKeepsTheLoadersInvariants(arch: String) throws {
        let root = try #require(CorpusTrees.bookworm(arch)?.modulesDirectory, "\(arch): MANIFEST without modules_dir")
        let paths = Self.modules(under: root)
        #expect(paths.count > 3000, "\(arch): \(paths.count) modules")
        var unreadable: [String] = [], broken: [String] = []
        var small = 0
        for path in paths {
            guard let module = try? ModuleObject.load(path: path) else { unreadable.append(path); continue }
            let version = module.modinfo.vermagic.flatMap(KernelVersion.init(vermagic:))
            let config = LoaderConfiguration.debian(machine: module.identity.machine, version: version)
            let f = LayoutModel(configuration: config).footprint(of: module)
            let exact = module.identity.machine != .arm
            let ok = config.generation == .coreAndInitLayouts
                && f.coreAllocated % 4096 == 0 && f.initAllocated % 4096 == 0 && f.initAllocated > 0
                && f.core <= f.coreAllocated && f.initTotal <= f.initAllocated
                && f.text + f.rodata + f.roAfterInit + f.data + f.bss + f.kallsyms == f.core
                && f.kallsyms > 0 && f.isExact == exact
                // Text, rodata and data (this_module) each start a page; kallsyms follows data.
                && f.coreAllocated >= 3 * 4096
            if !ok { broken.append("\(path): \(f)") }
            if f.sizeClass == .kmalloc { small += 1 }
        }
        #expect(unreadable.isEmpty, "\(arch): \(unreadable.prefix(5))")
        #expect(broken.isEmpty, "\(arch): \(broken.count) modules, e.g. \(broken.prefix(3))")
        // A quarter or so of each tree has a core under a page (the 2002 question).
        #expect(small > paths.count / 10 && small < paths.count / 2, "\(arch): \(small) of \(paths.count)")
    }
}

/// Debian 13's and sid's trees (6.12, 7.x) through the 6.4+ model: every module's regions are
/// page-rounded, add up to the core and init allocations, and hold the module's bytes; the
/// figures are exact (arm64's PLTs are sized as the kernel does). Runs on the trees of
/// MODLINT_SUITES that are fetched.
@Suite struct ModuleMemoryCorpusTests {
    @Test(.enabled(if: CorpusTrees.suite("trixie", "amd64") != nil, Comment(rawValue: CorpusTrees.absent("trixie-amd64"))))
    func trixieAmd64() throws { try check("trixie", "amd64") }

    @Test(.enabled(if: CorpusTrees.suite("sid", "amd64") != nil, Comment(rawValue: CorpusTrees.absent("sid-amd64"))))
    func sidAmd64() throws { try check("sid", "amd64") }

    @Test(.enabled(if: CorpusTrees.suite("trixie", "arm64") != nil, Comment(rawValue: CorpusTrees.absent("trixie-arm64"))))
    func trixieArm64() throws { try check("trixie", "arm64") }

    @Test(.enabled(if: CorpusTrees.suite("sid", "arm64") != nil, Comment(rawValue: CorpusTrees.absent("sid-arm64"))))
    func sidArm64() throws { try check("sid", "arm64") }

    func check(_ suite: String, _ arch: String) throws {
        let name = "\(suite)-\(arch)"
        let tree = try #require(CorpusTrees.suite(suite, arch))
        let config = try #require(tree.config.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }, "\(name): no config")
        let overrides = LoaderOverrides(kernelConfig: KernelConfig(text: config))
        let paths = CorpusTrees.modules(under: tree.modulesDirectory)
        #expect(paths.count > 3000, "\(name): \(paths.count) modules")
        var broken: [String] = [], unreadable: [String] = []
        var small = 0
        for path in paths {
            guard let module = try? ModuleObject.load(path: path) else { unreadable.append(path); continue }
            let configuration = overrides.configuration(machine: module.identity.machine,
                                                        version: module.modinfo.vermagic.flatMap(KernelVersion.init(vermagic:)))
            let f = LayoutModel(configuration: configuration).footprint(of: module)
            guard let regions = f.regions else { broken.append("\(path): no regions"); continue }
            let ok = configuration.generation == .moduleMemory
                && regions.named.allSatisfy { $0.bytes % 4096 == 0 }
                && regions.core.reduce(0, +) == f.coreAllocated && regions.initRegions.reduce(0, +) == f.initAllocated
                && f.core <= f.coreAllocated && f.initTotal <= f.initAllocated
                // Data (this_module) is never empty, init data holds the symbol table; text
                // can be (tables alone: cast_common, tuner-types, nls_ucs2_utils).
                && regions.data > 0 && regions.initData > 0
                && f.coreAllocations == regions.core.filter { $0 > 0 }.count && f.isExact && f.sysfsCoresize == f.coreAllocated
            if !ok { broken.append("\(path): \(f)") }
            if f.sizeClass == .kmalloc { small += 1 }
        }
        #expect(unreadable.isEmpty, "\(name): \(unreadable.prefix(5))")
        #expect(broken.isEmpty, "\(name): \(broken.count) modules, e.g. \(broken.prefix(2))")
        // About an eighth of each tree has a core under a page (525 of 4230 in trixie's amd64).
        #expect(small > paths.count / 20 && small < paths.count / 4, "\(name): \(small) of \(paths.count)")
        print("ModuleMemoryCorpusTests: \(name): \(paths.count) modules, \(small) with a core under a page")
    }
}
