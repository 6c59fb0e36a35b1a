import Foundation
import ModuleObject
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The DWARF walk over the mapped file: what `DwarfReader` reads through libdwarf, read here
/// from the sections themselves. Only what the rules need is decoded: the DIEs at file scope
/// of each unit (variables and functions), each function body and type stepped over by its
/// DW_AT_sibling (or by its abbreviations' sizes); then the layouts of the structures the
/// variables' types lead to, and of those they embed (`StructReach`). Relocations are applied to the
/// values read, not to the sections. Every read is bounds-checked: corrupt DWARF is a
/// `.corrupt` failure; what the reader leaves to libdwarf (compressed sections, 64-bit DWARF,
/// type and split units, supplementary files) is `.unsupported`.
final class NativeDwarfReader {
    let info: DwarfSection
    let abbrevSection: DwarfSection
    let str: DwarfSection
    let lineStr: DwarfSection
    let line: DwarfSection
    let strOffsets: DwarfSection
    private(set) var units: [DwarfUnit] = []
    /// The abbreviation tables read, by `DwarfUnit.abbrevKey`: a unit's is read when one of
    /// its DIEs is, and dropped once the unit is walked (a large module has hundreds).
    private var abbrevTables: [UInt64: AbbrevTable] = [:]
    /// Each unit's table key, once read.
    private var abbrevKeys: [Int: UInt64] = [:]
    private var lastTableUnit = -1
    /// Kept alive by `abbrevTables`.
    private var lastTable: Unmanaged<AbbrevTable>?
    /// The owners of what the sections refer to without counting.
    private var relocationIndices: [RelocationIndex] = []

    private var dieCount = 0
    /// The types read, by DIE offset: `typeIndices` into `types` (a `Dictionary`'s seeded
    /// hashing cost more than reading most types).
    private var typeIndices = OffsetMap()
    private var types: [DwarfReader.TypeInfo] = []
    private var strOffsetsBases: [Int: UInt64?] = [:]

    // Per compilation unit.
    private var unitAttrs = Attrs()
    private var unitIndex = 0
    private var unitLinesRead = false
    private var unitLineHeader: LineProgramHeader?
    /// The unit's file names relative to the compilation directory, made on first use.
    private var relativeFiles: [String?] = []
    /// Full paths made relative, for the units of one compilation directory.
    private var relativeCache: [String: String] = [:]
    private var relativeCacheDirectory: String?
    private var compDir: String?
    private var fileIndexBase = 1

    // Results.
    private var unitNames: [String] = []
    private var structs: [String: StructLayout] = [:]
    private var structOffsets: [String: Int] = [:]
    private var variables: [String: [DebugVariable]] = [:]
    private var functions: [String: DebugFunction] = [:]
    private var variableDeclarations: [String: SourceLocation] = [:]
    /// The structures the variables are of.
    private var reached = StructReach()

    static let shfCompressed: UInt64 = 0x800

    /// The mapped pages of the debug sections are given back every this many bytes of units
    /// walked: what a large module's walk has read (its `.debug_info`, and the strings and
    /// relocations of its names) would otherwise stay in the resident set until it is
    /// unmapped, hundreds of MiB for the largest drivers. They are read again from the page
    /// cache if needed (a unit's types, read last).
    var releaseInterval = 16 << 20
    private var walkedSinceRelease = 0
    /// Only for a mapping of the file: `MADV_DONTNEED` empties memory that is not one.
    private(set) var mayReleasePages = false

    /// Names are read from all over the string sections: one page per fault, not the
    /// sixteen around it the kernel maps by default for a file. So are the relocations (the
    /// unit headers' are all over), and the reader then looks up only those of the DIEs it
    /// reads. Only for a module whose debug sections are `releaseInterval` or more: a small
    /// one is read whole soon enough, and each advice splits the mapping, which its
    /// unmapping pays for.
    private func adviseRandomAccess() {
        guard let span = debugSpan, span.count >= releaseInterval else { return }
        for section in [str, lineStr] { NativeDwarfReader.advise(section.base, section.count, MADV_RANDOM) }
        for index in relocationIndices { NativeDwarfReader.advise(index.base, index.entryCount * index.entrySize, MADV_RANDOM) }
    }

