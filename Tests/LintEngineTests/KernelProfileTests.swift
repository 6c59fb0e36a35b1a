import FixtureSupport
import LintEngine
import ModuleObject
import Testing

@Suite struct KernelProfileTests {
    @Test(arguments: [
        ("6.1.0-50-amd64", KernelVersion(6, 1, 0)), ("6.12.117+deb12-amd64", KernelVersion(6, 12, 117)),
        ("6.1", KernelVersion(6, 1, 0)), ("5.10.0-28-686-pae", KernelVersion(5, 10, 0)), ("4.19.304", KernelVersion(4, 19, 304)),
    ])
    func parsesReleaseStrings(text: String, version: KernelVersion) {
        #expect(KernelVersion(parsing: text) == version)
    }

    @Test(arguments: ["", "6", "amd64", "6-1", "99999999999999999999.1"])
    func rejectsWhatIsNotARelease(text: String) {
        #expect(KernelVersion(parsing: text) == nil)
    }

    @Test func ordersByMajorMinorPatch() {
        #expect(KernelVersion(6, 1, 176) < KernelVersion(6, 7))
        #expect(KernelVersion(5, 19, 9) < KernelVersion(6, 1))
        #expect(!(KernelVersion(6, 12) < KernelVersion(6, 10)))
    }

    @Test func profileComesFromVermagicUnlessForced() throws {
        let module = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/fx_clean.ko"))
        let own = KernelProfile.of(module, forced: nil)
        #expect(own.version == KernelVersion(6, 1, 0) && !own.isForced)
        #expect(own.isBefore(KernelVersion(6, 7)))
        let forced = KernelProfile.of(module, forced: KernelVersion(6, 12))
        #expect(forced.version == KernelVersion(6, 12) && forced.isForced && !forced.isBefore(KernelVersion(6, 10)))
        // Without a version the newest rules apply.
        #expect(!KernelProfile(version: nil, isForced: false).isBefore(KernelVersion(6, 7)))
    }
}
