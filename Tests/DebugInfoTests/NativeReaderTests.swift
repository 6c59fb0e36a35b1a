@testable import DebugInfo
import FixtureSupport
import Foundation
import ModuleObject
import Testing

/// modlint's own DWARF reader against libdwarf's walk, which it replaced on the hot path:
/// the same values from every module, and the same refusals.
@Suite struct NativeReaderTests {
    /// Every field of two readings, the differences named.
    static func differences(_ native: DebugInfo?, _ reference: DebugInfo?) -> [String] {
        guard let native, let reference else {
            return native == nil && reference == nil ? [] : ["native \(native == nil ? "nil" : "read"), libdwarf \(reference == nil ? "nil" : "read")"]
        }
        var result: [String] = []
        if native.compilationUnits != reference.compilationUnits {
            result.append("units \(native.compilationUnits) != \(reference.compilationUnits)")
        }
        for (name, layout) in reference.structs where native.structs[name] != layout {
            result.append("struct \(name): \(String(describing: native.structs[name])) != \(layout)")
        }
        for name in native.structs.keys where reference.structs[name] == nil { result.append("extra struct \(name)") }
        for (name, list) in reference.variables where native.variables[name] != list {
            result.append("variable \(name): \(String(describing: native.variables[name])) != \(list)")
        }
        for name in native.variables.keys where reference.variables[name] == nil { result.append("extra variable \(name)") }
        for (name, function) in reference.functions where native.functions[name] != function {
            result.append("function \(name): \(String(describing: native.functions[name])) != \(function)")
        }
        for name in native.functions.keys where reference.functions[name] == nil { result.append("extra function \(name)") }
        if native.variableDeclarations != reference.variableDeclarations {
            let keys = Set(native.variableDeclarations.keys).union(reference.variableDeclarations.keys)
            for key in keys.sorted() where native.variableDeclarations[key] != reference.variableDeclarations[key] {
                result.append("declaration \(key): \(String(describing: native.variableDeclarations[key])) != \(String(describing: reference.variableDeclarations[key]))")
            }
        }
        return result
    }

    /// Both readers on one file: nil when they agree, else what differs. With `native`, the
    /// file must be read by modlint's reader, not handed to libdwarf as unsupported.
    static func compare(_ path: String, native mustBeNative: Bool = false) -> String? {
        guard let module = try? ModuleObject.load(path: path) else { return nil }
        if mustBeNative {
            let unsupported = try? module.withFileBytes { fileBytes -> String? in
                let file = fileBytes.bytes
                do throws(DwarfReadFailure) {
                    _ = try NativeDwarfReader(module: module, file: file)?.read()
                    return nil
                } catch {
                    if case .unsupported(let reason) = error { return reason }
                    return nil
                }
            }
            if let unsupported = unsupported ?? nil { let reason = unsupported; return "\(path): left to libdwarf: \(reason)" }
        }
        let native = Result { () throws(DebugInfoError) in try DebugInfo.load(module: module) }
        let reference = Result { () throws(DebugInfoError) in try DebugInfo.loadWithLibdwarf(module: module) }
        switch (native, reference) {
        case (.success(let a), .success(let b)):
            let found = differences(a, b)
            return found.isEmpty ? nil : "\(path): " + found.prefix(5).joined(separator: "; ")
        case (.failure, .failure):
            return nil
        case (.success, .failure(let error)):
            return "\(path): read natively, libdwarf: \(error)"
        case (.failure(let error), .success):
            return "\(path): \(error), libdwarf read it"
        }
    }

    @Test(arguments: Fixtures.trees)
    func sameAsLibdwarfOnEveryFixture(tree: String) throws {
        let modules = Fixtures.modules(tree: tree)
        #expect(!modules.isEmpty)
        for path in modules {
            if let difference = Self.compare(path, native: true) { Issue.record(Comment(rawValue: difference)) }
        }
    }

    @Test func sameAsLibdwarfOnCompressedAndFuzzedModules() throws {
        var paths: [String] = []
        for folder in [Fixtures.path("compressed"), Fixtures.packageRoot + "/Fuzz/Seeds/dwarf"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where name.contains(".ko") {
                paths.append(folder + "/" + name)
            }
        }
        #expect(paths.count >= 4)
        for path in paths {
            if let difference = Self.compare(path) { Issue.record(Comment(rawValue: difference)) }
        }
    }

