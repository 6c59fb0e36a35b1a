import FixtureSupport
import Foundation
@testable import ModuleObject
import Testing

/// `.ko.xz`, `.ko.zst`, `.ko.gz` (Fixtures/make-compressed.sh) read like the module they hold.
@Suite struct CompressedModuleTests {
    static let formats = ["xz", "zst", "gz"]

    @Test(arguments: formats)
    func aCompressedModuleReadsLikeTheUncompressedOne(ext: String) throws {
        for name in ["fx_clean", "fx_undef"] {
            let plain = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/\(name).ko"))
            let packed = try ModuleObject.load(path: Fixtures.path("compressed/\(name).ko.\(ext)"))
            #expect(packed.name == plain.name)
            #expect(packed.identity == plain.identity)
            #expect(packed.fileSize == plain.fileSize)
            #expect(packed.sections == plain.sections)
            #expect(packed.symbols == plain.symbols)
            #expect(packed.relocationSections == plain.relocationSections)
            #expect(packed.modinfo == plain.modinfo)
            #expect(packed.versions == plain.versions)
            #expect(packed.thisModule == plain.thisModule)
        }
    }

    @Test(arguments: formats)
    func aTruncatedStreamIsTruncated(ext: String) {
        let path = Fixtures.path("compressed/fx_clean-truncated.ko.\(ext)")
        do {
            _ = try ModuleObject.load(path: path)
            Issue.record("\(path) was read")
        } catch let error as ModuleError {
            guard case .truncated = error else { Issue.record("\(path): \(error)"); return }
        } catch {
            Issue.record("\(path): \(error)")
        }
    }

    @Test(arguments: formats)
    func decompressionStopsAtTheLimit(ext: String) {
        let path = Fixtures.path("compressed/zeros-8MiB.ko.\(ext)")
        let format = ["xz": "xz", "zst": "zstd", "gz": "gzip"][ext]!
        #expect(throws: ModuleError.tooLarge("\(format) data decompresses to more than 1048576 bytes (the limit against decompression bombs)")) {
            try ModuleObject.load(path: path, decompressedLimit: 1 << 20)
        }
        // Under the default limit the 8 MiB decompress, and are no ELF object.
        #expect(throws: ModuleError.notELF) { try ModuleObject.load(path: path) }
    }

    /// Decompression buffers and decoders are kept from module to module: a buffer left large
    /// by a bigger file must neither leak that file's bytes into a smaller module nor lift the
    /// limit, and a decoder that stopped on an error must start clean.
    @Test(arguments: formats)
    func reusedBuffersAndDecodersReadEachModuleAlone(ext: String) throws {
        let format = ["xz": "xz", "zst": "zstd", "gz": "gzip"][ext]!
        let plain = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/fx_clean.ko"))
        for _ in 0..<3 {
            #expect(throws: ModuleError.notELF) { try ModuleObject.load(path: Fixtures.path("compressed/zeros-8MiB.ko.\(ext)")) }
            #expect(throws: ModuleError.tooLarge("\(format) data decompresses to more than 1048576 bytes (the limit against decompression bombs)")) {
                try ModuleObject.load(path: Fixtures.path("compressed/zeros-8MiB.ko.\(ext)"), decompressedLimit: 1 << 20)
            }
            #expect(throws: ModuleError.self) { try ModuleObject.load(path: Fixtures.path("compressed/fx_clean-truncated.ko.\(ext)")) }
            let packed = try ModuleObject.load(path: Fixtures.path("compressed/fx_clean.ko.\(ext)"))
            #expect(packed.fileSize == plain.fileSize)
            #expect(packed.sections == plain.sections)
            #expect(packed.symbols == plain.symbols)
        }
    }

    /// A module as the kernel compresses it (one stream, one block, CRC32) has its check
    /// verified by modlint with zlib; other layouts keep liblzma's. Either way a damaged check
    /// is a corrupt module, as for `xz -t` and the kernel's loader.
    @Test func xzChecksAreVerifiedInEveryLayout() throws {
        let plain = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/fx_clean.ko"))
        for name in ["fx_clean-crc64", "fx_clean-blocks"] {
            let packed = try ModuleObject.load(path: Fixtures.path("compressed/\(name).ko.xz"))
            #expect(packed.sections == plain.sections, "\(name)")
            #expect(packed.symbols == plain.symbols, "\(name)")
        }
        #expect(throws: ModuleError.corrupt("xz data is not valid: corrupt compressed data")) {
            try ModuleObject.load(path: Fixtures.path("compressed/fx_clean-badcheck.ko.xz"))
        }
        func storedCheck(_ name: String) throws -> UInt32? {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("compressed/\(name).ko.xz"))))
            return bytes.withUnsafeBytes { XZLayout.singleBlockCRC32($0) }
        }
        let module = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("linux-6.1-amd64/fx_clean.ko"))))
        // CRC-32 (IEEE 802.3, as xz's check), bit by bit: an oracle independent of zlib.
        var crc: UInt32 = 0xffff_ffff
        for byte in module {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        crc ^= 0xffff_ffff
        #expect(try storedCheck("fx_clean") == crc)
        #expect(try storedCheck("fx_clean-badcheck") == crc ^ 0x01)
        #expect(try storedCheck("fx_clean-crc64") == nil)
        #expect(try storedCheck("fx_clean-blocks") == nil)
        #expect(try storedCheck("fx_clean-truncated") == nil)
    }

    @Test func theRightMagicOverGarbageIsCorrupt() {
        #expect(throws: ModuleError.corrupt("xz data is not valid: corrupt compressed data")) {
            try ModuleObject.load(path: Fixtures.path("compressed/bad-magic.ko.xz"))
        }
    }

    @Test func formatsAreRecognisedByMagic() {
        #expect(CompressionFormat.detect([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]) == .xz)
        #expect(CompressionFormat.detect([0x28, 0xb5, 0x2f, 0xfd, 0]) == .zstd)
        #expect(CompressionFormat.detect([0x1f, 0x8b, 8]) == .gzip)
        #expect(CompressionFormat.detect([0x7f, 0x45, 0x4c, 0x46]) == nil)
    }
}
