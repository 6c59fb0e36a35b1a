/// Why an entry produces no alias, or why a table cannot be decoded.
enum DerivationStop: Error {
    /// file2alias skips the entry (and warns): the note says why.
    case skipped(String)
    /// The generation's layout lacks a member the bus's derivation reads, or has it with
    /// another shape: the layout and the derivation disagree, nothing is guessed.
    case layout(String)
}

/// What a derivation knows of the kernel it derives for: the rules file2alias changed.
struct Derivation: Sendable {
    let kernel: KernelVersion

    /// 6.13's module_alias_printf drops an alias the module already has (6.1 writes every one).
    static let deduplicatingSince = KernelVersion(6, 13)
    var deduplicates: Bool { kernel >= Derivation.deduplicatingSince }
}

/// One device-table type file2alias knows: the name used in `MODULE_DEVICE_TABLE(<type>, …)`,
/// the struct, the first release whose file2alias handles it, and its `do_<bus>_entry`.
public struct DeviceIDType: Sendable {
    public let type: String
    public let structName: String
    /// The first release whose file2alias writes aliases for the type.
    public let since: KernelVersion
    let derive: @Sendable (Entry, Derivation) throws -> [String]

    init(_ type: String, _ structName: String, since: KernelVersion = KernelVersion(0, 0),
         _ derive: @escaping @Sendable (Entry, Derivation) throws -> [String]) {
        self.type = type
        self.structName = structName
        self.since = since
        self.derive = derive
    }

    /// Whether file2alias of `kernel` handles the type.
    public func handled(by kernel: KernelVersion) -> Bool { kernel.release >= since }

    /// The layout of the struct in the oldest generation that has it.
    public func layout(wordSize: Int) -> DeviceIDLayout? {
        DeviceIDLayouts.generations.lazy.compactMap { $0.layout(of: structName, wordSize: wordSize) }.first
    }

    public static func named(_ type: String) -> DeviceIDType? { byName[type] }

    static let byName: [String: DeviceIDType] = Dictionary(uniqueKeysWithValues: all.map { ($0.type, $0) })

    /// Device-table types some drivers declare but no file2alias handles (e.g. `tifm`,
    /// `memstick`, `spmi`, `apr`, `pci_epf`, `mcb`): their tables produce no alias.
    public static func isKnownToFile2alias(_ type: String) -> Bool { byName[type] != nil }

    typealias B = Modalias

    /// file2alias's devtable[], with the tables it walks itself (usb, of, pnp, pnp_card).
    public static let all: [DeviceIDType] = [
        DeviceIDType("usb", "usb_device_id", B.usb),
        DeviceIDType("of", "of_device_id", B.of),
        DeviceIDType("pnp", "pnp_device_id", B.pnp),
        DeviceIDType("pnp_card", "pnp_card_device_id", B.pnpCard),
        DeviceIDType("hid", "hid_device_id", B.hid),
        DeviceIDType("ieee1394", "ieee1394_device_id", B.ieee1394),
        DeviceIDType("pci", "pci_device_id", B.pci),
        DeviceIDType("ccw", "ccw_device_id", B.ccw),
        DeviceIDType("ap", "ap_device_id", B.ap),
        DeviceIDType("css", "css_device_id", B.css),
        DeviceIDType("serio", "serio_device_id", B.serio),
        DeviceIDType("acpi", "acpi_device_id", B.acpi),
        DeviceIDType("pcmcia", "pcmcia_device_id", B.pcmcia),
        DeviceIDType("vio", "vio_device_id", B.vio),
        DeviceIDType("input", "input_device_id", B.input),
        DeviceIDType("eisa", "eisa_device_id", B.eisa),
        DeviceIDType("parisc", "parisc_device_id", B.parisc),
        DeviceIDType("sdio", "sdio_device_id", B.sdio),
        DeviceIDType("ssb", "ssb_device_id", B.ssb),
        DeviceIDType("bcma", "bcma_device_id", B.bcma),
        DeviceIDType("virtio", "virtio_device_id", B.virtio),
        DeviceIDType("vmbus", "hv_vmbus_device_id", B.vmbus),
        DeviceIDType("rpmsg", "rpmsg_device_id", B.named("rpmsg:", "name")),
        DeviceIDType("i2c", "i2c_device_id", B.named("i2c:", "name")),
        DeviceIDType("i3c", "i3c_device_id", B.i3c),
        DeviceIDType("slim", "slim_device_id", since: KernelVersion(6, 13), B.slim),
        DeviceIDType("spi", "spi_device_id", B.named("spi:", "name")),
        DeviceIDType("dmi", "dmi_system_id", B.dmi),
        DeviceIDType("platform", "platform_device_id", B.named("platform:", "name")),
        DeviceIDType("mdio", "mdio_device_id", B.mdio),
        DeviceIDType("zorro", "zorro_device_id", B.zorro),
        DeviceIDType("isapnp", "isapnp_device_id", B.isapnp),
        DeviceIDType("ipack", "ipack_device_id", B.ipack),
        DeviceIDType("amba", "amba_id", B.amba),
        DeviceIDType("mipscdmm", "mips_cdmm_device_id", B.mipscdmm),
        DeviceIDType("x86cpu", "x86_cpu_id", B.x86cpu),
        DeviceIDType("cpu", "cpu_feature", B.cpu),
        DeviceIDType("mei", "mei_cl_device_id", B.mei),
        DeviceIDType("rapidio", "rio_device_id", B.rapidio),
        DeviceIDType("ulpi", "ulpi_device_id", B.ulpi),
        DeviceIDType("hdaudio", "hda_device_id", B.hdaudio),
        DeviceIDType("sdw", "sdw_device_id", B.sdw),
        DeviceIDType("fslmc", "fsl_mc_device_id", B.fslmc),
        DeviceIDType("tbsvc", "tb_service_id", B.tbsvc),
        DeviceIDType("typec", "typec_device_id", B.typec),
        DeviceIDType("tee", "tee_client_device_id", B.tee),
        DeviceIDType("wmi", "wmi_device_id", B.wmi),
        DeviceIDType("mhi", "mhi_device_id", B.named("mhi:", "chan")),
        DeviceIDType("mhi_ep", "mhi_device_id", B.named("mhi_ep:", "chan")),
        DeviceIDType("auxiliary", "auxiliary_device_id", B.named("auxiliary:", "name")),
        DeviceIDType("ssam", "ssam_device_id", B.ssam),
        DeviceIDType("dfl", "dfl_device_id", B.dfl),
        DeviceIDType("ishtp", "ishtp_device_id", B.ishtp),
        DeviceIDType("cdx", "cdx_device_id", since: KernelVersion(6, 4), B.cdx),
        DeviceIDType("vchiq", "vchiq_device_id", since: KernelVersion(6, 12), B.named("vchiq:", "name")),
        DeviceIDType("coreboot", "coreboot_device_id", since: KernelVersion(6, 12), B.coreboot),
    ]
}

