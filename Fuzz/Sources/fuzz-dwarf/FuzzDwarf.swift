import DebugInfo
import FuzzSupport
import ModuleObject

/// The DWARF layer: any input the module loader accepts is handed to the libdwarf reader,
/// as the owner rules do. Seeded with modules that carry full DWARF 5, so most mutations
/// land in the debug sections (the bulk of a module).
private let input = InputFile(suffix: ".ko")

@_cdecl("fuzz_dwarf_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, count in fuzz(data, count) }
}

private func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let data else { return 0 }
    input.write(data, count)
    guard let module = try? ModuleObject.load(path: input.path, decompressedLimit: 64 << 20),
          let info = try? DebugInfo.load(module: module) else { return 0 }
    for symbol in module.symbols.prefix(256) where !symbol.name.isEmpty {
        _ = info.declaration(of: symbol.name)
        _ = info.variables(forSymbol: symbol.name)
    }
    return 0
}