    private static func advise(_ base: UnsafeRawPointer?, _ count: Int, _ advice: Int32) {
        guard let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: base) + count) & ~(page - 1)
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(address, end - start, advice)
    }

    /// Tells the kernel the debug sections' pages are not needed for now (`MADV_DONTNEED`,
    /// which for a file mapping drops them from the resident set; nothing here writes them).
    /// One call over the span of them all (with what lies between, read again if needed):
    /// each call flushes the TLB of every core the run's threads are on. Not for a module
    /// whose debug sections are smaller than `releaseInterval`: its unmapping gives them back.
    private func releasePages() {
        guard let span = debugSpan, span.count >= releaseInterval else { return }
        NativeDwarfReader.advise(span.base, span.count, MADV_DONTNEED)
    }

    /// From the first debug section (or relocation section of one) to the end of the last.
    private lazy var debugSpan: (base: UnsafeRawPointer, count: Int)? = {
        var ranges: [(UnsafeRawPointer, Int)] = []
        for section in [info, str, lineStr, line, strOffsets] {
            if let base = section.base { ranges.append((base, section.count)) }
        }
        for index in relocationIndices { ranges.append((index.base, index.entryCount * index.entrySize)) }
        guard let start = ranges.map(\.0).min(), let end = ranges.map({ $0.0 + $0.1 }).max() else { return nil }
        return (start, end - start)
    }()

    /// Whether functions and variable declarations are read (`DebugInfo.hasDeclarations`).
    let readsDeclarations: Bool

    /// Nil when the module has no `.debug_info` with contents.
    /// `mayReleasePages` only when `file` is a mapping of the file (see `FileBytes`).
    init?(module: ModuleObject, file: UnsafeRawBufferPointer, mayReleasePages: Bool = false,
          declarations: Bool = true) throws(DwarfReadFailure) {
        readsDeclarations = declarations
        let bigEndian = module.identity.byteOrder == .big
        let sections = module.sections
        var symbolValues: [UInt64]?
        var indices: [RelocationIndex] = []
        func section(_ name: String) throws(DwarfReadFailure) -> DwarfSection {
            guard let header = sections.first(where: { $0.name == name }), header.occupiesFile, header.size > 0 else {
                return .absent(name, bigEndian: bigEndian)
            }
            if header.flags & NativeDwarfReader.shfCompressed != 0 { throw .unsupported("\(name) is compressed") }
            guard let base = file.baseAddress, header.offset <= UInt64(file.count),
                  header.size <= UInt64(file.count) - header.offset else {
                throw .corrupt("\(name) lies outside the file")
            }
            var index: RelocationIndex?
            if let rel = sections.first(where: {
                ($0.type == Section.typeRel || $0.type == Section.typeRela) && Int($0.info) == header.index
            }), rel.occupiesFile, rel.size > 0 {
                guard rel.offset <= UInt64(file.count), rel.size <= UInt64(file.count) - rel.offset else {
                    throw .corrupt("\(rel.name) lies outside the file")
                }
                if symbolValues == nil { symbolValues = module.symbols.map(\.value) }
                guard !symbolValues!.isEmpty else { throw .unsupported("relocations without the symbol table") }
                index = try RelocationIndex(base: base + Int(rel.offset), size: Int(rel.size),
                                            explicitAddends: rel.type == Section.typeRela, identity: module.identity,
                                            symbolValues: symbolValues!)
            }
            if let index { indices.append(index) }
            return DwarfSection(name: name, base: base + Int(header.offset), count: Int(header.size),
                                bigEndian: bigEndian, relocations: index)
        }
        let info = try section(".debug_info")
        guard info.base != nil else { return nil }
        self.info = info
        abbrevSection = try section(".debug_abbrev")
        str = try section(".debug_str")
        lineStr = try section(".debug_line_str")
        line = try section(".debug_line")
        strOffsets = try section(".debug_str_offsets")
        relocationIndices = indices
        self.mayReleasePages = mayReleasePages
        if mayReleasePages { adviseRandomAccess() }
        for name in [".debug_types", ".debug_addr"] where sections.contains(where: { $0.name == name && $0.size > 0 }) {
            if name == ".debug_types" { throw .unsupported("\(name)") }
        }
        try readUnits()
        if mayReleasePages { releasePages() }
    }

    // MARK: units and DIEs

    private func readUnits() throws(DwarfReadFailure) {
        var at = 0
        while at < info.count {
            let length = try info.fixed(at, 4)
            if length == 0xffff_ffff { throw .unsupported("64-bit DWARF unit at 0x\(String(at, radix: 16))") }
            guard length < 0xffff_fff0, length <= UInt64(info.count - at - 4) else {
                throw .corrupt("unit at 0x\(String(at, radix: 16)) has length 0x\(String(length, radix: 16)) beyond .debug_info")
            }
            let end = at + 4 + Int(length)
            let version = Int(try info.fixed(at + 4, 2))
            guard (2...5).contains(version) else { throw .corrupt("unit at 0x\(String(at, radix: 16)) has version \(version)") }
            let addressSize: Int
            let abbrevOffsetPlace: Int
            let first: Int
            if version >= 5 {
                let unitType = try info.u8(at + 6)
                guard unitType == 1 || unitType == 3 else {
                    throw .unsupported("unit at 0x\(String(at, radix: 16)) of type \(unitType)")
                }
                addressSize = Int(try info.u8(at + 7))
                abbrevOffsetPlace = at + 8
                first = at + 12
            } else {
                abbrevOffsetPlace = at + 6
                addressSize = Int(try info.u8(at + 10))
                first = at + 11
            }
            guard [2, 4, 8].contains(addressSize), first <= end else {
                throw .corrupt("unit at 0x\(String(at, radix: 16)) has address size \(addressSize)")
            }
            units.append(DwarfUnit(offset: at, end: end, version: version, addressSize: addressSize, firstDie: first,
                                   abbrevOffsetPlace: abbrevOffsetPlace))
            at = end
        }
    }

    @inline(__always)
    private func abbrevTable(_ unitIndex: Int) throws(DwarfReadFailure) -> Unmanaged<AbbrevTable> {
        if unitIndex == lastTableUnit, let lastTable { return lastTable }
        return try loadAbbrevTable(unitIndex)
    }

    private func loadAbbrevTable(_ unitIndex: Int) throws(DwarfReadFailure) -> Unmanaged<AbbrevTable> {
        let unit = units[unitIndex]
        let offset = try info.relocated(unit.abbrevOffsetPlace, 4)
        let table: AbbrevTable
        if let known = abbrevTables[unit.abbrevKey(offset)] {
            table = known
        } else {
            table = try AbbrevTable(abbrevSection, offset: offset, addressSize: unit.addressSize, version: unit.version)
            abbrevTables[unit.abbrevKey(offset)] = table
        }
        abbrevKeys[unitIndex] = unit.abbrevKey(offset)
        lastTableUnit = unitIndex
        lastTable = Unmanaged.passUnretained(table)
        return lastTable!
    }

    /// Drops the abbreviations of a unit walked (no DIE of it is held any more).
    private func dropAbbrevTable(_ unitIndex: Int) {
        if let key = abbrevKeys[unitIndex] { abbrevTables[key] = nil }
        lastTableUnit = -1
        lastTable = nil
    }

    struct Die {
        let offset: Int
        /// Kept alive by its unit's table for as long as the reader.
        unowned(unsafe) let abbrev: Abbrev
        /// Offset of the first attribute value.
        let attributes: Int
        let unit: Int
    }

    /// The DIE at `offset` of unit `unitIndex`; nil for a null entry.
    @inline(__always)
    private func die(at offset: Int, unit unitIndex: Int) throws(DwarfReadFailure) -> Die? {
        var at = offset
        let code = try info.uleb(&at)
        if code == 0 { return nil }
        let table = try abbrevTable(unitIndex)
        var found = table._withUnsafeGuaranteedRef { $0.madeAbbrev(code) }
        if found == nil { found = try table.takeUnretainedValue().abbrev(code) }
        guard let abbrev = found else {
            throw .corrupt("DIE at 0x\(String(offset, radix: 16)) has abbreviation code \(code), not in its table")
        }
        return Die(offset: offset, abbrev: abbrev.takeUnretainedValue(), attributes: at, unit: unitIndex)
    }

    typealias Attr = DieAttr
    typealias Attrs = DieAttrs

    /// The attributes the walk reads, each the first of its kind (as `dwarf_attr` finds it),
    /// and where the DIE's attributes end.
    private func attributes(_ die: Die) throws(DwarfReadFailure) -> Attrs {
        if let template = die.abbrev.template {
            guard die.attributes <= info.count - template.end else { throw info.outside(die.attributes, template.end) }
            return template.shifted(by: die.attributes)
        }
        var result = Attrs()
        var at = die.attributes
        let unit = units[die.unit]
        for spec in die.abbrev.specs {
            var form = spec.form
            if form == DW.indirect {
                let actual = try info.uleb(&at)
                guard actual <= 0xffff, UInt16(actual) != DW.indirect, DwarfForms.isKnown(UInt16(actual)) else {
                    throw .corrupt("DW_FORM_indirect names form 0x\(String(actual, radix: 16))")
                }
                form = UInt16(actual)
            }
            result.record(spec.attribute, Attr(form: form, at: at, implicit: spec.implicitConst))
            try DwarfForms.skip(form, at: &at, in: info, unit: unit)
        }
        result.end = at
        return result
    }

    /// Where a DIE's attributes end (its first child, or the next DIE).
    @inline(__always)
    private func attributesEnd(_ die: Die) throws(DwarfReadFailure) -> Int {
        if let size = die.abbrev.fixedSize {
            guard die.attributes <= info.count - size else { throw info.outside(die.attributes, size) }
            return die.attributes + size
        }
        var at = die.attributes
        let unit = units[die.unit]
        for spec in die.abbrev.specs { try DwarfForms.skip(spec.form, at: &at, in: info, unit: unit) }
        return at
    }

    /// DW_AT_sibling of a DIE as an offset in `.debug_info`, nil without one.
    @inline(__always)
    private func siblingAttribute(_ die: Die) throws(DwarfReadFailure) -> Int? {
        if let sibling = die.abbrev.sibling {
            return try referenceOffset(Attr(form: sibling.form, at: die.attributes + sibling.offset), unit: die.unit)
        }
        guard die.abbrev.hasSibling else { return nil }
        let attrs = try attributes(die)
        return try referenceOffset(attrs.sibling, unit: die.unit)
    }

    /// The DIE after `die` in its sibling list: past its children, by DW_AT_sibling when it
    /// has one; nil at the end of the list.
    private func nextSibling(_ die: Die) throws(DwarfReadFailure) -> Die? {
        let unit = units[die.unit]
        var target: Int
        if let sibling = try siblingAttribute(die) {
            target = sibling
        } else {
            target = try attributesEnd(die)
            if die.abbrev.hasChildren { target = try skipChildren(from: target, unit: die.unit) }
        }
        if target == unit.end { return nil }
        guard target >= unit.firstDie, target < unit.end else {
            throw .corrupt("the sibling of the DIE at 0x\(String(die.offset, radix: 16)) is outside its unit")
        }
        guard target > die.offset else {
            throw .corrupt("the DIE after 0x\(String(die.offset, radix: 16)) is not after it (a sibling cycle)")
        }
        return try self.die(at: target, unit: die.unit)
    }

    /// Offset past the children that start at `start` (up to and with their null entry).
    private func skipChildren(from start: Int, unit unitIndex: Int) throws(DwarfReadFailure) -> Int {
        let unit = units[unitIndex]
        var at = start
        var depth = 1
        while depth > 0 {
            guard at < unit.end else { throw .corrupt("children at 0x\(String(start, radix: 16)) run past their unit") }
            guard let child = try die(at: at, unit: unitIndex) else {
                at += 1
                depth -= 1
                continue
            }
            if child.abbrev.hasChildren, let sibling = try siblingAttribute(child) {
                guard sibling > at, sibling <= unit.end else {
                    throw .corrupt("the DIE after 0x\(String(at, radix: 16)) is not after it (a sibling cycle)")
                }
                at = sibling
                continue
            }
            at = try attributesEnd(child)
            if child.abbrev.hasChildren { depth += 1 }
        }
        return at
    }

    /// The first child of a DIE; nil without one.
    private func firstChild(_ die: Die) throws(DwarfReadFailure) -> Die? {
        guard die.abbrev.hasChildren else { return nil }
        let at = try attributesEnd(die)
        guard at < units[die.unit].end else { return nil }
        return try self.die(at: at, unit: die.unit)
    }

    /// The unit holding `offset` (an offset in `.debug_info`).
    private func unitIndex(holding offset: Int) -> Int? {
        var low = 0, high = units.count
        while low < high {
            let mid = (low + high) / 2
            if units[mid].end <= offset { low = mid + 1 } else { high = mid }
        }
        guard low < units.count, units[low].offset <= offset else { return nil }
        return low
    }

    private func dieAt(_ offset: Int) throws(DwarfReadFailure) -> Die {
        guard let unitIndex = unitIndex(holding: offset), offset >= units[unitIndex].firstDie,
              let die = try die(at: offset, unit: unitIndex) else {
            throw .corrupt("no DIE at 0x\(String(offset, radix: 16))")
        }
        return die
    }

    // MARK: attribute values

    /// A reference attribute as an offset in `.debug_info`; nil when absent.
    private func referenceOffset(_ attr: Attr, unit unitIndex: Int) throws(DwarfReadFailure) -> Int? {
        guard attr.present else { return nil }
        let unit = units[unitIndex]
        var value: UInt64
        switch attr.form {
        case DW.ref1: value = try info.fixed(attr.at, 1)
        case DW.ref2: value = try info.fixed(attr.at, 2)
        case DW.ref4: value = try info.fixed(attr.at, 4)
        case DW.ref8: value = try info.fixed(attr.at, 8)
        case DW.refUdata:
            var at = attr.at
            value = try info.uleb(&at)
        case DW.refAddr:
            let global = try info.relocated(attr.at, unit.refAddrSize)
            guard global < UInt64(info.count) else { throw .corrupt("reference 0x\(String(global, radix: 16)) outside .debug_info") }
            return Int(global)
        case DW.refSig8, DW.refSup4, DW.refSup8, DW.gnuRefAlt:
            throw .unsupported("reference form 0x\(String(attr.form, radix: 16))")
        default:
            throw .corrupt("attribute at 0x\(String(attr.at, radix: 16)) of form 0x\(String(attr.form, radix: 16)) is not a reference")
        }
        guard value < UInt64(unit.end - unit.offset) else {
            throw .corrupt("reference 0x\(String(value, radix: 16)) outside its unit at 0x\(String(unit.offset, radix: 16))")
        }
        return unit.offset + Int(value)
    }

    private func strOffsetsBase(unit unitIndex: Int) throws(DwarfReadFailure) -> UInt64? {
        if let known = strOffsetsBases[unitIndex] { return known }
        var base: UInt64?
        if let unitDie = try die(at: units[unitIndex].firstDie, unit: unitIndex) {
            let attrs = try attributes(unitDie)
            if attrs.strOffsetsBase.present { base = try info.relocated(attrs.strOffsetsBase.at, 4) }
        }
        strOffsetsBases[unitIndex] = base
        return base
    }

    /// A string attribute's value (`dwarf_formstring`); fails for a form that is no string.
    private func string(_ attr: Attr, unit unitIndex: Int) throws(DwarfReadFailure) -> String {
        switch attr.form {
        case DW.string:
            let end = try info.stringEnd(attr.at)
            return String(decoding: UnsafeRawBufferPointer(start: info.base! + attr.at, count: end - 1 - attr.at), as: UTF8.self)
        case DW.strp:
            return try str.string(info.relocated(attr.at, 4))
        case DW.lineStrp:
            return try lineStr.string(info.relocated(attr.at, 4))
        case DW.strx, DW.gnuStrIndex, DW.strx1, DW.strx2, DW.strx3, DW.strx4:
            var index: UInt64
            switch attr.form {
            case DW.strx1: index = try info.fixed(attr.at, 1)
            case DW.strx2: index = try info.fixed(attr.at, 2)
            case DW.strx3: index = try info.fixed(attr.at, 3)
            case DW.strx4: index = try info.fixed(attr.at, 4)
            default:
                var at = attr.at
                index = try info.uleb(&at)
            }
            let base = try strOffsetsBase(unit: unitIndex) ?? 8
            let (scaled, o1) = index.multipliedReportingOverflow(by: 4)
            let (place, o2) = base.addingReportingOverflow(scaled)
            guard !o1, !o2, place < UInt64(strOffsets.count) else {
                throw .corrupt("string index \(index) outside .debug_str_offsets")
            }
            return try str.string(strOffsets.relocated(Int(place), 4))
        case DW.strpSup, DW.gnuStrpAlt:
            throw .unsupported("string form 0x\(String(attr.form, radix: 16)) (a supplementary file)")
        default:
            throw .corrupt("attribute at 0x\(String(attr.at, radix: 16)) of form 0x\(String(attr.form, radix: 16)) is not a string")
        }
    }

    private func name(_ attrs: Attrs, unit: Int) throws(DwarfReadFailure) -> String? {
        guard attrs.name.present else { return nil }
        return try string(attrs.name, unit: unit)
    }

    private func flag(_ attr: Attr) throws(DwarfReadFailure) -> Bool {
        guard attr.present else { return false }
        switch attr.form {
        case DW.flag: return try info.u8(attr.at) != 0
        case DW.flagPresent: return true
        default: return false
        }
    }

    /// A constant attribute as `DwarfReader.unsigned` reads it: negative and other forms nil.
    private func unsigned(_ attr: Attr) throws(DwarfReadFailure) -> UInt64? {
        guard attr.present else { return nil }
        switch attr.form {
        case DW.implicitConst: return attr.implicit >= 0 ? UInt64(attr.implicit) : nil
        case DW.sdata:
            var at = attr.at
            let value = try info.sleb(&at)
            return value >= 0 ? UInt64(value) : nil
        case DW.data1: return try info.fixed(attr.at, 1)
        case DW.data2: return try info.fixed(attr.at, 2)
        case DW.data4: return try info.relocated(attr.at, 4)
        case DW.data8: return try info.relocated(attr.at, 8)
        case DW.udata:
            var at = attr.at
            return try info.uleb(&at)
        default: return nil
        }
    }

    /// An exprloc's bytes: nil for another form, empty when empty or implausibly long.
    private func expression(_ attr: Attr) throws(DwarfReadFailure) -> [UInt8]? {
        guard attr.present, attr.form == DW.exprloc else { return nil }
        var at = attr.at
        let length = try info.uleb(&at)
        guard length > 0, length < 1 << 16 else { return [] }
        guard length <= UInt64(info.count - at) else { throw info.outside(at, Int(length)) }
        return Array(UnsafeRawBufferPointer(start: info.base! + at, count: Int(length)))
    }

    private func memberLocation(_ attrs: Attrs) throws(DwarfReadFailure) -> UInt64? {
        if let value = try unsigned(attrs.memberLocation) { return value }
        guard let bytes = try expression(attrs.memberLocation), bytes.first == DW.opPlusUconst else { return nil }
        return DwarfReader.uleb128(bytes.dropFirst())
    }

    private func declLocation(_ attrs: Attrs?) throws(DwarfReadFailure) -> SourceLocation? {
        guard let attrs, let fileIndex = try unsigned(attrs.declFile), let line = try unsigned(attrs.declLine),
              line > 0, line < UInt64(Int32.max) else { return nil }
        let column = try unsigned(attrs.declColumn).flatMap { $0 > 0 && $0 < UInt64(Int32.max) ? Int($0) : nil }
        let header = unitLines()
        let count = header?.files.count ?? 0
        guard let header, fileIndex >= UInt64(fileIndexBase), fileIndex - UInt64(fileIndexBase) < UInt64(count) else { return nil }
        let index = Int(fileIndex) - fileIndexBase
        let file: String
        if let known = relativeFiles[index] {
            file = known
        } else {
            guard let full = try? header.fullPath(index, compDir: compDir, lineStr: lineStr, str: str, line: self.line) else { return nil }
            if let known = relativeCache[full] {
                file = known
            } else {
                file = RelativePathCache.shared.relative(full, compDir: compDir)
                relativeCache[full] = file
            }
            relativeFiles[index] = file
        }
        return SourceLocation(file: file, line: Int(line), column: column)
    }

    /// The header of the current unit's line program (its file names), read on first use;
    /// nil when the unit has none or it cannot be read (as `dwarf_srcfiles` fails).
    private func unitLines() -> LineProgramHeader? {
        if !unitLinesRead {
            unitLinesRead = true
            unitLineHeader = try? lineHeader(unitAttrs, unit: unitIndex)
            relativeFiles = Array(repeating: nil, count: unitLineHeader?.files.count ?? 0)
        }
        return unitLineHeader
    }

    // MARK: the walk

    func read() throws(DwarfReadFailure) -> DebugInfo {
        for index in units.indices {
            guard let unitDie = try die(at: units[index].firstDie, unit: index) else {
                throw .corrupt("unit at 0x\(String(units[index].offset, radix: 16)) has no unit DIE")
            }
            try beginUnit(unitDie)
            try walkChildren(of: unitDie)
            dropAbbrevTable(index)
            walkedSinceRelease += units[index].end - units[index].offset
            if mayReleasePages && walkedSinceRelease >= releaseInterval {
                releasePages()
                walkedSinceRelease = 0
            }
        }
        if mayReleasePages && units.count > 1 {
            releasePages()
            // The layouts are read from wherever their structures are: page by page.
            if let span = debugSpan, span.count >= releaseInterval { NativeDwarfReader.advise(info.base, info.count, MADV_RANDOM) }
        }
        var recorded = 0
        try StructReach.resolve(reached, recorded: { structs[$0] != nil }, byName: structOffset(named:)) {
            (offset: Int) throws(DwarfReadFailure) -> StructReach? in
            let inner = try recordStruct(try dieAt(offset))
            recorded += 1
            if mayReleasePages && recorded % 16 == 0 { releasePages() }
            return inner
        }
        return DebugInfo(compilationUnits: unitNames, structs: structs, variables: variables,
                         functions: functions, variableDeclarations: variableDeclarations, hasDeclarations: readsDeclarations)
    }

    private func beginUnit(_ die: Die) throws(DwarfReadFailure) {
        let attrs = try attributes(die)
        unitNames.append(try name(attrs, unit: die.unit) ?? "<unnamed unit>")
        compDir = attrs.compDir.present ? try? string(attrs.compDir, unit: die.unit) : nil
        fileIndexBase = units[die.unit].version >= 5 ? 0 : 1
        unitAttrs = attrs
        unitIndex = die.unit
        unitLinesRead = false
        unitLineHeader = nil
        relativeFiles = []
        if compDir != relativeCacheDirectory {
            relativeCache = [:]
            relativeCacheDirectory = compDir
        }
    }

    private func countDie() throws(DwarfReadFailure) {
        dieCount += 1
        guard dieCount <= DwarfReader.maxDies else { throw .corrupt("more than \(DwarfReader.maxDies) DIEs") }
    }

    private func walkChildren(of parent: Die) throws(DwarfReadFailure) {
        var current = try firstChild(parent)
        while let die = current {
            try countDie()
            switch die.abbrev.tag {
            case DW.variable: try recordVariable(die)
            case DW.subprogram: if readsDeclarations { try recordFunction(die) }
            default: break
            }
            current = try nextSibling(die)
        }
    }

    /// A name given by offset into `.debug_str` or `.debug_line_str`, as a key that needs no
    /// string: `ld -r` merges equal strings of these sections, so one name is mostly one
    /// key (a name with two keys is only looked at twice). Nil for other forms.
    @inline(__always)
    private func nameKey(_ attrs: Attrs) throws(DwarfReadFailure) -> UInt64? {
        switch attrs.name.form {
        case DW.strp:
            let offset = try info.relocated(attrs.name.at, 4)
            return offset < UInt64(str.count) ? offset : nil
        case DW.lineStrp:
            let offset = try info.relocated(attrs.name.at, 4)
            return offset < UInt64(lineStr.count) ? offset | 1 << 62 : nil
        default:
            return nil
        }
    }

    private func string(key: UInt64) throws(DwarfReadFailure) -> String {
        key & 1 << 62 != 0 ? try lineStr.string(key & ~(1 << 62)) : try str.string(key)
    }

    /// The first definition of each structure by name; by name key while walking (one
    /// string per distinct name, not per unit that repeats it), resolved in `read`.
    private var structOffsetsByKey = OffsetMap()
    /// Functions already known by name key, and whether the one known is a declaration.
    private var functionKeys = OffsetMap()
    /// Variable declarations already known by name key.
    private var declarationKeys = OffsetMap()

    private func noteStruct(_ die: Die) throws(DwarfReadFailure) {
        let attrs = try attributes(die)
        if let key = try nameKey(attrs) {
            guard structOffsetsByKey.value(key) == nil, try !flag(attrs.declaration) else { return }
            structOffsetsByKey.set(key, die.offset)
            // Indexed now, while the walk's pages are in: read later, the names of every
            // structure of a large module would be read back from all over `.debug_str`.
            let section = key & 1 << 62 != 0 ? lineStr : str
            if let prefix = NativeDwarfReader.prefix(section, key & ~(1 << 62)) {
                structKeysByPrefix[prefix, default: []].append((key, die.offset))
            }
            return
        }
        guard let name = try name(attrs, unit: die.unit), structOffsets[name] == nil, try !flag(attrs.declaration) else { return }
        structOffsets[name] = die.offset
    }

    /// The structures noted by key, by the first eight bytes of their name (read in place).
    private var structKeysByPrefix: [UInt64: [(key: UInt64, offset: Int)]] = [:]

    /// Up to the first eight bytes of a NUL-terminated string, zero-padded; nil outside.
    @inline(__always)
    private static func prefix(_ section: DwarfSection, _ start: UInt64) -> UInt64? {
        guard let base = section.base, start < UInt64(section.count) else { return nil }
        var value: UInt64 = 0
        var at = Int(start)
        for i in 0..<8 {
            guard at < section.count else { return nil }
            let byte = base.load(fromByteOffset: at, as: UInt8.self)
            if byte == 0 { break }
            value |= UInt64(byte) << (8 * UInt64(i))
            at += 1
        }
        return value
    }

    private var structsNoted = false

    /// Every unit's structures at file scope noted by name, for a type that led only to a
    /// declaration (rare: a defined variable's type is complete in its unit). A walk of the
    /// module's units again, made once.
    private func noteStructs() throws(DwarfReadFailure) {
        structsNoted = true
        for index in units.indices {
            guard let unitDie = try die(at: units[index].firstDie, unit: index) else { continue }
            var current = try firstChild(unitDie)
            while let die = current {
                if die.abbrev.tag == DW.structureType { try noteStruct(die) }
                current = try nextSibling(die)
            }
            dropAbbrevTable(index)
        }
    }

    /// The first definition of the structure `name`: the first of those noted by name
    /// (inline strings) and by key (compared with `name` in place, no string made).
    private func structOffset(named name: String) throws(DwarfReadFailure) -> Int? {
        if !structsNoted { try noteStructs() }
        var best = structOffsets[name]
        var bytes = Array(name.utf8)
        var prefix: UInt64 = 0
        for (i, byte) in bytes.prefix(8).enumerated() { prefix |= UInt64(byte) << (8 * UInt64(i)) }
        bytes.append(0)
        for (key, offset) in structKeysByPrefix[prefix] ?? [] where best.map({ offset < $0 }) ?? true {
            let section = key & 1 << 62 != 0 ? lineStr : str
            let start = key & ~(1 << 62)
            guard let base = section.base, start < UInt64(section.count),
                  UInt64(bytes.count) <= UInt64(section.count) - start,
                  memcmp(base + Int(start), bytes, bytes.count) == 0 else { continue }
            best = offset
        }
        return best
    }

    /// The structures its members are, as `StructReach.resolve` follows them; nil when the DIE
    /// gives no layout (no name, a declaration, or one recorded already).
    private func recordStruct(_ die: Die) throws(DwarfReadFailure) -> StructReach? {
        let attrs = try attributes(die)
        guard let name = try name(attrs, unit: die.unit), structs[name] == nil, try !flag(attrs.declaration) else { return nil }
        var inner = StructReach()
        let size = try unsigned(attrs.byteSize)
        var members: [StructMember] = []
        var current = try firstChild(die)
        while let member = current {
            try countDie()
            if member.abbrev.tag == DW.member {
                let m = try attributes(member)
                let memberName = try self.name(m, unit: member.unit)
                var offset = try memberLocation(m)
                if offset == nil, let bits = try unsigned(m.dataBitOffset) { offset = bits / 8 }
                var typeName = "void"
                if let ref = try referenceOffset(m.type, unit: member.unit) {
                    let type = try typeInfo(at: ref, depth: 0)
                    typeName = type.display
                    inner.embed(type)
                }
                members.append(StructMember(name: memberName, offset: offset, typeName: typeName))
            }
            current = try nextSibling(member)
        }
        structs[name] = StructLayout(name: name, size: size, members: members)
        return inner
    }

    private func recordVariable(_ die: Die) throws(DwarfReadFailure) {
        let attrs = try attributes(die)
        let isDeclaration = try flag(attrs.declaration)
        if isDeclaration && !readsDeclarations { return }
        // An `extern` declaration from a header, repeated by every unit that includes it:
        // the first with a place is kept.
        var key: UInt64?
        if isDeclaration && !attrs.specification.present {
            key = try nameKey(attrs)
            if let key, declarationKeys.value(key) != nil { return }
        }
        var specification: (die: Die, attrs: Attrs)?
        if let ref = try referenceOffset(attrs.specification, unit: die.unit) {
            let target = try dieAt(ref)
            specification = (target, try attributes(target))
        }
        var name = try self.name(attrs, unit: die.unit)
        if name == nil, let specification { name = try self.name(specification.attrs, unit: specification.die.unit) }
        guard let name else { return }
        var location = try declLocation(attrs)
        if location == nil { location = try declLocation(specification?.attrs) }
        if isDeclaration {
            if variableDeclarations[name] == nil, let location { variableDeclarations[name] = location }
            if let key, variableDeclarations[name] != nil { declarationKeys.set(key, 1) }
            return
        }
        var type = DwarfReader.TypeInfo.unknown
        var ref = try referenceOffset(attrs.type, unit: die.unit)
        if ref == nil, let specification { ref = try referenceOffset(specification.attrs.type, unit: specification.die.unit) }
        if let ref { type = try typeInfo(at: ref, depth: 0) }
        variables[name, default: []].append(DebugVariable(
            name: name, typeName: type.display, structName: type.structName, isArray: type.isArray,
            arrayCount: type.arrayCount, location: location))
        if let structName = type.structName { reached.reach(structName, at: type.structOffset) }
    }

    private func recordFunction(_ die: Die) throws(DwarfReadFailure) {
        let attrs = try attributes(die)
        let isDeclaration = try flag(attrs.declaration)
        // A prototype repeated by every unit that includes its header, or a function known
        // already: nothing changes (a definition replaces a declaration, nothing else).
        var key: UInt64?
        if !attrs.specification.present && !attrs.abstractOrigin.present {
            key = try nameKey(attrs)
            if let key, let known = functionKeys.value(key), known == 0 || isDeclaration { return }
        }
        var origin: (die: Die, attrs: Attrs)?
        var ref = try referenceOffset(attrs.specification, unit: die.unit)
        if ref == nil { ref = try referenceOffset(attrs.abstractOrigin, unit: die.unit) }
        if let ref {
            let target = try dieAt(ref)
            origin = (target, try attributes(target))
        }
        var name = try self.name(attrs, unit: die.unit)
        if name == nil, let origin { name = try self.name(origin.attrs, unit: origin.die.unit) }
        guard let name else { return }
        if let existing = functions[name], !existing.isDeclaration || isDeclaration {
            if let key { functionKeys.set(key, existing.isDeclaration ? 1 : 0) }
            return
        }
        var location = try declLocation(attrs)
        if location == nil { location = try declLocation(origin?.attrs) }
        functions[name] = DebugFunction(name: name, location: location, isDeclaration: isDeclaration)
        if let key { functionKeys.set(key, isDeclaration ? 1 : 0) }
    }

    // MARK: types

    private func typeInfo(at offset: Int, depth: Int) throws(DwarfReadFailure) -> DwarfReader.TypeInfo {
        typealias TypeInfo = DwarfReader.TypeInfo
        if let cached = typeIndices.value(UInt64(offset)) { return types[cached] }
        guard depth < DwarfReader.maxTypeDepth else { return .unknown }
        let die = try dieAt(offset)
        let attrs = try attributes(die)
        let name = try self.name(attrs, unit: die.unit)
        func inner() throws(DwarfReadFailure) -> TypeInfo? {
            guard let ref = try referenceOffset(attrs.type, unit: die.unit) else { return nil }
            return try typeInfo(at: ref, depth: depth + 1)
        }
        let info: TypeInfo
        switch die.abbrev.tag {
        case DW.baseType:
            info = TypeInfo(display: name ?? "?", structName: nil, isArray: false, arrayCount: nil)
        case DW.structureType:
            var isDefinition = false
            if name != nil { isDefinition = try !flag(attrs.declaration) }
            info = TypeInfo(display: "struct " + (name ?? "<anonymous>"), structName: name, isArray: false, arrayCount: nil,
                            structOffset: isDefinition ? Int(offset) : nil)
        case DW.unionType:
            info = TypeInfo(display: "union " + (name ?? "<anonymous>"), structName: nil, isArray: false, arrayCount: nil)
        case DW.enumerationType:
            info = TypeInfo(display: "enum " + (name ?? "<anonymous>"), structName: nil, isArray: false, arrayCount: nil)
        case DW.typedef:
            let target = try inner()
            info = TypeInfo(display: name ?? target?.display ?? "?", structName: target?.structName,
                            isArray: target?.isArray ?? false, arrayCount: target?.arrayCount, structOffset: target?.structOffset)
        case DW.constType, DW.volatileType:
            let target = try inner()
            let qualifier = die.abbrev.tag == DW.constType ? "const" : "volatile"
            info = TypeInfo(display: qualifier + " " + (target?.display ?? "void"), structName: target?.structName,
                            isArray: target?.isArray ?? false, arrayCount: target?.arrayCount, structOffset: target?.structOffset)
        case DW.pointerType:
            info = TypeInfo(display: (try inner()?.display ?? "void") + " *", structName: nil, isArray: false, arrayCount: nil)
        case DW.arrayType:
            let element = try inner()
            let count = try arrayCount(die)
            info = TypeInfo(display: (element?.display ?? "?") + "[\(count.map(String.init) ?? "")]",
                            structName: element?.structName, isArray: true, arrayCount: count,
                            structOffset: element?.structOffset)
        case DW.subroutineType:
            info = TypeInfo(display: "function", structName: nil, isArray: false, arrayCount: nil)
        default:
            info = TypeInfo(display: name ?? "?", structName: nil, isArray: false, arrayCount: nil)
        }
        typeIndices.set(UInt64(offset), types.count)
        types.append(info)
        return info
    }

    /// The element count of a one-dimensional array (`DW_AT_count`, or `DW_AT_upper_bound` + 1).
    private func arrayCount(_ die: Die) throws(DwarfReadFailure) -> UInt64? {
        guard let child = try firstChild(die) else { return nil }
        let attrs = try attributes(child)
        if let count = try unsigned(attrs.count) { return count }
        if let upper = try unsigned(attrs.upperBound), upper < UInt64.max { return upper + 1 }
        return nil
    }

    // MARK: the line table's file names

    /// The header of the unit's line program, as `dwarf_srcfiles` reads it: nil without
    /// DW_AT_stmt_list; fails when the header or DW_AT_comp_dir cannot be read.
    private func lineHeader(_ attrs: Attrs, unit unitIndex: Int) throws(DwarfReadFailure) -> LineProgramHeader? {
        guard attrs.stmtList.present, line.base != nil else { return nil }
        let offset: UInt64
        switch attrs.stmtList.form {
        case DW.data4, DW.secOffset: offset = try info.relocated(attrs.stmtList.at, 4)
        case DW.data8: offset = try info.relocated(attrs.stmtList.at, 8)
        default: return nil
        }
        guard offset < UInt64(line.count) else { return nil }
        if attrs.compDir.present { _ = try string(attrs.compDir, unit: unitIndex) }
        let header = try LineProgramHeader(line, at: Int(offset), lineStr: lineStr, str: str)
        return header.files.isEmpty ? nil : header
    }
}

