#if canImport(Glibc)
import Glibc
#endif

/// A file read into a buffer of its full size, a range at a time, only where something reads.
///
/// A module's largest sections are the ones no rule reads on a RELA architecture: code
/// (`.text*`, a sixth of Debian's amd64 tree), `.BTF` (another sixth), `.orc_unwind` and the
/// relocations of the code-description tables (another sixth).
/// Copying them from the page cache was a fifth of the time spent reading a tree. The ELF
/// and section headers are read first, then the sections a reader is likely to want, in a few
/// coalesced reads; anything else is read the first time `ElfImage` hands it out, so a reader
/// never sees bytes that were not read from the file.
final class PartialFile {
    let fd: Int32
    let base: UnsafeMutableRawPointer
    let size: Int
    /// Sorted, disjoint `[start, end)` ranges already in the buffer.
    private var present: [Range<Int>] = []
    /// Why a read failed (the file shrank or the disk erred), reported once the parse is over.
    private(set) var failure: String?

    /// Reads closer together than this are merged: a syscall costs more than copying a few
    /// pages nobody reads.
    static let coalescingGap = 16 << 10

    init(fd: Int32, buffer: UnsafeMutableRawBufferPointer, size: Int) {
        self.fd = fd
        base = buffer.baseAddress!
        self.size = size
    }

    /// Reads the ELF header and the section header table, which libelf reads when the image
    /// is opened. Fields that point outside the file are left for `ElfImage` to report.
    func ensureHeaders(ident: [UInt8]) {
        let is64 = ident[4] == 2
        let bigEndian = ident[5] == 2
        let headerSize = is64 ? 64 : 52
        guard ensure(offset: 0, length: UInt64(headerSize)), size >= headerSize else { return }
        let header = ByteView(base: base, count: headerSize, bigEndian: bigEndian)
        let tableOffset = (is64 ? header.u64(0x28) : header.u32(0x20).map(UInt64.init)) ?? 0
        let entrySize = UInt64(header.u16(is64 ? 0x3a : 0x2e) ?? 0)
        var count = UInt64(header.u16(is64 ? 0x3c : 0x30) ?? 0)
        guard tableOffset > 0, entrySize > 0, ensure(offset: tableOffset, length: entrySize) else { return }
        if count == 0, tableOffset < UInt64(size) {
            // More sections than e_shnum holds: the count is section 0's sh_size.
            let first = ByteView(base: base + Int(tableOffset), count: min(Int(entrySize), size - Int(tableOffset)), bigEndian: bigEndian)
            count = (is64 ? first.u64(0x20) : first.u32(0x14).map(UInt64.init)) ?? 0
        }
        let (length, overflow) = count.multipliedReportingOverflow(by: entrySize)
        ensure(offset: tableOffset, length: overflow ? UInt64(size) : length)
    }

    /// Makes `[offset, offset + length)` (clamped to the file) present; false when it could
    /// not be read.
    @discardableResult
    func ensure(offset: UInt64, length: UInt64) -> Bool {
        guard offset < UInt64(size), length > 0 else { return true }
        let start = Int(offset)
        let end = Int(min(UInt64(size), offset &+ min(length, UInt64(size))))
        if covered(start..<end) { return true }
        return read(start..<end)
    }

    /// Reads every range given that is not present yet, merging neighbours.
    func prefetch(_ ranges: [Range<Int>]) {
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty && !covered(range) {
            if let last = merged.last, range.lowerBound <= last.upperBound + PartialFile.coalescingGap {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        for range in merged { read(range) }
    }

    private func covered(_ range: Range<Int>) -> Bool {
        // The ranges are few (a handful per module): a linear scan beats keeping a tree.
        for piece in present where piece.lowerBound <= range.lowerBound && range.upperBound <= piece.upperBound { return true }
        return false
    }

    @discardableResult
    private func read(_ range: Range<Int>) -> Bool {
        var done = range.lowerBound
        while done < range.upperBound {
            let n = pread(fd, base + done, range.upperBound - done, off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                if failure == nil {
                    failure = n < 0 ? "cannot read the file at offset \(done): \(String(cString: strerror(errno)))"
                        : "the file shrank to \(done) bytes while being read"
                }
                return false
            }
            done += n
        }
        insert(range)
        return true
    }

    private func insert(_ range: Range<Int>) {
        var result: [Range<Int>] = []
        var merged = range
        for piece in present {
            if piece.upperBound < merged.lowerBound || merged.upperBound < piece.lowerBound {
                result.append(piece)
            } else {
                merged = min(piece.lowerBound, merged.lowerBound)..<max(piece.upperBound, merged.upperBound)
            }
        }
        result.append(merged)
        result.sort { $0.lowerBound < $1.lowerBound }
        present = result
    }
}
