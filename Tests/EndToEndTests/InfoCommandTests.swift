import FixtureSupport
import Foundation
import Testing

/// `modlint info MODULE`: decoded device tables and their modaliases.
@Suite struct InfoCommandTests {
    @Test func textShowsEveryTableEntryAndAlias() throws {
        let run = try CommandLineTests.modlint("info", "Fixtures/linux-6.1-amd64/fx_devtab_dup.ko")
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("""
            fx_devtab_dup (Fixtures/linux-6.1-amd64/fx_devtab_dup.ko)
              elf: 64-bit little-endian x86_64
              vermagic: 6.1.0-50-amd64 SMP preempt mod_unload modversions
              device tables: 4

              of fx_of_ids (struct of_device_id, 200 bytes; 800 bytes at .rodata+0x0): decoded
                symbol __mod_of__fx_of_ids_device_table (legacy naming)
                [0] compatible="modlint,fx-dup"
                    of:N*T*Cmodlint,fx-dup
                    of:N*T*Cmodlint,fx-dupC*

            """))
        #expect(run.stdout.contains("""
                [3] vendor=0x00008086 device=0x00005678 subvendor=0xFFFFFFFF subdevice=0xFFFFFFFF driver_data=0x0000000000000001
                    pci:v00008086d00005678sv*sd*bc*sc*i*

            """))
        #expect(run.stdout.hasSuffix("\n  derived aliases match the alias= lines modpost wrote into .modinfo\n"))
    }

    @Test func jsonListsTablesAndTheModuleAliasSplit() throws {
        let run = try CommandLineTests.modlint("info", "Fixtures/linux-6.1-amd64/fx_devtab_clean.ko", "--format", "json")
        #expect(run.status == 0)
        let object = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "fx_devtab_clean")
        #expect(object["module_alias"] as? [String] == ["fx-devtab-clean-extra"])
        #expect(object["aliases_match_modinfo"] as? Bool == true)
        let tables = try #require(object["device_tables"] as? [[String: Any]])
        #expect(tables.count == 17)
        let mdio = try #require(tables.first { $0["type"] as? String == "mdio" })
        #expect(mdio["struct"] as? String == "mdio_device_id")
        #expect(mdio["entry_size"] as? Int == 8)
        let entries = try #require(mdio["entries"] as? [[String: Any]])
        #expect(entries.first?["aliases"] as? [String] == ["mdio:0000000000011100110010010001????"])
    }

    @Test func anUnreadableModuleExitsWith3() throws {
        let run = try CommandLineTests.modlint("info", "Fixtures/broken/not-elf.ko")
        #expect(run.status == 3)
        #expect(run.stderr.contains("cannot read Fixtures/broken/not-elf.ko"))
    }
}

/// `modlint info` on a 7.x exporter: every export with its license, namespace or the modules
/// it is exported for; the extended symbol versions of an importer.
@Suite struct InfoExportsTests {
    @Test func exportsShowTheirRestriction() throws {
        let run = try CommandLineTests.modlint("info", "Fixtures/linux-7.2-amd64/fx_modexp.ko")
        #expect(run.status == 0)
        #expect(run.stdout.contains("""

              exports: 5
                fx_exported_symbol_with_a_name_longer_than_a_versions_entry (any license)
                fx_for_friends (GPL-only, only for modules fx_friend,fx-glob-*)
                fx_gpl_only (GPL-only)
                fx_in_ns (GPL-only, namespace FX_NS)
                fx_plain (any license)

            """))
        let json = try CommandLineTests.modlint("info", "Fixtures/linux-7.2-amd64/fx_modexp.ko", "--format", "json")
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let exports = try #require(object["exports"] as? [[String: Any]])
        let friends = try #require(exports.first { $0["name"] as? String == "fx_for_friends" })
        #expect(friends["only_for_modules"] as? [String] == ["fx_friend", "fx-glob-*"])
        #expect(friends["namespace"] as? String == "module:fx_friend,fx-glob-*")
        #expect(friends["gpl_only"] as? Bool == true && friends["flags"] as? Int == 1)
        #expect(object["extended_versions"] == nil)
    }

    @Test func extendedVersionsAreCounted() throws {
        let run = try CommandLineTests.modlint("info", "Fixtures/linux-7.2-amd64/fx_ext_user.ko")
        #expect(run.status == 0)
        #expect(run.stdout.contains("\n  symbol versions: 6 extended (__version_ext_crcs, checked by the loader), 5 in __versions\n"))
    }
}
