import FixtureSupport
import Foundation
import Testing

/// kmod's depmod as the oracle for U001 and U004 on real Debian trees (scripts/oracle-depmod).
/// Slow and needs the trees: runs only when MODLINT_CORPUS names a directory holding
/// `<arch>/MANIFEST` trees unpacked by scripts/fetch-corpus; then depmod (kmod), nm and readelf
/// (binutils) are required, and zstd for the compressed copies.
@Suite(.serialized) struct DepmodOracleTests {
    static let corpus = CorpusTrees.corpus
    static var trees: [String] { CorpusTrees.bookwormArches }

    @Test(.enabled(if: !trees.isEmpty, Comment(rawValue: CorpusTrees.unset("MODLINT_CORPUS", "no Debian 12 tree"))), arguments: trees)
    func modlintAgreesWithDepmod(arch: String) throws {
        try Self.oracle(arch: arch, runs: ["intact", "removed", "doctored", "modcrc"])
    }

    /// The same on zstd-compressed copies of the amd64 tree (kmod reads them too).
    @Test(.enabled(if: trees.contains("amd64"), Comment(rawValue: CorpusTrees.absent("bookworm amd64"))))
    func modlintAgreesWithDepmodOnCompressedModules() throws {
        _ = try Programs.require("zstd")
        try Self.oracle(arch: "amd64", runs: ["intact", "removed", "doctored"], environment: ["ORACLE_COMPRESS": "zst"])
    }

    /// Debian 13's and sid's compressed trees (MODLINT_SUITES): intact, and with the modules
    /// most others depend on removed; with CRCs doctored where the kernel has modversions
    /// (trixie; sid's 7.x is built without).
    @Test(.enabled(if: CorpusTrees.suite("trixie", "amd64") != nil, Comment(rawValue: CorpusTrees.absent("trixie amd64"))))
    func modlintAgreesWithDepmodOnTrixie() throws {
        _ = try Programs.require("xz")
        try Self.oracle(tree: CorpusTrees.suites! + "/trixie-amd64", name: "trixie amd64", runs: ["intact", "removed", "doctored"])
    }

    @Test(.enabled(if: CorpusTrees.suite("sid", "amd64") != nil, Comment(rawValue: CorpusTrees.absent("sid amd64"))))
    func modlintAgreesWithDepmodOnSid() throws {
        _ = try Programs.require("xz")
        try Self.oracle(tree: CorpusTrees.suites! + "/sid-amd64", name: "sid amd64", runs: ["intact", "removed"])
    }

    static func oracle(arch: String, runs: [String], environment: [String: String] = [:]) throws {
        try oracle(tree: "\(corpus!)/\(arch)", name: arch, runs: runs, environment: environment)
    }

    static func oracle(tree: String, name arch: String, runs: [String], environment: [String: String] = [:]) throws {
        for program in ["depmod", "nm", "readelf"] { _ = try Programs.require(program) }
        let (status, text) = try Command.run(Fixtures.packageRoot + "/scripts/oracle-depmod",
                                             [tree, CommandLineTests.executable], environment: environment)
        #expect(status == 0, "\(arch):\n\(text)")
        #expect(text.contains("agreement: exact"), "\(arch):\n\(text)")
        for run in runs {
            #expect(text.contains("\n\(run) "), "\(arch): no \(run) run:\n\(text)")
        }
    }
}
