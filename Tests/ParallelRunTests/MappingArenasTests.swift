import Foundation
@testable import ParallelRun
import Testing

@Suite struct MappingArenasTests {
    static func file(_ name: String, size: Int, fill: UInt8) throws -> (path: String, fd: Int32) {
        let path = NSTemporaryDirectory() + "/modlint-arena-\(getpid())-\(name)"
        try Data(repeating: fill, count: size).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        return (path, fd)
    }

    /// One arena serves file after file at its next free address, and once a batch has gone
    /// through starts again at its base (one unmapping for the batch); every file reads back
    /// as itself, whatever was mapped at that address before.
    @Test func anArenaIsReusedBatchAfterBatch() throws {
        let arenas = MappingArenas()
        let size = 1 << 20
        let a = try Self.file("a", size: size, fill: 0xA5)
        let b = try Self.file("b", size: size, fill: 0x5A)
        defer { close(a.fd); close(b.fd); unlink(a.path); unlink(b.path) }
        var addresses: [UnsafeMutableRawPointer] = []
        for round in 0..<(MappingArenas.batchSize / size + 2) {
            let file = round % 2 == 0 ? a : b
            let address = try #require(arenas.withMapping(fd: file.fd, size: size) { mapped -> UnsafeMutableRawPointer? in
                guard let mapped else { return nil }
                let bytes = mapped.assumingMemoryBound(to: UInt8.self)
                #expect(bytes[0] == (round % 2 == 0 ? 0xA5 : 0x5A) && bytes[size - 1] == bytes[0], "round \(round)")
                return mapped
            })
            addresses.append(address)
        }
        // One after another in the same arena...
        for index in 1..<(MappingArenas.batchSize / size) {
            #expect(addresses[index] == addresses[index - 1] + size, "mapping \(index)")
        }
        // ...until the batch is full: then the arena is cleared and starts over at its base.
        #expect(addresses[MappingArenas.batchSize / size] == addresses[0])
        #expect(addresses[MappingArenas.batchSize / size + 1] == addresses[0] + size)
    }

    /// A mapping made while another is in use (another worker's file) gets an arena of its own.
    @Test func aMappingInUseKeepsItsArena() throws {
        let arenas = MappingArenas()
        let a = try Self.file("c", size: 8192, fill: 1)
        let b = try Self.file("d", size: 8192, fill: 2)
        defer { close(a.fd); close(b.fd); unlink(a.path); unlink(b.path) }
        arenas.withMapping(fd: a.fd, size: 8192) { outer in
            arenas.withMapping(fd: b.fd, size: 8192) { inner in
                guard let outer, let inner else { Issue.record("not mapped"); return }
                #expect(abs(outer - inner) >= MappingArenas.arenaSize)
                #expect(outer.load(as: UInt8.self) == 1 && inner.load(as: UInt8.self) == 2)
            }
        }
    }
}
