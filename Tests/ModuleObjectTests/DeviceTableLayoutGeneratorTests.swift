import FixtureSupport
import Foundation
@testable import ModuleObject
import Testing

/// The committed layouts are what scripts/gen-devtable-layouts makes of each generation's
/// header: the test runs it again (offline, from the packages in its cache) and compares.
@Suite struct DeviceTableLayoutGeneratorTests {
    static let cache: String = {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["MODLINT_HEADERS_CACHE"] { return dir }
        let base = env["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        return base + "/modlint/headers"
    }()

    static let layouts = Fixtures.packageRoot + "/Sources/ModuleObject/DeviceTables/Layouts"

    /// Every generation's headers package is in the cache (the script downloads them; the
    /// test never does), and python3 and gcc are there to run it.
    static let canRegenerate: Bool = {
        let debs = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        let have = ["linux-headers-6.1.0-", "linux-headers-6.12.", "linux-headers-7.2.", "linux-headers-7.3."].allSatisfy { prefix in
            debs.contains { $0.hasPrefix(prefix) && $0.hasSuffix("_all.deb") }
        }
        let tools = ["/usr/bin/gcc", "/usr/bin/dpkg-deb"].allSatisfy(FileManager.default.isExecutableFile(atPath:))
        return have && tools
    }()

    @Test func everyGenerationHasItsFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.layouts).sorted()
        #expect(files == ["Linux6_1.swift", "Linux6_12.swift", "Linux7_2.swift", "Linux7_3.swift"])
        #expect(DeviceIDLayouts.generations.map(\.kernel) == [KernelVersion(6, 1), KernelVersion(6, 12), KernelVersion(7, 2), KernelVersion(7, 3)])
        #expect(DeviceIDLayouts.generations.map(\.structNames.count) == [56, 59, 59, 59])
    }

    @Test(.enabled(if: canRegenerate, "the linux-headers-*-common packages are not in the headers cache (run scripts/gen-devtable-layouts once)"))
    func regeneratedLayoutsEqualTheCommittedOnes() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("modlint-layouts-\(getpid())").path
        try? FileManager.default.removeItem(atPath: out)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.packageRoot + "/scripts/gen-devtable-layouts", "--offline", "--out", out]
        var environment = ProcessInfo.processInfo.environment
        environment["MODLINT_HEADERS_CACHE"] = Self.cache
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // The package a file was made from may be a newer upload of the same series.
        func body(_ path: String) throws -> [Substring] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("// Source:") }
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: Self.layouts).sorted() {
            let regenerated = try body(out + "/" + file)
            let committed = try body(Self.layouts + "/" + file)
            #expect(regenerated == committed, "\(file) differs from what the generator writes")
        }
    }
}
