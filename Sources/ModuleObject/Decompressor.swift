import CCompression
import Foundation

/// How a compressed module (`make modules_install` with CONFIG_MODULE_COMPRESS_*) is packed,
/// recognised by its magic bytes, not its name.
public enum CompressionFormat: Sendable, Hashable, CustomStringConvertible {
    case xz, zstd, gzip

    public static func detect(_ head: [UInt8]) -> CompressionFormat? {
        if head.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
        if head.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        if head.starts(with: [0x1f, 0x8b]) { return .gzip }
        return nil
    }

    public var description: String {
        switch self {
        case .xz: return "xz"
        case .zstd: return "zstd"
        case .gzip: return "gzip"
        }
    }
}

/// The one place that talks to liblzma, libzstd and zlib: a whole compressed file in,
/// the whole decompressed module out, never more than `limit` bytes (a decompression bomb
/// stops at the limit instead of exhausting memory).
enum Decompressor {
    static let chunk = 1 << 20

    static func decompress(_ input: [UInt8], format: CompressionFormat, limit: Int) throws -> [UInt8] {
        switch format {
        case .xz: return try xz(input, limit: limit)
        case .zstd: return try zstd(input, limit: limit)
        case .gzip: return try gzip(input, limit: limit)
        }
    }

    static func tooLarge(_ format: CompressionFormat, _ limit: Int) -> ModuleError {
        .tooLarge("\(format) data decompresses to more than \(limit) bytes (the limit against decompression bombs)")
    }

    /// Grows `output` by one chunk (bounded by `limit` + 1 so that overflowing is detected).
    static func grow(_ output: inout [UInt8], used: Int, limit: Int, format: CompressionFormat) throws {
        guard used <= limit else { throw tooLarge(format, limit) }
        let target = min(limit + 1, max(output.count * 2, used + chunk))
        if target > output.count { output += [UInt8](repeating: 0, count: target - output.count) }
    }

    private static func xz(_ input: [UInt8], limit: Int) throws -> [UInt8] {
        var stream = lzma_stream()
        // 256 MiB of decoder memory covers every preset (xz -9e needs 65 MiB).
        guard lzma_stream_decoder(&stream, 256 << 20, modlint_lzma_concatenated()) == LZMA_OK else {
            throw ModuleError.unsupported("liblzma could not start a decoder")
        }
        defer { lzma_end(&stream) }
        var output: [UInt8] = []
        var used = 0
        return try input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = inBuffer.count
            while true {
                if used == output.count { try grow(&output, used: used, limit: limit, format: .xz) }
                let result: lzma_ret = output.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress! + used
                    stream.avail_out = outBuffer.count - used
                    let result = lzma_code(&stream, LZMA_FINISH)
                    used = outBuffer.count - stream.avail_out
                    return result
                }
                switch result {
                case LZMA_STREAM_END:
                    guard used <= limit else { throw tooLarge(.xz, limit) }
                    output.removeSubrange(used...)
                    return output
                case LZMA_OK: continue
                case LZMA_BUF_ERROR: throw ModuleError.truncated("the xz data ends before its stream does")
                case LZMA_FORMAT_ERROR: throw ModuleError.corrupt("xz data is not valid: not an xz stream header")
                case LZMA_DATA_ERROR: throw ModuleError.corrupt("xz data is not valid: corrupt compressed data")
                case LZMA_OPTIONS_ERROR: throw ModuleError.corrupt("xz data is not valid: unsupported compression options")
                case LZMA_MEMLIMIT_ERROR, LZMA_MEM_ERROR:
                    throw ModuleError.tooLarge("xz data needs more decoder memory than allowed")
                default: throw ModuleError.corrupt("liblzma error \(result.rawValue)")
                }
            }
        }
    }

    private static func zstd(_ input: [UInt8], limit: Int) throws -> [UInt8] {
        guard let stream = ZSTD_createDStream() else { throw ModuleError.unsupported("libzstd could not start a decoder") }
        defer { ZSTD_freeDStream(stream) }
        // A window larger than 128 MiB is refused rather than allocated.
        _ = ZSTD_DCtx_setParameter(stream, ZSTD_d_windowLogMax, 27)
        var output: [UInt8] = []
        var used = 0
        var lastResult = 0
        try input.withUnsafeBytes { inRaw in
            var inBuffer = ZSTD_inBuffer(src: inRaw.baseAddress, size: inRaw.count, pos: 0)
            while inBuffer.pos < inBuffer.size || lastResult != 0 {
                if used == output.count { try grow(&output, used: used, limit: limit, format: .zstd) }
                let before = (inBuffer.pos, used)
                let result: Int = output.withUnsafeMutableBytes { outRaw in
                    var outBuffer = ZSTD_outBuffer(dst: outRaw.baseAddress, size: outRaw.count, pos: used)
                    let result = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                    used = outBuffer.pos
                    return result
                }
                if ZSTD_isError(result) != 0 {
                    throw ModuleError.corrupt("zstd data is not valid: \(String(cString: ZSTD_getErrorName(result)))")
                }
                lastResult = result
                if inBuffer.pos == inBuffer.size && result != 0 && before == (inBuffer.pos, used) && used < output.count {
                    throw ModuleError.truncated("the zstd data ends inside a frame")
                }
            }
        }
        guard used <= limit else { throw tooLarge(.zstd, limit) }
        output.removeSubrange(used...)
        return output
    }

    private static func gzip(_ input: [UInt8], limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard modlint_inflate_init_gzip(&stream) == Z_OK else { throw ModuleError.unsupported("zlib could not start a decoder") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var used = 0
        var input = input
        return try input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(clamping: inBuffer.count)
            while true {
                if used == output.count { try grow(&output, used: used, limit: limit, format: .gzip) }
                let result: Int32 = output.withUnsafeMutableBufferPointer { outBuffer in
                    let room = UInt32(clamping: outBuffer.count - used)
                    stream.next_out = outBuffer.baseAddress! + used
                    stream.avail_out = room
                    let result = inflate(&stream, Z_NO_FLUSH)
                    used += Int(room - stream.avail_out)
                    return result
                }
                switch result {
                case Z_STREAM_END:
                    guard used <= limit else { throw tooLarge(.gzip, limit) }
                    output.removeSubrange(used...)
                    return output
                case Z_OK: continue
                case Z_BUF_ERROR:
                    // No progress possible with room left: the input ran out.
                    if used < output.count { throw ModuleError.truncated("the gzip data ends before its stream does") }
                case Z_DATA_ERROR, Z_NEED_DICT:
                    throw ModuleError.corrupt("gzip data is not valid: \(stream.msg.map { String(cString: $0) } ?? "zlib error \(result)")")
                case Z_MEM_ERROR: throw ModuleError.tooLarge("zlib ran out of memory")
                default: throw ModuleError.corrupt("zlib error \(result)")
                }
            }
        }
    }
}

extension ModuleObject {
    /// The ELF bytes of a compressed module file (`.ko.xz`, `.ko.zst`, `.ko.gz`), or nil when the
    /// file is not compressed. For readers that need the object as a file of their own (the
    /// DWARF reader takes a file descriptor).
    public static func decompressedImage(path: String, limit: Int = defaultDecompressedLimit) throws -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ModuleError.cannotOpen("cannot open \(path)") }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        guard head.count >= 2, let format = CompressionFormat.detect(head) else { return nil }
        let rest = [UInt8]((try? handle.readToEnd()) ?? Data())
        return try Decompressor.decompress(head + rest, format: format, limit: limit)
    }
}
