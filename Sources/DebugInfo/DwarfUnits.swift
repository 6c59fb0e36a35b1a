/// DWARF constants the reader needs (DWARF 5, section 7).
enum DW {
    // Tags
    static let arrayType: UInt16 = 0x01
    static let enumerationType: UInt16 = 0x04
    static let member: UInt16 = 0x0d
    static let pointerType: UInt16 = 0x0f
    static let compileUnit: UInt16 = 0x11
    static let structureType: UInt16 = 0x13
    static let subroutineType: UInt16 = 0x15
    static let typedef: UInt16 = 0x16
    static let unionType: UInt16 = 0x17
    static let baseType: UInt16 = 0x24
    static let constType: UInt16 = 0x26
    static let subprogram: UInt16 = 0x2e
    static let variable: UInt16 = 0x34
    static let volatileType: UInt16 = 0x35

    // Attributes
    static let atSibling: UInt16 = 0x01
    static let atLocation: UInt16 = 0x02
    static let atName: UInt16 = 0x03
    static let atByteSize: UInt16 = 0x0b
    static let atStmtList: UInt16 = 0x10
    static let atCompDir: UInt16 = 0x1b
    static let atUpperBound: UInt16 = 0x2f
    static let atAbstractOrigin: UInt16 = 0x31
    static let atCount: UInt16 = 0x37
    static let atDataMemberLocation: UInt16 = 0x38
    static let atDeclColumn: UInt16 = 0x39
    static let atDeclFile: UInt16 = 0x3a
    static let atDeclLine: UInt16 = 0x3b
    static let atDeclaration: UInt16 = 0x3c
    static let atSpecification: UInt16 = 0x47
    static let atType: UInt16 = 0x49
    static let atDataBitOffset: UInt16 = 0x6b
    static let atStrOffsetsBase: UInt16 = 0x72

    // Forms
    static let addr: UInt16 = 0x01
    static let block2: UInt16 = 0x03
    static let block4: UInt16 = 0x04
    static let data2: UInt16 = 0x05
    static let data4: UInt16 = 0x06
    static let data8: UInt16 = 0x07
    static let string: UInt16 = 0x08
    static let block: UInt16 = 0x09
    static let block1: UInt16 = 0x0a
    static let data1: UInt16 = 0x0b
    static let flag: UInt16 = 0x0c
    static let sdata: UInt16 = 0x0d
    static let strp: UInt16 = 0x0e
    static let udata: UInt16 = 0x0f
    static let refAddr: UInt16 = 0x10
    static let ref1: UInt16 = 0x11
    static let ref2: UInt16 = 0x12
    static let ref4: UInt16 = 0x13
    static let ref8: UInt16 = 0x14
    static let refUdata: UInt16 = 0x15
    static let indirect: UInt16 = 0x16
    static let secOffset: UInt16 = 0x17
    static let exprloc: UInt16 = 0x18
    static let flagPresent: UInt16 = 0x19
    static let strx: UInt16 = 0x1a
    static let addrx: UInt16 = 0x1b
    static let refSup4: UInt16 = 0x1c
    static let strpSup: UInt16 = 0x1d
    static let data16: UInt16 = 0x1e
    static let lineStrp: UInt16 = 0x1f
    static let refSig8: UInt16 = 0x20
    static let implicitConst: UInt16 = 0x21
    static let loclistx: UInt16 = 0x22
    static let rnglistx: UInt16 = 0x23
    static let refSup8: UInt16 = 0x24
    static let strx1: UInt16 = 0x25
    static let strx2: UInt16 = 0x26
    static let strx3: UInt16 = 0x27
    static let strx4: UInt16 = 0x28
    static let addrx1: UInt16 = 0x29
    static let addrx2: UInt16 = 0x2a
    static let addrx3: UInt16 = 0x2b
    static let addrx4: UInt16 = 0x2c
    static let gnuAddrIndex: UInt16 = 0x1f01
    static let gnuStrIndex: UInt16 = 0x1f02
    static let gnuRefAlt: UInt16 = 0x1f20
    static let gnuStrpAlt: UInt16 = 0x1f21

    static let opAddr: UInt8 = 0x03
    static let opPlusUconst: UInt8 = 0x23
}

