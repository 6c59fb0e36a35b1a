import ModuleObject

/// Why the DWARF reader stopped: the debug info is corrupt, or it uses something the reader
/// leaves to libdwarf (compressed sections, 64-bit DWARF, type units, supplementary files).
enum DwarfReadFailure: Error {
    case corrupt(String)
    case unsupported(String)
}

/// One debug section of the mapped file, with bounds-checked reads in the file's byte order
/// and the relocations that apply to it, applied to the values read (never to the section).
struct DwarfSection {
    let name: String
    /// Nil for a section the file does not have (every read fails).
    let base: UnsafeRawPointer?
    let count: Int
    let bigEndian: Bool
    /// Kept alive by the reader that made the section.
    unowned(unsafe) let relocations: RelocationIndex?

    static func absent(_ name: String, bigEndian: Bool) -> DwarfSection {
        DwarfSection(name: name, base: nil, count: 0, bigEndian: bigEndian, relocations: nil)
    }

    @inline(__always)
    func outside(_ offset: Int, _ width: Int) -> DwarfReadFailure {
        .corrupt("\(name): read of \(width) bytes at 0x\(String(offset, radix: 16)) outside the section (\(count) bytes)")
    }

    @inline(__always)
    func u8(_ offset: Int) throws(DwarfReadFailure) -> UInt8 {
        guard let base, offset >= 0, offset < count else { throw outside(offset, 1) }
        return base.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// An unsigned value of 1 to 8 bytes, as stored (no relocation).
    @inline(__always)
    func fixed(_ offset: Int, _ width: Int) throws(DwarfReadFailure) -> UInt64 {
        guard let base, offset >= 0, width <= count, offset <= count - width else { throw outside(offset, width) }
        switch width {
        case 1: return UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
        case 2:
            let v = base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
            return UInt64(bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v))
        case 4:
            let v = base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            return UInt64(bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v))
        case 8:
            let v = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            return bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
        default:
            var result: UInt64 = 0
            for i in 0..<width {
                let byte = UInt64(base.load(fromByteOffset: offset + i, as: UInt8.self))
                result |= byte << (8 * UInt64(bigEndian ? width - 1 - i : i))
            }
            return result
        }
    }

    /// A value of 4 or 8 bytes with the relocation at its place applied, as libdwarf applies
    /// `.rela.debug_*` to the whole section when it loads it.
    @inline(__always)
    func relocated(_ offset: Int, _ width: Int) throws(DwarfReadFailure) -> UInt64 {
        let raw = try fixed(offset, width)
        guard let relocations else { return raw }
        return try relocations.apply(at: UInt64(offset), width: width, stored: raw)
    }

    /// ULEB128 at `offset`, which is moved past it.
    @inline(__always)
    func uleb(_ offset: inout Int) throws(DwarfReadFailure) -> UInt64 {
        guard let base else { throw outside(offset, 1) }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var at = offset
        while at >= 0 && at < count {
            let byte = base.load(fromByteOffset: at, as: UInt8.self)
            at += 1
            if shift < 64 { result |= UInt64(byte & 0x7f) << shift }
            if byte & 0x80 == 0 {
                offset = at
                return result
            }
            shift += 7
        }
        throw .corrupt("\(name): LEB128 at 0x\(String(offset, radix: 16)) runs past the section")
    }

    /// SLEB128 at `offset`, which is moved past it.
    func sleb(_ offset: inout Int) throws(DwarfReadFailure) -> Int64 {
        guard let base else { throw outside(offset, 1) }
        var result: Int64 = 0
        var shift: Int64 = 0
        var at = offset
        while at >= 0 && at < count {
            let byte = base.load(fromByteOffset: at, as: UInt8.self)
            at += 1
            if shift < 64 { result |= Int64(byte & 0x7f) << shift }
            shift += 7
            if byte & 0x80 == 0 {
                if shift < 64 && byte & 0x40 != 0 { result |= -(Int64(1) << shift) }
                offset = at
                return result
            }
        }
        throw .corrupt("\(name): LEB128 at 0x\(String(offset, radix: 16)) runs past the section")
    }

    /// Offset one past the NUL that ends the string at `offset`.
    @inline(__always)
    func stringEnd(_ offset: Int) throws(DwarfReadFailure) -> Int {
        guard let base, offset >= 0, offset < count, let nul = memchr(base + offset, 0, count - offset) else {
            throw .corrupt("\(name): string at 0x\(String(offset, radix: 16)) without its NUL inside the section")
        }
        return UnsafeRawPointer(nul) - base + 1
    }

    /// The NUL-terminated string at `offset`.
    func string(_ offset: UInt64) throws(DwarfReadFailure) -> String {
        guard offset < UInt64(count) else { throw .corrupt("\(name): string offset 0x\(String(offset, radix: 16)) outside the section") }
        let start = Int(offset)
        let end = try stringEnd(start)
        return String(decoding: UnsafeRawBufferPointer(start: base! + start, count: end - 1 - start), as: UTF8.self)
    }

    /// The first byte at `offset` equals `byte` (false outside).
    @inline(__always)
    func byte(at offset: Int, is byte: UInt8) -> Bool {
        guard let base, offset >= 0, offset < count else { return false }
        return base.load(fromByteOffset: offset, as: UInt8.self) == byte
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The entries of one `.rela.debug_*`/`.rel.debug_*` section, read in place and looked up by
/// the place they relocate. The assembler and `ld -r` write them in order of place; a lookup
/// starts from the last one found, since the reader mostly goes forward.
final class RelocationIndex {
    let base: UnsafeRawPointer
    let entryCount: Int
    let entrySize: Int
    let explicitAddends: Bool
    let elf64: Bool
    let bigEndian: Bool
    let decoder: RelocationDecoder
    let symbolValues: [UInt64]
    private var hint = 0

    init(base: UnsafeRawPointer, size: Int, explicitAddends: Bool, identity: ElfIdentity,
         symbolValues: [UInt64]) throws(DwarfReadFailure) {
        self.base = base
        self.explicitAddends = explicitAddends
        elf64 = identity.elfClass == .elf64
        bigEndian = identity.byteOrder == .big
        decoder = RelocationDecoder(identity: identity)
        self.symbolValues = symbolValues
        let word = elf64 ? 8 : 4
        entrySize = word * (explicitAddends ? 3 : 2)
        guard size % entrySize == 0 else {
            throw .corrupt("relocation section of \(size) bytes is not a whole number of \(entrySize)-byte entries")
        }
        entryCount = size / entrySize
        // The entries are searched by place: a table out of order is refused (checked at a
        // spread of entries, not all: a large module's table is hundreds of MiB).
        if entryCount > 1 {
            let samples = min(entryCount, 17)
            var previous: UInt64 = 0
            for k in 0..<samples {
                let index = k * (entryCount - 1) / (samples - 1)
                let place = self.place(index)
                guard place >= previous else { throw .unsupported("relocations not in order of place") }
                previous = place
            }
        }
    }

    @inline(__always)
    private func word(_ offset: Int) -> UInt64 {
        if elf64 {
            let v = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            return bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
        }
        let v = base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return UInt64(bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v))
    }

    @inline(__always)
    func place(_ index: Int) -> UInt64 { word(index * entrySize) }

    /// The index of the entry relocating `place`, nil when none does.
    func find(_ target: UInt64) -> Int? {
        guard entryCount > 0 else { return nil }
        // The first entry at or after `target` is in low...high (high < entryCount, or the end).
        var low: Int, high: Int
        let start = min(hint, entryCount - 1)
        let atStart = place(start)
        if atStart == target { return start }
        var step = 1
        if atStart < target {
            low = start + 1
            high = start + 1
            while high < entryCount && place(high) < target {
                low = high + 1
                step *= 2
                high = start + step
            }
            high = min(high, entryCount)
        } else {
            high = start
            low = start - 1
            while low > 0 && place(low) >= target {
                high = low
                step *= 2
                low = max(0, start - step)
            }
            low = max(low, 0)
        }
        while low < high {
            let mid = (low + high) / 2
            if place(mid) < target { low = mid + 1 } else { high = mid }
        }
        guard low < entryCount, place(low) == target else { return nil }
        hint = low
        return low
    }

    /// The value of a `width`-byte field at `place` once relocated: symbol + addend (RELA),
    /// symbol + the value stored there (REL); the stored value when nothing relocates it.
    func apply(at target: UInt64, width: Int, stored: UInt64) throws(DwarfReadFailure) -> UInt64 {
        guard let index = find(target) else { return stored }
        let entry = index * entrySize
        let info = word(entry + (elf64 ? 8 : 4))
        let symbol: Int
        if elf64 {
            symbol = decoder.split(info: info).symbol
        } else {
            symbol = Int(info >> 8)
        }
        guard symbol < symbolValues.count else {
            throw .corrupt("relocation at 0x\(String(target, radix: 16)) names symbol \(symbol) of \(symbolValues.count)")
        }
        let addend: UInt64
        if explicitAddends {
            addend = elf64 ? word(entry + 16) : UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: word(entry + 8))))
        } else {
            addend = stored
        }
        let value = symbolValues[symbol] &+ addend
        return width >= 8 ? value : value & ((1 << UInt64(8 * width)) - 1)
    }
}

/// A map from string keys (offsets, below 2^63) to small values, with open addressing and a
/// multiplicative hash: looked up for nearly every DIE at file scope, where a `Dictionary`'s
/// seeded hashing is most of the cost. Values are stored as `Int`; -1 is never stored.
struct OffsetMap {
    private var keys: [UInt64]
    private var values: [Int]
    private var mask: Int
    private(set) var count = 0
    private static let empty = UInt64.max

    init() {
        keys = Array(repeating: OffsetMap.empty, count: 1024)
        values = Array(repeating: 0, count: 1024)
        mask = 1023
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask }

    @inline(__always)
    func value(_ key: UInt64) -> Int? {
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == OffsetMap.empty { return nil }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    mutating func set(_ key: UInt64, _ value: Int) {
        if (count + 1) * 2 > keys.count { grow() }
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { values[i] = value; return }
            if k == OffsetMap.empty {
                keys[i] = key
                values[i] = value
                count += 1
                return
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: OffsetMap.empty, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (i, key) in oldKeys.enumerated() where key != OffsetMap.empty { set(key, oldValues[i]) }
    }
}
