import FuzzSupport
import ModuleObject

/// The xz, zstd and gzip readers (chosen by magic) under a small output limit, so the
/// limit itself is exercised as well as the decoders.
private let input = InputFile(suffix: ".ko.xz")

@_cdecl("fuzz_decompress_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, count in fuzz(data, count) }
}

private func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let data else { return 0 }
    input.write(data, count)
    _ = try? ModuleObject.decompressedImage(path: input.path, limit: 1 << 20)
    return 0
}
