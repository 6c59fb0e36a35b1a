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

/// Where a module is decompressed to: one allocation that grows (never shrinks while in use)
/// and is handed from module to module. A fresh array per module costs a zero fill and a page
/// fault per page of every module of a tree; a buffer kept across modules costs them once.
final class DecompressionBuffer {
    private(set) var base: UnsafeMutableRawPointer?
    private(set) var capacity = 0
    /// The xz and zstd decoders, kept with the buffer: starting a decoder on a stream that had
    /// one reuses its allocations (liblzma keeps the LZMA2 dictionary when the next stream's is
    /// no larger), where a fresh decoder per module allocates and faults in a dictionary per
    /// module.
    var lzma = lzma_stream()
    var lzmaStarted = false
    var zstd: OpaquePointer?

    /// Makes room for at least `size` bytes, keeping what the buffer holds.
    func reserve(_ size: Int) throws {
        guard size > capacity else { return }
        guard let grown = realloc(base, size) else { throw ModuleError.tooLarge("cannot allocate \(size) bytes to decompress into") }
        base = grown
        capacity = size
    }

    func release() {
        free(base)
        base = nil
        capacity = 0
    }

    deinit {
        free(base)
        if lzmaStarted { lzma_end(&lzma) }
        if let zstd { ZSTD_freeDStream(zstd) }
    }
}

/// The decompression buffers of a run, one per thread decompressing at a time.
final class DecompressionBuffers: @unchecked Sendable {
    static let shared = DecompressionBuffers()

    /// A buffer bigger than this goes back to the system after its module (amdgpu and a few
    /// other drivers decompress to tens of MiB; keeping one per thread would keep that resident).
    static let keptCapacity = 16 << 20

    private let lock = NSLock()
    private var idle: [DecompressionBuffer] = []

    func with<T>(_ body: (DecompressionBuffer) throws -> T) rethrows -> T {
        lock.lock()
        let buffer = idle.popLast() ?? DecompressionBuffer()
        lock.unlock()
        defer {
            if buffer.capacity > Self.keptCapacity { buffer.release() }
            lock.lock(); idle.append(buffer); lock.unlock()
        }
        return try body(buffer)
    }
}

/// The one place that talks to liblzma, libzstd and zlib: a whole compressed file in,
/// the whole decompressed module out, never more than `limit` bytes (a decompression bomb
/// stops at the limit instead of exhausting memory).
enum Decompressor {
    static let chunk = 1 << 20

