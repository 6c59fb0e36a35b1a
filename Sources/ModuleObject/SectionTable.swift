/// Checks of the section header table as a whole, made once every header is read and before
/// libelf is asked for any section's data (libelf trusts offsets and links, and libdwarf
/// 20210528 trusts libelf). None of them fires on any module of Debian 6.1's seven
/// architectures, 6.12's or 7.x's; each is a file a linker cannot have written. What the
/// kernel's loader itself checks (elf_validity_check: header, section table and every
/// section's contents inside the file, a NUL-terminated name table, one symbol table whose
/// link exists) is checked as the headers are read.
enum SectionTable {
    /// SHT_GROUP: its link names the symbol table that holds the group's signature.
    static let sectionGroup: UInt32 = 17

    /// Nil when the table is sound, else what is wrong with it.
    /// `headerSize` and the section header table's own range are part of the file's layout:
    /// no section may overlap them.
    static func problem(_ sections: [Section], kind: ElfImage.ObjectKind, headerSize: UInt64,
                        tableOffset: UInt64, tableSize: UInt64) -> ModuleError? {
        let count = sections.count
        let symtab = sections.first { $0.type == Section.typeSymtab }?.index
        for section in sections where section.index > 0 {
            var name: String { section.name.isEmpty ? "#\(section.index)" : section.name }
            guard section.alignment & (section.alignment &- 1) == 0 else {
                return .corrupt("section \(name): alignment \(section.alignment) is not a power of two")
            }
            // sh_addralign is where the loader places the section in memory, not where its
            // bytes sit in the file: the loader copies every SHF_ALLOC section into its region
            // (layout_sections, move_module) and never looks at the file offset's alignment,
            // and binutils ≥ 2.41 and the strippers of Debian 13 leave e.g. `.data` (align 32)
            // at offset 80. libelf copies a typed section it cannot use in place, and every
            // read of section contents here goes through `ByteView`'s unaligned loads.
            guard Int(exactly: section.link).map({ $0 < count }) ?? false else {
                return .corrupt("section \(name) links to section \(section.link), which does not exist (\(count) sections)")
            }
            switch section.type {
            case Section.typeRel, Section.typeRela:
                guard section.info > 0, Int(exactly: section.info).map({ $0 < count }) ?? false else {
                    return .corrupt("relocation section \(name) applies to section \(section.info), which does not exist")
                }
                // Debug-section relocations included: libdwarf applies them with this symbol table.
                guard kind == .kernelImage || Int(section.link) == symtab else {
                    return .corrupt("relocation section \(name) links to section \(section.link), not the symbol table")
                }
            case Section.typeSymtabShndx, sectionGroup:
                guard Int(section.link) == symtab else {
                    return .corrupt("section \(name) (type \(section.type)) links to section \(section.link), not the symbol table")
                }
            default:
                break
            }
        }
        // No two parts of the file overlap: the ELF header, the section header table and the
        // contents of every section that occupies the file.
        // `section`: the section's index, or -1 for the ELF header and -2 for the header table
        // (named only when they overlap: this runs for every file).
        var extents: [(start: UInt64, end: UInt64, section: Int)] = [
            (0, headerSize, -1),
            (tableOffset, tableOffset + tableSize, -2),
        ]
        extents.reserveCapacity(count + 2)
        for section in sections where section.index > 0 && section.occupiesFile && section.size > 0 {
            // Inside the file (checked as each header is read), so the sum does not overflow.
            extents.append((section.offset, section.offset + section.size, section.index))
        }
        extents.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        func what(_ extent: (start: UInt64, end: UInt64, section: Int)) -> String {
            switch extent.section {
            case -1: return "the ELF header"
            case -2: return "the section header table"
            case let index: return "section \(sections[index].name.isEmpty ? "#\(index)" : sections[index].name)"
            }
        }
        for (first, second) in zip(extents, extents.dropFirst()) where second.start < first.end {
            let (moved, onto) = second.section >= 0 ? (second, first) : (first, second)
            return .corrupt("\(what(moved)) (bytes \(moved.start)..<\(moved.end)) overlaps \(what(onto)) (\(onto.start)..<\(onto.end))")
        }
        return nil
    }
}