/// One unit of `.debug_info`: where it is and how its values are encoded.
struct DwarfUnit {
    /// Offset of the unit header.
    let offset: Int
    /// One past the unit's last byte.
    let end: Int
    let version: Int
    let addressSize: Int
    let firstDie: Int
    /// Where the offset of the unit's abbreviations in `.debug_abbrev` is (a relocated
    /// value, read when the unit's DIEs are: the relocations of every unit header at once
    /// would be read from all over a large module's `.rela.debug_info`).
    let abbrevOffsetPlace: Int
    /// The key of its abbreviation table (the table's offset, the address size and version
    /// its forms are sized for).
    func abbrevKey(_ abbrevOffset: UInt64) -> UInt64 { abbrevOffset << 8 | UInt64(addressSize) << 4 | UInt64(version) }
    /// Width of DW_FORM_ref_addr: the address size in DWARF 2, the offset size after.
    var refAddrSize: Int { version == 2 ? addressSize : 4 }
}

/// One abbreviation: a DIE's tag, whether it has children, and its attributes' forms.
final class Abbrev {
    struct Spec {
        let attribute: UInt16
        let form: UInt16
        let implicitConst: Int64
    }
    let tag: UInt16
    let hasChildren: Bool
    /// The attributes in order, owned by the abbreviation: read for nearly every DIE, where
    /// an array's buffer would be retained and released at each walk over it.
    let specs: UnsafeBufferPointer<Spec>
    /// Whether a DW_AT_sibling is among them.
    let hasSibling: Bool
    /// The size of every attribute together when each form has a fixed size in this unit.
    let fixedSize: Int?
    /// Where DW_AT_sibling's value is from the start of the attributes, and its form, when
    /// every attribute before it has a fixed size.
    let sibling: (offset: Int, form: UInt16)?
    /// When every form has a fixed size: the attributes the reader looks at, at their
    /// offsets from the start of the attributes.
    let template: DieAttrs?

    init(tag: UInt16, hasChildren: Bool, specs: [Spec], fixedSize: Int?, sibling: (offset: Int, form: UInt16)?, template: DieAttrs?) {
        self.tag = tag
        self.hasChildren = hasChildren
        let owned = UnsafeMutableBufferPointer<Spec>.allocate(capacity: specs.count)
        _ = owned.initialize(from: specs)
        self.specs = UnsafeBufferPointer(owned)
        hasSibling = specs.contains { $0.attribute == DW.atSibling }
        self.fixedSize = fixedSize
        self.sibling = sibling
        self.template = template
    }

    deinit { specs.deallocate() }
}

/// One attribute value: its form and where it is in `.debug_info`.
struct DieAttr {
    var form: UInt16 = 0
    private var place: Int32 = -1
    /// The value of a DW_FORM_implicit_const (in the abbreviation).
    var implicit: Int64 = 0

    init() {}

    /// `.debug_info` is at most `ModuleLimits.fileSize` bytes, below 2 GiB.
    init(form: UInt16, at: Int, implicit: Int64 = 0) {
        self.form = form
        self.place = Int32(truncatingIfNeeded: at)
        self.implicit = implicit
    }

    var at: Int {
        get { Int(place) }
        set { place = Int32(truncatingIfNeeded: newValue) }
    }
    var present: Bool { place >= 0 }
}

/// The attributes of a DIE the reader looks at, each the first of its kind (as `dwarf_attr`
/// finds it), and where its attributes end.
struct DieAttrs {
    var name = DieAttr(), declaration = DieAttr(), specification = DieAttr(), abstractOrigin = DieAttr()
    var type = DieAttr(), declFile = DieAttr(), declLine = DieAttr(), declColumn = DieAttr(), byteSize = DieAttr()
    var memberLocation = DieAttr(), dataBitOffset = DieAttr(), count = DieAttr(), upperBound = DieAttr()
    var sibling = DieAttr(), compDir = DieAttr(), stmtList = DieAttr(), strOffsetsBase = DieAttr(), location = DieAttr()
    var end = 0

