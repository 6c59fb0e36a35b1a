import Foundation
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

/// The alias index against the plain definition (a claim covers an alias when it is the same
/// string or an fnmatch pattern matching it), on buckets big enough to be indexed by window
/// (more than `Bucket.indexedSize` patterns under one literal prefix).
@Suite struct RunAliasIndexTests {
    /// A small deterministic generator (xorshift), so a failure names its seed.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
    }

    static func bruteForce(_ claims: [(module: String, alias: String)], _ alias: String) -> [String] {
        claims.filter { $0.alias == alias || fnmatch($0.alias, alias, 0) == 0 }
            .map { "\($0.module) \($0.alias)" }.sorted()
    }

    @Test(arguments: [1, 2, 3])
    func theIndexFindsWhatFnmatchOverEveryClaimFinds(seed: UInt64) {
        var random = Generator(state: 0x9E37_79B9_7F4A_7C15 &* seed)
        let words = ["fx", "ab", "abc", "mod", "lint", "ti", "ti,", "bcm", "x1", "rk"]
        func piece() -> String { random.pick(["*", "?", "[a-c]", random.pick(words), random.pick(words), random.pick(words) + random.pick(words)]) }
        var claims: [(module: String, alias: String)] = []
        var modules: [ModuleObject] = []
        for m in 0..<24 {
            var aliases: [String] = []
            for _ in 0..<(3 + random.next(5)) {
                // Most claims under the one prefix of:N (a bucket of well over 32 patterns),
                // some plain strings, some under other prefixes.
                let prefix = random.pick(["of:N*T*C", "of:N*T*C", "of:N", "acpi*:", "plain:"])
                let alias = prefix == "plain:" ? "of:N*T*C" + random.pick(words) + random.pick(words)
                    : prefix + (0..<(1 + random.next(4))).map { _ in piece() }.joined()
                aliases.append(alias)
            }
            aliases = aliases.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
            modules.append(RunAliasesTests.module("m\(m)", aliases))
            claims += aliases.map { (module: "m\(m)", alias: $0) }
        }
        let ofPatterns = claims.filter { $0.alias.hasPrefix("of:N") && $0.alias.contains(where: { "*?[".contains($0) }) }
        #expect(ofPatterns.count > Bucket.indexedSize, "seed \(seed)")
        let run = RunAliases(modules: modules, builtin: [])
        var queries = claims.map(\.alias)
        for _ in 0..<400 {
            queries.append(random.pick(["of:NfooT", "of:N", "acpi", "of:N*T*C", ""]) + (0..<(1 + random.next(5))).map { _ in random.pick(words) }.joined(separator: random.pick(["", "T", "C", ","])))
        }
        var compared = 0, matched = 0
        for query in queries {
            let expected = Self.bruteForce(claims, query)
            let found = run.claimants(covering: query).map { "\($0.module) \($0.alias)" }.sorted()
            #expect(found == expected, "seed \(seed), query \(query)")
            compared += 1
            if expected.count > 1 { matched += 1 }
        }
        // The queries exercise the index: many match several claims.
        #expect(matched > 50, "seed \(seed): \(matched) of \(compared)")
    }
}