/// A string of a line program header, not yet made: in the header itself, or by offset in
/// `.debug_line_str` or `.debug_str`.
enum HeaderString {
    case inline(Int)
    case lineStr(UInt64)
    case str(UInt64)

    func resolve(line: DwarfSection, lineStr: DwarfSection, str: DwarfSection) throws(DwarfReadFailure) -> String {
        switch self {
        case .inline(let at):
            // -1: a DWARF 5 entry without a DW_LNCT_path.
            guard at >= 0 else { throw .corrupt("a line table entry without its path") }
            return try line.string(UInt64(at))
        case .lineStr(let offset): return try lineStr.string(offset)
        case .str(let offset): return try str.string(offset)
        }
    }
}

/// The header of one line program, as far as its file names, which are made only when
/// asked for.
struct LineProgramHeader {
    let version: Int
    let directories: [HeaderString]
    let files: [(name: HeaderString, directory: UInt64)]

    init(_ line: DwarfSection, at start: Int, lineStr: DwarfSection, str: DwarfSection) throws(DwarfReadFailure) {
        let length = try line.fixed(start, 4)
        if length == 0xffff_ffff { throw .unsupported("64-bit line table") }
        guard length < 0xffff_fff0, length <= UInt64(line.count - start - 4) else { throw .corrupt("line table length") }
        let end = start + 4 + Int(length)
        version = Int(try line.fixed(start + 4, 2))
        guard (2...5).contains(version) else { throw .corrupt("line table version \(version)") }
        var at = start + 6
        if version >= 5 { at += 2 }
        let headerLength = try line.fixed(at, 4)
        at += 4
        guard at <= end, headerLength <= UInt64(end - at) else { throw .corrupt("line table header length") }
        let headerEnd = at + Int(headerLength)
        at += version >= 4 ? 5 : 4
        let opcodeBase = Int(try line.u8(at))
        at += 1 + max(opcodeBase - 1, 0)
        guard at <= headerEnd else { throw .corrupt("line table header") }
        var directories: [HeaderString] = []
        var files: [(name: HeaderString, directory: UInt64)] = []
        if version >= 5 {
            (directories, files) = try LineProgramHeader.v5Entries(line, at: at, headerEnd: headerEnd, lineStr: lineStr, str: str)
        } else {
            while true {
                guard at < headerEnd else { throw .corrupt("include directories run past the header") }
                if try line.u8(at) == 0 { at += 1; break }
                let next = try line.stringEnd(at)
                directories.append(.inline(at))
                at = next
            }
            while true {
                guard at < headerEnd else { throw .corrupt("file names run past the header") }
                if try line.u8(at) == 0 { break }
                let next = try line.stringEnd(at)
                let name = HeaderString.inline(at)
                at = next
                let directory = try line.uleb(&at)
                _ = try line.uleb(&at)
                _ = try line.uleb(&at)
                files.append((name, directory))
            }
        }
        // dwarf_srcfiles fails as a whole on a file naming a directory past the last.
        let limit = UInt64(directories.count) + (version >= 5 ? 0 : 1)
        for file in files where file.directory >= limit && !(version < 5 && file.directory == 0) {
            throw .corrupt("a file names directory \(file.directory) of \(directories.count)")
        }
        self.directories = directories
        self.files = files
    }

