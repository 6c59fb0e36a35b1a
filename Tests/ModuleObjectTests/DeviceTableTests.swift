import FixtureSupport
import Foundation
@testable import ModuleObject
import Testing

@Suite struct DeviceTableTests {
    @Test func symbolNamesOfEveryGeneration() throws {
        let legacy = try #require(DeviceTableSymbol.parse("__mod_pci__e1000_pci_tbl_device_table"))
        #expect(legacy.type == "pci" && legacy.variable == "e1000_pci_tbl" && legacy.naming == .legacy && legacy.moduleName == nil)
        let card = try #require(DeviceTableSymbol.parse("__mod_pnp_card__snd_card_ids_device_table"))
        #expect(card.type == "pnp_card" && card.variable == "snd_card_ids")
        let prefixed = try #require(DeviceTableSymbol.parse("__mod_device_table__usb__id_table"))
        #expect(prefixed.type == "usb" && prefixed.variable == "id_table" && prefixed.naming == .prefixed)
        let kmod = try #require(DeviceTableSymbol.parse("__mod_device_table__kmod_snd_hda_intel__pci__azx_ids"))
        #expect(kmod.type == "pci" && kmod.variable == "azx_ids" && kmod.moduleName == "snd_hda_intel" && kmod.naming == .kmod)
        // Rust's module_device_table! (sid's qt2025): a line number before "__kmod_".
        let rust = try #require(DeviceTableSymbol.parse("__mod_device_table__24__kmod_qt2025__mdio__TABLE"))
        #expect(rust.type == "mdio" && rust.variable == "TABLE" && rust.moduleName == "qt2025" && rust.naming == .rust)
        // A variable name containing "__" stays whole after the first separator.
        #expect(DeviceTableSymbol.parse("__mod_of__a__b_device_table")?.variable == "a__b")
        for name in ["__mod_pci_device_table", "__mod___x_device_table", "__mod_pci__x", "__mod_device_table__pci",
                     "__mod_device_table__kmod_m", "__mod_device_table____x", "__mod_device_table__pci__", "init_module"] {
            #expect(DeviceTableSymbol.parse(name) == nil, "\(name)")
        }
    }

    /// sizeof() of each struct with natural alignment, as devicetable-offsets.h of a 64-bit and
    /// a 32-bit 6.1 build gives them (kernel-facts.md §3.5; the 32-bit values are confirmed by
    /// the i386 and armhf trees, where a wrong size would fail the alias oracle).
    @Test func entrySizesFor64And32BitTargets() {
        let expected: [String: (Int, Int)] = [
            "pci": (40, 32), "usb": (32, 24), "of": (200, 196), "acpi": (32, 28), "i2c": (32, 24), "platform": (32, 24),
            "spi": (40, 36), "hid": (24, 16), "virtio": (8, 8), "input": (200, 164), "dmi": (344, 332), "mdio": (8, 8),
            "pnp": (16, 12), "pnp_card": (80, 76), "sdio": (16, 12), "serio": (4, 4), "vmbus": (24, 20), "ishtp": (24, 20),
            "auxiliary": (40, 36), "rpmsg": (40, 36), "mhi": (40, 36), "amba": (16, 12), "x86cpu": (24, 16), "wmi": (48, 44),
            "typec": (16, 8), "i3c": (16, 12), "hdaudio": (32, 20), "sdw": (16, 12), "mei": (64, 56), "ieee1394": (32, 24),
            "pcmcia": (80, 52), "ccw": (16, 12), "ap": (16, 8), "css": (16, 8), "eisa": (16, 12), "zorro": (16, 8),
            "isapnp": (16, 12), "dfl": (16, 8), "ulpi": (16, 8), "ssam": (16, 12), "vio": (64, 64), "tee": (16, 16),
            "fslmc": (18, 18), "ssb": (6, 6), "bcma": (6, 6), "rapidio": (8, 8), "parisc": (8, 8), "ipack": (12, 12),
            "cpu": (2, 2), "mipscdmm": (1, 1), "tbsvc": (40, 32),
        ]
        let linux61 = DeviceIDLayouts.v6_1
        for (type, sizes) in expected {
            let name = DeviceIDType.named(type)?.structName ?? "?"
            #expect(linux61.layout(of: name, wordSize: 8)?.size == sizes.0, "\(type) 64-bit")
            #expect(linux61.layout(of: name, wordSize: 4)?.size == sizes.1, "\(type) 32-bit")
        }
        #expect(DeviceIDType.named("tifm") == nil)
        #expect(linux61.layout(of: "pci_device_id", wordSize: 8)?.field("override_only")?.offset == 32)
        #expect(linux61.layout(of: "usb_device_id", wordSize: 4)?.field("driver_info")?.offset == 20)
        // Every type file2alias handles has its struct in the generation that handles it.
        for generation in DeviceIDLayouts.generations {
            for type in DeviceIDType.all where type.handled(by: generation.kernel) {
                #expect(generation.layout(of: type.structName, wordSize: 8) != nil, "\(type.type) in \(generation.kernel)")
            }
        }
    }

