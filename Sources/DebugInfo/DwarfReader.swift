import CLibDwarf
import Foundation
import ModuleObject
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DebugInfo {
    /// Reads the DWARF of a module through libdwarf: what `load` falls back to for what its
    /// own reader leaves alone (compressed debug sections, 64-bit DWARF, type and split
    /// units, supplementary files). Takes a module `ModuleObject.load` has already accepted: libdwarf 20210528 predates
    /// the fixes for corrupt ELF and DWARF, so it is never the first to see a file, and the
    /// parts it trusts are checked first (`DwarfPrecheck`).
    static func loadWithLibdwarf(module: ModuleObject) throws(DebugInfoError) -> DebugInfo? {
        guard module.sections.contains(where: { $0.name == ".debug_info" }) else { return nil }
        return try withDwarf(module) { reader throws(DebugInfoError) in try reader.read() }
    }

    /// Reads the line programs of a module and ties them to its sections (see `LineTable`).
    /// Nil without `.debug_line`. Separate from `load`: only findings at a place in the code
    /// need it, and the rows of a large module outnumber its DIEs.
    public static func loadLines(module: ModuleObject) throws(DebugInfoError) -> LineTable? {
        guard module.sections.contains(where: { $0.name == ".debug_line" }) else { return nil }
        let anchors: [LineAnchor]
        do {
            anchors = try LineAnchor.all(in: module)
        } catch {
            throw .unreadable("cannot read the relocations of .debug_line: \(error)")
        }
        return try withDwarf(module) { reader throws(DebugInfoError) in try reader.readLines(anchors: anchors) }
    }

    /// Runs `body` with a reader over the module's DWARF; nil when libdwarf finds none.
    private static func withDwarf<T>(_ module: ModuleObject,
                                     _ body: (DwarfReader) throws(DebugInfoError) -> T) throws(DebugInfoError) -> T? {
        let path = module.path
        let fd: Int32
        // A compressed module is read from its decompressed bytes, in an unlinked temporary file.
        let image: [UInt8]?
        do {
            image = try ModuleObject.decompressedImage(path: path)
        } catch ModuleError.cannotOpen {
            throw .unreadable("cannot open \(path)")
        } catch {
            throw .unreadable("cannot decompress \(path): \(error)")
        }
        if let image {
            var template = Array((NSTemporaryDirectory() + "/modlint-dwarf-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw .unreadable("cannot create a temporary file for \(path)") }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            var done = 0
            while done < image.count {
                let n = image.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
                guard n > 0 else { close(fd); throw .unreadable("cannot write the decompressed \(path)") }
                done += n
            }
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .unreadable("cannot open \(path)") }
        }
        defer { close(fd) }
        try DwarfPrecheck.check(module, fd: fd)
        // libdwarf 20210528 is not thread-safe: two Dwarf_Debug handles read on two threads
        // corrupt the heap (seen with the hostile-input run on 2 jobs). One handle at a time;
        // decompressing and prechecking the module happen outside the lock.
        libdwarfLock.lock()
        defer { libdwarfLock.unlock() }
        var dbg: Dwarf_Debug?
        var error: Dwarf_Error?
        // No error handler: without one libdwarf reports through the return code and the
        // error pointer (it aborts only when both are missing).
        let rc = dwarf_init_b(fd, Dwarf_Unsigned(DW_DLC_READ), UInt32(DW_GROUPNUMBER_ANY), nil, nil, &dbg, &error)
        if rc == DW_DLV_NO_ENTRY { return nil }
        guard rc == DW_DLV_OK, let dbg else {
            let message = error.flatMap { dwarf_errmsg($0) }.map { String(cString: $0) } ?? "dwarf_init_b failed"
            // An init error belongs to no Dwarf_Debug: libdwarf allocates it apart and frees
            // it when given a null one (it leaked 40 bytes per refused module before).
            if let error { dwarf_dealloc_error(nil, error) }
            throw .corrupt(message)
        }
        let reader = DwarfReader(dbg: dbg)
        defer {
            var finishError: Dwarf_Error?
            _ = dwarf_finish(dbg, &finishError)
        }
        return try body(reader)
    }
}

private let libdwarfLock = NSLock()

/// The walk over one `Dwarf_Debug`. Lives only inside `DebugInfo.load`.
final class DwarfReader {
    let dbg: Dwarf_Debug
    var error: Dwarf_Error?

    // Limits against hostile input: a real module has at most a few hundred thousand DIEs
    // (the largest Debian 6.1 modules) and types nest a few dozen levels.
    static let maxDies = 20_000_000
    static let maxDepth = 200
    static let maxTypeDepth = 64

    private var dieCount = 0
    private var typeCache: [Dwarf_Off: TypeInfo] = [:]

    // Per compilation unit.
    private var files: [String] = []
    var compDir: String?
    private var fileIndexBase = 1

    // Results.
    private var unitNames: [String] = []
    private var structs: [String: StructLayout] = [:]
    /// The first complete definition of each named structure, read when a variable needs it.
    private var structOffsets: [String: Dwarf_Off] = [:]
    /// The structures the variables are of.
    private var reached = StructReach()
    private var variables: [String: [DebugVariable]] = [:]
    private var functions: [String: DebugFunction] = [:]
    private var variableDeclarations: [String: SourceLocation] = [:]

    init(dbg: Dwarf_Debug) { self.dbg = dbg }

    struct TypeInfo {
        let display: String
        let structName: String?
        let isArray: Bool
        let arrayCount: UInt64?
        /// The DIE of the structure `structName` names, when it is a definition.
        var structOffset: Int? = nil
        /// A struct/union/enum reached through typedefs and qualifiers: named so, it is the
        /// type itself (used to dedupe the layout walk).
        static let unknown = TypeInfo(display: "?", structName: nil, isArray: false, arrayCount: nil)
    }

    // MARK: errors

    /// The pending libdwarf error as a typed error, freeing it.
    func failure(_ call: String) -> DebugInfoError {
        var message = "\(call) failed"
        if let error {
            if let text = dwarf_errmsg(error) { message += ": " + String(cString: text) }
            dwarf_dealloc(dbg, UnsafeMutableRawPointer(error), Dwarf_Unsigned(DW_DLA_ERROR))
            self.error = nil
        }
        return .corrupt(message)
    }

    /// Drops an error the caller recovers from.
    func discardError() {
        if let error {
            dwarf_dealloc(dbg, UnsafeMutableRawPointer(error), Dwarf_Unsigned(DW_DLA_ERROR))
            self.error = nil
        }
    }

    // MARK: the walk

    /// Reads only what the rules need: the DIEs at file scope of each unit (variables,
    /// functions, structure types), stepping over every function body and type by its sibling;
    /// then the layouts of the structures the variables' types lead to, and of the structures
    /// embedded in those, as `StructReach` chooses their DIEs (the structures noted by name
    /// only serve a type that leads to a declaration).
    func read() throws(DebugInfoError) -> DebugInfo {
        try forEachUnit { unitDie, version throws(DebugInfoError) in
            try beginUnit(unitDie, version: version)
            try walkChildren(of: unitDie, depth: 1)
        }
        let known = structOffsets
        try StructReach.resolve(reached, recorded: { structs[$0] != nil },
                                byName: { (name: String) throws(DebugInfoError) -> Int? in known[name].map { Int($0) } }) {
            (offset: Int) throws(DebugInfoError) -> StructReach? in
            let die = try dieAt(Dwarf_Off(offset))
            defer { dwarf_dealloc_die(die) }
            return try recordStruct(die)
        }
        return DebugInfo(compilationUnits: unitNames, structs: structs, variables: variables,
                         functions: functions, variableDeclarations: variableDeclarations)
    }

    /// Every compilation unit in order: its unit DIE (freed after `body`) and DWARF version.
    func forEachUnit(_ body: (Dwarf_Die, Dwarf_Half) throws(DebugInfoError) -> Void) throws(DebugInfoError) {
        while true {
            var headerLength: Dwarf_Unsigned = 0, abbrevOffset: Dwarf_Off = 0, typeOffset: Dwarf_Unsigned = 0
            var nextHeader: Dwarf_Unsigned = 0
            var version: Dwarf_Half = 0, addressSize: Dwarf_Half = 0, lengthSize: Dwarf_Half = 0
            var extensionSize: Dwarf_Half = 0, unitType: Dwarf_Half = 0
            var signature = Dwarf_Sig8()
            let rc = dwarf_next_cu_header_d(dbg, 1, &headerLength, &version, &abbrevOffset, &addressSize, &lengthSize,
                                            &extensionSize, &signature, &typeOffset, &nextHeader, &unitType, &error)
            if rc == DW_DLV_NO_ENTRY { break }
            guard rc == DW_DLV_OK else { throw failure("dwarf_next_cu_header_d") }
            var unitDie: Dwarf_Die?
            let src = dwarf_siblingof_b(dbg, nil, 1, &unitDie, &error)
            guard src == DW_DLV_OK, let unitDie else { throw failure("dwarf_siblingof_b (unit DIE)") }
            defer { dwarf_dealloc_die(unitDie) }
            try body(unitDie, version)
        }
    }

    private func beginUnit(_ die: Dwarf_Die, version: Dwarf_Half) throws(DebugInfoError) {
        let name = try name(of: die) ?? "<unnamed unit>"
        unitNames.append(name)
        compDir = try string(die, DW_AT_comp_dir)
        // DWARF 5 numbers the line table's files from 0 (entry 0 is the unit's primary
        // file) and dwarf_srcfiles returns that entry; DWARF 2-4 number them from 1.
        fileIndexBase = version >= 5 ? 0 : 1
        files = []
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var count: Dwarf_Signed = 0
        let rc = dwarf_srcfiles(die, &list, &count, &error)
        if rc == DW_DLV_ERROR {
            // A unit without a usable line table still has types and names.
            discardError()
            return
        }
        guard rc == DW_DLV_OK, let list, count > 0 else { return }
        for index in 0..<Int(count) {
            if let entry = list[index] {
                files.append(String(cString: entry))
                dwarf_dealloc(dbg, UnsafeMutableRawPointer(entry), Dwarf_Unsigned(DW_DLA_STRING))
            } else {
                files.append("?")
            }
        }
        dwarf_dealloc(dbg, UnsafeMutableRawPointer(list), Dwarf_Unsigned(DW_DLA_LIST))
    }

    private func walkChildren(of parent: Dwarf_Die, depth: Int) throws(DebugInfoError) {
        guard depth < DwarfReader.maxDepth else { throw .corrupt("DIEs nested deeper than \(DwarfReader.maxDepth)") }
        var child: Dwarf_Die?
        let rc = dwarf_child(parent, &child, &error)
        if rc == DW_DLV_NO_ENTRY { return }
        guard rc == DW_DLV_OK, var current = child else { throw failure("dwarf_child") }
        while true {
            dieCount += 1
            guard dieCount <= DwarfReader.maxDies else {
                dwarf_dealloc_die(current)
                throw .corrupt("more than \(DwarfReader.maxDies) DIEs")
            }
            do throws(DebugInfoError) {
                try visit(current, depth: depth)
            } catch {
                dwarf_dealloc_die(current)
                throw error
            }
            var sibling: Dwarf_Die?
            let next = dwarf_siblingof_b(dbg, current, 1, &sibling, &error)
            let previous = offset(of: current)
            dwarf_dealloc_die(current)
            if next == DW_DLV_NO_ENTRY { return }
            guard next == DW_DLV_OK, let sibling else { throw failure("dwarf_siblingof_b") }
            try ensureForward(sibling, after: previous)
            current = sibling
        }
    }

    private func visit(_ die: Dwarf_Die, depth: Int) throws(DebugInfoError) {
        var tag: Dwarf_Half = 0
        guard dwarf_tag(die, &tag, &error) == DW_DLV_OK else { throw failure("dwarf_tag") }
        switch Int32(tag) {
        case DW_TAG_structure_type:
            try noteStruct(die)
        case DW_TAG_variable:
            try recordVariable(die, atFileScope: depth == 1)
        case DW_TAG_subprogram:
            // The body (parameters, locals, inlined calls: most of a unit's DIEs) is stepped
            // over: a function's `static` objects are not looked at.
            try recordFunction(die)
        default:
            break
        }
    }

    private func noteStruct(_ die: Dwarf_Die) throws(DebugInfoError) {
        guard let name = try name(of: die), structOffsets[name] == nil, try !flag(die, DW_AT_declaration),
              let offset = offset(of: die) else { return }
        structOffsets[name] = offset
    }

    /// The structures its members are, as `StructReach.resolve` follows them; nil when the DIE
    /// gives no layout (no name, a declaration, or one recorded already).
    private func recordStruct(_ die: Dwarf_Die) throws(DebugInfoError) -> StructReach? {
        guard let name = try name(of: die), structs[name] == nil, try !flag(die, DW_AT_declaration) else { return nil }
        var inner = StructReach()
        let size = try unsigned(die, DW_AT_byte_size)
        var members: [StructMember] = []
        var child: Dwarf_Die?
        let rc = dwarf_child(die, &child, &error)
        if rc == DW_DLV_ERROR { throw failure("dwarf_child (struct \(name))") }
        var current = rc == DW_DLV_OK ? child : nil
        while let member = current {
            dieCount += 1
            guard dieCount <= DwarfReader.maxDies else {
                dwarf_dealloc_die(member)
                throw .corrupt("more than \(DwarfReader.maxDies) DIEs")
            }
            do throws(DebugInfoError) {
                var tag: Dwarf_Half = 0
                guard dwarf_tag(member, &tag, &error) == DW_DLV_OK else { throw failure("dwarf_tag") }
                if Int32(tag) == DW_TAG_member {
                    let memberName = try self.name(of: member)
                    var offset = try memberLocation(member)
                    if offset == nil, let bits = try unsigned(member, DW_AT_data_bit_offset) { offset = bits / 8 }
                    var typeName = "void"
                    if let ref = try reference(member, DW_AT_type) {
                        let type = try typeInfo(at: ref, depth: 0)
                        typeName = type.display
                        inner.embed(type)
                    }
                    members.append(StructMember(name: memberName, offset: offset, typeName: typeName))
                }
            } catch {
                dwarf_dealloc_die(member)
                throw error
            }
            var sibling: Dwarf_Die?
            let next = dwarf_siblingof_b(dbg, member, 1, &sibling, &error)
            let previous = offset(of: member)
            dwarf_dealloc_die(member)
            if next == DW_DLV_ERROR { throw failure("dwarf_siblingof_b (struct \(name))") }
            if next == DW_DLV_OK, let sibling { try ensureForward(sibling, after: previous) }
            current = next == DW_DLV_OK ? sibling : nil
        }
        structs[name] = StructLayout(name: name, size: size, members: members)
        return inner
    }

    private func recordVariable(_ die: Dwarf_Die, atFileScope: Bool) throws(DebugInfoError) {
        let isDeclaration = try flag(die, DW_AT_declaration)
        // Inside a function only `static` variables have an address (DW_OP_addr).
        if !atFileScope, !isDeclaration, try !hasStaticAddress(die) { return }
        // A definition that completes an earlier declaration is nameless and points back to
        // it with DW_AT_specification: name, type and place may sit on either.
        var specification: Dwarf_Die?
        if let ref = try reference(die, DW_AT_specification) {
            specification = try dieAt(ref)
        }
        defer { if let specification { dwarf_dealloc_die(specification) } }
        guard let name = try either(name(of: die), name(of: specification)) else { return }
        let location = try either(declLocation(die), declLocation(specification))
        if isDeclaration {
            if atFileScope, variableDeclarations[name] == nil, let location { variableDeclarations[name] = location }
            return
        }
        var type = TypeInfo.unknown
        if let ref = try either(reference(die, DW_AT_type), reference(specification, DW_AT_type)) {
            type = try typeInfo(at: ref, depth: 0)
        }
        variables[name, default: []].append(DebugVariable(
            name: name, typeName: type.display, structName: type.structName, isArray: type.isArray,
            arrayCount: type.arrayCount, location: location))
        if let structName = type.structName { reached.reach(structName, at: type.structOffset) }
    }

    private func recordFunction(_ die: Dwarf_Die) throws(DebugInfoError) {
        let isDeclaration = try flag(die, DW_AT_declaration)
        var origin: Dwarf_Die?
        if let ref = try either(reference(die, DW_AT_specification), reference(die, DW_AT_abstract_origin)) {
            origin = try dieAt(ref)
        }
        defer { if let origin { dwarf_dealloc_die(origin) } }
        guard let name = try either(name(of: die), name(of: origin)) else { return }
        if let existing = functions[name], !existing.isDeclaration || isDeclaration { return }
        let location = try either(declLocation(die), declLocation(origin))
        functions[name] = DebugFunction(name: name, location: location, isDeclaration: isDeclaration)
    }

    // MARK: types

    private func typeInfo(at offset: Dwarf_Off, depth: Int) throws(DebugInfoError) -> TypeInfo {
        if let cached = typeCache[offset] { return cached }
        guard depth < DwarfReader.maxTypeDepth else { return .unknown }
        let die = try dieAt(offset)
        defer { dwarf_dealloc_die(die) }
        var tag: Dwarf_Half = 0
        guard dwarf_tag(die, &tag, &error) == DW_DLV_OK else { throw failure("dwarf_tag") }
        let name = try self.name(of: die)
        func inner() throws(DebugInfoError) -> TypeInfo? {
            guard let ref = try reference(die, DW_AT_type) else { return nil }
            return try typeInfo(at: ref, depth: depth + 1)
        }
        let info: TypeInfo
        switch Int32(tag) {
        case DW_TAG_base_type:
            info = TypeInfo(display: name ?? "?", structName: nil, isArray: false, arrayCount: nil)
        case DW_TAG_structure_type:
            var isDefinition = false
            if name != nil { isDefinition = try !flag(die, DW_AT_declaration) }
            info = TypeInfo(display: "struct " + (name ?? "<anonymous>"), structName: name, isArray: false, arrayCount: nil,
                            structOffset: isDefinition ? Int(offset) : nil)
        case DW_TAG_union_type:
            info = TypeInfo(display: "union " + (name ?? "<anonymous>"), structName: nil, isArray: false, arrayCount: nil)
        case DW_TAG_enumeration_type:
            info = TypeInfo(display: "enum " + (name ?? "<anonymous>"), structName: nil, isArray: false, arrayCount: nil)
        case DW_TAG_typedef:
            let target = try inner()
            info = TypeInfo(display: name ?? target?.display ?? "?", structName: target?.structName,
                            isArray: target?.isArray ?? false, arrayCount: target?.arrayCount, structOffset: target?.structOffset)
        case DW_TAG_const_type, DW_TAG_volatile_type:
            let target = try inner()
            let qualifier = Int32(tag) == DW_TAG_const_type ? "const" : "volatile"
            info = TypeInfo(display: qualifier + " " + (target?.display ?? "void"), structName: target?.structName,
                            isArray: target?.isArray ?? false, arrayCount: target?.arrayCount, structOffset: target?.structOffset)
        case DW_TAG_pointer_type:
            info = TypeInfo(display: (try inner()?.display ?? "void") + " *", structName: nil, isArray: false, arrayCount: nil)
        case DW_TAG_array_type:
            let element = try inner()
            let count = try arrayCount(die)
            info = TypeInfo(display: (element?.display ?? "?") + "[\(count.map(String.init) ?? "")]",
                            structName: element?.structName, isArray: true, arrayCount: count,
                            structOffset: element?.structOffset)
        case DW_TAG_subroutine_type:
            info = TypeInfo(display: "function", structName: nil, isArray: false, arrayCount: nil)
        default:
            info = TypeInfo(display: name ?? "?", structName: nil, isArray: false, arrayCount: nil)
        }
        typeCache[offset] = info
        return info
    }

    /// The element count of a one-dimensional array (`DW_AT_count`, or `DW_AT_upper_bound` + 1).
    private func arrayCount(_ die: Dwarf_Die) throws(DebugInfoError) -> UInt64? {
        var child: Dwarf_Die?
        let rc = dwarf_child(die, &child, &error)
        if rc == DW_DLV_NO_ENTRY { return nil }
        guard rc == DW_DLV_OK, let child else { throw failure("dwarf_child (array)") }
        defer { dwarf_dealloc_die(child) }
        if let count = try unsigned(child, DW_AT_count) { return count }
        if let upper = try unsigned(child, DW_AT_upper_bound), upper < UInt64.max { return upper + 1 }
        return nil
    }

    /// The DIE's offset in .debug_info (nil when libdwarf cannot say).
    private func offset(of die: Dwarf_Die) -> Dwarf_Off? {
        var offset: Dwarf_Off = 0
        guard dwarf_dieoffset(die, &offset, &error) == DW_DLV_OK else {
            discardError()
            return nil
        }
        return offset
    }

    /// Siblings follow each other in .debug_info: a DW_AT_sibling that points back makes a
    /// cycle libdwarf 20210528 follows for ever (a fuzzed module walked 20 million DIEs).
    /// Frees `sibling` when it throws.
    private func ensureForward(_ sibling: Dwarf_Die, after previous: Dwarf_Off?) throws(DebugInfoError) {
        guard let previous, let next = offset(of: sibling), next > previous else {
            dwarf_dealloc_die(sibling)
            throw .corrupt("the DIE after 0x\(String(previous ?? 0, radix: 16)) is not after it (a sibling cycle)")
        }
    }

    // MARK: attributes

    /// `first ?? second` with both evaluated: `??` takes an untyped throwing autoclosure.
    private func either<T>(_ first: @autoclosure () throws(DebugInfoError) -> T?,
                           _ second: @autoclosure () throws(DebugInfoError) -> T?) throws(DebugInfoError) -> T? {
        if let value = try first() { return value }
        return try second()
    }

    private func dieAt(_ offset: Dwarf_Off) throws(DebugInfoError) -> Dwarf_Die {
        var die: Dwarf_Die?
        guard dwarf_offdie_b(dbg, offset, 1, &die, &error) == DW_DLV_OK, let die else {
            throw failure("dwarf_offdie_b(0x\(String(offset, radix: 16)))")
        }
        return die
    }

    private func name(of die: Dwarf_Die?) throws(DebugInfoError) -> String? {
        guard let die else { return nil }
        return try name(of: die)
    }

    private func reference(_ die: Dwarf_Die?, _ code: Int32) throws(DebugInfoError) -> Dwarf_Off? {
        guard let die else { return nil }
        return try reference(die, code)
    }

    private func declLocation(_ die: Dwarf_Die?) throws(DebugInfoError) -> SourceLocation? {
        guard let die else { return nil }
        return try declLocation(die)
    }

    private func name(of die: Dwarf_Die) throws(DebugInfoError) -> String? {
        var text: UnsafeMutablePointer<CChar>?
        let rc = dwarf_diename(die, &text, &error)
        if rc == DW_DLV_NO_ENTRY { return nil }
        guard rc == DW_DLV_OK, let text else { throw failure("dwarf_diename") }
        return String(cString: text)
    }

    private func attribute(_ die: Dwarf_Die, _ code: Int32) throws(DebugInfoError) -> Dwarf_Attribute? {
        var attribute: Dwarf_Attribute?
        let rc = dwarf_attr(die, Dwarf_Half(code), &attribute, &error)
        if rc == DW_DLV_NO_ENTRY { return nil }
        guard rc == DW_DLV_OK, let attribute else { throw failure("dwarf_attr") }
        return attribute
    }

    func string(_ die: Dwarf_Die, _ code: Int32) throws(DebugInfoError) -> String? {
        guard let attribute = try attribute(die, code) else { return nil }
        defer { dwarf_dealloc_attribute(attribute) }
        var text: UnsafeMutablePointer<CChar>?
        guard dwarf_formstring(attribute, &text, &error) == DW_DLV_OK, let text else {
            discardError()
            return nil
        }
        return String(cString: text)
    }

    private func flag(_ die: Dwarf_Die, _ code: Int32) throws(DebugInfoError) -> Bool {
        guard let attribute = try attribute(die, code) else { return false }
        defer { dwarf_dealloc_attribute(attribute) }
        var value: Dwarf_Bool = 0
        guard dwarf_formflag(attribute, &value, &error) == DW_DLV_OK else {
            discardError()
            return false
        }
        return value != 0
    }

    private func form(_ attribute: Dwarf_Attribute) throws(DebugInfoError) -> Int32 {
        var form: Dwarf_Half = 0
        guard dwarf_whatform(attribute, &form, &error) == DW_DLV_OK else { throw failure("dwarf_whatform") }
        return Int32(form)
    }

    /// A constant attribute. gcc 12's DWARF 5 puts `DW_AT_decl_file` and others in
    /// `DW_FORM_implicit_const`, which dwarf_formudata rejects in 20210528.
    private func unsigned(_ die: Dwarf_Die, _ code: Int32) throws(DebugInfoError) -> UInt64? {
        guard let attribute = try attribute(die, code) else { return nil }
        defer { dwarf_dealloc_attribute(attribute) }
        switch try form(attribute) {
        case DW_FORM_implicit_const, DW_FORM_sdata:
            var value: Dwarf_Signed = 0
            guard dwarf_formsdata(attribute, &value, &error) == DW_DLV_OK else { throw failure("dwarf_formsdata") }
            return value >= 0 ? UInt64(value) : nil
        case DW_FORM_data1, DW_FORM_data2, DW_FORM_data4, DW_FORM_data8, DW_FORM_udata:
            var value: Dwarf_Unsigned = 0
            guard dwarf_formudata(attribute, &value, &error) == DW_DLV_OK else { throw failure("dwarf_formudata") }
            return value
        default:
            return nil
        }
    }

    private func reference(_ die: Dwarf_Die, _ code: Int32) throws(DebugInfoError) -> Dwarf_Off? {
        guard let attribute = try attribute(die, code) else { return nil }
        defer { dwarf_dealloc_attribute(attribute) }
        var offset: Dwarf_Off = 0
        guard dwarf_global_formref(attribute, &offset, &error) == DW_DLV_OK else { throw failure("dwarf_global_formref") }
        return offset
    }

    /// An expression location's bytes, copied.
    private func expression(_ die: Dwarf_Die, _ code: Int32) throws(DebugInfoError) -> [UInt8]? {
        guard let attribute = try attribute(die, code) else { return nil }
        defer { dwarf_dealloc_attribute(attribute) }
        guard try form(attribute) == DW_FORM_exprloc else { return nil }
        var length: Dwarf_Unsigned = 0
        var block: Dwarf_Ptr?
        guard dwarf_formexprloc(attribute, &length, &block, &error) == DW_DLV_OK else { throw failure("dwarf_formexprloc") }
        guard let block, length > 0, length < 1 << 16 else { return [] }
        return Array(UnsafeRawBufferPointer(start: block, count: Int(length)))
    }

    /// `DW_AT_data_member_location`: a constant, or (older producers) `DW_OP_plus_uconst n`.
    private func memberLocation(_ die: Dwarf_Die) throws(DebugInfoError) -> UInt64? {
        if let value = try unsigned(die, DW_AT_data_member_location) { return value }
        guard let bytes = try expression(die, DW_AT_data_member_location), bytes.first == UInt8(DW_OP_plus_uconst) else {
            return nil
        }
        return DwarfReader.uleb128(bytes.dropFirst())
    }

    /// A `static` variable in a function: located by a plain address.
    private func hasStaticAddress(_ die: Dwarf_Die) throws(DebugInfoError) -> Bool {
        try expression(die, DW_AT_location)?.first == UInt8(DW_OP_addr)
    }

    private func declLocation(_ die: Dwarf_Die) throws(DebugInfoError) -> SourceLocation? {
        guard let fileIndex = try unsigned(die, DW_AT_decl_file), let line = try unsigned(die, DW_AT_decl_line),
              line > 0, line < UInt64(Int32.max) else { return nil }
        let column = try unsigned(die, DW_AT_decl_column).flatMap { $0 > 0 && $0 < UInt64(Int32.max) ? Int($0) : nil }
        guard fileIndex >= UInt64(fileIndexBase), fileIndex - UInt64(fileIndexBase) < UInt64(files.count) else { return nil }
        let file = relativeToCompDir(files[Int(fileIndex) - fileIndexBase])
        return SourceLocation(file: file, line: Int(line), column: column)
    }

    /// The path relative to the compilation directory when under it, normalised: kbuild
    /// names an external module's sources through `..` from the kernel tree on some kernels
    /// (`../../home/u/driver/foo.c`), which is joined to the directory and resolved.
    func relativeToCompDir(_ path: String) -> String { SourcePath.relativeToCompDir(path, compDir: compDir) }
}

extension SourcePath {
    /// The path relative to the compilation directory when under it, normalised (see
    /// `DwarfReader.relativeToCompDir`).
    static func relativeToCompDir(_ path: String, compDir: String?) -> String {
        guard let compDir, !compDir.isEmpty else { return SourcePath.normalise(path) }
        var full = path
        if !path.hasPrefix("/"), path.split(separator: "/").contains("..") {
            full = compDir + "/" + path
        }
        full = SourcePath.normalise(full)
        return SourcePath.relative(full, to: compDir) ?? full
    }
}

extension DwarfReader {
    static func uleb128<C: Collection>(_ bytes: C) -> UInt64? where C.Element == UInt8 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes {
            guard shift < 64 else { return nil }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}

// MARK: line programs

extension DwarfReader {
    /// Limit against hostile input: the largest Debian 6.1 module has about two million rows.
    static let maxLineRows = 50_000_000

    func readLines(anchors: [LineAnchor]) throws(DebugInfoError) -> LineTable {
        var units: [UnitLines] = []
        var files: [String] = []
        var fileIndex: [String: UInt32] = [:]
        var rowCount = 0
        try forEachUnit { unitDie, _ throws(DebugInfoError) in
            compDir = try string(unitDie, DW_AT_comp_dir)
            var tableVersion: Dwarf_Unsigned = 0
            var tableCount: Dwarf_Small = 0
            var context: Dwarf_Line_Context?
            let lrc = dwarf_srclines_b(unitDie, &tableVersion, &tableCount, &context, &error)
            if lrc == DW_DLV_NO_ENTRY { return }
            // A unit whose line program libdwarf rejects keeps its declarations.
            guard lrc == DW_DLV_OK, let context else { discardError(); return }
            defer { dwarf_srclines_dealloc_b(context) }
            var tableOffset: Dwarf_Unsigned = 0
            var lines: UnsafeMutablePointer<Dwarf_Line?>?
            var count: Dwarf_Signed = 0
            guard tableCount == 1, dwarf_srclines_table_offset(context, &tableOffset, &error) == DW_DLV_OK,
                  dwarf_srclines_from_linecontext(context, &lines, &count, &error) == DW_DLV_OK,
                  let lines, count > 0 else {
                discardError()
                return
            }
            rowCount += Int(count)
            guard rowCount <= DwarfReader.maxLineRows else { throw .corrupt("more than \(DwarfReader.maxLineRows) line rows") }
            // File numbers are the unit's own; names are shared by the whole table.
            var unitFiles: [Dwarf_Unsigned: UInt32] = [:]
            var rows: [UnitLines.RawRow] = []
            rows.reserveCapacity(Int(count))
            for index in 0..<Int(count) {
                guard let line = lines[index] else { continue }
                var address: Dwarf_Addr = 0, number: Dwarf_Unsigned = 0, column: Dwarf_Unsigned = 0
                var fileNumber: Dwarf_Unsigned = 0
                var setsAddress: Dwarf_Bool = 0, endsSequence: Dwarf_Bool = 0
                guard dwarf_lineaddr(line, &address, &error) == DW_DLV_OK,
                      dwarf_lineno(line, &number, &error) == DW_DLV_OK,
                      dwarf_lineoff_b(line, &column, &error) == DW_DLV_OK,
                      dwarf_line_srcfileno(line, &fileNumber, &error) == DW_DLV_OK,
                      dwarf_line_is_addr_set(line, &setsAddress, &error) == DW_DLV_OK,
                      dwarf_lineendsequence(line, &endsSequence, &error) == DW_DLV_OK else {
                    throw failure("reading line row \(index)")
                }
                let file: UInt32
                if let known = unitFiles[fileNumber] {
                    file = known
                } else {
                    var text: UnsafeMutablePointer<CChar>?
                    var name = "?"
                    if dwarf_linesrc(line, &text, &error) == DW_DLV_OK, let text {
                        name = relativeToCompDir(String(cString: text))
                        dwarf_dealloc(dbg, UnsafeMutableRawPointer(text), Dwarf_Unsigned(DW_DLA_STRING))
                    } else {
                        discardError()
                    }
                    if let shared = fileIndex[name] {
                        file = shared
                    } else {
                        file = UInt32(files.count)
                        files.append(name)
                        fileIndex[name] = file
                    }
                    unitFiles[fileNumber] = file
                }
                rows.append(UnitLines.RawRow(
                    address: address, line: UInt32(clamping: number), column: UInt32(clamping: column), file: file,
                    setsAddress: setsAddress != 0, endsSequence: endsSequence != 0))
            }
            units.append(UnitLines(tableOffset: tableOffset, rows: rows))
        }
        return UnitLines.tie(units, anchors: anchors, files: files)
    }
}
