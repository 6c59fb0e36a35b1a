/// Finds the function or object at a place in a section, the way a person would name it:
/// the symbol that contains the address, else the one that starts there, else the closest one
/// before it. Section symbols, mapping symbols and local labels never name a place.
public struct SymbolLocator: Sendable {
    private let bySection: [Int: [Symbol]]

    public init(module: ModuleObject) {
        var map: [Int: [Symbol]] = [:]
        for symbol in module.symbols where symbol.isNameable {
            guard let section = symbol.sectionIndex else { continue }
            map[section, default: []].append(symbol)
        }
        for key in map.keys {
            map[key]!.sort { a, b in
                if a.value != b.value { return a.value < b.value }
                return SymbolLocator.preferred(a, over: b)
            }
        }
        bySection = map
    }

    /// Of two symbols at one address: a sized function or object over a label, a real name
    /// over the `init_module` / `cleanup_module` aliases `module_init()`/`module_exit()` add,
    /// then the first in the symbol table.
    static func preferred(_ a: Symbol, over b: Symbol) -> Bool {
        func rank(_ s: Symbol) -> Int {
            var rank = 0
            if s.size == 0 { rank += 4 }
            if s.type != Symbol.typeFunc && s.type != Symbol.typeObject { rank += 2 }
            if s.name == "init_module" || s.name == "cleanup_module" { rank += 1 }
            return rank
        }
        let (ra, rb) = (rank(a), rank(b))
        return ra != rb ? ra < rb : a.index < b.index
    }

    /// The symbol whose extent holds `address`, else one that starts exactly there. Symbols
    /// are sorted by address with the preferred name first, so the first of the latest start wins.
    public func symbol(containing address: UInt64, inSection section: Int) -> Symbol? {
        guard let symbols = bySection[section] else { return nil }
        var best: Symbol?
        for symbol in symbols {
            if symbol.value > address { break }
            let inside = symbol.value == address || (symbol.size > 0 && address - symbol.value < symbol.size)
            if inside, best.map({ symbol.value > $0.value }) ?? true { best = symbol }
        }
        return best
    }

    /// The closest symbol starting at or before `address`, however far (modpost's from-symbol).
    public func symbol(before address: UInt64, inSection section: Int) -> Symbol? {
        guard let symbols = bySection[section] else { return nil }
        var best: Symbol?
        for symbol in symbols {
            if symbol.value > address { break }
            if best.map({ symbol.value > $0.value }) ?? true { best = symbol }
        }
        return best
    }
}