    /// Pages given back after every unit (a large module gives them back every 16 MiB of
    /// units) are read again from the file: the same values.
    @Test(arguments: ["linux-6.1-amd64/fx_owner.ko", "linux-6.1-s390x/fx_initref.ko", "linux-6.1-armhf/fx_initref.ko", "linux-6.1-i386/fx_initref.ko"])
    func pagesGivenBackAreReadAgain(fixture: String) throws {
        let module = try ModuleObject.load(path: Fixtures.path(fixture))
        let reference = try #require(try DebugInfo.load(module: module))
        let released = try module.withFileBytes { fileBytes -> DebugInfo? in
            #expect(fileBytes.isFileMapping)
            let reader = try #require(try NativeDwarfReader(module: module, file: fileBytes.bytes, mayReleasePages: true))
            reader.releaseInterval = 1
            return try reader.read()
        }
        #expect(Self.differences(released, reference).isEmpty)
        #expect(!reference.variables.isEmpty)
    }

    /// Corrupt DWARF in a sound module: a typed error naming what is wrong, from the reader
    /// itself (not handed to libdwarf), and for the lint one notice naming the module.
    @Test func corruptDebugInfoIsOneTypedError() throws {
        let path = Fixtures.path("linux-6.1-amd64/fx_owner.ko")
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let module = try ModuleObject.load(path: path)
        let info = Int(try #require(module.section(named: ".debug_info")).offset)
        let abbrev = Int(try #require(module.section(named: ".debug_abbrev")).offset)
        let str = try #require(module.section(named: ".debug_str"))
        // The first unit: DWARF 5, its unit DIE's abbreviation code 0x60; the first
        // abbreviation: code 1, DW_TAG_member, no children, DW_AT_name in DW_FORM_strp.
        #expect(Array(original[info + 4..<info + 8]) == [5, 0, 1, 8] && original[info + 12] == 0x60)
        #expect(Array(original[abbrev..<abbrev + 5]) == [1, 0x0d, 0, 3, 0x0e])
        var cases: [(String, (inout Data) -> Void, (String) -> Bool)] = []
        cases.append(("unit-length", { bytes in
            for (i, byte) in [0xff, 0xff, 0xff, 0x7f].enumerated() { bytes[info + i] = UInt8(byte) }
        }, { $0 == "unit at 0x0 has length 0x7fffffff beyond .debug_info" }))
        cases.append(("unit-die", { $0[info + 12] = 0 }, { $0 == "unit at 0x0 has no unit DIE" }))
        cases.append(("abbrev-code", { $0[info + 12] = 0x7f }, { $0.hasPrefix("DIE at 0xc has abbreviation code 127") || $0.contains("form") }))
        cases.append(("form", { $0[abbrev + 4] = 0x7f }, { $0 == ".debug_abbrev: unknown form 0x7f" }))
        cases.append(("strings", { bytes in
            for i in Int(str.offset)..<Int(str.offset + str.size) { bytes[i] = 0xff }
        }, { $0.hasPrefix(".debug_str: string at 0x") && $0.hasSuffix("without its NUL inside the section") }))
        let dir = try Fixtures.scratchDirectory("native-corrupt")
        for (name, corrupt, expected) in cases {
            var bytes = original
            corrupt(&bytes)
            let broken = dir + "/\(name)/fx_owner.ko"
            try FileManager.default.createDirectory(atPath: dir + "/\(name)", withIntermediateDirectories: true)
            try bytes.write(to: URL(fileURLWithPath: broken))
            let module = try ModuleObject.load(path: broken)
            do {
                _ = try DebugInfo.load(module: module)
                Issue.record("\(name): read")
            } catch {
                guard case .corrupt(let reason) = error else { Issue.record("\(name): \(error)"); continue }
                #expect(expected(reason), "\(name): \(reason)")
            }
            let result = try Fixtures.lint([broken], symbols: nil, select: ["O001"])
            #expect(result.diagnostics.isEmpty, "\(name)")
            #expect(result.notices.count == 1 && result.notices.first?.paths == [broken], "\(name)")
        }
    }

    /// Debian's 6.1 -dbg tree (scripts/triage-dbg fetches it): every module read the same by
    /// both readers. Long (libdwarf takes minutes over the tree): only when
    /// MODLINT_DWARF_DIFFERENTIAL names the unpacked modules folder.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MODLINT_DWARF_DIFFERENTIAL"] != nil,
                   "set MODLINT_DWARF_DIFFERENTIAL to a folder of modules with DWARF (the -dbg tree) to compare the readers on it"))
    func sameAsLibdwarfOnATree() throws {
        let root = ProcessInfo.processInfo.environment["MODLINT_DWARF_DIFFERENTIAL"]!
        let paths = CorpusTrees.modules(under: root)
        #expect(!paths.isEmpty)
        var differing: [String] = []
        for path in paths {
            if let difference = Self.compare(path, native: true) { differing.append(difference) }
        }
        #expect(differing.isEmpty, "\(differing.count) of \(paths.count) modules differ: \(differing.prefix(20).joined(separator: "\n"))")
    }
}
