/// A bounds-checked, byte-order-aware view of bytes that belong to one file being parsed.
/// It never outlives the parse: the pointer is libelf's mapping of the file.
struct ByteView {
    let base: UnsafeRawPointer
    let count: Int
    let bigEndian: Bool

    init(base: UnsafeRawPointer, count: Int, bigEndian: Bool) {
        self.base = base
        self.count = count
        self.bigEndian = bigEndian
    }

    /// `true` when `[offset, offset + length)` lies inside the view (overflow-safe).
    @inline(__always)
    func contains(offset: UInt64, length: UInt64) -> Bool {
        offset <= UInt64(count) && length <= UInt64(count) - offset
    }

    func slice(offset: UInt64, length: UInt64) -> ByteView? {
        guard contains(offset: offset, length: length) else { return nil }
        return ByteView(base: base + Int(offset), count: Int(length), bigEndian: bigEndian)
    }

    func u8(_ offset: Int) -> UInt8? {
        guard offset >= 0, offset < count else { return nil }
        return base.load(fromByteOffset: offset, as: UInt8.self)
    }

    func u16(_ offset: Int) -> UInt16? {
        guard offset >= 0, offset <= count - 2 else { return nil }
        let v = base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v)
    }

    func u32(_ offset: Int) -> UInt32? {
        guard offset >= 0, offset <= count - 4 else { return nil }
        let v = base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v)
    }

    func u64(_ offset: Int) -> UInt64? {
        guard offset >= 0, offset <= count - 8 else { return nil }
        let v = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
    }

    /// The NUL-terminated string starting at `offset`, or nil when no NUL ends it inside the view.
    func cString(at offset: Int) -> String? {
        guard offset >= 0, offset < count else { return nil }
        let start = base + offset
        guard let end = memchr(start, 0, count - offset) else { return nil }
        let length = UnsafeRawPointer(end) - start
        return String(decoding: UnsafeRawBufferPointer(start: start, count: length), as: UTF8.self)
    }

    /// The string in a fixed-size field, cut at the first NUL; nil when the field has none.
    func fixedString(at offset: Int, length: Int) -> String? {
        guard let field = slice(offset: UInt64(max(offset, 0)), length: UInt64(max(length, 0))), offset >= 0 else { return nil }
        return field.cString(at: 0)
    }

    func bytes(offset: Int, length: Int) -> [UInt8]? {
        guard offset >= 0, length >= 0, contains(offset: UInt64(offset), length: UInt64(length)) else { return nil }
        return Array(UnsafeRawBufferPointer(start: base + offset, count: length))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
