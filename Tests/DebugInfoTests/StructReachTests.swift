@testable import DebugInfo
import Testing

/// Which DIE a structure's layout is read from: the first reached in a round, a definition
/// over a declaration, the name looked up only when nothing but a declaration was reached,
/// and the embedded structures in the next round.
@Suite struct StructReachTests {
    @Test func theFirstDefinitionReachedWins() {
        var reach = StructReach()
        reach.reach("file_operations", at: 900)
        reach.reach("file_operations", at: 300)
        reach.reach("file_operations", at: 600)
        reach.reach("file_operations", at: nil)
        #expect(reach.pending == ["file_operations": 300])
    }

    @Test func aDeclarationGivesWayToADefinition() {
        var reach = StructReach()
        reach.reach("device", at: nil)
        #expect(reach.pending.count == 1 && reach.pending["device"] == .some(.none))
        reach.reach("device", at: 40)
        #expect(reach.pending == ["device": 40])
    }

    @Test func onlyStructuresThemselvesAreEmbedded() {
        typealias TypeInfo = DwarfReader.TypeInfo
        var reach = StructReach()
        reach.embed(TypeInfo(display: "struct device_driver", structName: "device_driver", isArray: false, arrayCount: nil, structOffset: 12))
        reach.embed(TypeInfo(display: "struct device *", structName: nil, isArray: false, arrayCount: nil))
        reach.embed(TypeInfo(display: "struct kref[2]", structName: "kref", isArray: true, arrayCount: 2, structOffset: 50))
        reach.embed(TypeInfo(display: "spinlock_t", structName: "spinlock", isArray: false, arrayCount: nil, structOffset: 70))
        reach.embed(TypeInfo(display: "struct <anonymous>", structName: nil, isArray: false, arrayCount: nil))
        #expect(reach.pending == ["device_driver": 12])
    }

    @Test func roundsFollowEmbeddedStructuresAndLookUpDeclarationsByName() throws {
        var first = StructReach()
        first.reach("pci_driver", at: 100)
        first.reach("usb_driver", at: nil)
        // Each DIE's name and what its members reach.
        let dies: [Int: (String, [(String, Int?)])] = [
            100: ("pci_driver", [("device_driver", 500), ("pci_dynids", 700)]),
            200: ("usb_driver", [("device_driver", 400)]),
            400: ("device_driver", []), 500: ("device_driver", []), 700: ("pci_dynids", []),
        ]
        var recorded: [String: Int] = [:]
        var lookedUp: [String] = []
        try StructReach.resolve(first, recorded: { recorded[$0] != nil },
                                byName: { (name: String) throws(DwarfReadFailure) -> Int? in
                                    lookedUp.append(name)
                                    return name == "usb_driver" ? 200 : nil
                                }) { (offset: Int) throws(DwarfReadFailure) -> StructReach? in
            guard let (name, members) = dies[offset] else { throw .corrupt("no DIE at \(offset)") }
            recorded[name] = offset
            var inner = StructReach()
            for (member, at) in members { inner.reach(member, at: at) }
            return inner
        }
        #expect(lookedUp == ["usb_driver"])
        // device_driver is reached at 500 and at 400 in the second round: the first DIE wins.
        #expect(recorded == ["pci_driver": 100, "usb_driver": 200, "device_driver": 400, "pci_dynids": 700])
    }
}
