import FuzzSupport
import Foundation
import KernelSymbols

/// The three symbol-table parsers on the same bytes: Module.symvers, System.map, kallsyms.
@_cdecl("fuzz_symbols_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, count in fuzz(data, count) }
}

private func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: count)
    _ = try? ModuleSymvers.parse(bytes, path: "fuzz.symvers")
    _ = try? SymbolMap.parse(bytes, path: "System.map", kind: .systemMap)
    _ = try? SymbolMap.parse(bytes, path: "kallsyms", kind: .kallsyms)
    return 0
}
