/// One member of a `struct *_device_id` as `include/linux/mod_devicetable.h` declares it.
public struct DeviceIDField: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case u8, u16, u32
        /// `kernel_ulong_t`: 8 bytes on 64-bit targets, 4 on 32-bit ones.
        case ulong
        /// A pointer (`const void *data`, `const char *name`): word-sized, filled by a relocation.
        case pointer
        /// `char name[n]`: a NUL-terminated string inside a fixed field.
        case chars(Int)
        /// Bytes without an integer meaning (GUIDs, `dmi_strmatch[4]`, `pnp_card` devs).
        case bytes(Int)
        /// `__u32 name[n]`.
        case u32s(Int)
        /// A bitmap of `kernel_ulong_t` words holding bits `0...maxBit`: `maxBit / BITS_PER_LONG + 1` words.
        case bitmap(maxBit: Int)
    }

    public let name: String
    public let kind: Kind
    /// driver_data, driver_info, context, data pointers: what the driver gets back, never what
    /// the bus matches on. Two entries that differ only here are the same entry.
    public let isDriverData: Bool

    public init(_ name: String, _ kind: Kind, driverData: Bool = false) {
        self.name = name
        self.kind = kind
        self.isDriverData = driverData
    }

    func size(wordSize: Int) -> Int {
        switch kind {
        case .u8: return 1
        case .u16: return 2
        case .u32: return 4
        case .ulong, .pointer: return wordSize
        case .chars(let n), .bytes(let n): return n
        case .u32s(let n): return 4 * n
        case .bitmap(let maxBit): return wordSize * (maxBit / (wordSize * 8) + 1)
        }
    }

    func alignment(wordSize: Int) -> Int {
        switch kind {
        case .u8, .chars, .bytes: return 1
        case .u16: return 2
        case .u32, .u32s: return 4
        case .ulong, .pointer, .bitmap: return wordSize
        }
    }
}

/// A field placed at its offset for one word size.
public struct PlacedField: Sendable, Hashable {
    public let field: DeviceIDField
    public let offset: Int
    public let size: Int
}

/// The layout of one device-id struct for one target word size: natural alignment, as GCC
/// lays it out on every architecture Debian builds (m68k, which aligns `int` to 2, is not one).
/// This is what modpost's build-generated `devicetable-offsets.h` records as `OFF_*`/`SIZE_*`.
public struct DeviceIDLayout: Sendable, Hashable {
    public let wordSize: Int
    public let fields: [PlacedField]
    public let size: Int

    init(fields: [DeviceIDField], wordSize: Int) {
        var offset = 0
        var maxAlign = 1
        var placed: [PlacedField] = []
        for field in fields {
            let align = field.alignment(wordSize: wordSize)
            maxAlign = max(maxAlign, align)
            offset = (offset + align - 1) / align * align
            let size = field.size(wordSize: wordSize)
            placed.append(PlacedField(field: field, offset: offset, size: size))
            offset += size
        }
        self.wordSize = wordSize
        self.fields = placed
        self.size = (offset + maxAlign - 1) / maxAlign * maxAlign
    }

    public func field(_ name: String) -> PlacedField? { fields.first { $0.field.name == name } }
}

/// One device-table type file2alias knows: the name used in `MODULE_DEVICE_TABLE(<type>, …)`,
/// the struct and its members. `kernels` says which kernels the member list is right for.
public struct DeviceIDType: Sendable, Hashable {
    public let type: String
    public let structName: String
    public let kernels: String
    /// Modules of other kernels (by vermagic) are not decoded with this layout: their tables
    /// are reported as such. 6.1 is checked against Debian's trees; 5.15–6.13 share the
    /// file2alias and the member lists used here as far as known; 6.14 on changed some structs.
    public let validKernels: ClosedRange<KernelVersion>
    public let fields: [DeviceIDField]

    public init(_ type: String, _ structName: String, kernels: String = DeviceIDType.defaultKernels,
                valid: ClosedRange<KernelVersion> = DeviceIDType.defaultValidKernels, _ fields: [DeviceIDField]) {
        self.type = type
        self.structName = structName
        self.kernels = kernels
        self.validKernels = valid
        self.fields = fields
    }

    public static let defaultKernels = "6.1 (checked against Debian's 6.1 trees); assumed for 5.15–6.13"
    public static let defaultValidKernels = KernelVersion(5, 15)...KernelVersion(6, 13)

    public func layout(wordSize: Int) -> DeviceIDLayout { DeviceIDLayout(fields: fields, wordSize: wordSize) }

    /// The types of Linux 6.1's file2alias, by their `MODULE_DEVICE_TABLE` name.
    public static func named(_ type: String) -> DeviceIDType? { byName[type] }

    static let byName: [String: DeviceIDType] = Dictionary(uniqueKeysWithValues: all.map { ($0.type, $0) })

