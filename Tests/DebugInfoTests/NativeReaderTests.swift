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
            if let difference = Self.compare(path) { differing.append(difference) }
        }
        #expect(differing.isEmpty, "\(differing.count) of \(paths.count) modules differ: \(differing.prefix(20).joined(separator: "\n"))")
    }
}