/// Modalias strings exactly as `scripts/mod/file2alias.c` writes them into `MODULE_ALIAS()`
/// lines (reimplemented from its documented behaviour), one function per bus as its
/// `do_<bus>_entry`. Hex digits are upper case unless a type prints lower case; `*` stands
/// for a member the entry does not match on. Members are read through `Entry`, which throws
/// for a member the generation's layout lacks.
enum Modalias {
    typealias Derive = @Sendable (Entry, Derivation) throws -> [String]

    /// The aliases of one entry, and a note when file2alias warns about it or skips it.
    /// `previous` holds the entries before it in the same table (pnp_card de-duplicates).
    static func aliases(type: DeviceIDType, entry: Entry, kernel: KernelVersion) throws -> ([String], String?) {
        do {
            return (try type.derive(entry, Derivation(kernel: kernel)), nil)
        } catch DerivationStop.skipped(let note) {
            return ([], note)
        }
    }

    // MARK: one alias built field by field

    static func hid(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "hid:"
        try add(&a, "b", e.u("bus") != 0xffff, e, "bus")
        try add(&a, "g", e.u("group") != 0, e, "group")
        try add(&a, "v", e.u("vendor") != 0xffff_ffff, e, "vendor")
        try add(&a, "p", e.u("product") != 0xffff_ffff, e, "product")
        return [a]
    }

    static func ieee1394(_ e: Entry, _ d: Derivation) throws -> [String] {
        let flags = try e.u("match_flags")
        var a = "ieee1394:"
        try add(&a, "ven", flags & 0x1 != 0, e, "vendor_id")
        try add(&a, "mo", flags & 0x2 != 0, e, "model_id")
        try add(&a, "sp", flags & 0x4 != 0, e, "specifier_id")
        try add(&a, "ver", flags & 0x8 != 0, e, "version")
        return [wildcarded(a)]
    }

    static func pci(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a: String
        switch try e.u("override_only") {
        case 0: a = "pci:"
        case 1: a = "vfio_pci:"
        case let other: throw DerivationStop.skipped("Unknown PCI driver_override alias \(hex(other, digits: 8))")
        }
        let any: UInt64 = 0xffff_ffff
        try add(&a, "v", e.u("vendor") != any, e, "vendor")
        try add(&a, "d", e.u("device") != any, e, "device")
        try add(&a, "sv", e.u("subvendor") != any, e, "subvendor")
        try add(&a, "sd", e.u("subdevice") != any, e, "subdevice")
        let cls = try e.u("class"), mask = try e.u("class_mask")
        let parts = [(cls >> 16 & 0xff, mask >> 16 & 0xff), (cls >> 8 & 0xff, mask >> 8 & 0xff), (cls & 0xff, mask & 0xff)]
        if parts.contains(where: { $0.1 != 0 && $0.1 != 0xff }) {
            throw DerivationStop.skipped("Can't handle masks in class_mask \(hex(mask, digits: 4)): file2alias writes no alias")
        }
        for ((value, byteMask), sep) in zip(parts, ["bc", "sc", "i"]) {
            a += sep + (byteMask == 0xff ? hex(value, digits: 2) : "*")
        }
        return [wildcarded(a)]
    }