    /// DWARF 5 directory and file entries: the directories' paths, the files' paths and
    /// directory indices.
    static func v5Entries(_ line: DwarfSection, at start: Int, headerEnd: Int, lineStr: DwarfSection,
                          str: DwarfSection) throws(DwarfReadFailure) -> ([HeaderString], [(name: HeaderString, directory: UInt64)]) {
        var at = start
        var directories: [HeaderString] = []
        var files: [(name: HeaderString, directory: UInt64)] = []
        for pass in 0..<2 {
            guard at < headerEnd else { throw .corrupt("line table entry formats run past the header") }
            let formatCount = Int(try line.u8(at))
            at += 1
            var formats: [(UInt64, UInt16)] = []
            for _ in 0..<formatCount {
                let content = try line.uleb(&at)
                let form = try line.uleb(&at)
                guard form <= 0xffff else { throw .corrupt("line table entry form 0x\(String(form, radix: 16))") }
                formats.append((content, UInt16(form)))
            }
            let count = try line.uleb(&at)
            guard count <= UInt64(max(headerEnd - at, 0)) else { throw .corrupt("\(count) line table entries cannot fit in the header") }
            for _ in 0..<count {
                var name = HeaderString.inline(-1)
                var directory: UInt64 = 0
                for (content, form) in formats {
                    if content == 1 {
                        switch form {
                        case DW.string: name = .inline(at)
                        case DW.lineStrp:
                            let offset = try line.relocated(at, 4)
                            guard offset < UInt64(lineStr.count) else { throw .corrupt("line table path outside .debug_line_str") }
                            name = .lineStr(offset)
                        case DW.strp:
                            let offset = try line.relocated(at, 4)
                            guard offset < UInt64(str.count) else { throw .corrupt("line table path outside .debug_str") }
                            name = .str(offset)
                        default: throw .unsupported("line table path form 0x\(String(form, radix: 16))")
                        }
                    } else if content == 2 {
                        switch form {
                        case DW.data1: directory = try line.fixed(at, 1)
                        case DW.data2: directory = try line.fixed(at, 2)
                        case DW.udata:
                            var p = at
                            directory = try line.uleb(&p)
                        default: throw .corrupt("line table directory index form 0x\(String(form, radix: 16))")
                        }
                    }
                    try skip(form, at: &at, in: line)
                }
                guard at <= headerEnd else { throw .corrupt("line table entries run past the header") }
                if pass == 0 { directories.append(name) } else { files.append((name, directory)) }
            }
        }
        return (directories, files)
    }

