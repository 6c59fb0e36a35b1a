import FixtureSupport
import Foundation
import KernelSymbols
import ModuleObject
import Testing

@Suite struct ModuleSymversTests {
    @Test func readsDebiansModuleSymvers() throws {
        let exports = try ModuleSymvers.load(path: Fixtures.symbols(arch: "amd64"))
        #expect(exports.count == 24622)
        let index = KernelSymbolIndex(exports: exports)
        let ktime = try #require(index.lookup("ktime_get"))
        #expect(ktime.isGPLOnly && ktime.isFromVmlinux && ktime.namespace == nil && ktime.crc != nil)
        let printk = try #require(index.lookup("_printk"))
        #expect(!printk.isGPLOnly)
        // Module exports keep their owner, and namespaces are read from the fifth column.
        let namespaced = exports.filter { $0.namespace != nil }
        #expect(!namespaced.isEmpty)
        #expect(namespaced.contains { $0.namespace == "USB_STORAGE" && !$0.isFromVmlinux })
    }

    static func parse(_ text: String) throws -> [KernelExport] {
        try ModuleSymvers.parse(Data(text.utf8), path: "Module.symvers")
    }

    @Test func parsesEachColumn() throws {
        let exports = try Self.parse("0x1a2b3c4d\tfoo\tvmlinux\tEXPORT_SYMBOL_GPL\tNS\n0x00000000\tbar\tdrivers/x/y\tEXPORT_SYMBOL\t\n")
        #expect(exports == [
            KernelExport(name: "foo", crc: 0x1a2b3c4d, owner: "vmlinux", isGPLOnly: true, namespace: "NS"),
            KernelExport(name: "bar", crc: nil, owner: "drivers/x/y", isGPLOnly: false, namespace: nil),
        ])
    }

    @Test func acceptsTheFourColumnFormatOfOldKernels() throws {
        let exports = try Self.parse("0x00000001\tfoo\tvmlinux\tEXPORT_SYMBOL\n")
        #expect(exports.first?.name == "foo")
    }

    @Test(arguments: [
        ("0x1\tfoo\tvmlinux\n", "Module.symvers:1: expected 5 tab-separated fields (crc, symbol, module, export type, namespace), found 3"),
        ("0x00000001\tok\tvmlinux\tEXPORT_SYMBOL\t\nzz\tfoo\tvmlinux\tEXPORT_SYMBOL\t\n",
         "Module.symvers:2: CRC 'zz' is not a 32-bit hexadecimal number like 0x1a2b3c4d"),
        ("0x123456789\tfoo\tvmlinux\tEXPORT_SYMBOL\t\n", "Module.symvers:1: CRC '0x123456789' is not a 32-bit hexadecimal number like 0x1a2b3c4d"),
        ("0x1\tfoo\tvmlinux\tEXPORT_SOMETHING\t\n",
         "Module.symvers:1: unknown export type 'EXPORT_SOMETHING' for symbol foo, expected EXPORT_SYMBOL or EXPORT_SYMBOL_GPL"),
        ("0x1\t\tvmlinux\tEXPORT_SYMBOL\t\n", "Module.symvers:1: empty symbol name"),
        ("0x1\tfoo\t\tEXPORT_SYMBOL\t\n", "Module.symvers:1: empty module name for symbol foo"),
    ])
    func rejectsBadLinesWithFileLineAndReason(text: String, message: String) {
        #expect(throws: SymbolTableError.self) { try Self.parse(text) }
        do {
            _ = try Self.parse(text)
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func missingFileIsAnError() {
        #expect(throws: SymbolTableError(path: "/nonexistent/Module.symvers", line: nil, message: "cannot read the file")) {
            try KernelSymbolIndex.load(paths: ["/nonexistent/Module.symvers"])
        }
    }

    @Test func resolverPrefersTheKernelThenOtherModulesNeverItself() throws {
        let exporter = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/fx_exporter.ko"))
        let kernel = KernelSymbolIndex(exports: [KernelExport(name: "shared", crc: nil, owner: "vmlinux", isGPLOnly: false, namespace: nil)])
        let resolver = SymbolResolver(kernel: kernel, run: RunExports(modules: [exporter]))
        #expect(resolver.resolve("shared", importer: "x.ko") == .kernel(kernel.lookup("shared")!))
        guard case .module(let name, _, let export)? = resolver.resolve("fx_exported_gpl", importer: "other.ko") else {
            Issue.record("fx_exported_gpl not resolved to fx_exporter"); return
        }
        #expect(name == "fx_exporter" && export.isGPLOnly)
        #expect(resolver.resolve("fx_exported_gpl", importer: exporter.path) == nil)
        #expect(resolver.resolve("nowhere", importer: "x.ko") == nil)
    }
}

/// Module.symvers of 6.16+ records an EXPORT_SYMBOL_FOR_MODULES export as GPL-only with the
/// namespace `module:<patterns>` (modpost's own output for the 7.2 fixture exporter).
@Suite struct ModuleRestrictedSymversTests {
    @Test func moduleNamespaceIsTheFifthColumn() throws {
        let exports = try ModuleSymvers.load(path: Fixtures.path("linux-7.2-amd64/fx_modexp.symvers"))
        let friends = try #require(exports.first { $0.name == "fx_for_friends" })
        #expect(friends == KernelExport(name: "fx_for_friends", crc: nil, owner: "fx_modexp", isGPLOnly: true,
                                        namespace: "module:fx_friend,fx-glob-*"))
        #expect(ModuleNamespace.patterns(of: friends.namespace) == "fx_friend,fx-glob-*")
    }
}