    /// cdx (6.4): pci's shape with 16-bit ids, `vfio_cdx:` for override-only entries, and
    /// the class as one 24-bit match (`c`) where the struct has it.
    static func cdx(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a: String
        switch try e.u("override_only") {
        case 0: a = "cdx:"
        case 1: a = "vfio_cdx:"
        case let other: throw DerivationStop.skipped("Unknown CDX driver_override alias \(hex(other, digits: 8))")
        }
        let any: UInt64 = 0xffff
        try add(&a, "v", e.u("vendor") != any, e, "vendor")
        try add(&a, "d", e.u("device") != any, e, "device")
        try add(&a, "sv", e.u("subvendor") != any, e, "subvendor")
        try add(&a, "sd", e.u("subdevice") != any, e, "subdevice")
        if e.has("class") {
            try add(&a, "c", e.u("class_mask") == 0xff_ffff, e, "class")
        }
        return [a]
    }

    static func ccw(_ e: Entry, _ d: Derivation) throws -> [String] {
        let flags = try e.u("match_flags")
        var a = "ccw:"
        try add(&a, "t", flags & 0x1 != 0, e, "cu_type")
        try add(&a, "m", flags & 0x2 != 0, e, "cu_model")
        try add(&a, "dt", flags & 0x4 != 0, e, "dev_type")
        try add(&a, "dm", flags & 0x8 != 0, e, "dev_model")
        return [wildcarded(a)]
    }

    static func ap(_ e: Entry, _ d: Derivation) throws -> [String] {
        ["ap:t" + hex(try e.u("dev_type"), digits: 2) + "*"]
    }

    static func css(_ e: Entry, _ d: Derivation) throws -> [String] {
        ["css:t" + hex(try e.u("type"), digits: 1)]
    }

    static func serio(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "serio:"
        try add(&a, "ty", e.u("type") != 0xff, e, "type")
        try add(&a, "pr", e.u("proto") != 0xff, e, "proto")
        try add(&a, "id", e.u("id") != 0xff, e, "id")
        try add(&a, "ex", e.u("extra") != 0xff, e, "extra")
        return [wildcarded(a)]
    }

    static func acpi(_ e: Entry, _ d: Derivation) throws -> [String] {
        let id = try e.string("id")
        if !id.isEmpty { return ["acpi*:\(id):*"] }
        // Class-code entries: lower-case hex, "??" for a byte the mask leaves out.
        var a = "acpi*:"
        let cls = try e.u("cls"), mask = try e.u("cls_msk")
        for shift in [16, 8, 0] {
            a += (mask >> UInt64(shift)) & 0xff != 0 ? hex((cls >> UInt64(shift)) & 0xff, digits: 2, uppercase: false) : "??"
        }
        return [a + ":*"]
    }

    static func pcmcia(_ e: Entry, _ d: Derivation) throws -> [String] {
        let flags = try e.u("match_flags")
        var a = "pcmcia:"
        try add(&a, "m", flags & 0x1 != 0, e, "manf_id")
        try add(&a, "c", flags & 0x2 != 0, e, "card_id")
        try add(&a, "f", flags & 0x4 != 0, e, "func_id")
        try add(&a, "fn", flags & 0x8 != 0, e, "function")
        try add(&a, "pfn", flags & 0x100 != 0, e, "device_no")
        let hashes = try e.elements("prod_id_hash", size: 4)
        for (i, sep) in ["pa", "pb", "pc", "pd"].enumerated() {
            a += sep + (flags & (0x10 << UInt64(i)) != 0 && i < hashes.count ? hex(hashes[i], digits: 8) : "*")
        }
        return [wildcarded(a)]
    }

    static func vio(_ e: Entry, _ d: Derivation) throws -> [String] {
        let type = try e.string("type"), compat = try e.string("compat")
        return [wildcarded(spacesToUnderscores("vio:T\(type.isEmpty ? "*" : type)S\(compat.isEmpty ? "*" : compat)"))]
    }

