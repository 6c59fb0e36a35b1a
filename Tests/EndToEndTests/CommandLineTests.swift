import FixtureSupport
import Foundation
import Testing

/// The `modlint` executable as users and CI run it: output, exit codes, error messages.
@Suite struct CommandLineTests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let executable: String = {
        let candidates = [
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path,
            Fixtures.packageRoot + "/.build/debug",
        ]
        return candidates.map { $0 + "/modlint" }.first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? Fixtures.packageRoot + "/.build/debug/modlint"
    }()

    /// Runs modlint in the package root, so paths in its output are as a user types them.
    static func modlint(_ arguments: String...) throws -> Run {
        try modlint(arguments)
    }

    static func modlint(_ arguments: [String], in directory: String = Fixtures.packageRoot,
                        environment extra: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    static let symbols = "Fixtures/linux-6.1-amd64/Module.symvers"

    @Test func theReadmeCommandPrintsEveryFixtureFinding() throws {
        let run = try Self.modlint("check", "Fixtures/linux-6.1-amd64", "--symbols", Self.symbols)
        #expect(run.status == 1)
        #expect(run.stderr.isEmpty)
        #expect(run.stdout == """
            Fixtures/linux-6.1-amd64/fx_devtab_clean.ko: note: 2 modaliases of this module's device tables are also claimed by fx_devtab_dup (by its pattern 'usb:v0BDAp8153d*dc*dsc*dp*ic*isc*ip*in*'): 'usb:v0BDAp8153d0[1-9]*dc*dsc*dp*ic*isc*ip*in*', 'usb:v0BDAp8153d[1-2]*dc*dsc*dp*ic*isc*ip*in*'; modprobe loads both for a matching device [D005 alias-claimed-elsewhere]
            Fixtures/linux-6.1-amd64/fx_devtab_dup.ko: note: 3 modaliases of this module's device tables are also claimed by fx_devtab_rival: 'pci:v00008086d00001234sv*sd*bc*sc*i*', 'of:N*T*Cmodlint,fx-other', 'of:N*T*Cmodlint,fx-otherC*'; modprobe loads both for a matching device [D005 alias-claimed-elsewhere]
            Fixtures/linux-6.1-amd64/fx_devtab_dup.ko: warning: of device table entry fx_of_ids[2] matches the same devices as fx_of_ids[0] (of:N*T*Cmodlint,fx-dup): it can never match; only its driver data differs, which the driver never receives [D001 duplicate-device-id]
            Fixtures/linux-6.1-amd64/fx_devtab_dup.ko: warning: usb device table entry fx_usb_ids[2] matches the same devices as fx_usb_ids[0] (usb:v1D6Bp0002d*dc*dsc*dp*ic*isc*ip*in*): it can never match [D001 duplicate-device-id]
            Fixtures/linux-6.1-amd64/fx_devtab_dup.ko: warning: pci device table entry fx_pci_ids[0] is also in fx_pci_ids_extra as fx_pci_ids_extra[1] (pci:v00008086d00001234sv*sd*bc*sc*i*) [D002 device-id-in-two-tables]
            Fixtures/linux-6.1-amd64/fx_devtab_dup.ko: warning: pci device table entry fx_pci_ids[2] matches the same devices as fx_pci_ids[0] (pci:v00008086d00001234sv*sd*bc*sc*i*): it can never match [D001 duplicate-device-id]
            Fixtures/linux-6.1-amd64/fx_devtab_dup.ko: warning: pci device table entry fx_pci_ids[3] matches the same devices as fx_pci_ids[1] (pci:v00008086d00005678sv*sd*bc*sc*i*): it can never match; only its driver data differs, which the driver never receives [D001 duplicate-device-id]
            Fixtures/linux-6.1-amd64/fx_devtab_noexport.ko: Fixtures/src/fx_devtables/fx_devtab_noexport.c:32:34: warning: 'fx_noexport_of_ids' (struct of_device_id) is the .driver.of_match_table of 'fx_noexport_platform_driver' (struct platform_driver) but no MODULE_DEVICE_TABLE(of, fx_noexport_of_ids) exports it: modpost writes no alias for it, so udev does not load the module for these devices [D006 device-table-not-exported]
            Fixtures/linux-6.1-amd64/fx_devtab_noexport.ko: Fixtures/src/fx_devtables/fx_devtab_noexport.c:21:35: warning: 'fx_noexport_pci_ids' (struct pci_device_id) is the .id_table of 'fx_noexport_pci_driver' (struct pci_driver) but no MODULE_DEVICE_TABLE(pci, fx_noexport_pci_ids) exports it: modpost writes no alias for it, so udev does not load the module for these devices [D006 device-table-not-exported]
            Fixtures/linux-6.1-amd64/fx_devtab_ptr.ko: warning: of device table entry fx_ptr_of_ids[2] matches the same devices as fx_ptr_of_ids[0] (of:N*T*Cmodlint,fx-ptr-a): it can never match; only its driver data differs, which the driver never receives [D001 duplicate-device-id]
            Fixtures/linux-6.1-amd64/fx_devtab_ptr.ko: warning: of device table entry fx_ptr_of_ids[3] matches the same devices as fx_ptr_of_ids[1] (of:N*T*Cmodlint,fx-ptr-b): it can never match [D001 duplicate-device-id]
            Fixtures/linux-6.1-amd64/fx_dup.ko: error: exports duplicate symbol fx_exported_plain, also exported by fx_exporter (Fixtures/linux-6.1-amd64/fx_exporter.ko) [U006 exported-twice]
            Fixtures/linux-6.1-amd64/fx_exitref.ko: Fixtures/src/fx_exitref/fx_exitref.c:64:31: warning: section mismatch: fx_pdrv_nowl+0x8 (section .data) references fx_remove2 (section .exit.text), which is discarded when the code is built in [X002 data-references-exit]
            Fixtures/linux-6.1-amd64/fx_exitref.ko: Fixtures/src/fx_exitref/fx_exitref.c:57:31: warning: section mismatch: fx_platform_driver+0x8 (section .data) references fx_remove (section .exit.text), which is discarded when the code is built in (modpost of this kernel does not report it: it exempts symbols named *driver) [X002 data-references-exit]
            Fixtures/linux-6.1-amd64/fx_exitref.ko: Fixtures/src/fx_exitref/fx_exitref.c:30:2: error: section mismatch: fx_normal_function+0x12 (section .text.unlikely) references fx_teardown (section .exit.text), which is discarded when the code is built in [X001 code-references-exit]
            Fixtures/linux-6.1-amd64/fx_exporter.ko: error: exports duplicate symbol fx_exported_plain, also exported by fx_dup (Fixtures/linux-6.1-amd64/fx_dup.ko) [U006 exported-twice]
            Fixtures/linux-6.1-amd64/fx_gplonly.ko: Fixtures/src/fx_gplonly/fx_gplonly.c:23:19: error: GPL-incompatible module (license 'Proprietary') uses GPL-only symbol 'debugfs_create_dir' exported by vmlinux [U002 gpl-only-symbol]
            Fixtures/linux-6.1-amd64/fx_gplonly.ko: Fixtures/src/fx_gplonly/fx_gplonly.c:21:16: error: GPL-incompatible module (license 'Proprietary') uses GPL-only symbol 'ktime_get' exported by vmlinux [U002 gpl-only-symbol]
            Fixtures/linux-6.1-amd64/fx_importer_prop.ko: Fixtures/src/fx_exports/fx_importer_prop.c:20:2: error: GPL-incompatible module (license 'Proprietary') uses GPL-only symbol 'fx_exported_gpl' exported by fx_exporter [U002 gpl-only-symbol]
            Fixtures/linux-6.1-amd64/fx_initref.ko: Fixtures/src/fx_initref/fx_initref.c:72:24: warning: section mismatch: fx_holder+0x8 (section .data) references fx_setup_data (section .init.text), which is freed once the module's init has run [X003 references-init]
            Fixtures/linux-6.1-amd64/fx_initref.ko: Fixtures/src/fx_initref/fx_initref.c:186:2: warning: section mismatch: fx_exit_calls_init+0xd (section .exit.text) references fx_late_init_helper (section .init.text), which was freed when the module's init finished [X004 init-exit-cross-reference]
            Fixtures/linux-6.1-amd64/fx_initref.ko: Fixtures/src/fx_initref/fx_initref.c:170:3: warning: section mismatch: fx_init_calls_exit+0x85 (section .init.text) references fx_cleanup_hw (section .exit.text), which is discarded when the code is built in [X004 init-exit-cross-reference]
            Fixtures/linux-6.1-amd64/fx_initref.ko: Fixtures/src/fx_initref/fx_initref.c:62:9: warning: section mismatch: fx_text_calls_init+0x1d (section .text) references fx_setup_once (section .init.text), which is freed once the module's init has run [X003 references-init]
            Fixtures/linux-6.1-amd64/fx_initref.ko: warning: EXPORT_SYMBOL of fx_exported_init, which is in .init.text: freed once the module's init has run [X005 exported-init-or-exit]
            Fixtures/linux-6.1-amd64/fx_noexit.ko: Fixtures/src/fx_noexit/fx_noexit.c:11:19: note: module_init(fx_noexit_init) without module_exit(): the module can never be unloaded [X006 no-exit-function]
            Fixtures/linux-6.1-amd64/fx_nolicense.ko: error: no MODULE_LICENSE(): modpost refuses to build this module, and loading it taints the kernel [M001 missing-license]
            Fixtures/linux-6.1-amd64/fx_ns_import.ko: note: MODULE_IMPORT_NS(CRYPTO_INTERNAL) is unused: no symbol the module uses is exported in namespace CRYPTO_INTERNAL [U007 unused-namespace-import]
            Fixtures/linux-6.1-amd64/fx_ns_missing.ko: Fixtures/src/fx_ns/fx_ns_missing.c:23:2: error: module uses symbol (crypto_cipher_setkey) from namespace CRYPTO_INTERNAL, but does not import it (exported by vmlinux) [U003 namespace-not-imported]
            Fixtures/linux-6.1-amd64/fx_ns_missing.ko: Fixtures/src/fx_ns/fx_ns_missing.c:23:2: error: module uses symbol (usb_stor_sense_invalidCDB) from namespace USB_STORAGE, but does not import it (exported by drivers/usb/storage/usb-storage) [U003 namespace-not-imported]
            Fixtures/linux-6.1-amd64/fx_owner.ko: Fixtures/src/fx_owner/fx_owner.c:109:25: warning: 'fx_xt_targets' (struct xt_target[2]): element [1] does not set .me: nothing pins the module while it is in use; set it to THIS_MODULE [O001 missing-owner]
            Fixtures/linux-6.1-amd64/fx_owner.ko: Fixtures/src/fx_owner/fx_owner.c:96:31: note: 'fx_platform_driver' (struct platform_driver) sets .driver.owner = THIS_MODULE by hand; __platform_driver_register() already does on 6.1.0-50-amd64 [O002 redundant-owner]
            Fixtures/linux-6.1-amd64/fx_owner.ko: Fixtures/src/fx_owner/fx_owner.c:82:26: note: 'fx_pci_driver' (struct pci_driver) sets .driver.owner = THIS_MODULE by hand; __pci_register_driver() already does on 6.1.0-50-amd64 [O002 redundant-owner]
            Fixtures/linux-6.1-amd64/fx_owner.ko: Fixtures/src/fx_owner/fx_owner.c:66:32: warning: 'fx_fs_type_no_owner' (struct file_system_type) does not set .owner: nothing pins the module while the object is in use; set it to THIS_MODULE [O001 missing-owner]
            Fixtures/linux-6.1-amd64/fx_owner.ko: Fixtures/src/fx_owner/fx_owner.c:57:38: warning: 'fx_bdops_no_owner' (struct block_device_operations) does not set .owner: nothing pins the module while the object is in use; set it to THIS_MODULE [O001 missing-owner]
            Fixtures/linux-6.1-amd64/fx_owner.ko: Fixtures/src/fx_owner/fx_owner.c:36:37: warning: 'fx_fops_no_owner' (struct file_operations) does not set .owner: nothing pins the module while the object is in use; set it to THIS_MODULE [O001 missing-owner]
            Fixtures/linux-6.1-amd64/fx_undef.ko: Fixtures/src/fx_undef/fx_undef.c:20:2: error: 'fx_no_such_symbol' is undefined: exported neither by the kernel's symbol table nor by any module of this run [U001 unresolved-symbol]
            10 errors, 20 warnings, 6 notes in 25 modules

            """)
    }

    @Test func checkIsTheDefaultCommand() throws {
        let run = try Self.modlint("Fixtures/linux-6.1-amd64/fx_clean.ko", "--symbols", Self.symbols)
        #expect(run.status == 0)
        #expect(run.stdout == "0 errors, 0 warnings, 0 notes in 1 module\n")
    }

    /// Paths one by one, among options and after `--`, are read as their directory is (they
    /// reach the argument parser joined: see ArgumentGroups).
    @Test func pathsOneByOneAmongOptionsReadAsTheirDirectory() throws {
        let directory = "Fixtures/linux-6.1-amd64"
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.packageRoot + "/" + directory)
            .filter { $0.hasSuffix(".ko") }.sorted()
        let modules = names.map { directory + "/" + $0 }
        try #require(modules.count > 6)
        let whole = try Self.modlint("check", directory, "--symbols", Self.symbols, "--format", "json")
        var arguments: [String] = ["check", modules[0], "--format", "json"]
        arguments += modules[1..<3]
        arguments += ["--symbols", Self.symbols]
        arguments += modules[3..<(modules.count - 2)]
        arguments += ["--"]
        arguments += modules[(modules.count - 2)...]
        let oneByOne = try Self.modlint(arguments)
        #expect(oneByOne.status == whole.status)
        #expect(oneByOne.stdout == whole.stdout)
        let summary = try #require(JSONSerialization.jsonObject(with: Data(whole.stdout.utf8)) as? [String: Any])
        #expect((summary["summary"] as? [String: Any])?["modules"] as? Int == modules.count)
    }

    @Test func failOnDecidesWhichFindingsFailTheRun() throws {
        let noexit = "Fixtures/linux-6.1-amd64/fx_noexit.ko"
        #expect(try Self.modlint("check", noexit, "--symbols", Self.symbols).status == 0)
        #expect(try Self.modlint("check", noexit, "--symbols", Self.symbols, "--fail-on", "note").status == 1)
        let exitref = "Fixtures/linux-6.1-amd64/fx_exitref.ko"
        #expect(try Self.modlint("check", exitref, "--select", "X002").status == 0)
        #expect(try Self.modlint("check", exitref, "--select", "X002", "--fail-on", "warning").status == 1)
    }

    @Test func unreadableInputExitsWith3AndTheRestIsStillLinted() throws {
        let run = try Self.modlint("check", "Fixtures/broken/not-elf.ko", "Fixtures/linux-6.1-amd64/fx_undef.ko", "--symbols", Self.symbols)
        #expect(run.status == 3)
        #expect(run.stdout.contains("Fixtures/broken/not-elf.ko: error: cannot read module: not an ELF file [E001 unreadable-input]"))
        #expect(run.stdout.contains("fx_undef.ko: Fixtures/src/fx_undef/fx_undef.c:20:2: error: 'fx_no_such_symbol' is undefined"))
        #expect(run.stdout.hasSuffix("2 errors, 0 warnings, 0 notes in 1 module (1 of 2 files unreadable)\n"))
    }

    @Test func jsonOutput() throws {
        let run = try Self.modlint("check", "Fixtures/linux-6.1-amd64", "--symbols", Self.symbols, "--format", "json")
        #expect(run.status == 1)
        let object = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["code"] as? String } == ["D005", "D005", "D001", "D001", "D002", "D001", "D001",
                                                              "D006", "D006", "D001", "D001", "U006", "X002", "X002", "X001", "U006",
                                                              "U002", "U002", "U002", "X003", "X004", "X004", "X003", "X005", "X006", "M001",
                                                              "U007", "U003", "U003", "O001", "O002", "O002", "O001", "O001", "O001", "U001"])
        let x001 = try #require(diagnostics.first { $0["code"] as? String == "X001" })
        #expect(x001["symbol"] as? String == "fx_normal_function")
        #expect(x001["section"] as? String == ".text.unlikely")
        #expect(x001["offset"] as? Int == 0x12)
        #expect(x001["target_symbol"] as? String == "fx_teardown")
        #expect(x001["target_section"] as? String == ".exit.text")
        #expect((object["summary"] as? [String: Int])?["errors"] == 10)
    }

    @Test func usageErrorsExitWith2() throws {
        let noPaths = try Self.modlint("check")
        #expect(noPaths.status == 2)
        #expect(noPaths.stderr.contains("no module or directory given"))
        #expect(try Self.modlint("check", "x.ko", "--format", "xml").status == 2)
        #expect(try Self.modlint("check", "x.ko", "--fail-on", "fatal").status == 2)
        let unknownRule = try Self.modlint("check", "x.ko", "--select", "Q123")
        #expect(unknownRule.status == 2)
        #expect(unknownRule.stderr.contains("unknown rule code 'Q123'"))
    }

    @Test func aBadSymbolTableIsAConfigurationErrorWithFileAndLine() throws {
        let dir = try Fixtures.scratchDirectory("cli-symvers")
        let path = dir + "/Module.symvers"
        try "0x00000001\tok\tvmlinux\tEXPORT_SYMBOL\t\nnot a symvers line\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try Self.modlint("check", "Fixtures/linux-6.1-amd64/fx_clean.ko", "--symbols", path)
        #expect(run.status == 2)
        #expect(run.stderr == "modlint: error: \(path):2: expected 5 tab-separated fields (crc, symbol, module, export type, namespace), found 1\n")
    }

    @Test func withoutSymbolsANoteSaysWhatWasNotChecked() throws {
        let run = try Self.modlint("check", "Fixtures/linux-6.1-amd64/fx_undef.ko")
        #expect(run.status == 0)
        #expect(run.stderr.contains("no --symbols given"))
    }

    @Test func requireDebugInfoFailsOnStrippedModules() throws {
        let plain = try Self.modlint("check", "Fixtures/stripped/linux-6.1-amd64", "--select", "O")
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("modlint: note: not checked for missing owner fields: 3 modules had no debug info (fx_devtab_noexport, fx_owner, fx_owner_ok);"))
        let strict = try Self.modlint("check", "Fixtures/stripped/linux-6.1-amd64", "--select", "O", "--require-debug-info")
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("modlint: error: not checked for missing owner fields: 3 modules had no debug info"))
        // A notice is not a finding: the summary counts none, the exit status is still 1.
        #expect(strict.stdout.hasSuffix("0 errors, 0 warnings, 0 notes in 3 modules\n"))
    }

    @Test func rulesAndExplain() throws {
        let rules = try Self.modlint("rules")
        #expect(rules.status == 0)
        let codes = rules.stdout.split(separator: "\n").map { String($0.prefix(4)) }
        #expect(codes == ["D001", "D002", "D003", "D004", "D005", "D006", "E001", "M001", "M003", "M005", "M006", "O001", "O002", "U001", "U002", "U003", "U004", "U005", "U006", "U007", "U008", "U009", "X001", "X002", "X003", "X004", "X005", "X006", "Z001", "Z002"])
        let explain = try Self.modlint("explain", "u001")
        #expect(explain.status == 0)
        #expect(explain.stdout.hasPrefix("U001 unresolved-symbol (error)\n"))
        #expect(explain.stdout.contains("Unknown symbol"))
        #expect(try Self.modlint("explain", "no-exit-function").stdout.hasPrefix("X006"))
        #expect(try Self.modlint("explain", "Z999").status == 2)
    }
}
