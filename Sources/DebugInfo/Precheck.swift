import ModuleObject
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks, before libdwarf sees them, the parts of the DWARF that libdwarf 20210528 reads
/// eagerly and trusts. It loads every `.debug_rnglists`/`.debug_loclists` unit header while
/// reading the first unit, and a unit header whose length or offset count is out of range
/// makes it free the same buffer twice (found by fuzzing the owner fixtures; fixed in 0.x).
enum DwarfPrecheck {
    static let eagerSections = [".debug_rnglists", ".debug_loclists"]
    /// Larger list sections than any real module's are refused rather than read.
    static let maxSectionSize: UInt64 = 1 << 30

    static func check(_ module: ModuleObject, fd: Int32) throws(DebugInfoError) {
        let little = module.identity.byteOrder == .little
        for section in module.sections where eagerSections.contains(section.name) && section.occupiesFile {
            guard section.size <= maxSectionSize,
                  section.offset <= module.fileSize, section.size <= module.fileSize - section.offset else {
                throw .corrupt("\(section.name) lies outside the file")
            }
            var bytes = [UInt8](repeating: 0, count: Int(section.size))
            let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(section.offset)) }
            guard read == bytes.count else { throw .unreadable("cannot read \(section.name)") }
            if let problem = listUnitsProblem(bytes, little: little) {
                throw .corrupt("\(section.name): \(problem)")
            }
        }
    }

    /// Nil when every unit header of a DWARF 5 range or location list section is sound.
    static func listUnitsProblem(_ bytes: [UInt8], little: Bool) -> String? {
        func value(_ at: Int, _ width: Int) -> UInt64 {
            var result: UInt64 = 0
            for i in 0..<width {
                result |= UInt64(bytes[at + (little ? i : width - 1 - i)]) << (8 * UInt64(i))
            }
            return result
        }
        var position = 0
        while position < bytes.count {
            let unit = position
            guard bytes.count - position >= 4 else { return "truncated unit length at 0x\(String(unit, radix: 16))" }
            var length = value(position, 4)
            position += 4
            var offsetSize: UInt64 = 4
            if length == 0xffff_ffff {
                guard bytes.count - position >= 8 else { return "truncated 64-bit unit length at 0x\(String(unit, radix: 16))" }
                length = value(position, 8)
                position += 8
                offsetSize = 8
            } else if length >= 0xffff_fff0 {
                return "reserved unit length 0x\(String(length, radix: 16)) at 0x\(String(unit, radix: 16))"
            }
            // version (2), address_size (1), segment_selector_size (1), offset_entry_count (4)
            guard length >= 8, length <= UInt64(bytes.count - position) else {
                return "unit at 0x\(String(unit, radix: 16)) has length 0x\(String(length, radix: 16)) beyond the section"
            }
            let version = value(position, 2)
            let addressSize = bytes[position + 2]
            let segmentSize = bytes[position + 3]
            let offsetCount = value(position + 4, 4)
            guard version == 5 else { return "unit at 0x\(String(unit, radix: 16)) has version \(version), not 5" }
            guard [2, 4, 8].contains(addressSize), segmentSize == 0 else {
                return "unit at 0x\(String(unit, radix: 16)) has address size \(addressSize), segment selector size \(segmentSize)"
            }
            guard offsetCount <= (length - 8) / offsetSize else {
                return "unit at 0x\(String(unit, radix: 16)) has \(offsetCount) offsets, more than fit"
            }
            position += Int(length)
        }
        return nil
    }
}
