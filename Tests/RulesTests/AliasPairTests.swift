import FixtureSupport
import Foundation
import LintEngine
@testable import Rules
import Testing

/// D005's view: pairs of modules, built-in drivers among the claimants, catch-alls left out.
@Suite struct AliasPairTests {
    @Test func catchAllsMatchWholeClasses() {
        for alias in ["pci:v*d*sv*sd*bc0Csc03i30*", "vfio_pci:v*d*sv*sd*bc*sc*i*", "usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*",
                      "hid:b*g0001v*p*", "input:b*v*p*e*-e*1,*k*r*a*m*l*s*f*w*", "ieee1394:ven*mo*sp0000609Ever00010483*",
                      "sdio:c07v*d*", "acpi*:0106??:*", "pnp:d*", "serio:ty01pr*id*ex*", "virtio:d*v*"] {
            #expect(AliasClaimedElsewhere.isCatchAll(alias), "\(alias)")
        }
        for alias in ["pci:v00001002d00006780sv*sd*bc*sc*i*", "usb:v05ACp*d*dc*dsc*dp*ic*isc*ip*in*", "hid:b0003g*v0000046Dp0000C52B",
                      "of:N*T*Cst,lsm6ds3", "acpi*:PNP0C0B:*", "platform:foo", "pnp:dPNP0700*", "virtio:d00000001v*",
                      "serio:ty01pr00id*ex*", "i2c:foo*"] {
            #expect(!AliasClaimedElsewhere.isCatchAll(alias), "\(alias)")
        }
        #expect(AliasClaimedElsewhere.bindsNoDevice("cpu:type:x86,ven0000fam0006mod002A:feature:*"))
        #expect(AliasClaimedElsewhere.bindsNoDevice("dmi*:svn*ACME*:"))
        #expect(!AliasClaimedElsewhere.bindsNoDevice("pci:v*d*sv*sd*bc*sc*i*"))
    }

    @Test func builtinModinfoEntries() {
        let bytes = Array("xhci_pci.alias=pci:v*d*sv*sd*bc0Csc03i30*\0xhci_pci.file=drivers/usb/host/xhci-pci\0ahci.alias=pci:v00008086d00002922sv*sd*bc*sc*i*\0ahci.alias=pci:v00008086d00002922sv*sd*bc*sc*i*\0bad\0.alias=x\0".utf8)
        let parsed = BuiltinModinfo.parse(bytes)
        #expect(parsed.map { "\($0.module) \($0.alias)" } == ["xhci_pci pci:v*d*sv*sd*bc0Csc03i30*", "ahci pci:v00008086d00002922sv*sd*bc*sc*i*"])
        let run = RunAliases(modules: [], builtin: [("ahci", "pci:v00008086d00002922sv*sd*bc*sc*i*", "modules.builtin.modinfo")])
        #expect(run.claimants(covering: "pci:v00008086d00002922sv*sd*bc*sc*i*").map { "\($0.module) \($0.builtin)" } == ["ahci true"])
    }

    /// A module claiming what a built-in driver claims is reported against it: the tree's
    /// modules.builtin.modinfo is found above the module file.
    @Test func builtinDriversJoinTheClaimants() throws {
        let tree = FileManager.default.temporaryDirectory.appendingPathComponent("modlint-builtin-\(getpid())").path
        try? FileManager.default.removeItem(atPath: tree)
        defer { try? FileManager.default.removeItem(atPath: tree) }
        try FileManager.default.createDirectory(atPath: tree + "/kernel/drivers", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("linux-6.1-amd64/fx_devtab_rival.ko"), toPath: tree + "/kernel/drivers/fx_devtab_rival.ko")
        let modinfo = "fx_builtin.alias=pci:v00008086d00001234sv*sd*bc*sc*i*\0fx_generic.alias=pci:v*d*sv*sd*bc*sc*i*\0"
        try Data(modinfo.utf8).write(to: URL(fileURLWithPath: tree + "/modules.builtin.modinfo"))
        let result = try Fixtures.lint([tree + "/kernel/drivers/fx_devtab_rival.ko"], symbols: nil, select: ["D005"])
        #expect(result.diagnostics.map(\.message) == [
            "1 modalias of this module's device tables is also claimed by the built-in driver fx_builtin: 'pci:v00008086d00001234sv*sd*bc*sc*i*'; the built-in driver binds them first and this module only loads",
        ])
    }
}
