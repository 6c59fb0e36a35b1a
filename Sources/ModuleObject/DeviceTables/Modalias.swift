/// Modalias strings exactly as `scripts/mod/file2alias.c` of Linux 6.1 writes them into
/// `MODULE_ALIAS()` lines (reimplemented from its documented behaviour). Hex digits are upper
/// case unless a type prints lower case; `*` stands for a member the entry does not match on.
enum Modalias {
    /// The aliases of one entry, and a note when file2alias warns about it or skips it.
    /// `previous` holds the entries before it in the same table (pnp_card de-duplicates).
    static func aliases(type: String, entry e: EntryReader, previous: [EntryReader]) -> ([String], String?) {
        switch type {
        case "usb": return (usb(e), nil)
        case "of": return (of(e), nil)
        case "pnp": return (pnp(e.string("id")), nil)
        case "pnp_card": return (pnpCard(e, previous: previous), nil)
        default: break
        }
        var a = ""
        switch type {
        case "hid":
            a = "hid:"
            add(&a, "b", e.u("bus") != 0xffff, e, "bus")
            add(&a, "g", e.u("group") != 0, e, "group")
            add(&a, "v", e.u("vendor") != 0xffff_ffff, e, "vendor")
            add(&a, "p", e.u("product") != 0xffff_ffff, e, "product")
        case "ieee1394":
            let flags = e.u("match_flags")
            a = "ieee1394:"
            add(&a, "ven", flags & 0x1 != 0, e, "vendor_id")
            add(&a, "mo", flags & 0x2 != 0, e, "model_id")
            add(&a, "sp", flags & 0x4 != 0, e, "specifier_id")
            add(&a, "ver", flags & 0x8 != 0, e, "version")
            wildcard(&a)
        case "pci":
            switch e.u("override_only") {
            case 0: a = "pci:"
            case 1: a = "vfio_pci:"
            case let other: return ([], "Unknown PCI driver_override alias \(hex(other, digits: 8))")
            }
            let any: UInt64 = 0xffff_ffff
            add(&a, "v", e.u("vendor") != any, e, "vendor")
            add(&a, "d", e.u("device") != any, e, "device")
            add(&a, "sv", e.u("subvendor") != any, e, "subvendor")
            add(&a, "sd", e.u("subdevice") != any, e, "subdevice")
            let cls = e.u("class"), mask = e.u("class_mask")
            let parts = [(cls >> 16 & 0xff, mask >> 16 & 0xff), (cls >> 8 & 0xff, mask >> 8 & 0xff), (cls & 0xff, mask & 0xff)]
            if parts.contains(where: { $0.1 != 0 && $0.1 != 0xff }) {
                return ([], "Can't handle masks in class_mask \(hex(mask, digits: 4)): file2alias writes no alias")
            }
            for ((value, byteMask), sep) in zip(parts, ["bc", "sc", "i"]) {
                a += sep + (byteMask == 0xff ? hex(value, digits: 2) : "*")
            }
            wildcard(&a)
        case "ccw":
            let flags = e.u("match_flags")
            a = "ccw:"
            add(&a, "t", flags & 0x1 != 0, e, "cu_type")
            add(&a, "m", flags & 0x2 != 0, e, "cu_model")
            add(&a, "dt", flags & 0x4 != 0, e, "dev_type")
            add(&a, "dm", flags & 0x8 != 0, e, "dev_model")
            wildcard(&a)
        case "ap":
            a = "ap:t" + hex(e.u("dev_type"), digits: 2) + "*"
        case "css":
            a = "css:t" + hex(e.u("type"), digits: 1)
        case "serio":
            a = "serio:"
            add(&a, "ty", e.u("type") != 0xff, e, "type")
            add(&a, "pr", e.u("proto") != 0xff, e, "proto")
            add(&a, "id", e.u("id") != 0xff, e, "id")
            add(&a, "ex", e.u("extra") != 0xff, e, "extra")
            wildcard(&a)
        case "acpi":
            let id = e.string("id")
            if !id.isEmpty {
                a = "acpi*:\(id):*"
            } else {
                // Class-code entries: lower-case hex, "??" for a byte the mask leaves out.
                a = "acpi*:"
                let cls = e.u("cls"), mask = e.u("cls_msk")
                for shift in [16, 8, 0] {
                    a += (mask >> UInt64(shift)) & 0xff != 0 ? hex((cls >> UInt64(shift)) & 0xff, digits: 2, uppercase: false) : "??"
                }
                a += ":*"
            }
        case "pcmcia":
            let flags = e.u("match_flags")
            a = "pcmcia:"
            add(&a, "m", flags & 0x1 != 0, e, "manf_id")
            add(&a, "c", flags & 0x2 != 0, e, "card_id")
            add(&a, "f", flags & 0x4 != 0, e, "func_id")
            add(&a, "fn", flags & 0x8 != 0, e, "function")
            add(&a, "pfn", flags & 0x100 != 0, e, "device_no")
            let hashOffset = e.layout.field("prod_id_hash")?.offset ?? 0
            for (i, sep) in ["pa", "pb", "pc", "pd"].enumerated() {
                let value = e.integer(at: hashOffset + 4 * i, size: 4)
                a += sep + (flags & (0x10 << UInt64(i)) != 0 ? hex(value, digits: 8) : "*")
            }
            wildcard(&a)
        case "vio":
            let type = e.string("type"), compat = e.string("compat")
            a = "vio:T\(type.isEmpty ? "*" : type)S\(compat.isEmpty ? "*" : compat)"
            a = spacesToUnderscores(a)
            wildcard(&a)
        case "input":
            a = input(e)
        case "eisa":
            let sig = e.string("sig")
            // With an empty signature file2alias appends "*" to a buffer it never cleared.
            guard !sig.isEmpty else { return ([], "empty EISA signature: file2alias writes an undefined alias") }
            a = "eisa:s\(sig)*"
        case "parisc":
            a = "parisc:"
            add(&a, "t", e.u("hw_type") != 0xff, e, "hw_type")
            add(&a, "hv", e.u("hversion") != 0xffff, e, "hversion")
            add(&a, "rev", e.u("hversion_rev") != 0xff, e, "hversion_rev")
            add(&a, "sv", e.u("sversion") != 0xffff_ffff, e, "sversion")
            wildcard(&a)
        case "sdio":
            a = "sdio:"
            add(&a, "c", e.u("class") != 0xff, e, "class")
            add(&a, "v", e.u("vendor") != 0xffff, e, "vendor")
            add(&a, "d", e.u("device") != 0xffff, e, "device")
            wildcard(&a)
        case "ssb":
            a = "ssb:"
            add(&a, "v", e.u("vendor") != 0xffff, e, "vendor")
            add(&a, "id", e.u("coreid") != 0xffff, e, "coreid")
            add(&a, "rev", e.u("revision") != 0xff, e, "revision")
            wildcard(&a)
        case "bcma":
            a = "bcma:"
            add(&a, "m", e.u("manuf") != 0xffff, e, "manuf")
            add(&a, "id", e.u("id") != 0xffff, e, "id")
            add(&a, "rev", e.u("rev") != 0xff, e, "rev")
            add(&a, "cl", e.u("class") != 0xff, e, "class")
            wildcard(&a)
        case "virtio":
            a = "virtio:"
            add(&a, "d", e.u("device") != 0xffff_ffff, e, "device")
            add(&a, "v", e.u("vendor") != 0xffff_ffff, e, "vendor")
            wildcard(&a)
        case "vmbus":
            a = "vmbus:" + e.raw("guid").map { hex(UInt64($0), digits: 2, uppercase: false) }.joined()
        case "rpmsg": a = "rpmsg:" + e.string("name")
        case "i2c": a = "i2c:" + e.string("name")
        case "spi": a = "spi:" + e.string("name")
        case "platform": a = "platform:" + e.string("name")
        case "auxiliary": a = "auxiliary:" + e.string("name")
        case "mhi": a = "mhi:" + e.string("chan")
        case "mhi_ep": a = "mhi_ep:" + e.string("chan")
        case "i3c":
            let flags = e.u("match_flags")
            a = "i3c:"
            add(&a, "dcr", flags & 0x1 != 0, e, "dcr")
            add(&a, "manuf", flags & 0x2 != 0, e, "manuf_id")
            add(&a, "part", flags & 0x4 != 0, e, "part_id")
            add(&a, "ext", flags & 0x8 != 0, e, "extra_info")
        case "dmi":
            a = dmi(e)
        case "mdio":
            let id = e.u("phy_id"), mask = e.u("phy_id_mask")
            a = "mdio:" + String((0..<32).map { i -> Character in
                let bit = UInt64(31 - i)
                return (mask >> bit) & 1 == 0 ? "?" : ((id >> bit) & 1 == 1 ? "1" : "0")
            })
        case "zorro":
            a = "zorro:"
            add(&a, "i", e.u("id") != 0xffff_ffff, e, "id")
        case "isapnp":
            let vendor = e.u("vendor"), function = e.u("function")
            func letter(_ v: UInt64) -> Character { Character(Unicode.Scalar(UInt8(truncatingIfNeeded: 0x41 &+ v &- 1))) }
            a = "pnp:d" + String([letter((vendor >> 2) & 0x3f), letter(((vendor & 3) << 3) | ((vendor >> 13) & 7)), letter((vendor >> 8) & 0x1f)])
            for nibble in [(function >> 4) & 0xf, function & 0xf, (function >> 12) & 0xf, (function >> 8) & 0xf] {
                a += hex(nibble, digits: 1, uppercase: false)
            }
            a += "*"
        case "ipack":
            a = "ipack:"
            add(&a, "f", e.u("format") != 0xff, e, "format")
            add(&a, "v", e.u("vendor") != 0xffff_ffff, e, "vendor")
            add(&a, "d", e.u("device") != 0xffff_ffff, e, "device")
            wildcard(&a)
        case "amba":
            let id = e.u("id"), mask = e.u("mask")
            guard id & mask == id else {
                return ([], "Masked-off bit(s) of AMBA device ID are non-zero: id=0x\(hex(id, digits: 8)), mask=0x\(hex(mask, digits: 8)) (modpost stops)")
            }
            a = "amba:d"
            for digit in 0..<8 {
                let shift = UInt64(4 * (7 - digit))
                let nibble = (id >> shift) & 0xf, nibbleMask = (mask >> shift) & 0xf
                switch nibbleMask {
                case 0: a += "?"
                case 0xf: a += hex(nibble, digits: 1)
                default: a += "[" + (0..<UInt64(16)).filter { $0 & nibbleMask == nibble }.map { hex($0, digits: 1) }.joined() + "]"
                }
            }
        case "mipscdmm":
            a = "mipscdmm:t" + hex(e.u("type"), digits: 2) + "*"
        case "x86cpu":
            a = "cpu:type:x86,"
            add(&a, "ven", e.u("vendor") != 0xffff, e, "vendor")
            add(&a, "fam", e.u("family") != 0, e, "family")
            add(&a, "mod", e.u("model") != 0, e, "model")
            a += ":feature:*"
            if e.u("feature") != 0 { a += hex(e.u("feature"), digits: 4) + "*" }
        case "cpu":
            a = "cpu:type:*:feature:*" + hex(e.u("feature"), digits: 4) + "*"
        case "mei":
            let name = e.string("name")
            a = "mei:" + (name.isEmpty ? "*" : name) + ":" + uuid(e.raw("uuid"), order: [3, 2, 1, 0, 5, 4, 7, 6], uppercase: false)
            add(&a, ":", e.u("version") != 0xff, e, "version")
            a += ":*"
        case "rapidio":
            a = "rapidio:"
            add(&a, "v", e.u("vid") != 0xffff, e, "vid")
            add(&a, "d", e.u("did") != 0xffff, e, "did")
            add(&a, "av", e.u("asm_vid") != 0xffff, e, "asm_vid")
            add(&a, "ad", e.u("asm_did") != 0xffff, e, "asm_did")
            wildcard(&a)
        case "ulpi":
            a = "ulpi:v" + hex(e.u("vendor"), digits: 4, uppercase: false) + "p" + hex(e.u("product"), digits: 4, uppercase: false)
        case "hdaudio":
            a = "hdaudio:"
            add(&a, "v", e.u("vendor_id") != 0, e, "vendor_id")
            add(&a, "r", e.u("rev_id") != 0, e, "rev_id")
            add(&a, "a", e.u("api_version") != 0, e, "api_version")
            wildcard(&a)
        case "sdw":
            a = "sdw:"
            add(&a, "m", e.u("mfg_id") != 0, e, "mfg_id")
            add(&a, "p", e.u("part_id") != 0, e, "part_id")
            add(&a, "v", e.u("sdw_version") != 0, e, "sdw_version")
            add(&a, "c", e.u("class_id") != 0, e, "class_id")
            wildcard(&a)
        case "fslmc":
            a = "fsl-mc:v" + hex(e.u("vendor"), digits: 8) + "d" + e.string("obj_type")
        case "tbsvc":
            let flags = e.u("match_flags")
            a = "tbsvc:" + (flags & 0x1 != 0 ? "k" + e.string("protocol_key") : "k*")
            add(&a, "p", flags & 0x2 != 0, e, "protocol_id")
            add(&a, "v", flags & 0x4 != 0, e, "protocol_version")
            add(&a, "r", flags & 0x8 != 0, e, "protocol_revision")
            wildcard(&a)
        case "typec":
            a = "typec:id" + hex(e.u("svid"), digits: 4)
            add(&a, "m", e.u("mode") != 0x7, e, "mode")
        case "tee":
            a = "tee:" + uuid(e.raw("uuid"), order: Array(0..<8), uppercase: false)
            wildcard(&a)
        case "wmi":
            let guid = e.string("guid_string")
            guard guid.utf8.count == 36 else { return ([], "Invalid WMI device id 'wmi:\(guid)': file2alias writes no alias") }
            a = "wmi:" + guid
        case "ishtp":
            a = "ishtp:{" + uuid(e.raw("guid"), order: [3, 2, 1, 0, 5, 4, 7, 6], uppercase: true) + "}"
        case "ssam":
            let flags = e.u("match_flags")
            a = "ssam:d" + hex(e.u("domain"), digits: 2) + "c" + hex(e.u("category"), digits: 2)
            add(&a, "t", flags & 0x1 != 0, e, "target")
            add(&a, "i", flags & 0x2 != 0, e, "instance")
            add(&a, "f", flags & 0x4 != 0, e, "function")
        case "dfl":
            a = "dfl:t" + hex(e.u("type"), digits: 4) + "f" + hex(e.u("feature_id"), digits: 4)
            wildcard(&a)
        default:
            return ([], "type '\(type)' is not decoded by modlint")
        }
        return ([a], nil)
    }