    static func eisa(_ e: Entry, _ d: Derivation) throws -> [String] {
        let sig = try e.string("sig")
        // With an empty signature file2alias appends "*" to a buffer it never cleared.
        guard !sig.isEmpty else { throw DerivationStop.skipped("empty EISA signature: file2alias writes an undefined alias") }
        return ["eisa:s\(sig)*"]
    }

    static func parisc(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "parisc:"
        try add(&a, "t", e.u("hw_type") != 0xff, e, "hw_type")
        try add(&a, "hv", e.u("hversion") != 0xffff, e, "hversion")
        try add(&a, "rev", e.u("hversion_rev") != 0xff, e, "hversion_rev")
        try add(&a, "sv", e.u("sversion") != 0xffff_ffff, e, "sversion")
        return [wildcarded(a)]
    }

    static func sdio(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "sdio:"
        try add(&a, "c", e.u("class") != 0xff, e, "class")
        try add(&a, "v", e.u("vendor") != 0xffff, e, "vendor")
        try add(&a, "d", e.u("device") != 0xffff, e, "device")
        return [wildcarded(a)]
    }

    static func ssb(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "ssb:"
        try add(&a, "v", e.u("vendor") != 0xffff, e, "vendor")
        try add(&a, "id", e.u("coreid") != 0xffff, e, "coreid")
        try add(&a, "rev", e.u("revision") != 0xff, e, "revision")
        return [wildcarded(a)]
    }

    static func bcma(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "bcma:"
        try add(&a, "m", e.u("manuf") != 0xffff, e, "manuf")
        try add(&a, "id", e.u("id") != 0xffff, e, "id")
        try add(&a, "rev", e.u("rev") != 0xff, e, "rev")
        try add(&a, "cl", e.u("class") != 0xff, e, "class")
        return [wildcarded(a)]
    }

    static func virtio(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "virtio:"
        try add(&a, "d", e.u("device") != 0xffff_ffff, e, "device")
        try add(&a, "v", e.u("vendor") != 0xffff_ffff, e, "vendor")
        return [wildcarded(a)]
    }

    static func vmbus(_ e: Entry, _ d: Derivation) throws -> [String] {
        ["vmbus:" + (try e.bytes("guid")).map { hex(UInt64($0), digits: 2, uppercase: false) }.joined()]
    }

    /// `<prefix><name>`: rpmsg, i2c, spi, platform, auxiliary, mhi, mhi_ep, vchiq.
    static func named(_ prefix: String, _ member: String) -> Derive {
        { e, _ in [prefix + (try e.string(member))] }
    }

    static func i3c(_ e: Entry, _ d: Derivation) throws -> [String] {
        let flags = try e.u("match_flags")
        var a = "i3c:"
        try add(&a, "dcr", flags & 0x1 != 0, e, "dcr")
        try add(&a, "manuf", flags & 0x2 != 0, e, "manuf_id")
        try add(&a, "part", flags & 0x4 != 0, e, "part_id")
        try add(&a, "ext", flags & 0x8 != 0, e, "extra_info")
        return [a]
    }

    /// slim (6.13): manufacturer and product code in lower-case hex without padding.
    static func slim(_ e: Entry, _ d: Derivation) throws -> [String] {
        ["slim:" + hex(try e.u("manf_id"), digits: 1, uppercase: false) + ":" + hex(try e.u("prod_code"), digits: 1, uppercase: false) + ":*"]
    }

    static func mdio(_ e: Entry, _ d: Derivation) throws -> [String] {
        let id = try e.u("phy_id"), mask = try e.u("phy_id_mask")
        return ["mdio:" + String((0..<32).map { i -> Character in
            let bit = UInt64(31 - i)
            return (mask >> bit) & 1 == 0 ? "?" : ((id >> bit) & 1 == 1 ? "1" : "0")
        })]
    }

    static func zorro(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "zorro:"
        try add(&a, "i", e.u("id") != 0xffff_ffff, e, "id")
        return [a]
    }

    static func isapnp(_ e: Entry, _ d: Derivation) throws -> [String] {
        let vendor = try e.u("vendor"), function = try e.u("function")
        func letter(_ v: UInt64) -> Character { Character(Unicode.Scalar(UInt8(truncatingIfNeeded: 0x41 &+ v &- 1))) }
        var a = "pnp:d" + String([letter((vendor >> 2) & 0x3f), letter(((vendor & 3) << 3) | ((vendor >> 13) & 7)), letter((vendor >> 8) & 0x1f)])
        for nibble in [(function >> 4) & 0xf, function & 0xf, (function >> 12) & 0xf, (function >> 8) & 0xf] {
            a += hex(nibble, digits: 1, uppercase: false)
        }
        return [a + "*"]
    }

    static func ipack(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "ipack:"
        try add(&a, "f", e.u("format") != 0xff, e, "format")
        try add(&a, "v", e.u("vendor") != 0xffff_ffff, e, "vendor")
        try add(&a, "d", e.u("device") != 0xffff_ffff, e, "device")
        return [wildcarded(a)]
    }

