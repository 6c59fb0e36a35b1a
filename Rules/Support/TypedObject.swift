import DebugInfo
import ModuleObject

/// One object of the module whose type DWARF knows, joined to its ELF symbol by name
/// (DW_OP_addr is section-relative in ET_REL and cannot tell sections apart).
struct TypedObject {
    let symbol: Symbol
    let section: Section
    let variable: DebugVariable
    let structName: String

    /// Objects with static storage whose type is (an array of) a named structure, in
    /// symbol order. Static objects left in .bss are skipped: nothing initialises them at
    /// build time, their fields are filled at run time. A name DWARF gives two different
    /// types (two `static` objects in two files) is skipped as ambiguous.
    static func all(in module: ModuleObject, debugInfo: DebugInfo) -> [TypedObject] {
        module.symbols.compactMap { symbol in
            guard symbol.type == Symbol.typeObject, let index = symbol.sectionIndex, index < module.sections.count,
                  symbol.size > 0 else { return nil }
            let section = module.sections[index]
            guard section.occupiesFile else { return nil }
            let candidates = debugInfo.variables(forSymbol: symbol.name).filter { $0.structName != nil }
            guard let variable = candidates.first, let structName = variable.structName,
                  candidates.allSatisfy({ $0.structName == structName }) else { return nil }
            return TypedObject(symbol: symbol, section: section, variable: variable,
                               structName: structName)
        }
    }
}