    /// The ADD macro: separator, then the member in hex at its C width, or `*`.
    static func add(_ alias: inout String, _ separator: String, _ matched: Bool, _ e: EntryReader, _ field: String) {
        alias += separator
        alias += matched ? e.hexField(field) : "*"
    }

    /// add_wildcard: end in `*` unless the alias already does.
    static func wildcard(_ alias: inout String) {
        if alias.last != "*" { alias += "*" }
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

    static func of(_ e: EntryReader) -> [String] {
        let name = e.string("name"), type = e.string("type"), compatible = e.string("compatible")
        var alias = "of:N\(name.isEmpty ? "*" : name)T\(type.isEmpty ? "*" : type)"
        if !compatible.isEmpty { alias += (type.isEmpty ? "" : "*") + "C" + compatible }
        alias = spacesToUnderscores(alias)
        var second = alias + "C"
        wildcard(&second)
        return [alias, second]
    }

    static func pnp(_ id: String) -> [String] {
        ["pnp:d\(id)*", "acpi*:\(asciiUppercase(id)):*"]
    }

    static func asciiUppercase(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x61 && $0 <= 0x7a ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    static func pnpCardDevices(_ e: EntryReader) -> [String] {
        let devs = e.raw("devs")
        var ids: [String] = []
        for j in 0..<8 where devs.count == 64 {
            let id = cString(devs[(j * 8)..<(j * 8 + 8)])
            if id.isEmpty { break }
            ids.append(id)
        }
        return ids
    }

    /// Every device id of every card, each once per table (the first card that names it).
    static func pnpCard(_ e: EntryReader, previous: [EntryReader]) -> [String] {
        let earlier = Set(previous.flatMap(pnpCardDevices))
        return pnpCardDevices(e).filter { !earlier.contains($0) }.flatMap(pnp)
    }

    /// USB entries with a bcdDevice range become one alias per fnmatch pattern that covers
    /// part of the range, digit by digit from the least significant one (BCD-aware).
    static func usb(_ e: EntryReader) -> [String] {
        let flags = e.u("match_flags")
        var devlo: UInt32 = flags & 0x4 != 0 ? UInt32(e.u("bcdDevice_lo")) : 0
        var devhi: UInt32 = flags & 0x8 != 0 ? UInt32(e.u("bcdDevice_hi")) : ~0
        var maxDigit: UInt32 = 0x9
        for digit in 0..<4 {
            let lo = (devlo >> UInt32(digit * 4)) & 0xf
            let hi = ((devhi > 0x9999 ? 0x9999 : devhi) >> UInt32(digit * 4)) & 0xf
            if lo > maxDigit || hi > maxDigit { maxDigit = 0xf; break }
        }
        // Empty slots filled in at run time (usb-serial "generic" ids) produce no alias.
        if e.u("idVendor") | e.u("idProduct") | e.u("bDeviceClass") | e.u("bInterfaceClass") == 0 { return [] }
        var result: [String] = []
        var ndigits = 3
        while devlo <= devhi {
            let clo = devlo & 0xf
            let chi = min(devhi & 0xf, maxDigit)
            devlo >>= 4
            devhi >>= 4
            if devlo == devhi || ndigits == 0 {
                result.append(usbEntry(e, flags: flags, initial: devlo, digits: ndigits, lo: clo, hi: chi, max: maxDigit))
                break
            }
            if clo > 0 {
                result.append(usbEntry(e, flags: flags, initial: incrementBCD(&devlo, by: 1, max: maxDigit), digits: ndigits, lo: clo, hi: maxDigit, max: maxDigit))
            }
            if chi < maxDigit {
                result.append(usbEntry(e, flags: flags, initial: incrementBCD(&devhi, by: -1, max: maxDigit), digits: ndigits, lo: 0, hi: chi, max: maxDigit))
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

    static func usbEntry(_ e: EntryReader, flags: UInt64, initial: UInt32, digits: Int, lo: UInt32, hi: UInt32, max: UInt32) -> String {
        var a = "usb:"
        add(&a, "v", flags & 0x1 != 0, e, "idVendor")
        add(&a, "p", flags & 0x2 != 0, e, "idProduct")
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
        add(&a, "dc", flags & 0x10 != 0, e, "bDeviceClass")
        add(&a, "dsc", flags & 0x20 != 0, e, "bDeviceSubClass")
        add(&a, "dp", flags & 0x40 != 0, e, "bDeviceProtocol")
        add(&a, "ic", flags & 0x80 != 0, e, "bInterfaceClass")
        add(&a, "isc", flags & 0x100 != 0, e, "bInterfaceSubClass")
        add(&a, "ip", flags & 0x200 != 0, e, "bInterfaceProtocol")
        add(&a, "in", flags & 0x400 != 0, e, "bInterfaceNumber")
        wildcard(&a)
        return a
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

    static func input(_ e: EntryReader) -> String {
        let flags = e.u("flags")
        let wordBits = e.layout.wordSize * 8
        var a = "input:"
        add(&a, "b", flags & 0x1 != 0, e, "bustype")
        add(&a, "v", flags & 0x2 != 0, e, "vendor")
        add(&a, "p", flags & 0x4 != 0, e, "product")
        add(&a, "e", flags & 0x8 != 0, e, "version")
        // (marker, member, match flag, first bit, INPUT_DEVICE_ID_*_MAX) in file2alias's order.
        let maps: [(String, String, UInt64, Int, Int)] = [
            ("-e*", "evbit", 0x10, 0, 0x1f), ("k*", "keybit", 0x20, 0x71, 0x2ff), ("r*", "relbit", 0x40, 0, 0x0f),
            ("a*", "absbit", 0x80, 0, 0x3f), ("m*", "mscbit", 0x100, 0, 0x07), ("l*", "ledbit", 0x200, 0, 0x0f),
            ("s*", "sndbit", 0x400, 0, 0x07), ("f*", "ffbit", 0x800, 0, 0x7f), ("w*", "swbit", 0x1000, 0, 0x10),
        ]
        for (marker, member, flag, min, max) in maps {
            a += marker
            if flags & flag != 0 { a += bits(e.words(member), wordBits: wordBits, from: min, to: max) }
        }
        return a
    }

    /// The DMI fields file2alias knows, in its order, with the `enum dmi_field` value of 6.1.
    static let dmiFields: [(String, UInt8)] = [
        ("bvn", 1), ("bvr", 2), ("bd", 3), ("br", 4), ("efr", 5), ("svn", 6), ("pn", 7), ("pvr", 8),
        ("rvn", 13), ("rn", 14), ("rvr", 15), ("cvn", 18), ("ct", 19), ("cvr", 20),
    ]

    static func dmi(_ e: EntryReader) -> String {
        let matches = e.raw("matches")
        var a = "dmi*"
        guard matches.count == 320 else { return a + ":" }
        for (prefix, field) in dmiFields {
            for j in 0..<4 {
                let first = matches[j * 80]
                // `unsigned char slot:7, exact_match:1`: GCC puts the first bit-field in the low
                // bits on little-endian targets and in the high bits on big-endian ones.
                let slot = e.bigEndian ? first >> 1 : first & 0x7f
                guard slot != 0, slot == field else { continue }
                let text = matches[(j * 80 + 1)..<(j * 80 + 80)].prefix { $0 != 0 }
                let kept = text.filter { $0 > 0x20 && $0 < 127 && $0 != UInt8(ascii: ":") }
                a += ":\(prefix)*" + String(decoding: kept, as: UTF8.self) + "*"
            }
        }
        return a + ":"
    }
}
