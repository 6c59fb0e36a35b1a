import FixtureSupport
import LintEngine
import ModuleObject
import Rules
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

    /// The same sources give the same findings on every architecture and kernel; only the
    /// section gcc chose for `fx_normal_function` (6.1: `.text.unlikely`, since it is only
    /// reached from `__init` code, which is `__cold`) and the data section (s390x builds modules
    /// as PIC: initialised structures land in `.data.rel.local`) differ.
    static func expected(tree: String) -> [Expected] {
        // The 7.x fixtures (Fixtures/build-7.x.sh): the exporter cases and the section-reference
        // sources. 7.x's module.lds merges `.text.*` into `.text`, and gcc 16 calls an
        // `.isra` clone of `fx_setup_once`.
        if tree.hasPrefix("7.") {
            return [
                Expected("U002", "fx_kflag_prop", symbol: "fx_gpl_only"),
                Expected("U003", "fx_ns_nouser", symbol: "fx_in_ns"),
                Expected("U009", "fx_stranger", symbol: "fx_for_friends"),
                Expected("X001", "fx_exitref", symbol: "fx_normal_function", section: ".text",
                         target: "fx_teardown", targetSection: ".exit.text"),
                Expected("X002", "fx_exitref", symbol: "fx_pdrv_nowl", section: ".data", target: "fx_remove2", targetSection: ".exit.text"),
                Expected("X002", "fx_exitref", symbol: "fx_platform_driver", section: ".data", target: "fx_remove", targetSection: ".exit.text"),
                Expected("X003", "fx_initref", symbol: "fx_text_calls_init", section: ".text", target: "fx_setup_once.isra.0",
                         targetSection: ".init.text"),
                Expected("X003", "fx_initref", symbol: "fx_holder", section: ".data", target: "fx_setup_data", targetSection: ".init.text"),
                Expected("X004", "fx_initref", symbol: "fx_init_calls_exit", section: ".init.text", target: "fx_cleanup_hw", targetSection: ".exit.text"),
                Expected("X004", "fx_initref", symbol: "fx_exit_calls_init", section: ".exit.text", target: "fx_late_init_helper", targetSection: ".init.text"),
                Expected("X005", "fx_initref", symbol: "__ksymtab_fx_exported_init", section: "__ksymtab",
                         target: "fx_exported_init", targetSection: ".init.text"),
                Expected("X006", "fx_noexit", symbol: "fx_noexit_init", section: ".gnu.linkonce.this_module"),
            ]
        }
        let data = tree.hasSuffix("-s390x") ? ".data.rel.local" : ".data"
        let exitCaller = tree.hasPrefix("6.12-") ? ".text" : ".text.unlikely"
        var all = [
            Expected("X001", "fx_exitref", symbol: "fx_normal_function", section: exitCaller,
                     target: "fx_teardown", targetSection: ".exit.text"),
            Expected("X002", "fx_exitref", symbol: "fx_pdrv_nowl", section: data, target: "fx_remove2", targetSection: ".exit.text"),
            Expected("X002", "fx_exitref", symbol: "fx_platform_driver", section: data, target: "fx_remove", targetSection: ".exit.text"),
            Expected("X003", "fx_initref", symbol: "fx_text_calls_init", section: ".text", target: "fx_setup_once", targetSection: ".init.text"),
            Expected("X003", "fx_initref", symbol: "fx_holder", section: data, target: "fx_setup_data", targetSection: ".init.text"),
            Expected("X004", "fx_initref", symbol: "fx_init_calls_exit", section: ".init.text", target: "fx_cleanup_hw", targetSection: ".exit.text"),
            Expected("X004", "fx_initref", symbol: "fx_exit_calls_init", section: ".exit.text", target: "fx_late_init_helper", targetSection: ".init.text"),
            Expected("X005", "fx_initref", symbol: "__ksymtab_fx_exported_init", section: "__ksymtab",
                     target: "fx_exported_init", targetSection: ".init.text"),
            Expected("X006", "fx_noexit", symbol: "fx_noexit_init", section: ".gnu.linkonce.this_module"),
            Expected("U001", "fx_undef", symbol: "fx_no_such_symbol"),
        ]
        if tree.hasSuffix("-amd64") {
            all += [
                Expected("U002", "fx_gplonly", symbol: "debugfs_create_dir"),
                Expected("U002", "fx_gplonly", symbol: "ktime_get"),
                Expected("U002", "fx_importer_prop", symbol: "fx_exported_gpl"),
                Expected("M001", "fx_nolicense"),
            ]
        }
        // The owner fixtures are built for amd64 (6.1 and 6.12) only.
        if tree.hasSuffix("-amd64") {
            all += [
                Expected("O001", "fx_owner", symbol: "fx_fops_no_owner", section: ".rodata"),
                Expected("O001", "fx_owner", symbol: "fx_bdops_no_owner", section: ".rodata"),
                Expected("O001", "fx_owner", symbol: "fx_fs_type_no_owner", section: ".data"),
                Expected("O001", "fx_owner", symbol: "fx_xt_targets", section: ".data"),
                Expected("O002", "fx_owner", symbol: "fx_pci_driver", section: ".data"),
                Expected("O002", "fx_owner", symbol: "fx_platform_driver", section: ".data"),
                Expected("D006", "fx_devtab_noexport", symbol: "fx_noexport_pci_ids", section: ".rodata"),
                Expected("D006", "fx_devtab_noexport", symbol: "fx_noexport_of_ids", section: ".rodata"),
            ]
        }
        // The device-table, namespace and duplicate-export fixtures are built for amd64 (6.1 and 6.12).
        if tree.hasSuffix("-amd64") {
            all += [
                Expected("U006", "fx_dup", symbol: "fx_exported_plain"),
                Expected("U006", "fx_exporter", symbol: "fx_exported_plain"),
                Expected("U003", "fx_ns_missing", symbol: "crypto_cipher_setkey"),
                Expected("U003", "fx_ns_missing", symbol: "usb_stor_sense_invalidCDB"),
                Expected("U007", "fx_ns_import", symbol: "CRYPTO_INTERNAL"),
                Expected("D001", "fx_devtab_dup", symbol: "fx_pci_ids[2]", section: ".rodata", target: "fx_pci_ids[0]"),
                Expected("D001", "fx_devtab_dup", symbol: "fx_pci_ids[3]", section: ".rodata", target: "fx_pci_ids[1]"),
                Expected("D001", "fx_devtab_dup", symbol: "fx_usb_ids[2]", section: ".rodata", target: "fx_usb_ids[0]"),
                Expected("D001", "fx_devtab_dup", symbol: "fx_of_ids[2]", section: ".rodata", target: "fx_of_ids[0]"),
                Expected("D001", "fx_devtab_ptr", symbol: "fx_ptr_of_ids[2]", section: ".rodata", target: "fx_ptr_of_ids[0]"),
                Expected("D001", "fx_devtab_ptr", symbol: "fx_ptr_of_ids[3]", section: ".rodata", target: "fx_ptr_of_ids[1]"),
                Expected("D002", "fx_devtab_dup", symbol: "fx_pci_ids[0]", section: ".rodata", target: "fx_pci_ids_extra[1]"),
            ]
            // D005: one finding per pair of modules, named by the other module. fx_devtab_dup and
            // fx_devtab_rival collide both ways: fx_devtab_dup, whose name sorts first, reports.
            all.append(Expected("D005", "fx_devtab_dup", symbol: "fx_devtab_rival", section: ".modinfo"))
            // fx_devtab_dup's usb:v0BDAp8153d* covers both patterns of fx_devtab_clean's bcdDevice range.
            all.append(Expected("D005", "fx_devtab_clean", symbol: "fx_devtab_dup", section: ".modinfo"))
        }
        return all
    }

    @Test(arguments: Fixtures.trees)
    func exactDiagnostics(tree: String) throws {
        let result = try Fixtures.lint(Fixtures.modules(tree: tree), symbols: Fixtures.symbols(tree: tree))
        #expect(result.unreadable == 0)
        let found = result.diagnostics.map(Expected.init)
        #expect(Set(found) == Set(Self.expected(tree: tree)), "\(tree)")
        #expect(found.count == Set(found).count, "\(tree): a finding is reported twice")
    }

    @Test func cleanFixtureHasNoFindingOnAnyArchitecture() throws {
        for tree in Fixtures.trees where !tree.hasPrefix("7.") {
            let clean = Fixtures.path("linux-\(tree)/fx_clean.ko")
            let result = try Fixtures.lint([clean], symbols: Fixtures.symbols(tree: tree))
            #expect(result.diagnostics.isEmpty, "\(tree): \(result.diagnostics.map(\.message))")
            #expect(result.modules == 1)
        }
    }

    @Test func signedModuleReadsLikeTheUnsigned() throws {
        let symbols = Fixtures.symbols(arch: "amd64")
        let signed = try Fixtures.lint([Fixtures.path("linux-6.1-amd64/fx_clean.signed.ko")], symbols: symbols)
        #expect(signed.modules == 1)
        #expect(signed.diagnostics.isEmpty)
    }

    /// The `*driver` note belongs to kernels whose modpost exempted such structures (< 6.10).
    @Test func driverNoteFollowsTheTargetKernel() throws {
        let exitref = Fixtures.path("linux-6.1-amd64/fx_exitref.ko")
        func messages(_ release: String?) -> [String] {
            Linter(rules: Registry.all, kernel: .empty, configuration: Configuration(select: ["X002"]),
                   target: release.map { TargetKernel(release: $0) } ?? .unknown)
                .run(paths: [exitref]).diagnostics.filter { $0.symbol == "fx_platform_driver" }.map(\.message)
        }
        #expect(messages(nil).count == 1 && messages(nil)[0].hasSuffix("(modpost of this kernel does not report it: it exempts symbols named *driver)"))
        // --kernel-version 6.12.117+deb12-amd64: the target's generation, not the module's vermagic.
        #expect(messages("6.12.117+deb12-amd64").count == 1 && !messages("6.12.117+deb12-amd64")[0].contains("*driver"))
        // The 6.12 build says so itself through its vermagic.
        let built612 = Linter(rules: Registry.all, kernel: .empty, configuration: Configuration(select: ["X002"]))
            .run(paths: [Fixtures.path("linux-6.12-amd64/fx_exitref.ko")]).diagnostics
        #expect(built612.count == 2 && built612.allSatisfy { !$0.message.contains("*driver") })
    }
}
