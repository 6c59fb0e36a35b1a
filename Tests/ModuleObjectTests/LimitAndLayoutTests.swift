import FixtureSupport
import Foundation
import ModuleObject
import Testing

/// The section table checks made before libelf reads any section, and the limits on counts,
/// each with the exact reason E001 gives.
@Suite struct LimitAndLayoutTests {
    static let clean = Fixtures.path("linux-6.1-amd64/fx_clean.ko")

    /// fx_clean.ko with `mutate` applied to its bytes, given its parsed sections and the offset
    /// of its section header table.
    static func reason(_ name: String, length: UInt64? = nil, _ mutate: (inout [UInt8], [Section], Int) throws -> Void) throws -> String? {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: clean)))
        let module = try ModuleObject.load(path: clean)
        let shoff = (0..<8).reduce(0) { $0 | Int(bytes[0x28 + $1]) << (8 * $1) }
        try mutate(&bytes, module.sections, shoff)
        let dir = try Fixtures.scratchDirectory("layout-\(name)")
        defer { Fixtures.removeScratchDirectory(dir) }
        let path = dir + "/" + name + ".ko"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if let length {
            // Zeros up to `length`, as a hole: no disk space.
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.truncate(atOffset: length)
            try handle.close()
        }
        do {
            _ = try ModuleObject.load(path: path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func put(_ value: UInt64, width: Int, at offset: Int, in bytes: inout [UInt8]) {
        for i in 0..<width { bytes[offset + i] = UInt8((value >> (8 * UInt64(i))) & 0xff) }
    }

    // Field offsets in an Elf64_Shdr.
    static let link = 0x28, info = 0x2c, offset = 0x18, size = 0x20, align = 0x30

    static func named(_ name: String, _ sections: [Section]) throws -> Section {
        try #require(sections.first { $0.name == name })
    }

    @Test func alignmentMustBeAPowerOfTwo() throws {
        #expect(try Self.reason("align-3") { bytes, sections, shoff in
            let text = try Self.named(".text.unlikely", sections)
            Self.put(3, width: 8, at: shoff + text.index * 64 + Self.align, in: &bytes)
        } == "corrupt: section .text.unlikely: alignment 3 is not a power of two")
    }

    /// sh_addralign is the alignment in memory, which the loader gives each section when it
    /// copies it into place; in the file the contents may start anywhere (Debian 13's and
    /// sid's modules have e.g. `.data`, align 32, at offset 80). The symbol table, a relocation
    /// section and `.data` copied to the end of the file at offsets ≡ 1, 4 and 3 modulo their
    /// alignment read exactly as in place.
    @Test func contentsUnalignedInTheFileReadAsAligned() throws {
        let module = try ModuleObject.load(path: Self.clean)
        let moved = try [".symtab", ".rela.text.unlikely", ".data"].map { try Self.named($0, module.sections) }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.clean)))
        let shoff = (0..<8).reduce(0) { $0 | Int(bytes[0x28 + $1]) << (8 * $1) }
        var placed: [String: UInt64] = [:]
        for (section, misalignment) in zip(moved, [1, 4, 3]) {
            #expect(section.alignment >= 8)
            let at = (bytes.count + Int(section.alignment) - 1) / Int(section.alignment) * Int(section.alignment) + misalignment
            bytes += [UInt8](repeating: 0, count: at - bytes.count)
            bytes += bytes[Int(section.offset)..<Int(section.offset + section.size)]
            Self.put(UInt64(at), width: 8, at: shoff + section.index * 64 + Self.offset, in: &bytes)
            placed[section.name] = UInt64(at)
        }
        let dir = try Fixtures.scratchDirectory("layout-unaligned")
        defer { Fixtures.removeScratchDirectory(dir) }
        let path = dir + "/fx_clean.ko"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let unaligned = try ModuleObject.load(path: path)
        for section in moved {
            let offset = try #require(placed[section.name])
            #expect(try Self.named(section.name, unaligned.sections).offset == offset)
            #expect(offset % section.alignment != 0)
        }
        #expect(unaligned.symbols == module.symbols)
        #expect(unaligned.relocationSections == module.relocationSections)
        #expect(unaligned.imports == module.imports)
        #expect(unaligned.modinfo == module.modinfo)
        #expect(unaligned.thisModule == module.thisModule)
        #expect(unaligned.versions == module.versions)
    }

    @Test func linksMustNameASection() throws {
        let count = try ModuleObject.load(path: Self.clean).sections.count
        #expect(try Self.reason("link") { bytes, sections, shoff in
            let text = try Self.named(".text.unlikely", sections)
            Self.put(UInt64(count), width: 4, at: shoff + text.index * 64 + Self.link, in: &bytes)
        } == "corrupt: section .text.unlikely links to section \(count), which does not exist (\(count) sections)")
    }

    @Test func relocationsMustApplyToASectionWithTheSymbolTable() throws {
        #expect(try Self.reason("info-0") { bytes, sections, shoff in
            let rela = try Self.named(".rela.text.unlikely", sections)
            Self.put(0, width: 4, at: shoff + rela.index * 64 + Self.info, in: &bytes)
        } == "corrupt: relocation section .rela.text.unlikely applies to section 0, which does not exist")
        // Debug-section relocations too: libdwarf applies them with the table they name.
        let sections = try ModuleObject.load(path: Self.clean).sections
        let debug = try Self.named(".rela.debug_info", sections)
        let strtab = try Self.named(".strtab", sections)
        #expect(try Self.reason("debug-link") { bytes, _, shoff in
            Self.put(UInt64(strtab.index), width: 4, at: shoff + debug.index * 64 + Self.link, in: &bytes)
        } == "corrupt: relocation section .rela.debug_info links to section \(strtab.index), not the symbol table")
    }

    @Test func sectionsMustNotOverlap() throws {
        let sections = try ModuleObject.load(path: Self.clean).sections
        // .data onto __versions: the same alignment, and .data is the shorter, so it sorts first.
        let data = try Self.named(".data", sections), versions = try Self.named("__versions", sections)
        #expect(data.size < versions.size && data.alignment == versions.alignment)
        #expect(try Self.reason("overlap") { bytes, _, shoff in
            Self.put(versions.offset, width: 8, at: shoff + data.index * 64 + Self.offset, in: &bytes)
        } == "corrupt: section __versions (bytes \(versions.offset)..<\(versions.offset + versions.size)) overlaps section .data (\(versions.offset)..<\(versions.offset + data.size))")
        // A byte-aligned section onto the section header table.
        let strings = try Self.named(".rodata.str1.1", sections)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.clean)))
        let shoff = UInt64((0..<8).reduce(0) { $0 | Int(bytes[0x28 + $1]) << (8 * $1) })
        #expect(strings.alignment == 1 && strings.size <= UInt64(bytes.count) - shoff)
        #expect(try Self.reason("over-headers") { bytes, _, shoff in
            Self.put(UInt64(shoff), width: 8, at: shoff + strings.index * 64 + Self.offset, in: &bytes)
        } == "corrupt: section .rodata.str1.1 (bytes \(shoff)..<\(shoff + strings.size)) overlaps the section header table (\(shoff)..<\(shoff + UInt64(sections.count) * 64))")
    }

    @Test func sectionCountIsLimited() throws {
        // Extended numbering (e_shnum 0, the count in section 0's sh_size) with a table of
        // one entry more than the limit, in a hole past the end of the file: libelf accepts
        // any count whose table fits in the file.
        let count = ModuleLimits.sections + 1
        let size = try #require(try FileManager.default.attributesOfItem(atPath: Self.clean)[.size] as? NSNumber).intValue
        let table = (size + 63) & ~63
        #expect(try Self.reason("sections", length: UInt64(table + count * 64)) { bytes, _, _ in
            bytes += [UInt8](repeating: 0, count: table + 64 - bytes.count)
            Self.put(0, width: 2, at: 0x3c, in: &bytes)
            Self.put(UInt64(table), width: 8, at: 0x28, in: &bytes)
            Self.put(UInt64(count), width: 8, at: table + Self.size, in: &bytes)
        } == "too many sections: \(count), the limit is \(ModuleLimits.sections)")
    }

    /// Where a table moved past the end of fx_clean.ko starts, and the file length that holds
    /// `entries` of 24 bytes there (the tail is a hole of zeros).
    static func tail(entries: Int) throws -> (offset: UInt64, length: UInt64) {
        let size = try #require(try FileManager.default.attributesOfItem(atPath: clean)[.size] as? NSNumber).uint64Value
        let at = (size + 7) & ~7
        return (at, at + UInt64(entries) * 24)
    }

    static func move(_ table: Section, to tail: (offset: UInt64, length: UInt64), shoff: Int, in bytes: inout [UInt8]) {
        put(tail.offset, width: 8, at: shoff + table.index * 64 + offset, in: &bytes)
        put(tail.length - tail.offset, width: 8, at: shoff + table.index * 64 + size, in: &bytes)
    }

    @Test func symbolCountIsLimited() throws {
        let tail = try Self.tail(entries: ModuleLimits.symbols + 1)
        #expect(try Self.reason("symbols", length: tail.length) { bytes, sections, shoff in
            Self.move(try Self.named(".symtab", sections), to: tail, shoff: shoff, in: &bytes)
        } == "too many symbols: \(ModuleLimits.symbols + 1), the limit is \(ModuleLimits.symbols)")
    }

    @Test func relocationCountIsLimited() throws {
        let module = try ModuleObject.load(path: Self.clean)
        let rela = try Self.named(".rela.text.unlikely", module.sections)
        let before = module.relocationSections.filter { $0.sectionIndex < rela.index }.reduce(0) { $0 + $1.relocations.count }
        let tail = try Self.tail(entries: ModuleLimits.relocations + 1)
        #expect(try Self.reason("relocations", length: tail.length) { bytes, _, shoff in
            Self.move(rela, to: tail, shoff: shoff, in: &bytes)
        } == "too many relocations: \(before + ModuleLimits.relocations + 1), the limit is \(ModuleLimits.relocations)")
    }
}
