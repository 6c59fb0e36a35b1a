import FixtureSupport
import Foundation
import Testing

/// The symbol rules point at the first use of the import in the module's code, with the
/// declaration the module saw as a related place, and paths a checkout can resolve.
@Suite struct ImportLocationTests {
    static func json(_ arguments: String...) throws -> [[String: Any]] {
        let run = try CommandLineTests.modlint(Array(arguments) + ["--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return try #require(document["diagnostics"] as? [[String: Any]])
    }

    @Test func anUnresolvedSymbolIsPlacedAtItsCall() throws {
        let found = try Self.json("check", "Fixtures/linux-6.1-amd64/fx_undef.ko", "--symbols", CommandLineTests.symbols, "--select", "U001")
        #expect(found.count == 1)
        let location = try #require(found.first?["location"] as? [String: Any])
        #expect(location["file"] as? String == "Fixtures/src/fx_undef/fx_undef.c")
        #expect(location["line"] as? Int == 20 && location["column"] as? Int == 2)
        let related = try #require(found.first?["related"] as? [[String: Any]])
        #expect(related.count == 1)
        #expect(related.first?["file"] as? String == "Fixtures/src/fx_undef/fx_undef.c")
        #expect(related.first?["line"] as? Int == 15 && related.first?["column"] as? Int == 13)
        #expect(related.first?["message"] as? String == "'fx_no_such_symbol' declared here")
    }

    @Test func aGPLOnlyUseIsPlacedAtItsCallAndThePrototypeStaysInJSON() throws {
        let found = try Self.json("check", "Fixtures/linux-6.1-amd64/fx_gplonly.ko", "--symbols", CommandLineTests.symbols, "--select", "U002")
        let places = found.compactMap { finding -> String? in
            guard let location = finding["location"] as? [String: Any], let symbol = finding["symbol"] as? String else { return nil }
            let related = (finding["related"] as? [[String: Any]])?.compactMap { $0["file"] as? String } ?? []
            return "\(symbol) \(location["line"] ?? "?") \(related.joined(separator: ","))"
        }
        #expect(places == [
            "debugfs_create_dir 23 /usr/src/linux-headers-6.1.0-50-common/include/linux/debugfs.h",
            "ktime_get 21 /usr/src/linux-headers-6.1.0-50-common/include/linux/timekeeping.h",
        ])
        // SARIF for code scanning: only places under %SRCROOT%; the installed header is left out.
        let sarif = try CommandLineTests.modlint("check", "Fixtures/linux-6.1-amd64/fx_gplonly.ko", "--symbols", CommandLineTests.symbols,
                                                 "--select", "U002", "--format", "sarif")
        #expect(!sarif.stdout.contains("file://"))
        #expect(sarif.stdout.contains("\"uri\" : \"Fixtures/src/fx_gplonly/fx_gplonly.c\""))
    }

    @Test func absolutePathsUnderTheSourceRootAreRelative() throws {
        let absolute = Fixtures.path("linux-6.1-amd64/fx_undef.ko")
        let run = try CommandLineTests.modlint("check", absolute, "--symbols", CommandLineTests.symbols, "--select", "U001", "--format", "gcc")
        #expect(run.stdout == "Fixtures/src/fx_undef/fx_undef.c:20:2: error: 'fx_no_such_symbol' is undefined: exported neither by the kernel's symbol table nor by any module of this run [U001] (in Fixtures/linux-6.1-amd64/fx_undef.ko)\n")
        let elsewhere = try CommandLineTests.modlint("check", absolute, "--symbols", CommandLineTests.symbols, "--select", "U001",
                                                     "--format", "gcc", "--source-root", "/nonexistent")
        #expect(elsewhere.stdout.hasSuffix("(in \(absolute))\n"))
    }
}
