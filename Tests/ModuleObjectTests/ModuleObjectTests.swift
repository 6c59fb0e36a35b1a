import FixtureSupport
import Foundation
@testable import ModuleObject
import Testing

@Suite struct ModuleObjectTests {
    static func load(_ relative: String) throws -> ModuleObject {
        try ModuleObject.load(path: Fixtures.path(relative))
    }

    @Test func readsAnAmd64Module() throws {
        let module = try Self.load("linux-6.1-amd64/fx_clean.ko")
        #expect(module.identity == ElfIdentity(elfClass: .elf64, byteOrder: .little, machine: .x86_64, type: 1))
        #expect(module.name == "fx_clean")
        #expect(module.modinfo.licenses == ["GPL"])
        #expect(module.modinfo.vermagic == "6.1.0-50-amd64 SMP preempt mod_unload modversions ")
        #expect(module.modinfo.first("description")?.isEmpty == false)
        #expect(module.thisModule?.name == "fx_clean")
        #expect(module.thisModule?.size == 896)
        // `init` and `exit` of struct module on Debian's 6.1 amd64 configuration.
        #expect(module.thisModule?.initPointerOffset == 0x138)
        #expect(module.thisModule?.exitPointerOffset == 0x350)
        #expect(!module.isSigned)
        #expect(module.exports.isEmpty)
        let imports = Set(module.imports.map(\.name))
        #expect(imports.contains("ktime_get"))
        #expect(imports.contains("__platform_driver_register"))
        #expect(!imports.contains("__this_module"))
        // Every import with a CRC is in __versions, and module_layout comes last (6.1).
        let versioned = module.versions.map(\.name)
        #expect(versioned.last == "module_layout")
        #expect(Set(versioned.dropLast()).isSubset(of: imports))
        #expect(module.versions.allSatisfy { $0.crc <= UInt64(UInt32.max) && $0.crc != 0 })
    }

    @Test func sectionsSymbolsAndRelocationsAgreeWithTheFile() throws {
        let module = try Self.load("linux-6.1-amd64/fx_exitref.ko")
        let exitText = try #require(module.section(named: ".exit.text"))
        #expect(exitText.isExecutable && exitText.isAllocated && !exitText.isWritable)
        let teardown = try #require(module.symbols.first { $0.name == "fx_teardown" })
        #expect(teardown.sectionIndex == exitText.index && teardown.type == Symbol.typeFunc && teardown.binding == Symbol.bindLocal)
        // No relocation section for debug info is kept: nothing checks them.
        #expect(!module.relocationSections.contains { module.sections[$0.targetSectionIndex].name.hasPrefix(".debug") })
        let data = try #require(module.section(named: ".data"))
        let rela = try #require(module.relocationSections.first { $0.targetSectionIndex == data.index })
        #expect(rela.hasExplicitAddends)
        let toExit = rela.relocations.filter { module.symbols[$0.symbolIndex].sectionIndex == exitText.index }
        #expect(toExit.map(\.offset) == [0x08, 0xe8])
        #expect(toExit.allSatisfy { $0.type == 1 }) // R_X86_64_64
    }

    @Test func findsExportsWithGPLnessAndCRC() throws {
        let module = try Self.load("linux-6.1-amd64/fx_exporter.ko")
        #expect(module.exports.map(\.name) == ["fx_exported_gpl", "fx_exported_plain"])
        #expect(module.exports.map(\.isGPLOnly) == [true, false])
        #expect(module.exports.allSatisfy { $0.namespace == nil && $0.crc != nil })
        // The CRC the exporter carries is the one its importer recorded in __versions.
        let importer = try Self.load("linux-6.1-amd64/fx_importer.ko")
        for export in module.exports {
            let recorded = importer.versions.first { $0.name == export.name }
            #expect(recorded.map { UInt32($0.crc) } == export.crc, "\(export.name)")
        }
    }

    @Test func moduleWithoutExitHasNoExitPointer() throws {
        let module = try Self.load("linux-6.1-amd64/fx_noexit.ko")
        #expect(module.thisModule?.hasInit == true)
        #expect(module.thisModule?.hasExit == false)
    }

    @Test func weakUndefinedSymbolIsAnImportMarkedWeak() throws {
        let module = try Self.load("linux-6.1-amd64/fx_undef.ko")
        let weak = try #require(module.imports.first { $0.name == "fx_weak_optional" })
        #expect(weak.isWeak)
        #expect(module.imports.contains { $0.name == "fx_no_such_symbol" && !$0.isWeak })
    }