    /// Device-table types some drivers declare but file2alias of 6.1 does not handle: their
    /// tables produce no alias (e.g. `tifm`, `memstick`, `spmi`, `apr`, `pci_epf`, `mcb`).
    public static func isKnownToFile2alias(_ type: String) -> Bool { byName[type] != nil }

    typealias F = DeviceIDField

    // swiftlint:disable line_length
    public static let all: [DeviceIDType] = [
        DeviceIDType("pci", "pci_device_id", kernels: "5.15–6.13 (override_only added in 5.15; older structs are 8 bytes shorter on 64-bit)", [
            F("vendor", .u32), F("device", .u32), F("subvendor", .u32), F("subdevice", .u32), F("class", .u32),
            F("class_mask", .u32), F("driver_data", .ulong, driverData: true), F("override_only", .u32)]),
        DeviceIDType("usb", "usb_device_id", [
            F("match_flags", .u16), F("idVendor", .u16), F("idProduct", .u16), F("bcdDevice_lo", .u16), F("bcdDevice_hi", .u16),
            F("bDeviceClass", .u8), F("bDeviceSubClass", .u8), F("bDeviceProtocol", .u8), F("bInterfaceClass", .u8),
            F("bInterfaceSubClass", .u8), F("bInterfaceProtocol", .u8), F("bInterfaceNumber", .u8),
            F("driver_info", .ulong, driverData: true)]),
        DeviceIDType("hid", "hid_device_id", [
            F("bus", .u16), F("group", .u16), F("vendor", .u32), F("product", .u32), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("ieee1394", "ieee1394_device_id", [
            F("match_flags", .u32), F("vendor_id", .u32), F("model_id", .u32), F("specifier_id", .u32), F("version", .u32),
            F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("ccw", "ccw_device_id", [
            F("match_flags", .u16), F("cu_type", .u16), F("dev_type", .u16), F("cu_model", .u8), F("dev_model", .u8),
            F("driver_info", .ulong, driverData: true)]),
        DeviceIDType("ap", "ap_device_id", [F("match_flags", .u16), F("dev_type", .u8), F("driver_info", .ulong, driverData: true)]),
        DeviceIDType("css", "css_device_id", [F("match_flags", .u8), F("type", .u8), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("serio", "serio_device_id", [F("type", .u8), F("extra", .u8), F("id", .u8), F("proto", .u8)]),
        DeviceIDType("acpi", "acpi_device_id", [
            F("id", .chars(16)), F("driver_data", .ulong, driverData: true), F("cls", .u32), F("cls_msk", .u32)]),
        DeviceIDType("pnp", "pnp_device_id", [F("id", .chars(8)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("pnp_card", "pnp_card_device_id", [
            F("id", .chars(8)), F("driver_data", .ulong, driverData: true), F("devs", .bytes(8 * 8))]),
        DeviceIDType("pcmcia", "pcmcia_device_id", [
            F("match_flags", .u16), F("manf_id", .u16), F("card_id", .u16), F("func_id", .u8), F("function", .u8),
            F("device_no", .u8), F("prod_id_hash", .u32s(4)), F("prod_id_1", .pointer, driverData: true),
            F("prod_id_2", .pointer, driverData: true), F("prod_id_3", .pointer, driverData: true),
            F("prod_id_4", .pointer, driverData: true), F("driver_info", .ulong, driverData: true),
            F("cisfile", .pointer, driverData: true)]),
        DeviceIDType("vio", "vio_device_id", [F("type", .chars(32)), F("compat", .chars(32))]),
        DeviceIDType("input", "input_device_id", kernels: "4.x–6.13 (propbit present; bitmap sizes follow INPUT_DEVICE_ID_*_MAX)", [
            F("flags", .ulong), F("bustype", .u16), F("vendor", .u16), F("product", .u16), F("version", .u16),
            F("evbit", .bitmap(maxBit: 0x1f)), F("keybit", .bitmap(maxBit: 0x2ff)), F("relbit", .bitmap(maxBit: 0x0f)),
            F("absbit", .bitmap(maxBit: 0x3f)), F("mscbit", .bitmap(maxBit: 0x07)), F("ledbit", .bitmap(maxBit: 0x0f)),
            F("sndbit", .bitmap(maxBit: 0x07)), F("ffbit", .bitmap(maxBit: 0x7f)), F("swbit", .bitmap(maxBit: 0x10)),
            F("propbit", .bitmap(maxBit: 0x1f)), F("driver_info", .ulong, driverData: true)]),
        DeviceIDType("eisa", "eisa_device_id", [F("sig", .chars(8)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("parisc", "parisc_device_id", [F("hw_type", .u8), F("hversion_rev", .u8), F("hversion", .u16), F("sversion", .u32)]),
        DeviceIDType("sdio", "sdio_device_id", [
            F("class", .u8), F("vendor", .u16), F("device", .u16), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("ssb", "ssb_device_id", [F("vendor", .u16), F("coreid", .u16), F("revision", .u8)]),
        DeviceIDType("bcma", "bcma_device_id", [F("manuf", .u16), F("id", .u16), F("rev", .u8), F("class", .u8)]),
        DeviceIDType("virtio", "virtio_device_id", [F("device", .u32), F("vendor", .u32)]),
        DeviceIDType("vmbus", "hv_vmbus_device_id", [F("guid", .bytes(16)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("rpmsg", "rpmsg_device_id", [F("name", .chars(32)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("i2c", "i2c_device_id", [F("name", .chars(20)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("i3c", "i3c_device_id", [
            F("match_flags", .u8), F("dcr", .u8), F("manuf_id", .u16), F("part_id", .u16), F("extra_info", .u16),
            F("data", .pointer, driverData: true)]),
        DeviceIDType("spi", "spi_device_id", [F("name", .chars(32)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("dmi", "dmi_system_id", [
            F("callback", .pointer, driverData: true), F("ident", .pointer, driverData: true),
            F("matches", .bytes(4 * 80)), F("driver_data", .pointer, driverData: true)]),
        DeviceIDType("platform", "platform_device_id", [F("name", .chars(20)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("mdio", "mdio_device_id", [F("phy_id", .u32), F("phy_id_mask", .u32)]),
        DeviceIDType("zorro", "zorro_device_id", [F("id", .u32), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("isapnp", "isapnp_device_id", [
            F("card_vendor", .u16), F("card_device", .u16), F("vendor", .u16), F("function", .u16),
            F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("ipack", "ipack_device_id", [F("format", .u8), F("vendor", .u32), F("device", .u32)]),
        DeviceIDType("amba", "amba_id", [F("id", .u32), F("mask", .u32), F("data", .pointer, driverData: true)]),
        DeviceIDType("mipscdmm", "mips_cdmm_device_id", [F("type", .u8)]),
        DeviceIDType("x86cpu", "x86_cpu_id", kernels: "5.7–6.13 (flags member; ≈6.14 adds a u8 type, 32-bit size 16 → 20)", [
            F("vendor", .u16), F("family", .u16), F("model", .u16), F("steppings", .u16), F("feature", .u16), F("flags", .u16),
            F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("cpu", "cpu_feature", [F("feature", .u16)]),
        DeviceIDType("mei", "mei_cl_device_id", [
            F("name", .chars(32)), F("uuid", .bytes(16)), F("version", .u8), F("driver_info", .ulong, driverData: true)]),
        DeviceIDType("rapidio", "rio_device_id", [F("did", .u16), F("vid", .u16), F("asm_did", .u16), F("asm_vid", .u16)]),
        DeviceIDType("ulpi", "ulpi_device_id", [F("vendor", .u16), F("product", .u16), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("hdaudio", "hda_device_id", [
            F("vendor_id", .u32), F("rev_id", .u32), F("api_version", .u8), F("name", .pointer, driverData: true),
            F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("sdw", "sdw_device_id", [
            F("mfg_id", .u16), F("part_id", .u16), F("sdw_version", .u8), F("class_id", .u8),
            F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("fslmc", "fsl_mc_device_id", [F("vendor", .u16), F("obj_type", .chars(16))]),
        DeviceIDType("tbsvc", "tb_service_id", [
            F("match_flags", .u32), F("protocol_key", .chars(9)), F("protocol_id", .u32), F("protocol_version", .u32),
            F("protocol_revision", .u32), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("typec", "typec_device_id", [F("svid", .u16), F("mode", .u8), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("tee", "tee_client_device_id", [F("uuid", .bytes(16))]),
        DeviceIDType("wmi", "wmi_device_id", [F("guid_string", .chars(37)), F("context", .pointer, driverData: true)]),
        DeviceIDType("mhi", "mhi_device_id", [F("chan", .chars(32)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("mhi_ep", "mhi_device_id", [F("chan", .chars(32)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("auxiliary", "auxiliary_device_id", [F("name", .chars(32)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("ssam", "ssam_device_id", [
            F("match_flags", .u8), F("domain", .u8), F("category", .u8), F("target", .u8), F("instance", .u8),
            F("function", .u8), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("dfl", "dfl_device_id", [F("type", .u16), F("feature_id", .u16), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("ishtp", "ishtp_device_id", [F("guid", .bytes(16)), F("driver_data", .ulong, driverData: true)]),
        DeviceIDType("of", "of_device_id", [
            F("name", .chars(32)), F("type", .chars(32)), F("compatible", .chars(128)), F("data", .pointer, driverData: true)]),
    ]
}