    static func skip(_ form: UInt16, at: inout Int, in line: DwarfSection) throws(DwarfReadFailure) {
        switch form {
        case DW.string: at = try line.stringEnd(at)
        case DW.lineStrp, DW.strp, DW.secOffset, DW.data4, DW.strx4: _ = try line.fixed(at, 4); at += 4
        case DW.data1, DW.strx1: _ = try line.fixed(at, 1); at += 1
        case DW.data2, DW.strx2: _ = try line.fixed(at, 2); at += 2
        case DW.strx3: _ = try line.fixed(at, 3); at += 3
        case DW.data8: _ = try line.fixed(at, 8); at += 8
        case DW.data16:
            guard at <= line.count - 16 else { throw line.outside(at, 16) }
            at += 16
        case DW.udata, DW.strx: _ = try line.uleb(&at)
        case DW.block:
            let length = try line.uleb(&at)
            guard length <= UInt64(line.count - at) else { throw line.outside(at, Int(clamping: length)) }
            at += Int(length)
        default: throw .corrupt("line table entry form 0x\(String(form, radix: 16))")
        }
    }

    /// File `index`'s name joined to its directory and the compilation directory, as
    /// libdwarf 20210528 joins them for `dwarf_srcfiles`.
    func fullPath(_ index: Int, compDir: String?, lineStr: DwarfSection, str: DwarfSection,
                  line: DwarfSection) throws(DwarfReadFailure) -> String {
        let file = files[index]
        let name = try file.name.resolve(line: line, lineStr: lineStr, str: str)
        if LineProgramHeader.isFullPath(name) { return name }
        let comp = compDir ?? ""
        // DWARF 2-4 number the include directories from 1, 0 standing for the compilation
        // directory alone. DWARF 5 numbers them from 0 (the compilation directory's entry),
        // and libdwarf joins entry 0 like any other, to DW_AT_comp_dir when relative.
        if file.directory == 0 && version < 5 {
            return comp.isEmpty ? name : comp + "/" + name
        }
        let directory = version >= 5 ? file.directory : file.directory - 1
        guard directory < UInt64(directories.count) else { throw .corrupt("a file names directory \(file.directory) of \(directories.count)") }
        let include = try directories[Int(directory)].resolve(line: line, lineStr: lineStr, str: str)
        if !include.isEmpty && LineProgramHeader.isFullPath(include) { return include + "/" + name }
        var path = ""
        if !comp.isEmpty { path += comp + "/" }
        if !include.isEmpty { path += include + "/" }
        return path + name
    }

    static func isFullPath(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard let first = utf8.first else { return false }
        if first == UInt8(ascii: "/") || first == UInt8(ascii: "\\") { return true }
        if (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z")) || (first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z")) {
            return utf8.dropFirst().first == UInt8(ascii: ":")
        }
        return false
    }
}

/// Source paths made relative to their compilation directory, shared by the modules of a run:
/// the headers of one kernel tree recur in every module built against it.
final class RelativePathCache: @unchecked Sendable {
    static let shared = RelativePathCache()
    private let lock = NSLock()
    private var cache: [String: [String: String]] = [:]
    private var count = 0
    static let capacity = 200_000

    func relative(_ path: String, compDir: String?) -> String {
        let directory = compDir ?? ""
        lock.lock()
        if let known = cache[directory]?[path] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let result = SourcePath.relativeToCompDir(path, compDir: compDir)
        lock.lock()
        if count >= RelativePathCache.capacity {
            cache = [:]
            count = 0
        }
        cache[directory, default: [:]][path] = result
        count += 1
        lock.unlock()
        return result
    }
}
