/// Which structure layouts a module's debug info records, and from which DIE.
///
/// The rules look at the structures the module's variables are of, and at those embedded in
/// them. Each is read from the DIE the variable's (or embedding member's) type leads to, not
/// looked up by name among every structure of the module: each unit repeats the definitions
/// of the headers it includes, and indexing them all by name was most of the cost of reading
/// a module's DWARF. When several DIEs of one name are reached (the same header structure in
/// several units, or two units' own structures of one name), the first in `.debug_info` of
/// those reached in the same round is kept: first the variables' types, then the structures
/// those embed, and so on. A type that leads only to a declaration (no members) is looked up
/// by name, the first definition of the module (`byName`).
struct StructReach {
    /// Name → the first definition DIE reached, nil when only a declaration was.
    private(set) var pending: [String: Int?] = [:]

    var isEmpty: Bool { pending.isEmpty }

    mutating func reach(_ name: String, at offset: Int?) {
        switch pending[name] {
        case .none: pending[name] = offset
        case .some(.none): pending[name] = offset
        case .some(.some(let known)): if let offset, offset < known { pending[name] = offset }
        }
    }

    /// A member of this type: a structure itself (not through a typedef, qualifier, pointer
    /// or array) is embedded, and its layout is read too.
    mutating func embed(_ type: DwarfReader.TypeInfo) {
        let display = type.display
        guard type.structName != nil, display.hasPrefix("struct "),
              !display.utf8.contains(UInt8(ascii: "*")), !display.utf8.contains(UInt8(ascii: "[")) else { return }
        reach(String(display.dropFirst("struct ".count)), at: type.structOffset)
    }

    /// Records the layouts reached by `variables`, then those they embed, round by round.
    /// `record(offset)` reads the structure at a DIE and returns what its members reach;
    /// it returns nil when that DIE gives no layout.
    static func resolve<Failure: Error>(_ first: StructReach, recorded: (String) -> Bool,
                                        byName: (String) throws(Failure) -> Int?,
                                        record: (Int) throws(Failure) -> StructReach?) throws(Failure) {
        var round = first
        var done: Set<String> = []
        while !round.isEmpty {
            var next = StructReach()
            for (name, reached) in round.pending.sorted(by: { $0.key < $1.key }) {
                done.insert(name)
                guard !recorded(name) else { continue }
                var offset = reached
                if offset == nil { offset = try byName(name) }
                guard let offset else { continue }
                guard let inner = try record(offset) else { continue }
                for (innerName, innerOffset) in inner.pending where !done.contains(innerName) && round.pending[innerName] == nil {
                    next.reach(innerName, at: innerOffset)
                }
            }
            round = next
        }
    }
}
