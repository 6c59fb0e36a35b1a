import FixtureSupport
import LintEngine
import Testing

/// The exact D-rule messages on the device-table fixtures.
@Suite struct DeviceTableRuleTests {
    static func messages(_ fixtures: [String], select: String) throws -> [String] {
        try Fixtures.lint(fixtures.map(Fixtures.path), symbols: nil, select: [select]).diagnostics.map {
            "\($0.module): \($0.message) @\($0.section ?? "-")+\($0.place?.address.map { String($0) } ?? "-")"
        }
    }

    @Test func duplicatesInOneTable() throws {
        #expect(try Self.messages(["linux-6.1-amd64/fx_devtab_dup.ko"], select: "D001") == [
            "fx_devtab_dup: of device table entry fx_of_ids[2] matches the same devices as fx_of_ids[0] (of:N*T*Cmodlint,fx-dup): it can never match; only its driver data differs, which the driver never receives @.rodata+400",
            "fx_devtab_dup: usb device table entry fx_usb_ids[2] matches the same devices as fx_usb_ids[0] (usb:v1D6Bp0002d*dc*dsc*dp*ic*isc*ip*in*): it can never match @.rodata+864",
            "fx_devtab_dup: pci device table entry fx_pci_ids[2] matches the same devices as fx_pci_ids[0] (pci:v00008086d00001234sv*sd*bc*sc*i*): it can never match @.rodata+1136",
            "fx_devtab_dup: pci device table entry fx_pci_ids[3] matches the same devices as fx_pci_ids[1] (pci:v00008086d00005678sv*sd*bc*sc*i*): it can never match; only its driver data differs, which the driver never receives @.rodata+1176",
        ])
    }

    /// The same sources built by 7.2's kbuild (Fixtures/build-devtables-7.x.sh): the
    /// __mod_device_table__kmod_ symbols, 7.2's generated layouts, the same findings.
    @Test func duplicatesAndTwoTablesOn72() throws {
        let dir = "devtables/linux-7.2-amd64/"
        #expect(try Self.messages([dir + "fx_devtab_dup.ko", dir + "fx_devtab_ptr.ko"], select: "D00") .filter { !$0.contains("D005") && !$0.contains("also claimed") } == [
            "fx_devtab_dup: of device table entry fx_of_ids[2] matches the same devices as fx_of_ids[0] (of:N*T*Cmodlint,fx-dup): it can never match; only its driver data differs, which the driver never receives @.rodata+400",
            "fx_devtab_dup: usb device table entry fx_usb_ids[2] matches the same devices as fx_usb_ids[0] (usb:v1D6Bp0002d*dc*dsc*dp*ic*isc*ip*in*): it can never match @.rodata+864",
            "fx_devtab_dup: pci device table entry fx_pci_ids[0] is also in fx_pci_ids_extra as fx_pci_ids_extra[1] (pci:v00008086d00001234sv*sd*bc*sc*i*) @.rodata+1056",
            "fx_devtab_dup: pci device table entry fx_pci_ids[2] matches the same devices as fx_pci_ids[0] (pci:v00008086d00001234sv*sd*bc*sc*i*): it can never match @.rodata+1136",
            "fx_devtab_dup: pci device table entry fx_pci_ids[3] matches the same devices as fx_pci_ids[1] (pci:v00008086d00005678sv*sd*bc*sc*i*): it can never match; only its driver data differs, which the driver never receives @.rodata+1176",
            "fx_devtab_ptr: of device table entry fx_ptr_of_ids[2] matches the same devices as fx_ptr_of_ids[0] (of:N*T*Cmodlint,fx-ptr-a): it can never match; only its driver data differs, which the driver never receives @.rodata+400",
            "fx_devtab_ptr: of device table entry fx_ptr_of_ids[3] matches the same devices as fx_ptr_of_ids[1] (of:N*T*Cmodlint,fx-ptr-b): it can never match @.rodata+600",
        ])
    }

    /// Pointer driver data is zero in the table bytes of a RELA object: the relocations differ.
    @Test func driverDataPointersAreComparedByTheirRelocations() throws {
        #expect(try Self.messages(["linux-6.1-amd64/fx_devtab_ptr.ko"], select: "D001") == [
            "fx_devtab_ptr: of device table entry fx_ptr_of_ids[2] matches the same devices as fx_ptr_of_ids[0] (of:N*T*Cmodlint,fx-ptr-a): it can never match; only its driver data differs, which the driver never receives @.rodata+400",
            "fx_devtab_ptr: of device table entry fx_ptr_of_ids[3] matches the same devices as fx_ptr_of_ids[1] (of:N*T*Cmodlint,fx-ptr-b): it can never match @.rodata+600",
        ])
    }

    @Test func sameIdInTwoTables() throws {
        #expect(try Self.messages(["linux-6.1-amd64/fx_devtab_dup.ko"], select: "D002") == [
            "fx_devtab_dup: pci device table entry fx_pci_ids[0] is also in fx_pci_ids_extra as fx_pci_ids_extra[1] (pci:v00008086d00001234sv*sd*bc*sc*i*) @.rodata+1056",
        ])
    }

    @Test func tablesModpostRefuses() throws {
        #expect(try Self.messages(["devtables/fx_devtab_unterminated.ko", "devtables/fx_devtab_badsize.ko"], select: "D00") == [
            "fx_devtab_rival: pci device table fx_rival_pci_ids is 100 bytes, not a whole number of struct pci_device_id entries (40 bytes on this target); modpost stops the build @.rodata+416",
            "fx_devtab_rival: pci device table fx_rival_pci_ids is not terminated with an all-zero entry: the last of its 2 entries (struct pci_device_id, 40 bytes) has non-zero bytes; modpost stops the build @.rodata+456",
        ])
    }

    @Test func aliasesClaimedByAnotherModuleOfTheRun() throws {
        let both = try Self.messages(["linux-6.1-amd64/fx_devtab_rival.ko", "linux-6.1-amd64/fx_devtab_dup.ko"], select: "D005")
        // One finding for the pair, from the module whose name sorts first (both tables collide).
        #expect(both == [
            "fx_devtab_dup: 3 modaliases of this module's device tables are also claimed by fx_devtab_rival: 'pci:v00008086d00001234sv*sd*bc*sc*i*', 'of:N*T*Cmodlint,fx-other', 'of:N*T*Cmodlint,fx-otherC*'; modprobe loads both for a matching device @.modinfo+-",
        ])
        // Alone, or with a module of the same name (a second copy), nobody else claims them.
        #expect(try Self.messages(["linux-6.1-amd64/fx_devtab_rival.ko"], select: "D005").isEmpty)
        #expect(try Self.messages(["linux-6.1-amd64/fx_devtab_rival.ko", "devtables/fx_devtab_badsize.ko"], select: "D005").isEmpty)
    }

    /// D006 on both kernels: the same findings, at the tables' source lines.
    @Test(arguments: ["6.1", "6.12"])
    func tablesNoModuleDeviceTableExports(kernel: String) throws {
        let result = try Fixtures.lint([Fixtures.path("linux-\(kernel)-amd64/fx_devtab_noexport.ko"),
                                        Fixtures.path("linux-\(kernel)-amd64/fx_devtab_export.ko")],
                                       symbols: nil, select: ["D006"])
        let file = "Fixtures/src/fx_devtables/fx_devtab_noexport.c"
        #expect(result.diagnostics.map { "\($0.module) \($0.location?.description ?? "-") @\($0.section ?? "-")+\($0.place?.address ?? 0): \($0.message)" } == [
            "fx_devtab_noexport \(file):32:34 @.rodata+0: 'fx_noexport_of_ids' (struct of_device_id) is the .driver.of_match_table of 'fx_noexport_platform_driver' (struct platform_driver) but no MODULE_DEVICE_TABLE(of, fx_noexport_of_ids) exports it: modpost writes no alias for it, so udev does not load the module for these devices",
            "fx_devtab_noexport \(file):21:35 @.rodata+416: 'fx_noexport_pci_ids' (struct pci_device_id) is the .id_table of 'fx_noexport_pci_driver' (struct pci_driver) but no MODULE_DEVICE_TABLE(pci, fx_noexport_pci_ids) exports it: modpost writes no alias for it, so udev does not load the module for these devices",
        ])
    }

    /// Without DWARF the rule does not guess: one note names the module.
    @Test func strippedModulesAreListedOnce() throws {
        let result = try Fixtures.lint([Fixtures.path("stripped/linux-6.1-amd64/fx_devtab_noexport.ko")],
                                       symbols: nil, select: ["D006"])
        #expect(result.diagnostics.isEmpty)
        #expect(result.notices.map { "\($0.severity) \($0.message)" } == [
            "note not checked for device tables without MODULE_DEVICE_TABLE: 1 module had no readable debug info (fx_devtab_noexport); build with CONFIG_DEBUG_INFO or lint the unstripped modules",
        ])
    }
}
