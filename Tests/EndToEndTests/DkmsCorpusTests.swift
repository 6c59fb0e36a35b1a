import FixtureSupport
import Foundation
import Testing

/// Real out-of-tree driver packages of Debian 12, built by scripts/dkms-corpus against
/// linux-headers-6.1.0-50-amd64 in their own M= directories (as `dkms build` would), linted as
/// the README says: `modlint check BUILD_DIR --symbols KDIR`, with the first stage's
/// Module.symvers as a second --symbols for a package built in stages (jool). They build and
/// load, so no finding may be an error, and every finding must be the one listed, with its
/// verdict, in Fixtures/dkms/expected.json. Runs when MODLINT_DKMS names the cache
/// scripts/dkms-corpus filled (scripts/test sets it); a package that could not be fetched or
/// built is missing from its MANIFEST and skipped with a note.
@Suite struct DkmsCorpusTests {
    struct Expectations: Decodable {
        let kernel: String
        let packages: [Package]
    }

    struct Package: Decodable, CustomTestStringConvertible {
        let package: String
        let version: String
        let modules: [String]
        let runs: [Run]
        var testDescription: String { package }
    }

    struct Run: Decodable {
        let paths: [String]
        let symbols: [String]
        let findings: [Finding]
    }

    struct Finding: Decodable, Hashable {
        let code: String
        let module: String
        let message: String
        let verdict: String
        let reason: String
    }

    struct Report: Decodable {
        struct Diagnostic: Decodable { let code, module, message, severity: String }
        struct Summary: Decodable { let errors, modules: Int }
        let diagnostics: [Diagnostic]
        let summary: Summary
    }

    /// A package line of the MANIFEST: `<package> <deb version> <name> <build dir> <modules> <seconds>`.
    struct Built {
        let version: String
        let build: String
    }

    static let cache = CorpusTrees.dkms

    static let expectations: Expectations? = {
        guard let data = FileManager.default.contents(atPath: Fixtures.path("dkms/expected.json")) else { return nil }
        return try? JSONDecoder().decode(Expectations.self, from: data)
    }()

    static let manifest: (kdir: String, packages: [String: Built])? = {
        guard let cache, let text = try? String(contentsOfFile: cache + "/MANIFEST", encoding: .utf8) else { return nil }
        var kdir: String?
        var packages: [String: Built] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("kdir=") {
                kdir = cache + "/" + line.dropFirst("kdir=".count)
                continue
            }
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 6 else { continue }
            packages[fields[0]] = Built(version: fields[1], build: cache + "/" + fields[3])
        }
        guard let kdir, !packages.isEmpty else { return nil }
        return (kdir, packages)
    }()

    static var built: [Package] {
        guard let manifest, let expectations else { return [] }
        return expectations.packages.filter { manifest.packages[$0.package] != nil }
    }

    @Test func theExpectationsAreJudged() throws {
        let expectations = try #require(Self.expectations, "Fixtures/dkms/expected.json is missing or malformed")
        #expect(expectations.kernel == "6.1.0-50-amd64")
        #expect(expectations.packages.count >= 6)
        for package in expectations.packages {
            #expect(!package.modules.isEmpty, "\(package.package)")
            #expect(package.runs.first?.paths == ["."], "\(package.package): the first run is the build directory")
            for finding in package.runs.flatMap(\.findings) {
                #expect(["true", "accepted"].contains(finding.verdict), "\(package.package): \(finding)")
                #expect(!finding.reason.isEmpty && !finding.reason.contains("\n"), "\(package.package): \(finding)")
                #expect(!finding.code.hasPrefix("U") && !finding.code.hasPrefix("M") && !finding.code.hasPrefix("E"),
                        "\(package.package): an error-class finding on a module that loads: \(finding)")
            }
        }
    }

    @Test(.enabled(if: manifest != nil, "needs MODLINT_DKMS with the packages built by scripts/dkms-corpus"))
    func everyPackageOfTheExpectationsWasBuilt() throws {
        let manifest = try #require(Self.manifest)
        let missing = (Self.expectations?.packages ?? []).map(\.package).filter { manifest.packages[$0] == nil }
        if !missing.isEmpty {
            print("DkmsCorpusTests: not built (see scripts/dkms-corpus's logs), skipped: \(missing.joined(separator: " "))")
        }
        #expect(Self.built.count >= 6, "only \(Self.built.count) packages built")
    }

    @Test(.enabled(if: manifest != nil, "needs MODLINT_DKMS with the packages built by scripts/dkms-corpus"),
          arguments: built)
    func theReadmeCommandFindsExactlyTheJudgedFindings(package: Package) throws {
        let manifest = try #require(Self.manifest)
        let built = try #require(manifest.packages[package.package])
        if built.version != package.version {
            print("DkmsCorpusTests: \(package.package) \(built.version) built, \(package.version) judged")
        }
        // The modules the package builds.
        let files = FileManager.default.enumerator(atPath: built.build)?.compactMap { $0 as? String } ?? []
        let modules = files.filter { $0.hasSuffix(".ko") }.map { ($0 as NSString).lastPathComponent.dropLast(3) }.map(String.init)
        #expect(modules.sorted() == package.modules.sorted(), "\(package.package) \(built.version)")

        for run in package.runs {
            var arguments = ["check"] + run.paths.map { $0 == "." ? built.build : built.build + "/" + $0 }
            arguments += ["--symbols", manifest.kdir]
            for symbols in run.symbols { arguments += ["--symbols", built.build + "/" + symbols] }
            arguments += ["--format", "json"]
            let result = try CommandLineTests.modlint(arguments)
            let label = "\(package.package) \(built.version) \(run.paths.joined(separator: " "))"
            #expect(result.status == 0, "\(label): exit \(result.status)\n\(result.stderr)")
            guard let report = try? JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8)) else {
                Issue.record("\(label): no JSON report:\n\(result.stdout)\n\(result.stderr)")
                continue
            }
            #expect(report.summary.errors == 0, "\(label)")
            let found = report.diagnostics.map { "\($0.code) \($0.module): \($0.message)" }.sorted()
            let expected = run.findings.map { "\($0.code) \($0.module): \($0.message)" }.sorted()
            #expect(found == expected, "\(label)")
        }
    }
}
