import FixtureSupport
import Foundation
import LintEngine
import Testing

/// The owner rules over a tree of real modules with DWARF (e.g. Debian's
/// linux-image-<version>-dbg unpacked: `usr/lib/debug/lib/modules/<version>`), named by
/// MODLINT_DEBUG_CORPUS. Skipped when it is not set, as in CI.
@Suite struct OwnerCorpusTests {
    static let corpus = CorpusTrees.debugCorpus

    @Test(.enabled(if: corpus != nil, Comment(rawValue: CorpusTrees.unset("MODLINT_DEBUG_CORPUS", "no tree of modules with DWARF"))))
    func everyModuleHasReadableDebugInfoAndEveryFindingALocation() throws {
        let result = try Fixtures.lint([try #require(Self.corpus)], symbols: nil, select: ["O"])
        #expect(result.modules > 0)
        #expect(result.unreadable == 0)
        // The once-per-run note (no symbol) would name modules whose DWARF was missing or unreadable.
        let unchecked = result.diagnostics.filter { $0.symbol == nil }
        #expect(unchecked.isEmpty, "\(unchecked.map(\.message))")
        for finding in result.diagnostics {
            #expect(finding.location != nil, "\(finding.path): \(finding.message)")
            #expect(finding.section != nil && finding.place?.symbolOffset != nil && finding.place?.element != nil)
        }
        // Pinned by something else (see O001's rationale): the x_tables cores' built-in
        // targets and the af_alg socket types' proto_ops.
        let exempt = ["ip_tables", "ip6_tables", "arp_tables", "ebtables", "algif_hash", "algif_skcipher", "algif_aead", "algif_rng"]
        #expect(result.diagnostics.filter { $0.code == "O001" && exempt.contains($0.module) }.map(\.message) == [])
    }
}