    /// What changed between the generations, as their headers say.
    @Test func generationsDifferWhereTheHeadersDo() throws {
        let x86 = { (g: DeviceIDLayouts, w: Int) in g.layout(of: "x86_cpu_id", wordSize: w)?.size }
        #expect(x86(DeviceIDLayouts.v6_1, 4) == 16)
        #expect(x86(DeviceIDLayouts.v6_12, 4) == 16)
        #expect(x86(DeviceIDLayouts.v7_2, 4) == 20)
        #expect(DeviceIDLayouts.v6_1.layout(of: "cdx_device_id", wordSize: 8) == nil)
        #expect(DeviceIDLayouts.v6_12.layout(of: "coreboot_device_id", wordSize: 8)?.size == 16)
        #expect(DeviceIDLayouts.v6_12.layout(of: "vchiq_device_id", wordSize: 8)?.size == 32)
        #expect(DeviceIDLayouts.v6_1.constants["INPUT_DEVICE_ID_SW_MAX"] == 0x10)
        #expect(DeviceIDLayouts.v7_2.constants["INPUT_DEVICE_ID_SW_MAX"] == 0x11)
        // A release between two generations uses the older one where both agree, nothing
        // where they differ; after the newest one, nothing.
        #expect(DeviceIDLayouts.generation(for: "pci_device_id", kernel: KernelVersion(6, 14))?.kernel == KernelVersion(6, 12))
        #expect(DeviceIDLayouts.generation(for: "x86_cpu_id", kernel: KernelVersion(6, 14)) == nil)
        #expect(DeviceIDLayouts.generation(for: "x86_cpu_id", kernel: KernelVersion(7, 2, 13))?.kernel == KernelVersion(7, 2))
        #expect(DeviceIDLayouts.generation(for: "pci_device_id", kernel: KernelVersion(8, 0)) == nil)
        #expect(DeviceIDLayouts.generation(for: "pci_device_id", kernel: KernelVersion(5, 10)) == nil)
        #expect(DeviceIDLayouts.generation(for: "pci_device_id", kernel: KernelVersion(5, 15))?.kernel == KernelVersion(6, 1))
    }