    @Test func appendedSignatureIsAccepted() throws {
        let signed = try Self.load("linux-6.1-amd64/fx_clean.signed.ko")
        let plain = try Self.load("linux-6.1-amd64/fx_clean.ko")
        #expect(signed.isSigned)
        #expect(signed.fileSize > plain.fileSize)
        #expect(signed.symbols == plain.symbols)
        #expect(signed.sections == plain.sections)
    }

    @Test func readsI386RelWithImplicitAddends() throws {
        let module = try Self.load("linux-6.1-i386/fx_exitref.ko")
        #expect(module.identity.elfClass == .elf32 && module.identity.machine == .i386 && module.identity.byteOrder == .little)
        #expect(module.relocationSections.allSatisfy { !$0.hasExplicitAddends })
        let exitText = try #require(module.section(named: ".exit.text"))
        let teardown = try #require(module.symbols.first { $0.name == "fx_teardown" })
        let caller = try #require(module.symbols.first { $0.name == "fx_normal_function" })
        let relocations = try #require(module.relocationSections.first { $0.targetSectionIndex == caller.sectionIndex })
        // The call to fx_teardown: R_386_PC32 against .exit.text, implicit addend = target - 4.
        let call = try #require(relocations.relocations.first {
            module.symbols[$0.symbolIndex].sectionIndex == exitText.index && $0.type == 2
        })
        #expect(call.addendIsKnown)
        #expect(call.addend + 4 == Int64(teardown.value))
        // `.remove` pointers in .data: R_386_32 with the function's offset in place.
        let data = try #require(module.section(named: ".data"))
        let dataRelocations = try #require(module.relocationSections.first { $0.targetSectionIndex == data.index })
        let remove2 = try #require(module.symbols.first { $0.name == "fx_remove2" })
        #expect(dataRelocations.relocations.contains { $0.type == 1 && $0.addend == Int64(remove2.value) })
        #expect(module.thisModule?.name == "fx_exitref" && module.thisModule?.hasExit == true)
    }

    @Test(arguments: Fixtures.trees)
    func everyArchitectureFixtureReads(tree: String) throws {
        let arch = String(tree.split(separator: "-").last!)
        let expected: [String: (ElfIdentity.ElfClass, ElfIdentity.ByteOrder, Machine)] = [
            "amd64": (.elf64, .little, .x86_64), "i386": (.elf32, .little, .i386),
            "armhf": (.elf32, .little, .arm), "arm64": (.elf64, .little, .aarch64), "s390x": (.elf64, .big, .s390),
        ]
        for path in Fixtures.modules(tree: tree) {
            let module = try ModuleObject.load(path: path)
            if let (elfClass, order, machine) = expected[arch] {
                #expect(module.identity.elfClass == elfClass && module.identity.byteOrder == order && module.identity.machine == machine, "\(path)")
            }
            let release = tree.hasPrefix("7.2-") ? "7.2." : tree.hasPrefix("6.12-") ? "6.12." : "6.1.0-"
            #expect(module.modinfo.vermagic?.hasPrefix(release) == true, "\(path)")
            #expect(module.thisModule?.name == module.name, "\(path)")
            // Debian's 7.2 is built without modversions: only the module built with modpost -m
            // has a __versions table.
            if tree.hasPrefix("7.") && !path.hasSuffix("/fx_ext_user.ko") {
                #expect(module.versions.isEmpty && module.extendedVersions == nil, "\(path)")
            } else {
                #expect(module.versions.last?.name == "module_layout", "\(path)")
            }
        }
    }

    @Test func moduleNameFromPath() {
        #expect(ModuleObject.moduleName(fromPath: "/lib/modules/x/kernel/drivers/snd-hda-intel.ko") == "snd_hda_intel")
        #expect(ModuleObject.moduleName(fromPath: "a/b.ko.xz") == "b")
        #expect(ModuleObject.moduleName(fromPath: "obj.o") == "obj")
    }

    @Test func modinfoSkipsPaddingAndKeepsRepeatedKeys() throws {
        let bytes: [UInt8] = Array("license=GPL\0\0\0alias=pci:v1\0alias=pci:v2\0noequals\0".utf8)
        let info = bytes.withUnsafeBytes { raw in
            ModuleInfo(bytes: ByteView(base: raw.baseAddress!, count: raw.count, bigEndian: false))
        }
        #expect(info.values("alias") == ["pci:v1", "pci:v2"])
        #expect(info.licenses == ["GPL"])
        #expect(info.entries.last == ModuleInfo.Entry(key: "noequals", value: ""))
        #expect(info.isGPLCompatible)
        #expect(!ModuleInfo(entries: [.init(key: "license", value: "GPL"), .init(key: "license", value: "Proprietary")]).isGPLCompatible)
    }

    @Test func armImplicitAddendDecoding() {
        let decoder = RelocationDecoder(identity: ElfIdentity(elfClass: .elf32, byteOrder: .little, machine: .arm, type: 1))
        func addend(_ type: UInt32, _ bytes: [UInt8]) -> Int64? {
            bytes.withUnsafeBytes { decoder.implicitAddend(type: type, at: 0, in: ByteView(base: $0.baseAddress!, count: $0.count, bigEndian: false)) }
        }
        // bl with imm24 = -2 (0xfffffe): the assembler's "target - 8" for a call to the place itself.
        #expect(addend(28, [0xfe, 0xff, 0xff, 0xeb]) == -8)
        // Thumb-2 bl with offset -4: upper 0xf7ff, lower 0xfffe.
        #expect(addend(10, [0xff, 0xf7, 0xfe, 0xff]) == -4)
        // movw r0, #0x1234 (A1: imm4 = 1, imm12 = 0x234).
        #expect(addend(43, [0x34, 0x02, 0x01, 0xe3]) == 0x1234)
        // Thumb movw r0, #0x10: upper 0xf240, lower 0x0010.
        #expect(addend(47, [0x40, 0xf2, 0x10, 0x00]) == 0x10)
        #expect(addend(2, [0x10, 0x00, 0x00, 0x00]) == 0x10)
        // A relocated place too short for the instruction is not read.
        #expect(addend(10, [0xff, 0xf7]) == nil)
    }

    @Test func relocationInfoSplitsPerArchitecture() {
        func decoder(_ machine: Machine, _ elfClass: ElfIdentity.ElfClass, _ order: ElfIdentity.ByteOrder) -> RelocationDecoder {
            RelocationDecoder(identity: ElfIdentity(elfClass: elfClass, byteOrder: order, machine: machine, type: 1))
        }
        // GElf hands every class over in the 64-bit layout.
        #expect(decoder(.x86_64, .elf64, .little).split(info: 0x0000_0012_0000_0002) == (0x12, 2))
        #expect(decoder(.i386, .elf32, .little).split(info: 0x0000_0007_0000_0001) == (7, 1))
        // mips64el: r_sym 0x2a, r_ssym 0, r_type3 0, r_type2 0, r_type 4 (R_MIPS_26) in file order,
        // read as one little-endian word.
        #expect(decoder(.mips, .elf64, .little).split(info: 0x0400_0000_0000_002a) == (0x2a, 4))
        // Big-endian MIPS64: the same bytes read as a big-endian word.
        #expect(decoder(.mips, .elf64, .big).split(info: 0x0000_002a_0000_0004) == (0x2a, 4))
    }
}

