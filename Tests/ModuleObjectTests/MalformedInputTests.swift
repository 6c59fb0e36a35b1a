import FixtureSupport
import Foundation
import ModuleObject
import Testing

/// Specific malformations and the reason each one is reported with.
@Suite struct MalformedInputTests {
    static func mutated(_ name: String, _ mutate: (inout [UInt8]) -> Void) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("linux-6.1-amd64/fx_clean.ko"))))
        mutate(&bytes)
        let dir = try Fixtures.scratchDirectory("malformed-\(name)")
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func put64(_ value: UInt64, at offset: Int, in bytes: inout [UInt8]) {
        for i in 0..<8 { bytes[offset + i] = UInt8((value >> (8 * UInt64(i))) & 0xff) }
    }

    static func put16(_ value: UInt16, at offset: Int, in bytes: inout [UInt8]) {
        bytes[offset] = UInt8(value & 0xff); bytes[offset + 1] = UInt8(value >> 8)
    }

    static func reason(_ path: String) -> String? {
        do {
            _ = try ModuleObject.load(path: path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func notElf() throws {
        #expect(Self.reason(Fixtures.path("broken/not-elf.ko")) == "not an ELF file")
    }

    @Test func shortFiles() throws {
        let dir = try Fixtures.scratchDirectory("short")
        let elfStart = dir + "/elf-start.ko", empty = dir + "/empty.ko"
        try Data([0x7f, 0x45, 0x4c, 0x46, 2, 1]).write(to: URL(fileURLWithPath: elfStart))
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect(Self.reason(elfStart) == "truncated: 6 bytes, shorter than an ELF identification")
        #expect(Self.reason(empty) == "not an ELF file")
    }

    @Test func missingFile() {
        #expect(Self.reason(Fixtures.path("broken/does-not-exist.ko"))?.hasPrefix("cannot open:") == true)
    }

    @Test func directoryIsNotAModule() {
        #expect(Self.reason(Fixtures.path("broken")) == "cannot open: not a regular file")
    }

    @Test func truncatedBeforeSectionTable() throws {
        let reason = try #require(Self.reason(Fixtures.path("broken/fx_clean-truncated.ko")))
        #expect(reason.hasPrefix("truncated: section header table"), "\(reason)")
    }

    @Test func executableIsNotAModule() throws {
        let path = try Self.mutated("exec.ko") { Self.put16(2, at: 16, in: &$0) }
        #expect(Self.reason(path) == "unsupported: ELF type 2, a module is a relocatable object (ET_REL)")
    }

    @Test func sectionTableOffsetBeyondFile() throws {
        let path = try Self.mutated("shoff.ko") { Self.put64(UInt64.max - 8, at: 0x28, in: &$0) }
        #expect(Self.reason(path)?.hasPrefix("truncated: section header table at offset") == true)
    }

    @Test func wrongSectionHeaderEntrySize() throws {
        let path = try Self.mutated("shentsize.ko") { Self.put16(1, at: 0x3a, in: &$0) }
        #expect(Self.reason(path) == "corrupt: section header entry size 1, expected 64")
    }

    @Test func sectionNameTableIndexOutOfRange() throws {
        let path = try Self.mutated("shstrndx.ko") { Self.put16(0xfeff, at: 0x3e, in: &$0) }
        #expect(Self.reason(path) == "corrupt: section name table index is invalid")
    }

    @Test func symbolTableBeyondFile() throws {
        let path = try Self.mutated("symtab.ko") { bytes in
            // Find the SHT_SYMTAB header and move its contents past the end of the file.
            let shoff = Int(bytes[0x28..<0x30].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
            let count = Int(bytes[0x3c]) | Int(bytes[0x3d]) << 8
            for i in 0..<count where bytes[shoff + i * 64 + 4] == 2 {
                Self.put64(UInt64(bytes.count), at: shoff + i * 64 + 0x18, in: &bytes)
            }
        }
        let reason = try #require(Self.reason(path))
        #expect(reason.hasPrefix("truncated: section .symtab"), "\(reason)")
    }
}
