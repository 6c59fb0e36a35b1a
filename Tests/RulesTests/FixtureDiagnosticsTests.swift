import FixtureSupport
import LintEngine
import Testing

/// The exact findings on each architecture's fixture tree, linted in one run against the
/// Module.symvers the fixtures were built against.
@Suite struct FixtureDiagnosticsTests {
    struct Expected: Hashable, CustomStringConvertible {
        let code: String
        let module: String
        let symbol: String?
        let section: String?
        let targetSymbol: String?
        let targetSection: String?

        init(_ code: String, _ module: String, symbol: String? = nil, section: String? = nil,
             target: String? = nil, targetSection: String? = nil) {
            self.code = code
            self.module = module
            self.symbol = symbol
            self.section = section
            self.targetSymbol = target
            self.targetSection = targetSection
        }

        init(_ d: Diagnostic) {
            self.init(d.code, d.module, symbol: d.symbol, section: d.section, target: d.targetSymbol, targetSection: d.targetSection)
        }

        var description: String {
            "\(code) \(module) \(symbol ?? "-") \(section ?? "-") -> \(targetSymbol ?? "-") \(targetSection ?? "-")"
        }
    }

    /// The same sources give the same findings on every architecture; only the section gcc
    /// chose for `fx_normal_function` (it calls a cold function) may differ.
    static func expected(arch: String, exitCallerSection: String) -> [Expected] {
        // s390x builds modules as PIC: initialised structures land in .data.rel.local.
        let data = arch == "s390x" ? ".data.rel.local" : ".data"
        var all = [
            Expected("X001", "fx_exitref", symbol: "fx_normal_function", section: exitCallerSection,
                     target: "fx_teardown", targetSection: ".exit.text"),
            Expected("X002", "fx_exitref", symbol: "fx_pdrv_nowl", section: data, target: "fx_remove2", targetSection: ".exit.text"),
            Expected("X002", "fx_exitref", symbol: "fx_platform_driver", section: data, target: "fx_remove", targetSection: ".exit.text"),
            Expected("X006", "fx_noexit", symbol: "fx_noexit_init", section: ".gnu.linkonce.this_module"),
            Expected("U001", "fx_undef", symbol: "fx_no_such_symbol"),
        ]
        if arch == "amd64" {
            all += [
                Expected("U002", "fx_gplonly", symbol: "debugfs_create_dir"),
                Expected("U002", "fx_gplonly", symbol: "ktime_get"),
                Expected("U002", "fx_importer_prop", symbol: "fx_exported_gpl"),
                Expected("M001", "fx_nolicense"),
                Expected("O001", "fx_owner", symbol: "fx_fops_no_owner", section: ".rodata"),
                Expected("O001", "fx_owner", symbol: "fx_bdops_no_owner", section: ".rodata"),
                Expected("O001", "fx_owner", symbol: "fx_fs_type_no_owner", section: ".data"),
                Expected("O001", "fx_owner", symbol: "fx_xt_targets", section: ".data"),
                Expected("O002", "fx_owner", symbol: "fx_pci_driver", section: ".data"),
                Expected("O002", "fx_owner", symbol: "fx_platform_driver", section: ".data"),
            ]
        }
        return all
    }

    /// gcc 12 moves `fx_normal_function` to .text.unlikely on every architecture: it is only
    /// reached from `__init` code, which is `__cold`.
    static let exitCallerSection = ["amd64": ".text.unlikely", "i386": ".text.unlikely", "armhf": ".text.unlikely",
                                    "arm64": ".text.unlikely", "s390x": ".text.unlikely"]

    @Test(arguments: Fixtures.architectures)
    func exactDiagnostics(arch: String) throws {
        let result = try Fixtures.lint(Fixtures.modules(arch: arch), symbols: Fixtures.symbols(arch: arch))
        #expect(result.unreadable == 0)
        let found = result.diagnostics.map(Expected.init)
        let callerSection = found.first { $0.code == "X001" }?.section ?? "?"
        #expect([".text", ".text.unlikely"].contains(callerSection), "\(arch): X001 from \(callerSection)")
        if let known = Self.exitCallerSection[arch] { #expect(callerSection == known) }
        #expect(Set(found) == Set(Self.expected(arch: arch, exitCallerSection: callerSection)), "\(arch)")
        #expect(found.count == Set(found).count, "\(arch): a finding is reported twice")
    }

    @Test func cleanFixtureHasNoFindingOnAnyArchitecture() throws {
        for arch in Fixtures.architectures {
            let clean = Fixtures.path("linux-6.1-\(arch)/fx_clean.ko")
            let result = try Fixtures.lint([clean], symbols: Fixtures.symbols(arch: arch))
            #expect(result.diagnostics.isEmpty, "\(arch): \(result.diagnostics.map(\.message))")
            #expect(result.modules == 1)
        }
    }

    @Test func signedModuleReadsLikeTheUnsigned() throws {
        let symbols = Fixtures.symbols(arch: "amd64")
        let signed = try Fixtures.lint([Fixtures.path("linux-6.1-amd64/fx_clean.signed.ko")], symbols: symbols)
        #expect(signed.modules == 1)
        #expect(signed.diagnostics.isEmpty)
    }
}
