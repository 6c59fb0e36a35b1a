import FixtureSupport
import LintEngine
import ModuleObject
@testable import Rules
import Testing

/// The pieces of O001, D006 and X002 that the real-tree triage (scripts/triage-dbg) relies on.
@Suite struct OwnerExemptionTests {
    @Test func arrayElementsAreFoldedIntoRanges() {
        #expect(MissingOwner.ranges([0, 1, 2, 5]) == "[0..2], [5]")
        #expect(MissingOwner.ranges([3]) == "[3]")
        #expect(MissingOwner.ranges(Array(0...15)) == "[0..15]")
    }

    @Test func matchAllAliases() {
        #expect(DeviceTableNotExported.isMatchAll("pci:v*d*sv*sd*bc*sc*i*"))
        #expect(!DeviceTableNotExported.isMatchAll("pci:v00001106d*sv*sd*bc*sc*i*"))
        #expect(!DeviceTableNotExported.isMatchAll("platform:dmi-ipmi-si"))
    }

    /// fx_owner's objects all have initialisers: none is blank, and the fixture's code stores
    /// to no owner field.
    @Test func initialisedObjectsAreNotBlank() throws {
        let module = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/fx_owner.ko"))
        var contents = ObjectContents(module)
        let fops = try #require(module.symbols.first { $0.name == "fx_fops_no_owner" })
        let index = try #require(fops.sectionIndex)
        #expect(contents.blankElements(section: index, offset: fops.value, size: fops.size, count: 1) == [false])
        let stores = CodeStores(module, contents: &contents)
        #expect(!stores.contains(section: index, offset: fops.value))
        // A range with no relocation in it, and one with the owner relocation of fx_fops_with_owner.
        let with = try #require(module.symbols.first { $0.name == "fx_fops_with_owner" })
        #expect(contents.hasRelocation(section: try #require(with.sectionIndex), from: with.value, to: with.value + with.size))
    }

    /// Every exemption names a register function the kernel exports.
    @Test func exemptionsAreData() {
        #expect(MissingOwner.coreObjects["target_type"] == ["dm_register_target"])
        #expect(MissingOwner.socketFamilyRegistrations.contains("sock_register"))
        #expect(MissingOwner.holders.map(\.structName) == ["af_alg_type", "can_proto", "inet_protosw"])
        #expect(DataReferencesExit.platformRegistrations["__platform_driver_probe"] == true)
        #expect(DataReferencesExit.platformRegistrations["__platform_driver_register"] == false)
    }
}
