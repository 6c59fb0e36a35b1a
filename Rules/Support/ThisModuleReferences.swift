import ModuleObject

/// Offsets in a section that a relocation against `__this_module` fills: where the module
/// stores THIS_MODULE in its initialised data.
struct ThisModuleReferences {
    private var offsets: [Int: Set<UInt64>] = [:]

    init(_ module: ModuleObject) {
        let targets = Set(module.symbols.filter { symbol in
            if symbol.name == "__this_module" { return true }
            // A relocation may name the section instead of the symbol.
            guard symbol.isSectionSymbol, let index = symbol.sectionIndex, index < module.sections.count else { return false }
            return module.sections[index].name == SectionNames.thisModule
        }.map(\.index))
        guard !targets.isEmpty else { return }
        for relocationSection in module.relocationSections {
            for relocation in relocationSection.relocations where targets.contains(relocation.symbolIndex) {
                let symbol = module.symbols[relocation.symbolIndex]
                // Against the section symbol only `.gnu.linkonce.this_module + 0` is the module.
                if symbol.isSectionSymbol && (!relocation.addendIsKnown || relocation.addend != 0) { continue }
                offsets[relocationSection.targetSectionIndex, default: []].insert(relocation.offset)
            }
        }
    }

    func contains(section: Int, offset: UInt64) -> Bool { offsets[section]?.contains(offset) ?? false }
}
