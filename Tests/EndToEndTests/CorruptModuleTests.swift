import FixtureSupport
import Foundation
import Testing

/// One corrupt module dropped into a directory of real ones: every real module is reported
/// exactly as before, the corrupt one is one E001 with its reason, and the run exits 3.
@Suite struct CorruptModuleTests {
    /// A copy of fx_undef.ko whose first section is moved onto the ELF header: every field is
    /// in range on its own, only the layout is impossible.
    static func overlappingCopy(of path: String) throws -> (bytes: Data, section: String, size: Int) {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        #expect(bytes[4] == 2 && bytes[5] == 1, "an ELF64 little-endian fixture")
        let shoff = u64(0x28), shentsize = u16(0x3a), shstrndx = u16(0x3e)
        let header = shoff + shentsize
        let size = u64(header + 0x20)
        #expect(size > 0, "section 1 has contents")
        for i in 0..<8 { bytes[header + 0x18 + i] = 0 }
        let names = u64(shoff + shstrndx * shentsize + 0x18)
        let nameStart = names + u16(header)
        let name = String(decoding: bytes[nameStart...].prefix { $0 != 0 }, as: UTF8.self)
        return (Data(bytes), name, size)
    }

    @Test func oneCorruptModuleAmongRealOnesChangesNothingElse() throws {
        let dir = try Fixtures.scratchDirectory("corrupt-among-real")
        defer { Fixtures.removeScratchDirectory(dir) }
        let tree = dir + "/tree"
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        let real = Fixtures.modules(tree: "6.1-amd64")
        for path in real {
            try FileManager.default.copyItem(atPath: path, toPath: tree + "/" + URL(fileURLWithPath: path).lastPathComponent)
        }
        let arguments = ["check", "tree", "--symbols", Fixtures.symbols(tree: "6.1-amd64")]
        let before = try CommandLineTests.modlint(arguments, in: dir)
        #expect(before.status == 1)

        let (corrupt, section, size) = try Self.overlappingCopy(of: Fixtures.path("linux-6.1-amd64/fx_undef.ko"))
        try corrupt.write(to: URL(fileURLWithPath: tree + "/fx_corrupt.ko"))
        let after = try CommandLineTests.modlint(arguments, in: dir)
        #expect(after.status == 3)

        var expected = before.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let summary = try #require(expected.dropLast().last)
        let e001 = "tree/fx_corrupt.ko: error: cannot read module: corrupt: section \(section) (bytes 0..<\(size)) overlaps the ELF header (0..<64) [E001 unreadable-input]"
        // Diagnostics are sorted by path, so the E001 sits between fx_clean*.ko and fx_devtab*.ko.
        let insertAt = try #require(expected.firstIndex { $0.hasPrefix("tree/fx_devtab") })
        expected.insert(e001, at: insertAt)
        let errors = try #require(Int(summary.prefix { $0 != " " }))
        expected[expected.count - 2] = "\(errors + 1)" + summary.drop { $0 != " " }
            + " (1 of \(real.count + 1) files unreadable)"
        #expect(after.stdout == expected.joined(separator: "\n"))
        #expect(after.stdout.components(separatedBy: "[E001 unreadable-input]").count == 2)
    }
}