    @inline(__always)
    mutating func record(_ attribute: UInt16, _ value: DieAttr) {
        switch attribute {
        case DW.atName: if !name.present { name = value }
        case DW.atDeclaration: if !declaration.present { declaration = value }
        case DW.atSpecification: if !specification.present { specification = value }
        case DW.atAbstractOrigin: if !abstractOrigin.present { abstractOrigin = value }
        case DW.atType: if !type.present { type = value }
        case DW.atDeclFile: if !declFile.present { declFile = value }
        case DW.atDeclLine: if !declLine.present { declLine = value }
        case DW.atDeclColumn: if !declColumn.present { declColumn = value }
        case DW.atByteSize: if !byteSize.present { byteSize = value }
        case DW.atDataMemberLocation: if !memberLocation.present { memberLocation = value }
        case DW.atDataBitOffset: if !dataBitOffset.present { dataBitOffset = value }
        case DW.atCount: if !count.present { count = value }
        case DW.atUpperBound: if !upperBound.present { upperBound = value }
        case DW.atSibling: if !sibling.present { sibling = value }
        case DW.atCompDir: if !compDir.present { compDir = value }
        case DW.atStmtList: if !stmtList.present { stmtList = value }
        case DW.atStrOffsetsBase: if !strOffsetsBase.present { strOffsetsBase = value }
        case DW.atLocation: if !location.present { location = value }
        default: break
        }
    }

    /// The template of a fixed-size abbreviation placed at `base`.
    @inline(__always)
    func shifted(by base: Int) -> DieAttrs {
        var r = self
        @inline(__always) func move(_ a: inout DieAttr) { if a.at >= 0 { a.at += base } }
        move(&r.name); move(&r.declaration); move(&r.specification); move(&r.abstractOrigin); move(&r.type)
        move(&r.declFile); move(&r.declLine); move(&r.declColumn); move(&r.byteSize); move(&r.memberLocation)
        move(&r.dataBitOffset); move(&r.count); move(&r.upperBound); move(&r.sibling); move(&r.compDir)
        move(&r.stmtList); move(&r.strOffsetsBase); move(&r.location)
        r.end = base + end
        return r
    }
}

/// The abbreviations of one `.debug_abbrev` table, by code.
final class AbbrevTable {
    /// The tags of the DIEs whose attributes the reader reads.
    @inline(__always)
    static func isRead(_ tag: UInt64) -> Bool {
        switch tag {
        case UInt64(DW.compileUnit), 0x41 /* type unit */, 0x3c /* partial unit */, UInt64(DW.structureType),
             UInt64(DW.variable), UInt64(DW.subprogram), UInt64(DW.member), UInt64(DW.arrayType),
             UInt64(DW.enumerationType), UInt64(DW.pointerType), UInt64(DW.subroutineType), UInt64(DW.typedef),
             UInt64(DW.unionType), UInt64(DW.baseType), UInt64(DW.constType), UInt64(DW.volatileType),
             0x21 /* subrange */:
            return true
        default:
            return false
        }
    }

    /// Where each abbreviation starts in `.debug_abbrev` (after its code), by code: codes
    /// 1, 2, 3… as gcc numbers them, and any other in `sparseStarts`.
    private var denseStarts: [Int32] = []
    private var sparseStarts: [UInt64: Int] = [:]
    /// The abbreviations made so far, by code: one is made when a DIE of it is first read. Most
    /// of a unit's abbreviations are only those of function bodies, which are stepped over.
    private var dense: [Abbrev?] = []
    private var sparse: [UInt64: Abbrev] = [:]
    /// `dense` without reference counting, for the lookup of every DIE.
    private var unmanaged: [Unmanaged<Abbrev>?] = []
    private let section: DwarfSection
    private let addressSize: Int
    private let version: Int

    /// The abbreviation without a reference counted, when it is made already: the table keeps
    /// it alive, and the caller holds it no longer than the table.
    @inline(__always)
    func madeAbbrev(_ code: UInt64) -> Unmanaged<Abbrev>? {
        code >= 1 && code <= UInt64(unmanaged.count) ? unmanaged[Int(code - 1)] : nil
    }

    /// The abbreviation of `code`, made now if it is not yet (nil when the table has none).
    func abbrev(_ code: UInt64) throws(DwarfReadFailure) -> Unmanaged<Abbrev>? {
        if let made = madeAbbrev(code) { return made }
        if code >= 1 && code <= UInt64(denseStarts.count) {
            var at = Int(denseStarts[Int(code - 1)])
            let abbrev = try AbbrevTable.entry(section, at: &at, addressSize: addressSize, version: version)
            dense[Int(code - 1)] = abbrev
            unmanaged[Int(code - 1)] = Unmanaged.passUnretained(abbrev)
            return unmanaged[Int(code - 1)]
        }
        if let known = sparse[code] { return Unmanaged.passUnretained(known) }
        guard var at = sparseStarts[code] else { return nil }
        let abbrev = try AbbrevTable.entry(section, at: &at, addressSize: addressSize, version: version)
        sparse[code] = abbrev
        return Unmanaged.passUnretained(abbrev)
    }

