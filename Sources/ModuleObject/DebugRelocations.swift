#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ModuleObject {
    /// The relocations that apply to one debug section (`.rela.debug_line`), which `load`
    /// leaves out: no module rule scans debug info, and a large module has hundreds of
    /// thousands of them. Read again from the file, only when asked for.
    public func relocations(appliedTo sectionName: String) throws -> [Relocation] {
        try ElfImage.withImage(path: path) { image in
            try image.readRelocations(symbolCount: symbols.count, appliedTo: sectionName).flatMap(\.relocations)
        }
    }
}

/// The bytes of a module's file for a reader of the sections `load` leaves alone.
public struct FileBytes {
    public let bytes: UnsafeRawBufferPointer
    /// The bytes are a read-only mapping of the file: pages the reader is done with can be
    /// given back (`madvise(MADV_DONTNEED)`) and are read again from the file if touched.
    /// False for a compressed module's decompressed bytes, which live only in memory.
    public let isFileMapping: Bool
}

extension ModuleObject {
    /// Runs `body` with the bytes of the module's file: a read-only mapping of it, or for a
    /// compressed module its decompressed bytes. They are valid only inside `body`; every
    /// offset taken from the file must be checked against their count (the file may have
    /// changed since `load`).
    public func withFileBytes<T>(_ body: (FileBytes) throws -> T) throws -> T {
        let (fd, fileSize) = try ElfImage.openModuleFile(path)
        defer { close(fd) }
        let size = Int(fileSize)
        guard size >= 16 else { throw ModuleError.truncated("\(size) bytes, shorter than an ELF identification") }
        var head = [UInt8](repeating: 0, count: 16)
        guard pread(fd, &head, 16, 0) == 16 else { throw ModuleError.truncated("cannot read the ELF identification") }
        if let format = CompressionFormat.detect(head) {
            var compressed = [UInt8](repeating: 0, count: size)
            var done = 0
            while done < size {
                let n = compressed.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(done)) }
                guard n > 0 else { throw ModuleError.truncated("cannot read the \(format) data") }
                done += n
            }
            let bytes = try Decompressor.decompress(compressed, format: format, limit: ElfImage.maximumDecompressedSize)
            return try bytes.withUnsafeBytes { try body(FileBytes(bytes: $0, isFileMapping: false)) }
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw ModuleError.cannotOpen("cannot map the file: \(String(cString: strerror(errno)))")
        }
        defer { munmap(address, size) }
        return try body(FileBytes(bytes: UnsafeRawBufferPointer(start: address, count: size), isFileMapping: true))
    }
}
