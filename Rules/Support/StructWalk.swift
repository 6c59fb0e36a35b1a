import DebugInfo

/// The members of interest inside a structure and inside the structures embedded in it (by
/// value, not through a pointer), `StructWalk.depth` levels down: the owner fields O001
/// checks, the id-table pointers D006 follows. One walk for both.
///
/// Results are cached per structure and per depth left: the same structure met at the top and
/// three levels down gives two results (the deeper one cut short), and neither depends on
/// which was asked for first. (A cache keyed on the name alone kept whichever came first.)
struct StructWalk<Found: Hashable> {
    /// A member found, with its path from the outer structure (`driver.of_match_table`) and
    /// its offset there.
    struct Slot: Hashable {
        let path: String
        let offset: UInt64
        let found: Found
    }

    /// How many levels of embedded structures are searched below the outer one.
    static var depth: Int { 3 }

    let debugInfo: DebugInfo
    /// What a member of the structure named `structName` is, if it is one the walk looks for;
    /// such a member is not descended into. The matches of a structure's own members come
    /// before those of the structures it embeds.
    let match: (_ member: StructMember, _ structName: String, _ layout: StructLayout) -> Found?
    /// Embedded structures not searched (O001: a `cdev` is set up at run time by cdev_init).
    var skipped: Set<String> = []

    private struct Key: Hashable {
        let structName: String
        let depthLeft: Int
    }
    private var cache: [Key: [Slot]] = [:]

    init(debugInfo: DebugInfo, skipping skipped: Set<String> = [],
         match: @escaping (_ member: StructMember, _ structName: String, _ layout: StructLayout) -> Found?) {
        self.debugInfo = debugInfo
        self.skipped = skipped
        self.match = match
    }

    /// Every member found in `structName` and the structures it embeds.
    mutating func slots(in structName: String) -> [Slot] {
        slots(in: structName, depthLeft: Self.depth)
    }

    private mutating func slots(in structName: String, depthLeft: Int) -> [Slot] {
        let key = Key(structName: structName, depthLeft: depthLeft)
        if let cached = cache[key] { return cached }
        guard let layout = debugInfo.structs[structName] else { return [] }
        var result: [Slot] = []
        var embedded: [(name: String, offset: UInt64, inner: String)] = []
        for member in layout.members {
            guard let offset = member.offset else { continue }
            if let found = match(member, structName, layout), let name = member.name {
                result.append(Slot(path: name, offset: offset, found: found))
            } else if depthLeft > 0, let name = member.name, member.typeName.hasPrefix("struct "),
                      !member.typeName.utf8.contains(UInt8(ascii: "*")), !member.typeName.utf8.contains(UInt8(ascii: "[")) {
                let inner = String(member.typeName.dropFirst("struct ".count))
                guard inner != structName, !skipped.contains(inner) else { continue }
                embedded.append((name, offset, inner))
            }
        }
        for (name, offset, inner) in embedded {
            for slot in slots(in: inner, depthLeft: depthLeft - 1) {
                let (sum, overflow) = offset.addingReportingOverflow(slot.offset)
                guard !overflow else { continue }
                result.append(Slot(path: name + "." + slot.path, offset: sum, found: slot.found))
            }
        }
        cache[key] = result
        return result
    }
}