    /// Reads the table at `offset` for units of this address size and version: every entry is
    /// checked (codes, tags, attributes and forms), each is made when first used.
    init(_ section: DwarfSection, offset: UInt64, addressSize: Int, version: Int) throws(DwarfReadFailure) {
        guard offset < UInt64(section.count) else {
            throw .corrupt(".debug_abbrev offset 0x\(String(offset, radix: 16)) outside the section")
        }
        self.section = section
        self.addressSize = addressSize
        self.version = version
        var at = Int(offset)
        var count = 0
        while true {
            let code = try section.uleb(&at)
            if code == 0 { break }
            count += 1
            guard count <= 1 << 20 else { throw .corrupt(".debug_abbrev table at 0x\(String(offset, radix: 16)) has more than 2^20 entries") }
            let start = at
            try AbbrevTable.check(section, at: &at)
            // The first definition of a code is the one used, as in libdwarf's table.
            if code == UInt64(denseStarts.count) + 1 && sparseStarts.isEmpty {
                denseStarts.append(Int32(truncatingIfNeeded: start))
            } else if !(code >= 1 && code <= UInt64(denseStarts.count)) && sparseStarts[code] == nil {
                sparseStarts[code] = start
            }
        }
        dense = Array(repeating: nil, count: denseStarts.count)
        unmanaged = Array(repeating: nil, count: denseStarts.count)
    }

    /// The checks of `entry`, in the same order and words, without making anything: every
    /// entry of every table goes through here once, most never through `entry`.
    private static func check(_ section: DwarfSection, at: inout Int) throws(DwarfReadFailure) {
        // Most values are one byte: read in place, else by the section's LEB128 reader.
        @inline(__always) func uleb(_ at: inout Int) throws(DwarfReadFailure) -> UInt64 {
            if let base = section.base, at >= 0, at < section.count {
                let byte = base.load(fromByteOffset: at, as: UInt8.self)
                if byte < 0x80 {
                    at += 1
                    return UInt64(byte)
                }
            }
            return try section.uleb(&at)
        }
        let tag = try uleb(&at)
        _ = try section.u8(at)
        at += 1
        var attributes = 0
        while true {
            let attribute = try uleb(&at)
            let form = try uleb(&at)
            if form == UInt64(DW.implicitConst) { _ = try section.sleb(&at) }
            if attribute == 0 && form == 0 { break }
            attributes += 1
            _ = try checked(attribute, form, count: attributes)
        }
        guard tag <= 0xffff else { throw .corrupt(".debug_abbrev: tag 0x\(String(tag, radix: 16)) out of range") }
    }

    /// One attribute specification of an entry, the `count`th: its form, when the pair is
    /// in range, the entry not too long and the form one the reader knows.
    @inline(__always)
    private static func checked(_ attribute: UInt64, _ form: UInt64, count: Int) throws(DwarfReadFailure) -> UInt16 {
        guard attribute <= 0xffff, form <= 0xffff else {
            throw .corrupt(".debug_abbrev: attribute 0x\(String(attribute, radix: 16)) form 0x\(String(form, radix: 16)) out of range")
        }
        guard count <= 1 << 12 else { throw .corrupt(".debug_abbrev: an abbreviation with more than 4096 attributes") }
        guard DwarfForms.isKnown(UInt16(form)) else {
            throw .corrupt(".debug_abbrev: unknown form 0x\(String(form, radix: 16))")
        }
        return UInt16(form)
    }

