import FixtureSupport
import LintEngine
import Testing

/// A directory of compressed modules is linted like the uncompressed ones; broken streams are
/// one E001 each.
@Suite struct CompressedInputTests {
    @Test func compressedFixturesGiveTheFindingsOfTheirModules() throws {
        let result = try Fixtures.lint([Fixtures.path("compressed")], symbols: Fixtures.symbols(arch: "amd64"))
        let found = result.diagnostics.map { "\($0.code) \($0.path.split(separator: "/").last!) \($0.subject)" }
        #expect(found == [
            "E001 bad-magic.ko.xz bad_magic",
            "E001 fx_clean-badcheck.ko.xz fx_clean_badcheck",
            "E001 fx_clean-truncated.ko.gz fx_clean_truncated",
            "E001 fx_clean-truncated.ko.xz fx_clean_truncated",
            "E001 fx_clean-truncated.ko.zst fx_clean_truncated",
            "U001 fx_undef.ko.gz fx_no_such_symbol",
            "U001 fx_undef.ko.xz fx_no_such_symbol",
            "U001 fx_undef.ko.zst fx_no_such_symbol",
            "E001 zeros-8MiB.ko.gz zeros_8MiB",
            "E001 zeros-8MiB.ko.xz zeros_8MiB",
            "E001 zeros-8MiB.ko.zst zeros_8MiB",
        ])
        #expect(result.files == 16 && result.modules == 8)
    }
}
