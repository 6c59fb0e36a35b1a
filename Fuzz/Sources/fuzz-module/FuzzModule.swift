import FuzzSupport
import ModuleObject

/// The module loader on arbitrary bytes: ELF header and section validation, symbols,
/// relocations, .modinfo, __versions, exports, __this_module, device tables.
private let input = InputFile(suffix: ".ko")

@_cdecl("fuzz_module_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, count in fuzz(data, count) }
}

private func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let data else { return 0 }
    input.write(data, count)
    guard let module = try? ModuleObject.load(path: input.path, decompressedLimit: 64 << 20) else { return 0 }
    // Touch what rules read lazily.
    _ = module.name
    _ = module.modinfo.vermagic.flatMap(KernelVersion.init(vermagic:))
    let locator = SymbolLocator(module: module)
    for section in module.relocationSections {
        for relocation in section.relocations.prefix(64) {
            _ = locator.symbol(containing: relocation.offset, inSection: section.targetSectionIndex)
        }
    }
    return 0
}
