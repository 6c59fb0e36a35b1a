import FixtureSupport
import Foundation
import KernelSymbols
import ModuleObject
import Testing

@Suite struct SymbolMapTests {
    static func parse(_ text: String, kind: SymbolMap.Kind = .systemMap, path: String = "System.map") throws -> [KernelExport] {
        try SymbolMap.parse(Data(text.utf8), path: path, kind: kind)
    }

    @Test func systemMapExportsAreTheKsymtabLabels() throws {
        let exports = try Self.parse("""
            ffffffff81000000 T _text
            ffffffff82a0b0c8 r __ksymtab_ktime_get
            ffffffff82a0b0d4 r __ksymtab__printk
            ffffffff81234560 T ktime_get

            """)
        #expect(exports == [
            KernelExport(name: "ktime_get", crc: nil, owner: "vmlinux", isGPLOnly: false, namespace: nil),
            KernelExport(name: "_printk", crc: nil, owner: "vmlinux", isGPLOnly: false, namespace: nil),
        ])
    }

    @Test func kallsymsModuleSymbolsAreExportedWhenUpperCase() throws {
        let exports = try Self.parse("""
            0000000000000000 r __ksymtab_ktime_get
            0000000000000000 T usb_register_driver\t[usbcore]
            0000000000000000 t usb_probe_device\t[usbcore]
            0000000000000000 r __ksymtab_usb_register_driver\t[usbcore]

            """, kind: .kallsyms, path: "kallsyms")
        #expect(exports.map(\.name) == ["ktime_get", "usb_register_driver"])
        #expect(exports.map(\.owner) == ["vmlinux", "usbcore"])
    }

    @Test(arguments: [
        ("ffffffff81000000 T _text\nffffffff81000000T _stext\n", "System.map:2: expected '<hex address> <type letter> <name>': no single-letter symbol type after the address"),
        ("ffffffff81000000 T _text\nzz T x\n", "System.map:2: expected '<hex address> <type letter> <name>': the address is not 1 to 16 hex digits"),
        ("ffffffff81000000 T \n", "System.map:1: expected '<hex address> <type letter> <name>': empty symbol name"),
        ("ffffffff81000000 T foo\t[mod]\n", "System.map:1: expected '<hex address> <type letter> <name>': unexpected text after the symbol name foo"),
        ("11112222333344445 T foo\n", "System.map:1: expected '<hex address> <type letter> <name>': the address is not 1 to 16 hex digits"),
    ])
    func badLinesNameFileAndLine(text: String, message: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("no error for \(text)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func kallsymsModuleColumnMustBeBracketed() {
        #expect(throws: SymbolTableError(path: "kallsyms", line: 1, message: "expected '<hex address> <type letter> <name>' optionally followed by a tab and '[<module>]': unexpected text after the symbol name foo")) {
            try Self.parse("0 T foo\tusbcore\n", kind: .kallsyms, path: "kallsyms")
        }
    }

    @Test func debiansPlaceholderSystemMapIsNamedAsSuch() throws {
        let path = Fixtures.path("symtabs/System.map-debian-placeholder")
        do {
            _ = try KernelSymbolIndex.load(paths: [path])
            Issue.record("the placeholder was accepted")
        } catch let error as SymbolTableError {
            #expect(error.path == path && error.line == 1)
            #expect(error.message.hasPrefix("this is Debian's placeholder System.map, not a symbol table"))
            #expect(error.message.contains("Module.symvers"))
        }
    }
}

@Suite struct SymbolSourceDetectionTests {
    static func write(_ text: String, name: String) throws -> String {
        let dir = try Fixtures.scratchDirectory("detect-\(name)")
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func kindIsRecognisedByContentNotName() throws {
        let symvers = try Self.write("0x1a2b3c4d\tfoo\tvmlinux\tEXPORT_SYMBOL_GPL\t\n", name: "exports.txt")
        let map = try Self.write("ffffffff81000000 T _text\nffffffff82a0b0c8 r __ksymtab_foo\n", name: "Module.symvers")
        let kallsyms = try Self.write("0000000000000000 T foo\t[bar]\n", name: "syms")
        #expect(try SymbolSourceKind.detect(path: symvers) == .moduleSymvers)
        #expect(try SymbolSourceKind.detect(path: map) == .systemMap)
        #expect(try SymbolSourceKind.detect(path: kallsyms) == .kallsyms)
        #expect(try SymbolSourceKind.detect(path: Fixtures.path("linux-6.1-amd64")) == .moduleTree)
    }

    @Test func aModuleIsNoSymbolTable() {
        let path = Fixtures.path("linux-6.1-amd64/fx_clean.ko")
        #expect(throws: SymbolTableError(path: path, line: nil, message: "a relocatable object (a module?), not a kernel symbol table: give modules as inputs, or their directory as --symbols")) {
            try SymbolSourceKind.detect(path: path)
        }
    }