    /// A member the layout lacks is an error, never a zero.
    @Test func accessorsFailLoudly() throws {
        let layout = try #require(DeviceIDLayouts.v6_1.layout(of: "pci_device_id", wordSize: 8))
        let entry = Entry(bytes: [UInt8](repeating: 0, count: 40), layout: layout, bigEndian: false)
        #expect(throws: DerivationStop.self) { try entry.u("venddor") }
        #expect(throws: DerivationStop.self) { try entry.string("vendor") }
        #expect(try entry.u("vendor") == 0)
        let cdx = try #require(DeviceIDLayouts.v7_2.layout(of: "cdx_device_id", wordSize: 8))
        var bytes = [UInt8](repeating: 0xff, count: cdx.size)
        bytes.replaceSubrange(12..<20, with: [0, 0, 0, 0, 1, 0, 0, 0]) // class_mask 0, override_only 1
        let kind = try #require(DeviceIDType.named("cdx"))
        #expect(try Modalias.aliases(type: kind, entry: Entry(bytes: bytes, layout: cdx, bigEndian: false), kernel: KernelVersion(7, 2)).0
                == ["vfio_cdx:v*d*sv*sd*c*"])
    }

    @Test func bigEndianEntriesAreReadInTheirByteOrder() throws {
        let layout = DeviceIDLayouts.v6_1.layout(of: "pci_device_id", wordSize: 8)!
        var bytes = [UInt8](repeating: 0, count: 40)
        bytes.replaceSubrange(0..<8, with: [0, 0, 0x80, 0x86, 0, 0, 0x12, 0x34])
        bytes.replaceSubrange(8..<16, with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        let entry = Entry(bytes: bytes, layout: layout, bigEndian: true)
        let kernel = KernelVersion(6, 1)
        #expect(try Modalias.aliases(type: DeviceIDType.named("pci")!, entry: entry, kernel: kernel).0 == ["pci:v00008086d00001234sv*sd*bc*sc*i*"])
        let dmi = DeviceIDLayouts.v6_1.layout(of: "dmi_system_id", wordSize: 8)!
        let constants = DeviceIDLayouts.v6_1.constants
        var row = [UInt8](repeating: 0, count: 344)
        row[16] = 6 << 1 // slot DMI_SYS_VENDOR in the high seven bits on a big-endian target
        row.replaceSubrange(17..<21, with: Array("ACME".utf8))
        let d = Derivation(kernel: kernel)
        #expect(try Modalias.dmi(Entry(bytes: row, layout: dmi, constants: constants, bigEndian: true), d) == ["dmi*:svn*ACME*:"])
        row[16] = 6
        #expect(try Modalias.dmi(Entry(bytes: row, layout: dmi, constants: constants, bigEndian: false), d) == ["dmi*:svn*ACME*:"])
    }

    @Test func usbBcdDeviceRangesBecomeGlobPatterns() throws {
        let module = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/fx_devtab_clean.ko"))
        let usb = try #require(module.deviceTables.first { $0.type == "usb" })
        #expect(usb.status == .decoded)
        #expect(usb.entries.map(\.aliases) == [
            ["usb:v046DpC52Bd*dc*dsc*dp*ic*isc*ip*in*"],
            // USB_DEVICE_VER(0x0bda, 0x8153, 0x0100, 0x2999)
            ["usb:v0BDAp8153d0[1-9]*dc*dsc*dp*ic*isc*ip*in*", "usb:v0BDAp8153d[1-2]*dc*dsc*dp*ic*isc*ip*in*"],
            // 0x0000–0x9999 covers every BCD value: one pattern without digits.
            ["usb:v0781p5567d*dc*dsc*dp*ic*isc*ip*in*"],
            ["usb:v*p*d*dc*dsc*dp*ic03isc01ip01in*"],
            ["usb:v12D1p1506d*dc*dsc*dp*icFFisc02ip12in*"],
            ["usb:v2C7Cp0125d*dc*dsc*dp*ic*isc*ip*in04*"],
        ])
        let pci = try #require(module.deviceTables.first { $0.type == "pci" })
        #expect(pci.symbol.name == "__mod_pci__fx_clean_pci_ids_device_table")
        #expect(pci.section == ".rodata" && pci.size == 240 && pci.entries.count == 5)
        #expect(pci.entries[4].aliases == ["vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i*"])
        #expect(pci.entries[0].fields.first { $0.name == "vendor" }?.value == .number(0x1af4, bytes: 4))
        let of = try #require(module.deviceTables.first { $0.type == "of" })
        #expect(of.entries[1].aliases == ["of:NfxnodeTfx_type", "of:NfxnodeTfx_typeC*"])
        let input = try #require(module.deviceTables.first { $0.type == "input" })
        #expect(input.entries[0].aliases == ["input:b*v*p*e*-e*1,*k*14A,*r*a*m*l*s*f*w*"])
        let dmi = try #require(module.deviceTables.first { $0.type == "dmi" })
        #expect(dmi.entries[0].aliases == ["dmi*:svn*FixtureCorp.*:pn*FX1000Pro*:"])
    }

    @Test func duplicateEntriesShareTheirMatchKey() throws {
        let module = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/fx_devtab_dup.ko"))
        let pci = try #require(module.deviceTables.first { $0.symbol.variable == "fx_pci_ids" })
        #expect(pci.entries.count == 4)
        #expect(pci.entries[0].matchKey == pci.entries[2].matchKey)
        #expect(pci.entries[1].matchKey == pci.entries[3].matchKey)
        #expect(pci.entries[0].matchKey != pci.entries[1].matchKey)
        #expect(pci.entries[3].fields.first { $0.name == "driver_data" }?.value == .number(1, bytes: 8))
    }

    @Test func tablesModpostRefusesAreReportedNotDecoded() throws {
        let badSize = try ModuleObject.load(path: Fixtures.path("devtables/fx_devtab_badsize.ko"))
        let table = try #require(badSize.deviceTables.first { $0.type == "pci" })
        #expect(table.status == .sizeMismatch(entrySize: 40))
        #expect(table.entries.isEmpty && table.size == 100)
        let unterminated = try ModuleObject.load(path: Fixtures.path("devtables/fx_devtab_unterminated.ko"))
        let open = try #require(unterminated.deviceTables.first { $0.type == "pci" })
        #expect(open.status == .unterminated(entrySize: 40))
        #expect(open.entries.map(\.aliases) == [["pci:v00008086d00001234sv*sd*bc*sc*i*"]])
    }
}