/// Source paths as a reader clicks on them.
@Suite struct SourcePathTests {
    @Test(arguments: [
        ("/usr/src/linux-headers-6.1.0-50-amd64/../../../home/u/drv/foo.c", "/home/u/drv/foo.c"),
        ("/a/./b//c/", "/a/b/c"),
        ("/../x", "/x"),
        ("drivers/./net/../usb/foo.c", "drivers/usb/foo.c"),
        ("../../home/u/foo.c", "../../home/u/foo.c"),
        (".", "."),
    ])
    func normalisedLexically(path: String, expected: String) {
        #expect(SourcePath.normalise(path) == expected)
    }

    @Test func relativeOnlyUnderTheRoot() {
        #expect(SourcePath.relative("/usr/src/drv/foo.c", to: "/usr/src/drv") == "foo.c")
        #expect(SourcePath.relative("/usr/src/drv/../drv/sub/foo.c", to: "/usr/src/drv/") == "sub/foo.c")
        #expect(SourcePath.relative("/usr/src/drv2/foo.c", to: "/usr/src/drv") == nil)
        #expect(SourcePath.relative("/usr/src/drv", to: "/usr/src/drv") == nil)
        #expect(SourcePath.relative("drv/foo.c", to: "/usr/src") == nil)
        #expect(SourcePath.relative("/usr/src/x.h", to: "/") == "usr/src/x.h")
    }
}
