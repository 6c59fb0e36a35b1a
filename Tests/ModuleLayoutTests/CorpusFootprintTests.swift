import FixtureSupport
import Foundation
import ModuleLayout
import ModuleObject
import Testing

/// Debian's module trees through the layout model: every module is read, and the figures keep
/// the invariants of the 6.1 loader with STRICT_MODULE_RWX (all four architectures have it).
/// Runs only when MODLINT_CORPUS names the trees (scripts/test sets it).
@Suite struct CorpusFootprintTests {
    static let corpus = ProcessInfo.processInfo.environment["MODLINT_CORPUS"].flatMap { $0.isEmpty ? nil : $0 }

    static func modulesDirectory(arch: String) -> String? {
        guard let corpus, let manifest = try? String(contentsOfFile: "\(corpus)/\(arch)/MANIFEST", encoding: .utf8) else { return nil }
        return manifest.split(separator: "\n").first { $0.hasPrefix("modules_dir=") }.map { String($0.dropFirst("modules_dir=".count)) }
    }

    static func modules(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".ko") { found.append(root + "/" + relative) }
        }
        return found.sorted()
    }

    @Test(.enabled(if: corpus != nil), arguments: ["amd64", "arm64", "armhf", "i386"])
    func everyModuleKeepsTheLoadersInvariants(arch: String) throws {
        guard let root = Self.modulesDirectory(arch: arch) else { return }
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
