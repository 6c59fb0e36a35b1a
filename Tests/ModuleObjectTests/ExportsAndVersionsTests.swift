import FixtureSupport
import Foundation
@testable import ModuleObject
import Testing

/// Exports and symbol versions in the shapes of 6.14+ (extended modversions), 6.16+
/// (EXPORT_SYMBOL_FOR_MODULES) and 7.1+ (`__kflagstab`), read from the 7.2 fixtures.
@Suite struct ExportsAndVersionsTests {
    static func load(_ relative: String) throws -> ModuleObject {
        try ModuleObject.load(path: Fixtures.path(relative))
    }

    /// The loader's module_match: comma-separated names, a trailing `*` as the only glob,
    /// `-` and `_` the same.
    @Test func moduleNamespacePatternsMatchAsTheLoaderDoes() {
        let allows = { (patterns: Substring, name: String) in ModuleNamespace.allows(patterns, module: name) }
        #expect(ModuleNamespace.patterns(of: "module:kvm,kvm-amd,kvm-intel") == "kvm,kvm-amd,kvm-intel")
        #expect(ModuleNamespace.patterns(of: "USB_STORAGE") == nil)
        #expect(ModuleNamespace.patterns(of: nil) == nil)
        #expect(allows("kvm,kvm-amd,kvm-intel", "kvm"))
        #expect(allows("kvm,kvm-amd,kvm-intel", "kvm_amd"))
        #expect(allows("kvm,kvm-amd,kvm-intel", "kvm-intel"))
        #expect(!allows("kvm,kvm-amd,kvm-intel", "kvm_amd2"))
        #expect(!allows("kvm,kvm-amd,kvm-intel", "kv"))
        #expect(!allows("kvm-amd,kvm-intel", "kvm"))
        #expect(allows("fx_friend,fx-glob-*", "fx_glob_friend"))
        #expect(allows("fx_friend,fx-glob-*", "fx-glob-"))
        #expect(!allows("fx_friend,fx-glob-*", "fx_glob"))
        #expect(!allows("fx_friend,fx-glob-*", "fx_stranger"))
        // Only a trailing `*` is a glob; one elsewhere is a character like any other.
        #expect(!allows("fx*x", "fx_x"))
        #expect(allows("fx*x", "fx*x"))
        #expect(allows("*", "anything"))
        // An empty pattern matches no named module.
        #expect(!allows("a,,b", "c"))
        #expect(!allows("", "a"))
    }

    /// 7.1+: one __ksymtab, GPL-only-ness in the __kflagstab byte; the module: namespace kept
    /// as the export's namespace.
    @Test func flagsTableDecidesGPLOnlyOn7_2() throws {
        let module = try Self.load("linux-7.2-amd64/fx_modexp.ko")
        #expect(module.section(named: "__ksymtab_gpl") == nil)
        #expect(module.section(named: "__kflagstab")?.size == 5)
        let byName = Dictionary(uniqueKeysWithValues: module.exports.map { ($0.name, $0) })
        #expect(byName.keys.sorted() == ["fx_exported_symbol_with_a_name_longer_than_a_versions_entry", "fx_for_friends",
                                         "fx_gpl_only", "fx_in_ns", "fx_plain"])
        #expect(module.exports.filter(\.isGPLOnly).map(\.name) == ["fx_for_friends", "fx_gpl_only", "fx_in_ns"])
        #expect(module.exports.map(\.flags) == [0, 1, 1, 1, 0])
        #expect(byName["fx_for_friends"]?.namespace == "module:fx_friend,fx-glob-*")
        #expect(byName["fx_for_friends"]?.onlyForModules == "fx_friend,fx-glob-*")
        #expect(byName["fx_in_ns"]?.namespace == "FX_NS" && byName["fx_in_ns"]?.onlyForModules == nil)
        #expect(byName["fx_plain"]?.namespace == nil && byName["fx_plain"]?.crc == nil)
    }

    /// Before 7.1 the table decides, and there is no flags byte.
    @Test func gplTableDecidesBefore7_1() throws {
        for tree in ["6.1-amd64", "6.12-amd64"] {
            let module = try Self.load("linux-\(tree)/fx_exporter.ko")
            #expect(module.exports.map(\.name) == ["fx_exported_gpl", "fx_exported_plain"], "\(tree)")
            #expect(module.exports.map(\.isGPLOnly) == [true, false], "\(tree)")
            #expect(module.exports.allSatisfy { $0.flags == nil }, "\(tree)")
        }
    }

    /// An export whose `__flags_` label is gone takes the byte at its `__ksymtab` index, as
    /// the loader reads it.
    @Test func flagsWithoutLabelsComeByIndex() throws {
        let module = try Self.load("linux-7.2-amd64/fx_modexp.ko")
        let symbols = module.symbols.filter { !$0.name.hasPrefix("__flags_") }
        let path = Fixtures.path("linux-7.2-amd64/fx_modexp.ko")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let exports = bytes.withUnsafeBytes { raw in
            ExportedSymbol.find(symbols: symbols, sections: module.sections) { section in
                ByteView(base: raw.baseAddress! + Int(section.offset), count: Int(section.size), bigEndian: false)
            }
        }
        #expect(exports.map(\.flags) == [0, 1, 1, 1, 0])
        #expect(exports.map(\.isGPLOnly) == module.exports.map(\.isGPLOnly))
    }

    /// modpost -m -b -x (fx_ext_user.mod.c): __versions for names that fit, the extended
    /// tables for every import; the loader checks the extended ones.
    @Test func extendedVersionsAreReadAndPreferred() throws {
        let module = try Self.load("linux-7.2-amd64/fx_ext_user.ko")
        let long = "fx_exported_symbol_with_a_name_longer_than_a_versions_entry"
        #expect(module.versions.map(\.name) == ["__fentry__", "fx_plain", "__x86_return_thunk", "_printk", "module_layout"])
        let extended = try #require(module.extendedVersions)
        #expect(extended.map(\.name) == ["__fentry__", "fx_plain", long, "__x86_return_thunk", "_printk", "module_layout"])
        #expect(extended.map(\.crc) == [0, 0x1a2b3c4d, 0x5e6f7a8b, 0, 0, 0x4f1e2d3c])
        #expect(module.versionsTheLoaderChecks == extended)
        let plain = try Self.load("linux-7.2-amd64/fx_friend.ko")
        #expect(plain.extendedVersions == nil && plain.versionsTheLoaderChecks.isEmpty)
        let old = try Self.load("linux-6.1-amd64/fx_clean.ko")
        #expect(old.extendedVersions == nil && old.versionsTheLoaderChecks == old.versions)
    }

    /// The loader refuses a module with one of the two extended sections (-ENOEXEC).
    @Test func halfAnExtendedTableIsRefused() throws {
        let dir = try Fixtures.scratchDirectory("extended-versions")
        defer { Fixtures.removeScratchDirectory(dir) }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("linux-7.2-amd64/fx_ext_user.ko"))))
        // The section's name in .shstrtab (NUL before it: not the ____version_ext_names symbol).
        let name = Array("\0__version_ext_names\0".utf8)
        let at = try #require((0...(bytes.count - name.count)).first { bytes[$0..<($0 + name.count)].elementsEqual(name) })
        bytes[at + name.count - 2] = UInt8(ascii: "z")
        let path = dir + "/fx_ext_user-half.ko"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: ModuleError.corrupt("extended version crc+name presence does not match: __version_ext_crcs without __version_ext_names")) {
            try ModuleObject.load(path: path)
        }
    }
}
