import DebugInfo
import Foundation
@testable import Rules
import Testing

@Suite struct StructWalkTests {
    static func layout(_ name: String, _ members: [(String, UInt64, String)]) -> (String, StructLayout) {
        (name, StructLayout(name: name, size: 64, members: members.map { StructMember(name: $0.0, offset: $0.1, typeName: $0.2) }))
    }

    /// outer > a > b > c > d, and d holds the owner: four levels below outer, three below a.
    static let debugInfo = DebugInfo(
        compilationUnits: [],
        structs: Dictionary(uniqueKeysWithValues: [
            layout("outer", [("a", 8, "struct a")]),
            layout("a", [("b", 16, "struct b"), ("ops", 0, "const struct file_operations *")]),
            layout("b", [("c", 4, "struct c")]),
            layout("c", [("d", 2, "struct d"), ("self", 0, "struct c *")]),
            layout("d", [("pad", 0, "int"), ("owner", 1, "struct module *")]),
            layout("withcdev", [("cdev", 0, "struct cdev"), ("owner", 40, "struct module *")]),
            layout("cdev", [("owner", 0, "struct module *")]),
        ]),
        variables: [:], functions: [:], variableDeclarations: [:])

    static func walk() -> StructWalk<String> {
        StructWalk(debugInfo: debugInfo, skipping: ["cdev"]) { member, structName, _ in
            member.name == "owner" && member.typeName == "struct module *" ? structName : nil
        }
    }

    /// A structure's slots do not depend on where the walk met it first: `a` found three
    /// levels below `outer` (too deep to reach d's owner from there) and then asked for
    /// itself still finds the owner three levels below it.
    @Test func aStructuresSlotsDoNotDependOnTheOrderOfTheWalk() {
        var outerFirst = Self.walk()
        #expect(outerFirst.slots(in: "outer").isEmpty)
        let afterOuter = outerFirst.slots(in: "a")
        var aFirst = Self.walk()
        let alone = aFirst.slots(in: "a")
        #expect(alone.map(\.path) == ["b.c.d.owner"])
        let offsets: [UInt64] = alone.map(\.offset)
        #expect(offsets == [23])
        #expect(alone.map(\.found) == ["d"])
        #expect(afterOuter == alone)
        #expect(aFirst.slots(in: "outer").isEmpty)
        #expect(aFirst.slots(in: "b").map(\.path) == ["c.d.owner"])
    }

    /// A structure's own member before the ones of what it embeds; a skipped embedded
    /// structure is not searched.
    @Test func ownMembersFirstAndSkippedStructuresLeftOut() {
        var walk = Self.walk()
        #expect(walk.slots(in: "withcdev").map(\.path) == ["owner"])
        #expect(walk.slots(in: "cdev").map(\.path) == ["owner"])
        #expect(walk.slots(in: "unknown").isEmpty)
    }
}