    static func amba(_ e: Entry, _ d: Derivation) throws -> [String] {
        let id = try e.u("id"), mask = try e.u("mask")
        guard id & mask == id else {
            throw DerivationStop.skipped("Masked-off bit(s) of AMBA device ID are non-zero: id=0x\(hex(id, digits: 8)), mask=0x\(hex(mask, digits: 8)) (modpost stops)")
        }
        var a = "amba:d"
        for digit in 0..<8 {
            let shift = UInt64(4 * (7 - digit))
            let nibble = (id >> shift) & 0xf, nibbleMask = (mask >> shift) & 0xf
            switch nibbleMask {
            case 0: a += "?"
            case 0xf: a += hex(nibble, digits: 1)
            default: a += "[" + (0..<UInt64(16)).filter { $0 & nibbleMask == nibble }.map { hex($0, digits: 1) }.joined() + "]"
            }
        }
        return [a]
    }

    static func mipscdmm(_ e: Entry, _ d: Derivation) throws -> [String] {
        ["mipscdmm:t" + hex(try e.u("type"), digits: 2) + "*"]
    }

    static func x86cpu(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "cpu:type:x86,"
        try add(&a, "ven", e.u("vendor") != 0xffff, e, "vendor")
        try add(&a, "fam", e.u("family") != 0, e, "family")
        try add(&a, "mod", e.u("model") != 0, e, "model")
        a += ":feature:*"
        let feature = try e.u("feature")
        if feature != 0 { a += hex(feature, digits: 4) + "*" }
        return [a]
    }

    static func cpu(_ e: Entry, _ d: Derivation) throws -> [String] {
        ["cpu:type:*:feature:*" + hex(try e.u("feature"), digits: 4) + "*"]
    }

    static func mei(_ e: Entry, _ d: Derivation) throws -> [String] {
        let name = try e.string("name")
        var a = "mei:" + (name.isEmpty ? "*" : name) + ":" + uuid(try e.bytes("uuid"), order: [3, 2, 1, 0, 5, 4, 7, 6], uppercase: false)
        try add(&a, ":", e.u("version") != 0xff, e, "version")
        return [a + ":*"]
    }

    static func rapidio(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "rapidio:"
        try add(&a, "v", e.u("vid") != 0xffff, e, "vid")
        try add(&a, "d", e.u("did") != 0xffff, e, "did")
        try add(&a, "av", e.u("asm_vid") != 0xffff, e, "asm_vid")
        try add(&a, "ad", e.u("asm_did") != 0xffff, e, "asm_did")
        return [wildcarded(a)]
    }

    static func ulpi(_ e: Entry, _ d: Derivation) throws -> [String] {
        ["ulpi:v" + hex(try e.u("vendor"), digits: 4, uppercase: false) + "p" + hex(try e.u("product"), digits: 4, uppercase: false)]
    }

    static func hdaudio(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "hdaudio:"
        try add(&a, "v", e.u("vendor_id") != 0, e, "vendor_id")
        try add(&a, "r", e.u("rev_id") != 0, e, "rev_id")
        try add(&a, "a", e.u("api_version") != 0, e, "api_version")
        return [wildcarded(a)]
    }

    static func sdw(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "sdw:"
        try add(&a, "m", e.u("mfg_id") != 0, e, "mfg_id")
        try add(&a, "p", e.u("part_id") != 0, e, "part_id")
        try add(&a, "v", e.u("sdw_version") != 0, e, "sdw_version")
        try add(&a, "c", e.u("class_id") != 0, e, "class_id")
        return [wildcarded(a)]
    }

    static func fslmc(_ e: Entry, _ d: Derivation) throws -> [String] {
        ["fsl-mc:v" + hex(try e.u("vendor"), digits: 8) + "d" + (try e.string("obj_type"))]
    }

    static func tbsvc(_ e: Entry, _ d: Derivation) throws -> [String] {
        let flags = try e.u("match_flags")
        var a = "tbsvc:" + (flags & 0x1 != 0 ? "k" + (try e.string("protocol_key")) : "k*")
        try add(&a, "p", flags & 0x2 != 0, e, "protocol_id")
        try add(&a, "v", flags & 0x4 != 0, e, "protocol_version")
        try add(&a, "r", flags & 0x8 != 0, e, "protocol_revision")
        return [wildcarded(a)]
    }

    /// typec: the SVID, and up to 6.x the mode unless it is TYPEC_ANY_MODE; later file2alias
    /// writes the SVID alone (the member stays in the struct).
    static func typec(_ e: Entry, _ d: Derivation) throws -> [String] {
        var a = "typec:id" + hex(try e.u("svid"), digits: 4)
        if d.kernel < typecWithoutModeSince { try add(&a, "m", e.u("mode") != 0x7, e, "mode") }
        return [a]
    }

