import FixtureSupport
import Foundation
import KernelSymbols
import LintEngine
import ModuleObject
import Rules
import Testing

/// O001 and O002 on the owner fixtures: exact findings, places and source lines, and the
/// fallback without debug info.
@Suite struct OwnerRuleTests {
    static let owner = Fixtures.path("linux-6.1-amd64/fx_owner.ko")
    static let ownerOK = Fixtures.path("linux-6.1-amd64/fx_owner_ok.ko")
    static let strippedOwner = Fixtures.path("stripped/linux-6.1-amd64/fx_owner.ko")
    static let strippedOK = Fixtures.path("stripped/linux-6.1-amd64/fx_owner_ok.ko")
    static let source = "Fixtures/src/fx_owner/fx_owner.c"

    struct Found: Equatable, CustomStringConvertible {
        let code: String, symbol: String?, section: String?, offset: UInt64?, element: String?, location: String?, message: String
        init(_ d: Diagnostic) {
            code = d.code; symbol = d.symbol; section = d.section; offset = d.place?.symbolOffset; element = d.place?.element
            location = d.location?.description; message = d.message
            // The place is in the object the finding names.
            #expect(d.place?.symbol == d.symbol && d.place?.section == d.section)
        }
        init(_ code: String, _ symbol: String, _ section: String, _ offset: UInt64, _ element: String, _ location: String, _ message: String) {
            self.code = code; self.symbol = symbol; self.section = section; self.offset = offset; self.element = element
            self.location = location; self.message = message
        }
        var description: String { "\(code) \(symbol ?? "-") \(section ?? "-")+\(offset ?? 0) \(element ?? "-") \(location ?? "-"): \(message)" }
    }

