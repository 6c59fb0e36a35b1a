#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The parsers that read files by path (the module loader, the DWARF reader, the
/// decompressor) get each fuzz input through one file that is rewritten per input: in
/// /dev/shm when it exists, so an execution costs no disk I/O.
public final class InputFile: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    public init(suffix: String) {
        let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
        path = "\(directory)/modlint-fuzz-\(getpid())\(suffix)"
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "cannot create \(path)")
        atexit_unlink(path)
    }

    /// Replaces the file's contents with `bytes`.
    public func write(_ data: UnsafePointer<UInt8>, _ count: Int) {
        precondition(ftruncate(fd, 0) == 0)
        var done = 0
        while done < count {
            let n = pwrite(fd, data + done, count - done, off_t(done))
            precondition(n > 0, "cannot write \(path)")
            done += n
        }
    }
}

private nonisolated(unsafe) var pathsToRemove: [String] = []

private func atexit_unlink(_ path: String) {
    if pathsToRemove.isEmpty {
        atexit { for path in pathsToRemove { unlink(path) } }
    }
    pathsToRemove.append(path)
}