    static func decompress(_ input: [UInt8], format: CompressionFormat, limit: Int) throws -> [UInt8] {
        let buffer = DecompressionBuffer()
        let used = try input.withUnsafeBytes { try decompress($0, format: format, limit: limit, into: buffer) }
        guard used > 0, let base = buffer.base else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: base, count: used))
    }

    /// Decompresses `input` into `buffer` (from its start) and returns the decompressed size.
    static func decompress(_ input: UnsafeRawBufferPointer, format: CompressionFormat, limit: Int,
                           into buffer: DecompressionBuffer) throws -> Int {
        switch format {
        case .xz: return try xz(input, limit: limit, into: buffer)
        case .zstd: return try zstd(input, limit: limit, into: buffer)
        case .gzip: return try gzip(input, limit: limit, into: buffer)
        }
    }

    static func tooLarge(_ format: CompressionFormat, _ limit: Int) -> ModuleError {
        .tooLarge("\(format) data decompresses to more than \(limit) bytes (the limit against decompression bombs)")
    }

    /// Room after `used` bytes: the buffer grows by doubling, bounded by `limit` + 1 so that
    /// overflowing is detected. The first guess is four times the compressed size (modules
    /// compress about 3.5:1 with xz).
    static func room(_ buffer: DecompressionBuffer, used: Int, inputSize: Int, limit: Int,
                     format: CompressionFormat) throws -> UnsafeMutableRawBufferPointer {
        if used == buffer.capacity {
            guard used <= limit else { throw tooLarge(format, limit) }
            let target = min(limit + 1, max(buffer.capacity * 2, used + chunk, inputSize * 4))
            try buffer.reserve(target)
        }
        return UnsafeMutableRawBufferPointer(start: buffer.base! + used, count: buffer.capacity - used)
    }

    private static func xz(_ input: UnsafeRawBufferPointer, limit: Int, into buffer: DecompressionBuffer) throws -> Int {
        // A module as the kernel's build compresses it (one stream, one block, CRC32) has its
        // check verified here with zlib's CRC-32, twice as fast as liblzma 5.4's; liblzma still
        // verifies every header, the index and the block's sizes. Any other layout keeps
        // liblzma's own check.
        let storedCheck = XZLayout.singleBlockCRC32(input)
        var flags = modlint_lzma_concatenated()
        if storedCheck != nil { flags |= modlint_lzma_ignore_check() }
        // 256 MiB of decoder memory covers every preset (xz -9e needs 65 MiB).
        guard lzma_stream_decoder(&buffer.lzma, 256 << 20, flags) == LZMA_OK else {
            throw ModuleError.unsupported("liblzma could not start a decoder")
        }
        buffer.lzmaStarted = true
        let used = try xz(input, stream: &buffer.lzma, limit: limit, into: buffer)
        if let storedCheck, used > 0, let base = buffer.base {
            let computed = UInt32(truncatingIfNeeded: crc32_z(0, base.assumingMemoryBound(to: Bytef.self), used))
            // The same outcome as liblzma's own check (LZMA_DATA_ERROR).
            guard computed == storedCheck else { throw ModuleError.corrupt("xz data is not valid: corrupt compressed data") }
        } else if let storedCheck, used == 0, storedCheck != 0 {
            throw ModuleError.corrupt("xz data is not valid: corrupt compressed data")
        }
        return used
    }

    private static func xz(_ input: UnsafeRawBufferPointer, stream: inout lzma_stream, limit: Int,
                           into buffer: DecompressionBuffer) throws -> Int {
        var used = 0
        stream.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_in = input.count
        while true {
            let out = try room(buffer, used: used, inputSize: input.count, limit: limit, format: .xz)
            stream.next_out = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = out.count
            let result = lzma_code(&stream, LZMA_FINISH)
            used += out.count - stream.avail_out
            switch result {
            case LZMA_STREAM_END:
                guard used <= limit else { throw tooLarge(.xz, limit) }
                return used
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

    private static func zstd(_ input: UnsafeRawBufferPointer, limit: Int, into buffer: DecompressionBuffer) throws -> Int {
        if buffer.zstd == nil { buffer.zstd = ZSTD_createDStream() }
        guard let stream = buffer.zstd else { throw ModuleError.unsupported("libzstd could not start a decoder") }
        _ = ZSTD_DCtx_reset(stream, ZSTD_reset_session_and_parameters)
        // A window larger than 128 MiB is refused rather than allocated.
        _ = ZSTD_DCtx_setParameter(stream, ZSTD_d_windowLogMax, 27)
        var used = 0
        var lastResult = 0
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while inBuffer.pos < inBuffer.size || lastResult != 0 {
            let out = try room(buffer, used: used, inputSize: input.count, limit: limit, format: .zstd)
            let before = (inBuffer.pos, used)
            var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
            let result = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
            used += outBuffer.pos
            if ZSTD_isError(result) != 0 {
                throw ModuleError.corrupt("zstd data is not valid: \(String(cString: ZSTD_getErrorName(result)))")
            }
            lastResult = result
            if inBuffer.pos == inBuffer.size && result != 0 && before == (inBuffer.pos, used) && used < buffer.capacity {
                throw ModuleError.truncated("the zstd data ends inside a frame")
            }
        }
        guard used <= limit else { throw tooLarge(.zstd, limit) }
        return used
    }

    private static func gzip(_ input: UnsafeRawBufferPointer, limit: Int, into buffer: DecompressionBuffer) throws -> Int {
        var stream = z_stream()
        guard modlint_inflate_init_gzip(&stream) == Z_OK else { throw ModuleError.unsupported("zlib could not start a decoder") }
        defer { inflateEnd(&stream) }
        var used = 0
        // zlib's next_in is not const; it only reads through it.
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(clamping: input.count)
        while true {
            let out = try room(buffer, used: used, inputSize: input.count, limit: limit, format: .gzip)
            let space = UInt32(clamping: out.count)
            stream.next_out = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = space
            let result = inflate(&stream, Z_NO_FLUSH)
            used += Int(space - stream.avail_out)
            switch result {
            case Z_STREAM_END:
                guard used <= limit else { throw tooLarge(.gzip, limit) }
                return used
            case Z_OK: continue
            case Z_BUF_ERROR:
                // No progress possible with room left: the input ran out.
                if used < buffer.capacity { throw ModuleError.truncated("the gzip data ends before its stream does") }
            case Z_DATA_ERROR, Z_NEED_DICT:
                throw ModuleError.corrupt("gzip data is not valid: \(stream.msg.map { String(cString: $0) } ?? "zlib error \(result)")")
            case Z_MEM_ERROR: throw ModuleError.tooLarge("zlib ran out of memory")
            default: throw ModuleError.corrupt("zlib error \(result)")
            }
        }
    }
}

/// Where an xz file keeps the CRC32 of its data, when it is one stream of one block
/// (`xz --check=crc32`, as the kernel compresses modules): the block fills the file from the
/// 12-byte stream header to the index, and its check is its last 4 bytes.
enum XZLayout {
    /// The stored CRC32 of the block's uncompressed data, or nil for any other layout.
    static func singleBlockCRC32(_ input: UnsafeRawBufferPointer) -> UInt32? {
        let n = input.count
        guard n >= 12 + 12 + 8 else { return nil }
        func byte(_ i: Int) -> UInt8 { input[i] }
        func le32(_ i: Int) -> UInt32 {
            UInt32(byte(i)) | UInt32(byte(i + 1)) << 8 | UInt32(byte(i + 2)) << 16 | UInt32(byte(i + 3)) << 24
        }
        // Stream header: magic, flags (0, check type 1 = CRC32); the footer repeats the flags.
        guard input.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), byte(6) == 0, byte(7) == 0x01,
              byte(n - 2) == 0x59, byte(n - 1) == 0x5a, byte(n - 4) == 0, byte(n - 3) == 0x01 else { return nil }
        let (indexSize, overflow) = (Int(le32(n - 8)) + 1).multipliedReportingOverflow(by: 4)
        guard !overflow, indexSize < n - 24 else { return nil }
        let indexStart = n - 12 - indexSize
        // Index: indicator 0, number of records (1), the record's unpadded and uncompressed sizes.
        var at = indexStart
        func vli() -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 63, by: 7) {
                guard at < n - 12 else { return nil }
                let b = byte(at)
                at += 1
                value |= UInt64(b & 0x7f) << UInt64(shift)
                if b & 0x80 == 0 { return value }
            }
            return nil
        }
        guard byte(at) == 0 else { return nil }
        at += 1
        guard vli() == 1, let unpadded = vli(), vli() != nil, unpadded >= 8, unpadded < UInt64(n) else { return nil }
        let blockSize = (Int(unpadded) + 3) & ~3
        guard 12 + blockSize == indexStart else { return nil }
        return le32(indexStart - 4)
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
