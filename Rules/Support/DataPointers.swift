import ModuleObject

/// A place in a section of the module.
struct DataPlace: Hashable {
    let section: Int
    let offset: UInt64
}

/// Where the pointers in a module's initialised data point: the relocation at each place,
/// resolved to a section and offset (`symbol + addend`). Only defined targets.
struct DataPointers {
    private var targets: [Int: [UInt64: DataPlace]] = [:]

    init(_ module: ModuleObject) {
        for relocationSection in module.relocationSections {
            let from = module.sections[relocationSection.targetSectionIndex]
            guard from.isAllocated, !from.isExecutable else { continue }
            for relocation in relocationSection.relocations where relocation.addendIsKnown {
                let symbol = module.symbols[relocation.symbolIndex]
                guard let section = symbol.sectionIndex, section < module.sections.count else { continue }
                let address = UInt64(bitPattern: Int64(bitPattern: symbol.value) &+ relocation.addend)
                targets[from.index, default: [:]][relocation.offset] = .init(section: section, offset: address)
            }
        }
    }

    func target(section: Int, offset: UInt64) -> DataPlace? { targets[section]?[offset] }
}
