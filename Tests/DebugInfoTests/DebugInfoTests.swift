@testable import DebugInfo
import FixtureSupport
import Foundation
import ModuleObject
import Testing

@Suite struct DebugInfoTests {
    static let owner = Fixtures.path("linux-6.1-amd64/fx_owner.ko")
    static let source = "Fixtures/src/fx_owner/fx_owner.c"

    @Test func structLayoutsAreDedupedAcrossUnits() throws {
        let info = try #require(try Self.load(Self.owner))
        #expect(info.compilationUnits == ["Fixtures/src/fx_owner/fx_owner.c", "Fixtures/src/fx_owner/fx_owner.mod.c"])
        let fops = try #require(info.structs["file_operations"])
        #expect(fops.size == 280)
        #expect(fops.members.first == StructMember(name: "owner", offset: 0, typeName: "struct module *"))
        #expect(fops.member(named: "open")?.offset == 112)
        let fsType = try #require(info.structs["file_system_type"])
        #expect(fsType.size == 72)
        #expect(fsType.member(named: "owner") == StructMember(name: "owner", offset: 48, typeName: "struct module *"))
        #expect(fsType.member(named: "name")?.typeName == "const char *")
        let bdops = try #require(info.structs["block_device_operations"])
        #expect(bdops.member(named: "owner")?.offset == 128)
        #expect(info.member(path: ["driver", "owner"], in: "pci_driver")?.offset == 136)
        #expect(info.member(path: ["driver", "owner"], in: "platform_driver")?.typeName == "struct module *")
        #expect(info.member(path: ["driver", "nothing"], in: "pci_driver") == nil)
    }

    @Test func variablesHaveTheirTypeAndDeclaration() throws {
        let info = try #require(try Self.load(Self.owner))
        let fops = try #require(info.variables["fx_fops_no_owner"]?.first)
        #expect(fops.typeName == "const struct file_operations")
        #expect(fops.structName == "file_operations")
        #expect(!fops.isArray)
        #expect(fops.location == SourceLocation(file: Self.source, line: 36, column: 37))
        #expect(info.variables["fx_bdops_no_owner"]?.first?.location?.line == 57)
        #expect(info.variables["fx_fs_type_no_owner"]?.first?.typeName == "struct file_system_type")
        let ids = try #require(info.variables["fx_pci_ids"]?.first)
        #expect(ids.isArray && ids.arrayCount == 2 && ids.structName == "pci_device_id")
        // __this_module is defined in the .mod.c unit by a nameless DIE with DW_AT_specification.
        #expect(info.variables["__this_module"]?.first?.structName == "module")
        #expect(info.variables(forSymbol: "fx_fops_no_owner.0").first?.name == "fx_fops_no_owner")
    }

    @Test func functionsHaveTheirDeclaration() throws {
        let info = try #require(try Self.load(Self.owner))
        let open = try #require(info.functions["fx_open"])
        #expect(!open.isDeclaration)
        #expect(open.location == SourceLocation(file: Self.source, line: 25, column: 12))
        #expect(info.functions["fx_owner_init"]?.location?.line == 125)
        // A prototype from the kernel headers: absolute, outside the compilation directory.
        let imported = try #require(info.functions["register_filesystem"])
        #expect(imported.isDeclaration)
        #expect(imported.location?.file.hasSuffix("include/linux/fs.h") == true)
        #expect(info.declaration(of: "fx_open")?.line == 25)
        let targets = try #require(info.variables["fx_xt_targets"]?.first)
        #expect(targets.isArray && targets.arrayCount == 2 && targets.structName == "xt_target")
        #expect(info.structs["xt_target"]?.size == 128)
        #expect(info.structs["xt_target"]?.member(named: "me") == StructMember(name: "me", offset: 88, typeName: "struct module *"))
    }

    /// Without declarations (what the owner and device-table rules read): the same objects and
    /// layouts, no functions and no `extern` declarations, and `hasDeclarations` says so.
    @Test func declarationsAreLeftOutWhenNotAsked() throws {
        let module = try ModuleObject.load(path: Self.owner)
        let whole = try #require(try DebugInfo.load(module: module))
        let objects = try #require(try DebugInfo.load(module: module, declarations: false))
        #expect(whole.hasDeclarations && !objects.hasDeclarations)
        #expect(objects.variables == whole.variables)
        #expect(objects.structs == whole.structs)
        #expect(objects.compilationUnits == whole.compilationUnits)
        #expect(!whole.functions.isEmpty && objects.functions.isEmpty)
        #expect(objects.variableDeclarations.isEmpty)
        #expect(whole.declaration(of: "fx_open")?.line == 25)
        #expect(objects.declaration(of: "fx_open") == nil)
        #expect(objects.declaration(of: "fx_fops_no_owner") == whole.declaration(of: "fx_fops_no_owner"))
    }

    @Test func strippedModuleHasNoDebugInfo() throws {
        #expect(try Self.load(Fixtures.path("stripped/linux-6.1-amd64/fx_owner.ko")) == nil)
        #expect(try Self.load(Fixtures.path("stripped/linux-6.1-amd64/fx_owner_ok.ko")) == nil)
    }

    static func load(_ path: String) throws -> DebugInfo? {
        try DebugInfo.load(module: ModuleObject.load(path: path))
    }

    @Test func aFileGoneSinceItWasReadIsATypedError() throws {
        let dir = try Fixtures.scratchDirectory("debuginfo-gone")
        let path = dir + "/fx_owner.ko"
        try FileManager.default.copyItem(atPath: Self.owner, toPath: path)
        let module = try ModuleObject.load(path: path)
        try FileManager.default.removeItem(atPath: path)
        #expect(throws: DebugInfoError.unreadable("cannot open \(path)")) { try DebugInfo.load(module: module) }
    }