    /// Fixtures/src/vmlinux-synthetic: 6.1's export tables in a linked executable.
    @Test func aVmlinuxExportsItsKsymtabEntries() throws {
        let path = Fixtures.path("symtabs/vmlinux-synthetic")
        #expect(try SymbolSourceKind.detect(path: path) == .vmlinux)
        let index = try KernelSymbolIndex.load(paths: [path])
        #expect(index.count == 3)
        #expect(index.lookup("fx_plain") == KernelExport(name: "fx_plain", crc: 0x1234_5678, owner: "vmlinux", isGPLOnly: false, namespace: nil))
        #expect(index.lookup("fx_gpl") == KernelExport(name: "fx_gpl", crc: 0x9abc_def0, owner: "vmlinux", isGPLOnly: true, namespace: "FX_NS"))
        #expect(index.lookup("fx_old") == KernelExport(name: "fx_old", crc: 0x0bad_cafe, owner: "vmlinux", isGPLOnly: false, namespace: nil))
        #expect(index.lookup("fx_local") == nil)
        #expect(index.recordsNamespaces)
    }

    /// Fixtures/src/vmlinux-synthetic/vmlinux-7.1.c: 7.1's single __ksymtab with the GPL-only
    /// bit in __kflagstab, by label and (for fx_kvm_only) by index; a module: namespace.
    @Test func a7_1VmlinuxTakesGPLOnlyFromItsFlags() throws {
        let path = Fixtures.path("symtabs/vmlinux-synthetic-7.1")
        let index = try KernelSymbolIndex.load(paths: [path])
        #expect(index.count == 3)
        #expect(index.lookup("fx_plain") == KernelExport(name: "fx_plain", crc: nil, owner: "vmlinux", isGPLOnly: false, namespace: nil))
        #expect(index.lookup("fx_gpl") == KernelExport(name: "fx_gpl", crc: nil, owner: "vmlinux", isGPLOnly: true, namespace: "FX_NS"))
        #expect(index.lookup("fx_kvm_only") == KernelExport(name: "fx_kvm_only", crc: nil, owner: "vmlinux", isGPLOnly: true,
                                                             namespace: "module:kvm,kvm-amd"))
        let image = try KernelImage.load(path: path)
        #expect(image.exports.map(\.flags) == [1, 1, 0])
    }

    @Test func systemMapIndexHasExportsButNoNamespaces() throws {
        let map = try Self.write("ffffffff81000000 T _text\nffffffff82a0b0c8 r __ksymtab_foo\n", name: "System.map")
        let index = try KernelSymbolIndex.load(paths: [map])
        #expect(index.count == 1 && index.lookup("foo")?.isFromVmlinux == true)
        #expect(!index.recordsNamespaces)
    }

    @Test func aTableWithoutVmlinuxLinesIsAnExtraTable() throws {
        let kernel = try Self.write("0x00000001\tfoo\tvmlinux\tEXPORT_SYMBOL\t\n0x00000002\tbar\tdrivers/hid/hid\tEXPORT_SYMBOL_GPL\t\n",
                                    name: "Module.symvers")
        let extra = try Self.write("0x00000003\tbaz\t/src/jool/jool_common\tEXPORT_SYMBOL_GPL\t\n", name: "extra.symvers")
        let index = try KernelSymbolIndex.load(paths: [kernel, extra])
        #expect(try !index.isFromExtraTable(#require(index.lookup("foo"))))
        #expect(try !index.isFromExtraTable(#require(index.lookup("bar"))))
        #expect(try index.isFromExtraTable(#require(index.lookup("baz"))))
        let tree = SymbolResolver(kernel: index, run: RunExports(modules: []), runIsModuleTree: true)
        #expect(tree.kernelExport("foo") != nil)
        #expect(tree.kernelExport("bar") == nil)
        #expect(tree.kernelExport("baz") != nil)
        let build = SymbolResolver(kernel: index, run: RunExports(modules: []))
        #expect(build.kernelExport("bar") != nil)
    }

    @Test func garbageIsRefusedWithLineOne() throws {
        let path = try Self.write("hello world\n", name: "garbage")
        #expect(throws: SymbolTableError.self) { try KernelSymbolIndex.load(paths: [path]) }
    }
}

