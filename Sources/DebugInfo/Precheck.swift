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
/// `dwarf_srcfiles` trusts the directory index of every line-table file entry and reads a
/// string through whatever pointer it finds there (found by fuzzing the DWARF layer).
enum DwarfPrecheck {
    static let eagerSections = [".debug_rnglists", ".debug_loclists"]
    static let lineSection = ".debug_line"
    /// Larger list sections than any real module's are refused rather than read.
    static let maxSectionSize: UInt64 = 1 << 30

    /// The same checks over the mapped (or decompressed) file.
    static func check(_ module: ModuleObject, file: UnsafeRawBufferPointer) throws(DebugInfoError) {
        let little = module.identity.byteOrder == .little
        for section in module.sections where (eagerSections.contains(section.name) || section.name == lineSection) && section.occupiesFile {
            guard section.size <= maxSectionSize, section.offset <= UInt64(file.count),
                  section.size <= UInt64(file.count) - section.offset else {
                throw .corrupt("\(section.name) lies outside the file")
            }
            let bytes = [UInt8](UnsafeRawBufferPointer(rebasing: file[Int(section.offset)..<Int(section.offset + section.size)]))
            let problem = section.name == lineSection ? lineTablesProblem(bytes, little: little) : listUnitsProblem(bytes, little: little)
            if let problem {
                throw .corrupt("\(section.name): \(problem)")
            }
        }
    }

    static func check(_ module: ModuleObject, fd: Int32) throws(DebugInfoError) {
        let little = module.identity.byteOrder == .little
        for section in module.sections where (eagerSections.contains(section.name) || section.name == lineSection) && section.occupiesFile {
            guard section.size <= maxSectionSize,
                  section.offset <= module.fileSize, section.size <= module.fileSize - section.offset else {
                throw .corrupt("\(section.name) lies outside the file")
            }
            var bytes = [UInt8](repeating: 0, count: Int(section.size))
            let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(section.offset)) }
            guard read == bytes.count else { throw .unreadable("cannot read \(section.name)") }
            let problem = section.name == lineSection ? lineTablesProblem(bytes, little: little) : listUnitsProblem(bytes, little: little)
            if let problem {
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

    /// Bounds-checked reads over one section's bytes; nil past the end.
    struct Cursor {
        let bytes: [UInt8]
        let little: Bool
        var position: Int
        var end: Int

        mutating func fixed(_ width: Int) -> UInt64? {
            guard width <= 8, end - position >= width else { return nil }
            var result: UInt64 = 0
            for i in 0..<width {
                result |= UInt64(bytes[position + (little ? i : width - 1 - i)]) << (8 * UInt64(i))
            }
            position += width
            return result
        }

        mutating func skip(_ count: UInt64) -> Bool {
            guard count <= UInt64(end - position) else { return false }
            position += Int(count)
            return true
        }

        mutating func uleb() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while position < end {
                let byte = bytes[position]
                position += 1
                if shift < 64 { result |= UInt64(byte & 0x7f) << shift }
                if byte & 0x80 == 0 { return shift < 64 || byte == 0 ? result : nil }
                shift += 7
            }
            return nil
        }

        mutating func cString() -> Bool {
            guard let nul = bytes[position..<end].firstIndex(of: 0) else { return false }
            position = nul + 1
            return true
        }
    }