    static let typecWithoutModeSince = KernelVersion(6, 13)

    static func tee(_ e: Entry, _ d: Derivation) throws -> [String] {
        [wildcarded("tee:" + uuid(try e.bytes("uuid"), order: Array(0..<8), uppercase: false))]
    }

    static func wmi(_ e: Entry, _ d: Derivation) throws -> [String] {
        let guid = try e.string("guid_string")
        guard guid.utf8.count == 36 else { throw DerivationStop.skipped("Invalid WMI device id 'wmi:\(guid)': file2alias writes no alias") }
        return ["wmi:" + (d.kernel >= wmiUppercaseSince ? asciiUppercase(guid) : guid)]
    }

    /// 7.2's file2alias writes the GUID in upper case (sid's huawei-wmi declares
    /// "…-40fa-…" and its .modinfo says "…-40FA-…"); 6.12's copies it as declared. Where in
    /// between it changed is not known: releases between the two are derived as 6.12 did.
    static let wmiUppercaseSince = KernelVersion(7, 2)

    static func ishtp(_ e: Entry, _ d: Derivation) throws -> [String] {
        ["ishtp:{" + uuid(try e.bytes("guid"), order: [3, 2, 1, 0, 5, 4, 7, 6], uppercase: true) + "}"]
    }

    static func ssam(_ e: Entry, _ d: Derivation) throws -> [String] {
        let flags = try e.u("match_flags")
        var a = "ssam:d" + hex(try e.u("domain"), digits: 2) + "c" + hex(try e.u("category"), digits: 2)
        try add(&a, "t", flags & 0x1 != 0, e, "target")
        try add(&a, "i", flags & 0x2 != 0, e, "instance")
        try add(&a, "f", flags & 0x4 != 0, e, "function")
        return [a]
    }

    static func dfl(_ e: Entry, _ d: Derivation) throws -> [String] {
        [wildcarded("dfl:t" + hex(try e.u("type"), digits: 4) + "f" + hex(try e.u("feature_id"), digits: 4))]
    }

    /// coreboot (6.12): the table tag as 8 upper-case hex digits.
    static func coreboot(_ e: Entry, _ d: Derivation) throws -> [String] {
        ["coreboot:t" + hex(try e.u("tag"), digits: 8)]
    }

    // MARK: helpers

    /// The ADD macro: separator, then the member in hex at its C width, or `*`.
    static func add(_ alias: inout String, _ separator: String, _ matched: Bool, _ e: Entry, _ field: String) throws {
        alias += separator
        alias += matched ? try e.hexField(field) : "*"
    }

    /// add_wildcard: end in `*` unless the alias already does.
    static func wildcarded(_ alias: String) -> String {
        alias.last == "*" ? alias : alias + "*"
    }

    /// isspace() of the C locale, turned into `_`.
    static func spacesToUnderscores(_ text: String) -> String {
        String(text.map { " \t\n\u{0B}\u{0C}\r".contains($0) ? "_" : $0 })
    }

    /// The 16 bytes of a uuid as 8-4-4-4-12 hex; `order` gives the byte order of the first
    /// eight bytes (uuid_le/guid_t swap the first three groups), the rest print in order.
    static func uuid(_ b: [UInt8], order: [Int], uppercase: Bool) -> String {
        guard b.count == 16 else { return "" }
        let bytes = order.map { b[$0] } + b[8...]
        let digits = bytes.map { hex(UInt64($0), digits: 2, uppercase: uppercase) }
        return digits[0..<4].joined() + "-" + digits[4..<6].joined() + "-" + digits[6..<8].joined() + "-"
            + digits[8..<10].joined() + "-" + digits[10..<16].joined()
    }

    // MARK: types with their own table walk in file2alias

    static func of(_ e: Entry, _ d: Derivation) throws -> [String] {
        let name = try e.string("name"), type = try e.string("type"), compatible = try e.string("compatible")
        var alias = "of:N\(name.isEmpty ? "*" : name)T\(type.isEmpty ? "*" : type)"
        if !compatible.isEmpty { alias += (type.isEmpty ? "" : "*") + "C" + compatible }
        alias = spacesToUnderscores(alias)
        return [alias, wildcarded(alias + "C")]
    }

    static func pnp(_ e: Entry, _ d: Derivation) throws -> [String] {
        pnpAliases(try e.string("id"))
    }

    static func pnpAliases(_ id: String) -> [String] {
        ["pnp:d\(id)*", "acpi*:\(asciiUppercase(id)):*"]
    }

