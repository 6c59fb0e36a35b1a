@testable import LintEngine
@testable import ModuleObject
import Testing

@Suite struct RunAliasesTests {
    static func module(_ name: String, _ aliases: [String]) -> ModuleObject {
        ModuleObject(path: "/m/\(name).ko", identity: ElfIdentity(elfClass: .elf64, byteOrder: .little, machine: .x86_64, type: 1),
                     fileSize: 0, sections: [], symbols: [], relocationSections: [],
                     modinfo: ModuleInfo(entries: aliases.map { ModuleInfo.Entry(key: "alias", value: $0) }),
                     versions: [], exports: [], thisModule: nil, isSigned: false)
    }

    static let run = RunAliases(modules: [
        module("ahci", ["pci:v00008086d00002653sv*sd*bc*sc*i*"]),
        module("ata_generic", ["pci:v*d*sv*sd*bc01sc01i*", "pci:v00008086d*sv*sd*bc01sc01i*"]),
        module("specific", ["pci:v00008086d00002653sv00001028sd*bc*sc*i*"]),
        module("same", ["pci:v00008086d00002653sv*sd*bc01sc01i*"]),
        module("mdio_any", ["mdio:0000000000011100110010010001????"]),
    ])

    @Test func theSameStringAndBroaderPatternsClaimAnAlias() {
        let claims = Self.run.claimants(covering: "pci:v00008086d00002653sv*sd*bc01sc01i*")
        #expect(claims.map { "\($0.module) \($0.alias)" } == [
            "ahci pci:v00008086d00002653sv*sd*bc*sc*i*",
            "ata_generic pci:v*d*sv*sd*bc01sc01i*",
            "ata_generic pci:v00008086d*sv*sd*bc01sc01i*",
            "same pci:v00008086d00002653sv*sd*bc01sc01i*",
        ])
    }

    @Test func narrowerPatternsDoNotClaimIt() {
        #expect(Self.run.claimants(covering: "pci:v00008086d00002653sv*sd*bc*sc*i*").map(\.module) == ["ahci"])
        // '?' in the alias looked up is a literal character; in a claim it matches any one.
        #expect(Self.run.claimants(covering: "mdio:0000000000011100110010010001????").map(\.module) == ["mdio_any"])
        #expect(Self.run.claimants(covering: "mdio:00000000000111001100100100011010").map(\.module) == ["mdio_any"])
        #expect(Self.run.claimants(covering: "usb:v1D6Bp0002d*").isEmpty)
    }
}