    /// libdwarf 20210528 frees a buffer twice on these; they must never reach it.
    @Test func listUnitHeadersAreCheckedBeforeLibdwarf() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Self.owner))
        let module = try ModuleObject.load(path: Self.owner)
        let dir = try Fixtures.scratchDirectory("debuginfo-lists")
        for name in [".debug_rnglists", ".debug_loclists"] {
            let section = try #require(module.section(named: name))
            let start = Int(section.offset)
            // offset_entry_count (after length 4, version 2, address size 1, selector size 1).
            var tooManyOffsets = original
            for i in 0..<4 { tooManyOffsets[start + 8 + i] = 0xff }
            var tooLong = original
            for i in 0..<4 { tooLong[start + i] = i == 3 ? 0x7f : 0xff }
            var badVersion = original
            badVersion[start + 4] = 4
            let cases: [(Data, String)] = [
                (tooManyOffsets, "\(name): unit at 0x0 has 4294967295 offsets, more than fit"),
                (tooLong, "\(name): unit at 0x0 has length 0x7fffffff beyond the section"),
                (badVersion, "\(name): unit at 0x0 has version 4, not 5"),
            ]
            for (n, (bytes, message)) in cases.enumerated() {
                let path = dir + "/\(name.dropFirst())-\(n).ko"
                try bytes.write(to: URL(fileURLWithPath: path))
                #expect(throws: DebugInfoError.corrupt(message)) { try Self.load(path) }
            }
        }
    }

    /// dwarf_srcfiles in libdwarf 20210528 follows a file entry's directory index without
    /// checking it (a fuzzed fx_noexit.ko whose index named the directory one past the last
    /// crashed it in strlen).
    @Test func lineTableDirectoryIndicesAreCheckedBeforeLibdwarf() throws {
        let path = Fixtures.path("linux-6.1-amd64/fx_noexit.ko")
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let module = try ModuleObject.load(path: path)
        let line = try #require(module.section(named: ".debug_line"))
        let dir = try Fixtures.scratchDirectory("debuginfo-line")
        // The second unit (fx_noexit.mod.c, at 0xa8) has 10 directories; its file entry 0 is a
        // path (line_strp, 4 bytes) and a directory index (udata) at 0xfc.
        var bytes = original
        #expect(bytes[Int(line.offset) + 0xfc] == 1)
        bytes[Int(line.offset) + 0xfc] = 10
        let broken = dir + "/fx_noexit-directory-10.ko"
        try bytes.write(to: URL(fileURLWithPath: broken))
        #expect(throws: DebugInfoError.corrupt(".debug_line: line table at 0xa8: files: file entry names directory 10 of 10")) {
            try Self.load(broken)
        }
        // Every real line table passes: all fixtures, every architecture.
        for tree in Fixtures.trees {
            for path in Fixtures.modules(tree: tree) {
                let module = try ModuleObject.load(path: path)
                guard let section = module.section(named: ".debug_line") else { continue }
                let handle = try #require(FileHandle(forReadingAtPath: path))
                try handle.seek(toOffset: section.offset)
                let data = [UInt8](try #require(try handle.read(upToCount: Int(section.size))))
                #expect(DwarfPrecheck.lineTablesProblem(data, little: module.identity.byteOrder == .little) == nil, "\(path)")
            }
        }
    }

    /// A fuzzed fx_noexit.ko whose struct members' DW_AT_sibling points back: libdwarf follows
    /// the cycle, so the walk refuses a sibling that is not after the DIE before it (it used
    /// to stop only at the 20 million DIE limit, after 40 seconds).
    @Test func aSiblingCycleIsCorruptDebugInfo() throws {
        let path = Fixtures.packageRoot + "/Fuzz/Seeds/dwarf/regression-sibling-cycle.ko"
        #expect(throws: DebugInfoError.corrupt("the DIE after 0x54b2 is not after it (a sibling cycle)")) {
            try Self.load(path)
        }
    }

    /// Broken DWARF in an otherwise valid module: every outcome is a value or a typed error.
    @Test func corruptDebugSectionsDoNotCrash() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Self.owner))
        let module = try ModuleObject.load(path: Self.owner)
        let dir = try Fixtures.scratchDirectory("debuginfo-corrupt")
        var outcomes: [String: Int] = [:]
        for name in [".debug_info", ".debug_abbrev", ".debug_str", ".debug_line", ".debug_line_str", ".debug_rnglists",
                     ".debug_loclists", ".rela.debug_info", ".rela.debug_line"] {
            let section = try #require(module.section(named: name))
            for (index, pattern) in [UInt8(0xff), 0x00, 0x7f].enumerated() {
                var bytes = original
                let start = Int(section.offset)
                let stride = max(1, Int(section.size) / 97)
                for offset in Swift.stride(from: start + 3, to: start + Int(section.size), by: stride) {
                    bytes[offset] = pattern
                }
                let path = dir + "/\(name.dropFirst())-\(index).ko"
                try bytes.write(to: URL(fileURLWithPath: path))
                do {
                    _ = try Self.load(path)
                    outcomes["read", default: 0] += 1
                } catch {
                    outcomes["error", default: 0] += 1
                }
                // The line programs are read apart from the DIEs, on their own libdwarf handle.
                if let module = try? ModuleObject.load(path: path) {
                    do {
                        _ = try DebugInfo.loadLines(module: module)
                        outcomes["lines read", default: 0] += 1
                    } catch {
                        outcomes["lines error", default: 0] += 1
                    }
                }
            }
        }
        #expect(outcomes["read", default: 0] + outcomes["error", default: 0] == 27)
        #expect(outcomes["lines read", default: 0] + outcomes["lines error", default: 0] == 27)
    }
}
