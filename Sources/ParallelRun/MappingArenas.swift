import Foundation

/// Address ranges that module files are mapped into one after another, and unmapped from in
/// batches.
///
/// Reading a file copies it out of the page cache; mapping it costs only the page faults of
/// what is read. But unmapping one file at a time makes the kernel interrupt every other
/// thread of the run to flush its TLB, once per file. Here each file is mapped at the next
/// free address of an arena (a reserved range), and when a batch of files has gone through
/// the whole used range is replaced by a fresh reservation in one call: one flush per batch.
/// Nothing handed out by an `ElfImage` outlives its file's turn, so a mapping left in place
/// until the batch ends is never read again.
public final class MappingArenas: @unchecked Sendable {
    public static let shared = MappingArenas()

    /// Files up to this size go through an arena; a larger one (with DWARF) is mapped alone.
    public static let largestFile = 64 << 20
    /// Address space reserved per arena (no memory: PROT_NONE, MAP_NORESERVE).
    static let arenaSize = 256 << 20
    /// Used space after which an arena is cleared. It bounds the mapped, touched pages each
    /// arena keeps (they count in the resident set) and the flushes to one per this much.
    static let batchSize = 16 << 20

    final class Arena {
        let base: UnsafeMutableRawPointer
        var used = 0
        /// Set when a mapping failed: Linux may have unmapped part of the reservation first, and
        /// that hole may since belong to someone else, so the arena is never written again.
        var broken = false

        init?() {
            guard let address = mmap(nil, MappingArenas.arenaSize, PROT_NONE,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
                  address != MAP_FAILED else { return nil }
            base = address
        }

        /// Maps `size` bytes of `fd` at the next free address.
        func map(fd: Int32, size: Int) -> UnsafeMutableRawPointer? {
            guard !broken else { return nil }
            let length = (size + Int(pageSize) - 1) & ~(Int(pageSize) - 1)
            if used + length > MappingArenas.arenaSize || used >= MappingArenas.batchSize { clear() }
            guard used + length <= MappingArenas.arenaSize else { return nil }
            // Writable and private: libelf may convert a foreign byte order in place; such a
            // write copies the page and never reaches the file.
            guard let address = mmap(base + used, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0),
                  address != MAP_FAILED else { broken = true; return nil }
            used += length
            return address
        }

        func clear() {
            guard used > 0, !broken else { return }
            // One replacement of the whole used range: one TLB flush for the batch.
            _ = mmap(base, used, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0)
            used = 0
        }
    }

    private static let pageSize = sysconf(Int32(_SC_PAGESIZE))

    private let lock = NSLock()
    private var idle: [Arena] = []

    /// Runs `body` with `fd` mapped (`size` bytes); nil from `map` when it cannot be mapped here.
    public func withMapping<T>(fd: Int32, size: Int, _ body: (UnsafeMutableRawPointer?) throws -> T) rethrows -> T {
        let arena = take()
        defer { if let arena { give(arena) } }
        return try body(arena?.map(fd: fd, size: size))
    }

    private func take() -> Arena? {
        lock.lock()
        if let arena = idle.popLast() { lock.unlock(); return arena }
        lock.unlock()
        return Arena()
    }

    private func give(_ arena: Arena) {
        lock.lock(); defer { lock.unlock() }
        idle.append(arena)
    }
}
