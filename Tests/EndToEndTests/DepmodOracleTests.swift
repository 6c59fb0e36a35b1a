import FixtureSupport
import Foundation
import Testing

/// kmod's depmod as the oracle for U001 and U004 on real Debian trees (scripts/oracle-depmod).
/// Slow and needs the trees: runs only when MODLINT_CORPUS names a directory holding
/// `<arch>/MANIFEST` trees unpacked by shared/corpus/fetch-corpus.sh, and depmod is installed.
@Suite(.serialized) struct DepmodOracleTests {
    static let corpus = ProcessInfo.processInfo.environment["MODLINT_CORPUS"].flatMap { $0.isEmpty ? nil : $0 }

    static var trees: [String] {
        guard let corpus else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []
        return names.sorted().filter { FileManager.default.fileExists(atPath: "\(corpus)/\($0)/MANIFEST") }
    }

    static var depmodInstalled: Bool {
        ["/usr/sbin/depmod", "/sbin/depmod", "/usr/bin/depmod"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(.enabled(if: corpus != nil && depmodInstalled), arguments: trees)
    func modlintAgreesWithDepmod(arch: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.packageRoot + "/scripts/oracle-depmod")
        process.arguments = ["\(Self.corpus!)/\(arch)", CommandLineTests.executable]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(arch):\n\(text)")
        #expect(text.contains("agreement: exact"), "\(arch):\n\(text)")
        for run in ["intact", "removed", "doctored"] {
            #expect(text.contains("\n\(run) "), "\(arch): no \(run) run:\n\(text)")
        }
    }
}