    /// The entry at `at` (after its code), which is moved past it, made.
    private static func entry(_ section: DwarfSection, at: inout Int, addressSize: Int, version: Int) throws(DwarfReadFailure) -> Abbrev {
        let tag = try section.uleb(&at)
        let children = try section.u8(at)
        at += 1
        var specs: [Abbrev.Spec] = []
        specs.reserveCapacity(8)
        // Only the DIEs whose attributes the reader looks at need a template.
        let read = AbbrevTable.isRead(tag)
        var fixed: Int? = 0
        var sibling: (Int, UInt16)?
        var template = DieAttrs()
        var attributes = 0
        while true {
            let attribute = try section.uleb(&at)
            let form = try section.uleb(&at)
            var implicit: Int64 = 0
            if form == UInt64(DW.implicitConst) { implicit = try section.sleb(&at) }
            if attribute == 0 && form == 0 { break }
            attributes += 1
            let form16 = try checked(attribute, form, count: attributes)
            if UInt16(attribute) == DW.atSibling, sibling == nil, let prefix = fixed { sibling = (prefix, form16) }
            if let size = fixed, let width = DwarfForms.fixedSize(form16, addressSize: addressSize, version: version) {
                if read { template.record(UInt16(attribute), DieAttr(form: form16, at: size, implicit: implicit)) }
                fixed = size + width
            } else {
                fixed = nil
            }
            specs.append(Abbrev.Spec(attribute: UInt16(attribute), form: form16, implicitConst: implicit))
        }
        guard tag <= 0xffff else { throw .corrupt(".debug_abbrev: tag 0x\(String(tag, radix: 16)) out of range") }
        template.end = fixed ?? 0
        return Abbrev(tag: UInt16(tag), hasChildren: children != 0, specs: specs, fixedSize: fixed,
                      sibling: sibling.map { (offset: $0.0, form: $0.1) }, template: fixed == nil || !read ? nil : template)
    }
}

enum DwarfForms {
    static func isKnown(_ form: UInt16) -> Bool {
        (form >= DW.addr && form <= DW.addrx4 && form != 0x02) || form == DW.gnuAddrIndex || form == DW.gnuStrIndex
            || form == DW.gnuRefAlt || form == DW.gnuStrpAlt
    }

    /// The size of a value of this form, when it does not depend on the value (32-bit DWARF).
    @inline(__always)
    static func fixedSize(_ form: UInt16, addressSize: Int, version: Int) -> Int? {
        switch form {
        case DW.addr: return addressSize
        case DW.data1, DW.ref1, DW.flag, DW.strx1, DW.addrx1: return 1
        case DW.data2, DW.ref2, DW.strx2, DW.addrx2: return 2
        case DW.strx3, DW.addrx3: return 3
        case DW.data4, DW.ref4, DW.refSup4, DW.strx4, DW.addrx4: return 4
        case DW.strp, DW.lineStrp, DW.secOffset, DW.strpSup, DW.gnuRefAlt, DW.gnuStrpAlt: return 4
        case DW.data8, DW.ref8, DW.refSig8, DW.refSup8: return 8
        case DW.data16: return 16
        case DW.refAddr: return version == 2 ? addressSize : 4
        case DW.flagPresent, DW.implicitConst: return 0
        default: return nil
        }
    }

    /// Moves `at` past one value of `form`.
    @inline(__always)
    static func skip(_ form: UInt16, at: inout Int, in section: DwarfSection, unit: DwarfUnit) throws(DwarfReadFailure) {
        if let width = fixedSize(form, addressSize: unit.addressSize, version: unit.version) {
            guard width <= section.count, at >= 0, at <= section.count - width else { throw section.outside(at, width) }
            at += width
            return
        }
        switch form {
        case DW.string:
            at = try section.stringEnd(at)
        case DW.sdata, DW.udata, DW.refUdata, DW.strx, DW.addrx, DW.loclistx, DW.rnglistx, DW.gnuAddrIndex, DW.gnuStrIndex:
            _ = try section.uleb(&at)
        case DW.block, DW.exprloc:
            let length = try section.uleb(&at)
            try advance(&at, length, section)
        case DW.block1:
            let length = try section.fixed(at, 1)
            at += 1
            try advance(&at, length, section)
        case DW.block2:
            let length = try section.fixed(at, 2)
            at += 2
            try advance(&at, length, section)
        case DW.block4:
            let length = try section.fixed(at, 4)
            at += 4
            try advance(&at, length, section)
        case DW.indirect:
            let actual = try section.uleb(&at)
            guard actual <= 0xffff, UInt16(actual) != DW.indirect, isKnown(UInt16(actual)) else {
                throw .corrupt("DW_FORM_indirect names form 0x\(String(actual, radix: 16))")
            }
            try skip(UInt16(actual), at: &at, in: section, unit: unit)
        default:
            throw .corrupt("unknown form 0x\(String(form, radix: 16))")
        }
    }

    @inline(__always)
    private static func advance(_ at: inout Int, _ length: UInt64, _ section: DwarfSection) throws(DwarfReadFailure) {
        guard length <= UInt64(section.count - at) else { throw section.outside(at, Int(clamping: length)) }
        at += Int(length)
    }
}