    @Test func exactOwnerFindings() throws {
        let result = try Fixtures.lint([Self.owner, Self.ownerOK], symbols: nil, select: ["O"])
        let pinned = "nothing pins the module while the object is in use; set it to THIS_MODULE"
        #expect(result.diagnostics.map(Found.init) == [
            Found("O001", "fx_xt_targets", ".data", 216, "[1].me", "\(Self.source):109:25",
                  "'fx_xt_targets' (struct xt_target[2]): element [1] does not set .me: nothing pins the module while it is in use; set it to THIS_MODULE"),
            Found("O002", "fx_platform_driver", ".data", 64, ".driver.owner", "\(Self.source):96:31",
                  "'fx_platform_driver' (struct platform_driver) sets .driver.owner = THIS_MODULE by hand; __platform_driver_register() already does on 6.1.0-50-amd64"),
            Found("O002", "fx_pci_driver", ".data", 136, ".driver.owner", "\(Self.source):82:26",
                  "'fx_pci_driver' (struct pci_driver) sets .driver.owner = THIS_MODULE by hand; __pci_register_driver() already does on 6.1.0-50-amd64"),
            Found("O001", "fx_fs_type_no_owner", ".data", 48, ".owner", "\(Self.source):66:32",
                  "'fx_fs_type_no_owner' (struct file_system_type) does not set .owner: \(pinned)"),
            Found("O001", "fx_bdops_no_owner", ".rodata", 128, ".owner", "\(Self.source):57:38",
                  "'fx_bdops_no_owner' (struct block_device_operations) does not set .owner: \(pinned)"),
            Found("O001", "fx_fops_no_owner", ".rodata", 0, ".owner", "\(Self.source):36:37",
                  "'fx_fops_no_owner' (struct file_operations) does not set .owner: \(pinned)"),
        ])
        #expect(result.diagnostics.allSatisfy { $0.path == Self.owner })
        #expect(result.diagnostics.map(\.severity) == [.warning, .note, .note, .warning, .warning, .warning])
        // Report order is the objects' order in their sections (gcc lays out this unit's
        // statics last-defined first).
        #expect(result.diagnostics.map { $0.place?.address ?? 0 } == [216, 320, 616, 848, 224, 544])
    }

    /// The same sources built against 6.12 (block_device_operations.open changed in 6.5; a
    /// third unit, scripts/module-common.c): the same findings, the release in the message.
    @Test func sameFindingsOn612() throws {
        let tree = Fixtures.path("linux-6.12-amd64")
        let result = try Fixtures.lint([tree + "/fx_owner.ko", tree + "/fx_owner_ok.ko"], symbols: nil, select: ["O"])
        #expect(result.diagnostics.map(\.symbol) == ["fx_xt_targets", "fx_platform_driver", "fx_pci_driver",
                                                     "fx_fs_type_no_owner", "fx_bdops_no_owner", "fx_fops_no_owner"])
        #expect(result.diagnostics.allSatisfy { $0.path == tree + "/fx_owner.ko" && $0.location?.file == Self.source })
        #expect(result.diagnostics[2].message.hasSuffix("__pci_register_driver() already does on 6.12.117+deb12-amd64"))
        let stripped = try Fixtures.lint([Fixtures.path("stripped/linux-6.12-amd64/fx_owner.ko")], symbols: nil, select: ["O"])
        #expect(stripped.diagnostics.isEmpty)
        #expect(stripped.notices.map(\.message) == ["not checked for missing owner fields: 1 module had no debug info (fx_owner); build with CONFIG_DEBUG_INFO or lint the unstripped modules"])
    }

    /// The owner relocation is found where the object is: fx_fops_with_owner has one at its
    /// symbol value + 0, fx_fops_no_owner none at its own.
    @Test func ownerIsFoundAtTheObjectPlusTheMemberOffset() throws {
        let module = try ModuleObject.load(path: Self.owner)
        let with = try #require(module.symbols.first { $0.name == "fx_fops_with_owner" })
        let without = try #require(module.symbols.first { $0.name == "fx_fops_no_owner" })
        let rodata = try #require(module.section(named: ".rela.rodata"))
        let relocations = try #require(module.relocationSections.first { $0.sectionIndex == rodata.index })
        let ownerTargets = relocations.relocations.filter { module.symbols[$0.symbolIndex].name == "__this_module" }.map(\.offset)
        #expect(ownerTargets.contains(with.value))
        #expect(!ownerTargets.contains(without.value))
    }

    @Test func strippedModulesAreNamedOnceForTheRun() throws {
        let result = try Fixtures.lint([Self.strippedOwner, Self.strippedOK], symbols: nil, select: ["O"])
        #expect(result.modules == 2)
        // A notice of the run, not a finding filed under the first module.
        #expect(result.diagnostics.isEmpty)
        #expect(result.notices.count == 1)
        let note = try #require(result.notices.first)
        #expect(note.code == "O001")
        #expect(note.severity == .note)
        #expect(note.paths == [Self.strippedOwner, Self.strippedOK])
        #expect(note.message == "not checked for missing owner fields: 2 modules had no debug info (fx_owner, fx_owner_ok); build with CONFIG_DEBUG_INFO or lint the unstripped modules")
        // The other rules read the stripped modules as before.
        let others = try Fixtures.lint([Self.strippedOwner], symbols: nil, select: ["X", "M"])
        #expect(others.diagnostics.isEmpty)
    }

    @Test func requireDebugInfoMakesTheNoteAnError() throws {
        let linter = Linter(rules: Registry.all, kernel: .empty,
                            configuration: Configuration(select: ["O"], requireDebugInfo: true), jobs: 2)
        let result = linter.run(paths: [Self.strippedOwner, Self.owner])
        let unchecked = result.notices
        #expect(unchecked.map(\.severity) == [.error])
        #expect(unchecked.first?.message.hasPrefix("not checked for missing owner fields: 1 module had no debug info (fx_owner);") == true)
        #expect(unchecked.first?.paths == [Self.strippedOwner])
        #expect(result.diagnostics.filter { $0.path == Self.owner }.count == 6)
    }

    /// A module whose ELF is sound but whose DWARF is not: read by every other rule, named
    /// by O001 as unreadable.
    @Test func unreadableDebugInfoIsNamedInTheNote() throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.owner))
        let info = try #require(try ModuleObject.load(path: Self.owner).section(named: ".debug_info"))
        // The first unit's version (after the 4-byte length): 9 is no DWARF version.
        bytes[Int(info.offset) + 4] = 9
        bytes[Int(info.offset) + 5] = 0
        let dir = try Fixtures.scratchDirectory("owner-bad-dwarf")
        let path = dir + "/fx_owner.ko"
        try bytes.write(to: URL(fileURLWithPath: path))
        let result = try Fixtures.lint([path], symbols: nil, select: ["O", "M"])
        #expect(result.modules == 1)
        #expect(result.diagnostics.isEmpty)
        let note = try #require(result.notices.first)
        #expect(note.code == "O001" && note.severity == .note && note.paths == [path])
        #expect(note.message.hasPrefix("not checked for missing owner fields: 1 module had unreadable debug info (fx_owner: corrupt debug info: "))
    }

    @Test func withoutO001NoDebugInfoNote() throws {
        let result = try Fixtures.lint([Self.strippedOwner], symbols: nil, select: ["O002"])
        #expect(result.diagnostics.isEmpty)
    }

    /// Rules that do not need DWARF never read it.
    @Test func debugInfoIsReadOnlyWhenAsked() throws {
        let module = try ModuleObject.load(path: Self.owner)
        let context = ModuleContext(module: module, resolver: SymbolResolver(kernel: .empty, run: RunExports(modules: [module])))
        for rule in Registry.moduleRules where !(rule is MissingOwner) && !(rule is RedundantOwner) && !(rule is DeviceTableNotExported) {
            _ = rule.check(context)
        }
        #expect(context.debugInfoCache.state == .notRequested)
        #expect(context.debugInfoCache.loadTime == .zero)
        _ = MissingOwner().check(context)
        #expect(context.debugInfoCache.state == .loaded)
        let first = context.debugInfoCache.loadTime
        #expect(first > .zero)
        _ = RedundantOwner().check(context)
        #expect(context.debugInfoCache.loadTime == first)
    }

    /// O002 reads no DWARF for a module that imports no owner-taking registration helper.
    @Test func redundantOwnerSkipsModulesWithoutHelpers() throws {
        let module = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/fx_undef.ko"))
        let context = ModuleContext(module: module, resolver: SymbolResolver(kernel: .empty, run: RunExports(modules: [module])))
        #expect(RedundantOwner().check(context).isEmpty)
        #expect(context.debugInfoCache.state == .notRequested)
    }
}