    static func asciiUppercase(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x61 && $0 <= 0x7a ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    static func pnpCardDevices(_ e: Entry) throws -> [String] {
        var ids: [String] = []
        for device in try e.elementBytes("devs") {
            let id = cString(device)
            if id.isEmpty { break }
            ids.append(id)
        }
        return ids
    }

    /// Every device id of every card, each once per table (the first card that names it;
    /// from 6.13 the module-wide de-duplication does the same).
    static func pnpCard(_ e: Entry, _ d: Derivation) throws -> [String] {
        let earlier = Set(try e.previous.flatMap(pnpCardDevices))
        return try pnpCardDevices(e).filter { !earlier.contains($0) }.flatMap(pnpAliases)
    }

    /// USB entries with a bcdDevice range become one alias per fnmatch pattern that covers
    /// part of the range, digit by digit from the least significant one (BCD-aware).
    static func usb(_ e: Entry, _ d: Derivation) throws -> [String] {
        let flags = try e.u("match_flags")
        var devlo: UInt32 = flags & 0x4 != 0 ? UInt32(try e.u("bcdDevice_lo")) : 0
        var devhi: UInt32 = flags & 0x8 != 0 ? UInt32(try e.u("bcdDevice_hi")) : ~0
        var maxDigit: UInt32 = 0x9
        for digit in 0..<4 {
            let lo = (devlo >> UInt32(digit * 4)) & 0xf
            let hi = ((devhi > 0x9999 ? 0x9999 : devhi) >> UInt32(digit * 4)) & 0xf
            if lo > maxDigit || hi > maxDigit { maxDigit = 0xf; break }
        }
        // Empty slots filled in at run time (usb-serial "generic" ids) produce no alias.
        if try e.u("idVendor") | e.u("idProduct") | e.u("bDeviceClass") | e.u("bInterfaceClass") == 0 { return [] }
        var result: [String] = []
        var ndigits = 3
        while devlo <= devhi {
            let clo = devlo & 0xf
            let chi = min(devhi & 0xf, maxDigit)
            devlo >>= 4
            devhi >>= 4
            if devlo == devhi || ndigits == 0 {
                result.append(try usbEntry(e, flags: flags, initial: devlo, digits: ndigits, lo: clo, hi: chi, max: maxDigit))
                break
            }
            if clo > 0 {
                result.append(try usbEntry(e, flags: flags, initial: incrementBCD(&devlo, by: 1, max: maxDigit), digits: ndigits, lo: clo, hi: maxDigit, max: maxDigit))
            }
            if chi < maxDigit {
                result.append(try usbEntry(e, flags: flags, initial: incrementBCD(&devhi, by: -1, max: maxDigit), digits: ndigits, lo: 0, hi: chi, max: maxDigit))
            }
            ndigits -= 1
        }
        return result
    }

    /// incbcd: adds `by` to a 4-digit BCD (or, when `max` > 9, plain hex) number; returns the
    /// value before.
    static func incrementBCD(_ bcd: inout UInt32, by increment: Int, max: UInt32) -> UInt32 {
        let initial = bcd
        if max > 0x9 {
            bcd = bcd &+ UInt32(bitPattern: Int32(increment))
            return initial
        }
        var decimal: UInt64 = 0
        var scale: UInt64 = 1
        for i in 0..<4 {
            decimal += UInt64(Swift.min((bcd >> UInt32(i * 4)) & 0xf, 9)) * scale
            scale *= 10
        }
        decimal = decimal &+ UInt64(bitPattern: Int64(increment))
        var result: UInt32 = 0
        scale = 1
        for i in 0..<4 {
            result += UInt32((decimal / scale) % 10) << UInt32(i * 4)
            scale *= 10
        }
        bcd = result
        return initial
    }

    static func usbEntry(_ e: Entry, flags: UInt64, initial: UInt32, digits: Int, lo: UInt32, hi: UInt32, max: UInt32) throws -> String {
        var a = "usb:"
        try add(&a, "v", flags & 0x1 != 0, e, "idVendor")
        try add(&a, "p", flags & 0x2 != 0, e, "idProduct")
        a += "d"
        if digits > 0 { a += hex(UInt64(initial), digits: digits) }
        if lo == hi {
            a += hex(UInt64(lo), digits: 1)
        } else if lo > 0 || hi < max {
            if lo > 0x9 || hi < 0xa {
                a += "[\(hex(UInt64(lo), digits: 1))-\(hex(UInt64(hi), digits: 1))]"
            } else {
                a += lo < 0x9 ? "[\(hex(UInt64(lo), digits: 1))-9" : "[\(hex(UInt64(lo), digits: 1))"
                a += hi > 0xa ? "A-\(hex(UInt64(hi), digits: 1))]" : "\(hex(UInt64(hi), digits: 1))]"
            }
        }
        if digits < 3 { a += "*" }
        try add(&a, "dc", flags & 0x10 != 0, e, "bDeviceClass")
        try add(&a, "dsc", flags & 0x20 != 0, e, "bDeviceSubClass")
        try add(&a, "dp", flags & 0x40 != 0, e, "bDeviceProtocol")
        try add(&a, "ic", flags & 0x80 != 0, e, "bInterfaceClass")
        try add(&a, "isc", flags & 0x100 != 0, e, "bInterfaceSubClass")
        try add(&a, "ip", flags & 0x200 != 0, e, "bInterfaceProtocol")
        try add(&a, "in", flags & 0x400 != 0, e, "bInterfaceNumber")
        return wildcarded(a)
    }

    // MARK: input and dmi

    /// Bits set in a bitmap from `min` up to (not including) `max`, each as "%X,*".
    static func bits(_ words: [UInt64], wordBits: Int, from min: Int, to max: Int) -> String {
        var out = ""
        for bit in min..<max where bit / wordBits < words.count && (words[bit / wordBits] >> UInt64(bit % wordBits)) & 1 == 1 {
            out += hex(UInt64(bit), digits: 1) + ",*"
        }
        return out
    }

    /// The input maps in file2alias's order: (marker, member, match flag, first bit, last bit).
    /// The bounds are the header's INPUT_DEVICE_ID_*_MAX of the generation (SW_MAX grew in 7.x);
    /// 6.1's do_input stops before the last bit, 6.13's includes it.
    static func input(_ e: Entry, _ d: Derivation) throws -> [String] {
        let flags = try e.u("flags")
        var a = "input:"
        try add(&a, "b", flags & 0x1 != 0, e, "bustype")
        try add(&a, "v", flags & 0x2 != 0, e, "vendor")
        try add(&a, "p", flags & 0x4 != 0, e, "product")
        try add(&a, "e", flags & 0x8 != 0, e, "version")
        let maps: [(String, String, UInt64, String)] = [
            ("-e*", "evbit", 0x10, "EV"), ("k*", "keybit", 0x20, "KEY"), ("r*", "relbit", 0x40, "REL"),
            ("a*", "absbit", 0x80, "ABS"), ("m*", "mscbit", 0x100, "MSC"), ("l*", "ledbit", 0x200, "LED"),
            ("s*", "sndbit", 0x400, "SND"), ("f*", "ffbit", 0x800, "FF"), ("w*", "swbit", 0x1000, "SW"),
        ]
        let inclusive = d.kernel >= inputLastBitSince
        for (marker, member, flag, name) in maps {
            a += marker
            guard flags & flag != 0 else { continue }
            let first = name == "KEY" ? try e.constant("INPUT_DEVICE_ID_KEY_MIN_INTERESTING") : 0
            let last = try e.constant("INPUT_DEVICE_ID_\(name)_MAX")
            a += bits(try e.elements(member, size: e.layout.wordSize), wordBits: e.layout.wordSize * 8,
                      from: first, to: inclusive ? last + 1 : last)
        }
        return [a]
    }

    static let inputLastBitSince = KernelVersion(6, 13)

    /// The DMI fields file2alias knows, in its order, by their `enum dmi_field` name.
    static let dmiFields: [(String, String)] = [
        ("bvn", "BIOS_VENDOR"), ("bvr", "BIOS_VERSION"), ("bd", "BIOS_DATE"), ("br", "BIOS_RELEASE"),
        ("efr", "EC_FIRMWARE_RELEASE"), ("svn", "SYS_VENDOR"), ("pn", "PRODUCT_NAME"), ("pvr", "PRODUCT_VERSION"),
        ("rvn", "BOARD_VENDOR"), ("rn", "BOARD_NAME"), ("rvr", "BOARD_VERSION"), ("cvn", "CHASSIS_VENDOR"),
        ("ct", "CHASSIS_TYPE"), ("cvr", "CHASSIS_VERSION"),
    ]

    static func dmi(_ e: Entry, _ d: Derivation) throws -> [String] {
        let matches = try e.elementBytes("matches")
        var a = "dmi*"
        for (prefix, name) in dmiFields {
            let field = try e.constant("DMI_" + name)
            for match in matches where match.count >= 2 {
                let first = match[match.startIndex]
                // `unsigned char slot:7, exact_match:1`: GCC puts the first bit-field in the low
                // bits on little-endian targets and in the high bits on big-endian ones.
                let slot = Int(e.bigEndian ? first >> 1 : first & 0x7f)
                guard slot != 0, slot == field else { continue }
                let text = match.dropFirst().prefix { $0 != 0 }
                let kept = text.filter { $0 > 0x20 && $0 < 127 && $0 != UInt8(ascii: ":") }
                a += ":\(prefix)*" + String(decoding: kept, as: UTF8.self) + "*"
            }
        }
        return [a + ":"]
    }
}
