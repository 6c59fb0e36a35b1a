import Foundation

/// Buffers that module files are read into, reused from one file to the next.
///
/// Mapping each file costs a page fault per page touched and an `munmap` whose TLB
/// shootdown interrupts every other thread of the run; over a tree of 4000 modules that was
/// about an eighth of the CPU time. Reading into a buffer that stays mapped costs one copy
/// from the page cache and nothing else. There are at most as many buffers as files read at
/// once, each as large as the largest pooled file it has held.
final class ReadBuffers: @unchecked Sendable {
    static let shared = ReadBuffers()

    /// Stripped modules are at most a few tens of MiB (amdgpu.ko: 19 MiB); a larger file is
    /// one with DWARF, of which rules read little, and is mapped instead.
    static let largestPooledFile: UInt64 = 64 << 20

    private let lock = NSLock()
    private var idle: [UnsafeMutableRawBufferPointer] = []

    func withBuffer<T>(capacity: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> T) throws -> T {
        var buffer = take()
        if buffer.count < capacity {
            buffer.deallocate()
            // Whole MiBs, so that a run of slightly larger files does not reallocate each time.
            let rounded = max(1 << 20, (capacity + (1 << 20) - 1) & ~((1 << 20) - 1))
            buffer = .allocate(byteCount: rounded, alignment: 16)
        }
        defer { give(buffer) }
        return try body(buffer)
    }

    private func take() -> UnsafeMutableRawBufferPointer {
        lock.lock(); defer { lock.unlock() }
        return idle.popLast() ?? UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }

    private func give(_ buffer: UnsafeMutableRawBufferPointer) {
        lock.lock(); defer { lock.unlock() }
        idle.append(buffer)
    }
}
