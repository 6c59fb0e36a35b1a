import FixtureSupport
import Foundation
import Testing

/// The programs the tests require and the packages scripts/install-deps installs are one list.
@Suite struct InstallDepsTests {
    static func list(_ name: String, in script: String) -> Set<String> {
        // name="a b
        //     c"
        guard let start = script.range(of: "\n\(name)=\"") else { return [] }
        let rest = script[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return [] }
        return Set(rest[..<end].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    }

    @Test func everyRequiredProgramsPackageIsInstalledForTheTests() throws {
        let script = try String(contentsOfFile: Fixtures.packageRoot + "/scripts/install-deps", encoding: .utf8)
        let test = Self.list("test_packages", in: script)
        #expect(test.contains("binutils-s390x-linux-gnu") && test.contains("python3-venv"))
        let missing = Set(Programs.packages.values).subtracting(test)
        #expect(missing.isEmpty, "Programs.packages names packages scripts/install-deps test does not install: \(missing.sorted())")
        #expect(Self.list("python_packages", in: script) == Set(Programs.pythonPackages))
    }

    @Test func aMissingProgramNamesItsPackage() {
        #expect(Programs.find("modlint-no-such-program") == nil)
        #expect(throws: Programs.Missing.self) { try Programs.require("modlint-no-such-program") }
        do {
            _ = try Programs.require("modlint-no-such-program")
        } catch {
            #expect("\(error)".hasPrefix("modlint-no-such-program is not installed: install the Debian package (unknown"))
        }
        #expect(Programs.Missing.debian("s390x-linux-gnu-addr2line").description
                == "s390x-linux-gnu-addr2line is not installed: install the Debian package binutils-s390x-linux-gnu (scripts/install-deps test installs every program the tests run)")
    }
}