@Suite struct ModuleTreeTests {
    /// `<root>/lib/modules/<release>` with two fixture modules, modules.order and an absolute
    /// `build` link to `/usr/src/linux-headers-<release>`, which exists only under `<root>`.
    static func makeTree(_ name: String) throws -> (root: String, tree: String) {
        let root = try Fixtures.scratchDirectory("tree-\(name)")
        let release = "6.1.0-99-test"
        let tree = root + "/lib/modules/" + release
        let fm = FileManager.default
        try fm.createDirectory(atPath: tree + "/kernel/fx", withIntermediateDirectories: true)
        for module in ["fx_exporter.ko", "fx_ns_import.ko"] {
            try fm.copyItem(atPath: Fixtures.path("linux-6.1-amd64/" + module), toPath: tree + "/kernel/fx/" + module)
        }
        try "kernel/fx/fx_exporter.ko\n".write(toFile: tree + "/modules.order", atomically: true, encoding: .utf8)
        let headers = root + "/usr/src/linux-headers-" + release
        try fm.createDirectory(atPath: headers, withIntermediateDirectories: true)
        try fm.copyItem(atPath: Fixtures.symbols(arch: "amd64"), toPath: headers + "/Module.symvers")
        try fm.createSymbolicLink(atPath: tree + "/build", withDestinationPath: "/usr/src/linux-headers-" + release)
        return (root, tree)
    }

    @Test func aTreesReleaseAndBuildSymversAreFoundUnderItsRoot() throws {
        let (root, tree) = try Self.makeTree("default")
        #expect(ModuleTree.release(of: tree) == "6.1.0-99-test")
        #expect(ModuleTree.buildSymvers(of: tree) == root + "/usr/src/linux-headers-6.1.0-99-test/Module.symvers")
        #expect(ModuleTree.buildSymvers(of: Fixtures.path("linux-6.1-amd64")) == nil)
    }

    @Test func aTreeAsSymbolSourceExportsWhatItsModulesExport() throws {
        let (_, tree) = try Self.makeTree("source")
        let index = try KernelSymbolIndex.load(paths: [tree])
        #expect(index.count == 2)
        let plain = try #require(index.lookup("fx_exported_plain"))
        #expect(plain.owner == "fx_exporter" && !plain.isGPLOnly && plain.crc != nil)
        #expect(index.lookup("fx_exported_gpl")?.isGPLOnly == true)
        #expect(index.vermagic == "6.1.0-50-amd64 SMP preempt mod_unload modversions ")
    }

    @Test func anEmptyDirectoryIsNoSymbolSource() throws {
        let dir = try Fixtures.scratchDirectory("tree-empty")
        #expect(throws: SymbolTableError(path: dir, line: nil, message: "no module (.ko, .ko.xz, .ko.zst, .ko.gz) under this directory")) {
            try KernelSymbolIndex.load(paths: [dir])
        }
    }
}

/// Symbol tables are inputs too: random bytes and damaged real lines never crash a parser,
/// and every refusal names the file and a line.
@Suite struct HostileSymbolTableTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
    }

    static let seeds: [String] = [
        "0x1a2b3c4d\tfoo\tvmlinux\tEXPORT_SYMBOL_GPL\tNS\n0x00000001\tbar\tdrivers/x\tEXPORT_SYMBOL\t\n",
        "ffffffff81000000 T _text\nffffffff82a0b0c8 r __ksymtab_foo\n0000000000000000 T bar\t[mod]\n",
    ]

    @Test func damagedTablesAreRefusedOrReadNeverCrash() throws {
        var generator = Generator(state: 7)
        for seed in Self.seeds {
            let bytes = Array(seed.utf8)
            for _ in 0..<500 {
                var copy = bytes
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let at = Int(generator.next() % UInt64(copy.count))
                    switch generator.next() % 3 {
                    case 0: copy[at] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: copy.remove(at: at)
                    default: copy.insert([0x09, 0x20, 0x0a, 0x00, 0x5b, 0xff][Int(generator.next() % 6)], at: at)
                    }
                }
                let data = Data(copy)
                for kind in [SymbolMap.Kind.systemMap, .kallsyms] {
                    do { _ = try SymbolMap.parse(data, path: "t", kind: kind) } catch let error as SymbolTableError {
                        #expect(error.path == "t" && error.line != nil)
                    }
                }
                do { _ = try ModuleSymvers.parse(data, path: "t") } catch let error as SymbolTableError {
                    #expect(error.path == "t" && error.line != nil)
                }
                _ = try? SymbolSourceKind.detect(head: data, path: "t")
            }
        }
    }
}