    /// Nil when the header of every line table (DWARF 2 to 5) is sound: its fields inside its
    /// unit, and every file entry's directory index naming a directory of the table.
    static func lineTablesProblem(_ bytes: [UInt8], little: Bool) -> String? {
        var unitStart = 0
        while unitStart < bytes.count {
            var c = Cursor(bytes: bytes, little: little, position: unitStart, end: bytes.count)
            let at = "line table at 0x\(String(unitStart, radix: 16))"
            guard var length = c.fixed(4) else { return "\(at): truncated unit length" }
            var offsetSize = 4
            if length == 0xffff_ffff {
                guard let long = c.fixed(8) else { return "\(at): truncated 64-bit unit length" }
                length = long
                offsetSize = 8
            } else if length >= 0xffff_fff0 {
                return "\(at): reserved unit length 0x\(String(length, radix: 16))"
            }
            guard length <= UInt64(bytes.count - c.position) else { return "\(at): length 0x\(String(length, radix: 16)) beyond the section" }
            c.end = c.position + Int(length)
            let next = c.end
            guard let version = c.fixed(2), (2...5).contains(version) else { return "\(at): unknown version" }
            if version >= 5 { guard c.skip(2) else { return "\(at): truncated header" } }
            guard let headerLength = c.fixed(offsetSize), headerLength <= UInt64(c.end - c.position) else {
                return "\(at): header length beyond the unit"
            }
            c.end = c.position + Int(headerLength)
            // minimum_instruction_length, [maximum_operations_per_instruction], default_is_stmt,
            // line_base, line_range, then opcode_base and the standard opcode lengths.
            guard c.skip(version >= 4 ? 5 : 4), let opcodeBase = c.fixed(1), c.skip(opcodeBase > 0 ? opcodeBase - 1 : 0) else {
                return "\(at): truncated header"
            }
            if version >= 5 {
                var directories: UInt64 = 0
                if let problem = entriesProblem(&c, offsetSize: offsetSize, directories: nil, count: &directories) {
                    return "\(at): directories: \(problem)"
                }
                var files: UInt64 = 0
                if let problem = entriesProblem(&c, offsetSize: offsetSize, directories: directories, count: &files) {
                    return "\(at): files: \(problem)"
                }
            } else {
                var directories: UInt64 = 0
                while true {
                    guard c.position < c.end else { return "\(at): include directories run past the header" }
                    if c.bytes[c.position] == 0 { c.position += 1; break }
                    guard c.cString() else { return "\(at): include directory without its NUL" }
                    directories += 1
                }
                while true {
                    guard c.position < c.end else { return "\(at): file names run past the header" }
                    if c.bytes[c.position] == 0 { break }
                    guard c.cString(), let directory = c.uleb(), c.uleb() != nil, c.uleb() != nil else {
                        return "\(at): truncated file entry"
                    }
                    // Index 0 is the unit's own directory, 1... the include directories.
                    guard directory <= directories else { return "\(at): file entry names directory \(directory) of \(directories)" }
                }
            }
            unitStart = next
        }
        return nil
    }

    /// A DWARF 5 entry-format list and its entries (directories, or files when `directories`
    /// is their count); `count` is set to the number of entries.
    private static func entriesProblem(_ c: inout Cursor, offsetSize: Int, directories: UInt64?, count entries: inout UInt64) -> String? {
        guard let formatCount = c.fixed(1) else { return "truncated format count" }
        var formats: [(content: UInt64, form: UInt64)] = []
        for _ in 0..<formatCount {
            guard let content = c.uleb(), let form = c.uleb() else { return "truncated entry format" }
            formats.append((content, form))
        }
        guard let count = c.uleb() else { return "truncated entry count" }
        guard count <= UInt64(c.end - c.position) else { return "\(count) entries cannot fit in the header" }
        entries = count
        for _ in 0..<count {
            for (content, form) in formats {
                var value: UInt64?
                switch form {
                case 0x08: guard c.cString() else { return "string without its NUL" }          // DW_FORM_string
                case 0x0e, 0x1f, 0x17: guard c.fixed(offsetSize) != nil else { return "truncated entry" } // strp, line_strp, sec_offset
                case 0x0b: value = c.fixed(1)                                                   // data1
                case 0x05: value = c.fixed(2)                                                   // data2
                case 0x06: value = c.fixed(4)                                                   // data4
                case 0x07: value = c.fixed(8)                                                   // data8
                case 0x0f: value = c.uleb()                                                     // udata
                case 0x1e: guard c.skip(16) else { return "truncated entry" }                   // data16 (MD5)
                case 0x09: guard let n = c.uleb(), c.skip(n) else { return "truncated entry" }  // block
                case 0x1a: guard c.uleb() != nil else { return "truncated entry" }               // strx
                case 0x25, 0x26, 0x27, 0x28: guard c.skip(UInt64(form - 0x24)) else { return "truncated entry" } // strx1-4
                default: return "form 0x\(String(form, radix: 16)) in an entry format"
                }
                if [0x0b, 0x05, 0x06, 0x07, 0x0f].contains(form) && value == nil { return "truncated entry" }
                // DW_LNCT_directory_index
                if content == 2, let directories, let value, value >= directories {
                    return "file entry names directory \(value) of \(directories)"
                }
            }
        }
        return nil
    }
}