/// Hostile st_size and st_value of a device-table symbol: reported, never read out of bounds.
@Suite struct DeviceTableHostileTests {
    static func patched(_ name: String, field: Int, value: UInt64) throws -> String {
        let source = Fixtures.path("linux-6.1-amd64/fx_devtab_rival.ko")
        let module = try ModuleObject.load(path: source)
        let symtab = try #require(module.sections.first { $0.type == Section.typeSymtab })
        let symbol = try #require(module.symbols.first { $0.name == "__mod_pci__fx_rival_pci_ids_device_table" })
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source)))
        // Elf64_Sym: st_value at 8, st_size at 16.
        let at = Int(symtab.offset) + symbol.index * 24 + field
        for i in 0..<8 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> UInt64(8 * i)) }
        let path = try Fixtures.scratchDirectory("devtable-\(name)") + "/fx_devtab_rival.ko"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [("size-huge", 16, UInt64.max), ("size-past-section", 16, 1 << 20), ("value-huge", 8, UInt64.max - 8),
                      ("value-past-section", 8, 1 << 20)])
    func outOfSectionTablesAreNotDecoded(_ name: String, _ field: Int, _ value: UInt64) throws {
        let module = try ModuleObject.load(path: try Self.patched(name, field: field, value: value))
        let table = try #require(module.deviceTables.first { $0.type == "pci" })
        #expect(table.status == .outsideSection)
        #expect(table.entries.isEmpty && table.bytes.isEmpty)
    }

    @Test func anEmptyTableIsASizeMismatch() throws {
        let module = try ModuleObject.load(path: try Self.patched("size-zero", field: 16, value: 0))
        #expect(module.deviceTables.first { $0.type == "pci" }?.status == .sizeMismatch(entrySize: 40))
    }
}

@Suite struct DeviceTableKernelTests {
    @Test func vermagicGivesTheKernelVersion() {
        #expect(KernelVersion(vermagic: "6.1.0-50-amd64 SMP preempt mod_unload modversions ") == KernelVersion(6, 1))
        #expect(KernelVersion(vermagic: "6.14.2 SMP") == KernelVersion(6, 14, 2))
        #expect(KernelVersion(vermagic: "SMP 6.1") == nil)
    }

    /// A table of a kernel the layouts are not known for is reported, not guessed at.
    @Test func otherKernelsAreNotDecoded() {
        let section = Section(index: 1, name: ".rodata", type: Section.typeNobits, flags: Section.flagAlloc, address: 0, offset: 0,
                              size: 80, link: 0, info: 0, alignment: 8, entrySize: 0)
        let symbol = DeviceTableSymbol.parse("__mod_device_table__pci__ids")!
        let newer = DeviceTable(symbol: symbol, section: section, offset: 0, size: 80, contents: nil, wordSize: 8,
                                bigEndian: false, kernel: KernelVersion(8, 0))
        #expect(newer.status == .layoutUnknownForKernel("8.0"))
        let older = DeviceTable(symbol: symbol, section: section, offset: 0, size: 80, contents: nil, wordSize: 8,
                                bigEndian: false, kernel: KernelVersion(5, 10))
        #expect(older.status == .layoutUnknownForKernel("5.10"))
        // NOBITS tables read as zeros: one all-zero entry and the terminator.
        let same = DeviceTable(symbol: symbol, section: section, offset: 0, size: 80, contents: nil, wordSize: 8,
                               bigEndian: false, kernel: KernelVersion(6, 1))
        #expect(same.status == .decoded)
        #expect(same.entries.count == 1 && same.entries[0].isEmptySlot)
    }
}
