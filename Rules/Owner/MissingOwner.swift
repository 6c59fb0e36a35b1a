import DebugInfo
import LintEngine
import ModuleObject

/// O001: an object whose type has an owner field (`struct module *`) that the module does
/// not fill with THIS_MODULE.
public struct MissingOwner: DebugInfoRule {
    public static let description = RuleDescription(
        code: "O001", name: "missing-owner", defaultSeverity: .warning,
        summary: "An object of a type whose owner field pins the module (file_operations, block_device_operations, file_system_type, proto_ops, crypto_alg, …) leaves it unset.",
        rationale: """
            The core takes a reference on `owner` (try_module_get) while the object is in use: an open \
            file, a mounted filesystem, a socket. With the field left NULL nothing pins the module, so \
            rmmod succeeds while the object is still reachable and the next call jumps into freed code. \
            A filesystem module's file_operations for its inodes are exempt when its file_system_type \
            sets the owner: the mount pins the module. Two more cases need no owner, because \
            something else pins the module: the proto_ops an af_alg_type points to (`ops`, \
            `ops_nokey`) when the type sets its owner (af_alg takes a reference on the type's owner \
            at bind and keeps it until the socket is released), and the standard and error xt_target \
            of the table cores (ip_tables, ip6_tables, arp_tables, ebtables: every table that uses \
            them is registered through the core's own exported register function, so the core cannot \
            be unloaded first, and nft_compat refuses those two targets). The check needs the module's debug info (DWARF) for the types of its objects; modules \
            without it are listed once per run.
            """,
        fix: """
            Set the field to THIS_MODULE in the initialiser (`.owner = THIS_MODULE`; `.cra_module`, \
            `.module` or `.me` for the structures that name it so).
            """,
        kernelVersions: "all (the owner structures of the target kernel, read from the module's DWARF)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_owner.ko",
                        expected: ["fx_bdops_no_owner", "fx_fops_no_owner", "fx_fs_type_no_owner", "fx_xt_targets"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_owner_ok.ko", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
            // Without DWARF: one note for the run naming the modules that were not checked.
            RuleExample(fixture: "stripped/linux-6.1-amd64/fx_owner.ko", expected: ["fx_owner"]),
        ])

    public init() {}

    /// An owner field inside a structure, possibly in an embedded one
    /// (`shash_alg.halg.base.cra_module`).
    struct Slot: Hashable {
        let path: String
        let offset: UInt64
        let ownerStruct: String
    }

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        guard let debugInfo = context.debugInfo else { return [] }
        let module = context.module
        let stored = ThisModuleReferences(module)
        var slotCache: [String: [Slot]] = [:]
        var found: [Diagnostic] = []
        let objects = TypedObject.all(in: module, debugInfo: debugInfo)
        // A filesystem's inode and directory file_operations need no owner: the mount holds
        // the module through file_system_type.owner (VFS code leaves them unset throughout).
        // Modules that register a filesystem with its owner set are exempt for fops.
        let pinnedByFilesystem = objects.contains { object in
            guard object.structName == "file_system_type", !object.variable.isArray,
                  let owner = debugInfo.member(path: ["owner"], in: "file_system_type") else { return false }
            let (place, overflow) = object.symbol.value.addingReportingOverflow(owner.offset)
            return !overflow && stored.contains(section: object.section.index, offset: place)
        }
        let pinned = Self.pinnedThroughHolders(objects, module: module, debugInfo: debugInfo, stored: stored)
        let isTableCore = module.exports.contains { Self.tableCoreExports.contains($0.name) }
        for object in objects {
            if isTableCore && object.structName == "xt_target" { continue }
            if pinned.contains(DataPlace(section: object.section.index, offset: object.symbol.value)) { continue }
            var slots = Self.slots(in: object.structName, debugInfo: debugInfo, cache: &slotCache)
            if pinnedByFilesystem { slots.removeAll { $0.ownerStruct == "file_operations" } }
            guard !slots.isEmpty, let size = debugInfo.structs[object.structName]?.size, size > 0 else { continue }
            let count: UInt64
            if object.variable.isArray {
                guard object.symbol.size % size == 0 else { continue }
                count = object.symbol.size / size
            } else {
                guard object.symbol.size == size else { continue }
                count = 1
            }
            for element in 0..<count {
                for slot in slots {
                    let offset = element * size + slot.offset
                    let (place, overflow) = object.symbol.value.addingReportingOverflow(offset)
                    guard !overflow, !stored.contains(section: object.section.index, offset: place) else { continue }
                    let name = object.variable.isArray ? "\(object.symbol.name)[\(element)]" : object.symbol.name
                    let inner = slot.ownerStruct == object.structName ? "" : " (struct \(slot.ownerStruct))"
                    found.append(context.diagnostic(
                        Self.description,
                        "'\(name)' (struct \(object.structName)) does not set .\(slot.path)\(inner): nothing pins the module while the object is in use; set it to THIS_MODULE",
                        symbol: object.symbol.name, section: object.section.name, offset: offset,
                        location: object.variable.location))
                }
            }
        }
        return found
    }

    /// An object type whose objects are used only through a holder object that pins the module.
    struct Holder {
        let structName: String
        /// Members of the holder that point at the objects it pins.
        let members: [String]
        /// The holder's own owner field.
        let owner: [String]
    }

    /// af_alg: alg_bind() takes a reference on `af_alg_type.owner`, dropped when the socket goes.
    static let holders = [Holder(structName: "af_alg_type", members: ["ops", "ops_nokey"], owner: ["owner"])]

    /// The register functions of the x_tables table cores, whose built-in targets leave `.me` unset.
    static let tableCoreExports: Set<String> = ["ipt_register_table", "ip6t_register_table", "arpt_register_table",
                                                "ebt_register_table"]

    /// Places of objects a holder with its owner set points at.
    static func pinnedThroughHolders(_ objects: [TypedObject], module: ModuleObject, debugInfo: DebugInfo,
                                     stored: ThisModuleReferences) -> Set<DataPlace> {
        var result: Set<DataPlace> = []
        var pointers: DataPointers?
        for holder in holders {
            guard let owner = debugInfo.member(path: holder.owner, in: holder.structName) else { continue }
            for object in objects where object.structName == holder.structName && !object.variable.isArray {
                let (ownerPlace, overflow) = object.symbol.value.addingReportingOverflow(owner.offset)
                guard !overflow, stored.contains(section: object.section.index, offset: ownerPlace) else { continue }
                if pointers == nil { pointers = DataPointers(module) }
                for name in holder.members {
                    guard let member = debugInfo.member(path: [name], in: holder.structName) else { continue }
                    let (place, overflow) = object.symbol.value.addingReportingOverflow(member.offset)
                    if !overflow, let target = pointers!.target(section: object.section.index, offset: place) {
                        result.insert(target)
                    }
                }
            }
        }
        return result
    }

    /// Owner fields of `structName` and of the structures embedded in it (not pointed to),
    /// three levels deep. A `cdev` is only checked as an object of its own: embedded in a
    /// driver's state it is set up at run time by cdev_init.
    static func slots(in structName: String, debugInfo: DebugInfo, cache: inout [String: [Slot]], depth: Int = 0) -> [Slot] {
        if let cached = cache[structName] { return cached }
        guard let layout = debugInfo.structs[structName] else { return [] }
        var result: [Slot] = []
        if let field = OwnerFields.required[structName], let member = layout.member(named: field),
           member.typeName == OwnerFields.ownerType, let offset = member.offset {
            result.append(Slot(path: field, offset: offset, ownerStruct: structName))
        }
        if depth < 3 {
            for member in layout.members {
                guard let name = member.name, let offset = member.offset, member.typeName.hasPrefix("struct "),
                      !member.typeName.contains("*"), !member.typeName.contains("[") else { continue }
                let inner = String(member.typeName.dropFirst("struct ".count))
                guard inner != structName, inner != "cdev" else { continue }
                for slot in slots(in: inner, debugInfo: debugInfo, cache: &cache, depth: depth + 1) {
                    let (sum, overflow) = offset.addingReportingOverflow(slot.offset)
                    guard !overflow else { continue }
                    result.append(Slot(path: name + "." + slot.path, offset: sum, ownerStruct: slot.ownerStruct))
                }
            }
        }
        cache[structName] = result
        return result
    }

    public func unchecked(_ modules: [UncheckedModule]) -> [Diagnostic] {
        guard let first = modules.first else { return [] }
        let missing = modules.filter { $0.error == nil }
        let unreadable = modules.filter { $0.error != nil }
        func list(_ items: [UncheckedModule]) -> String {
            let names = items.prefix(5).map(\.module).joined(separator: ", ")
            return items.count > 5 ? names + ", and \(items.count - 5) more" : names
        }
        var parts: [String] = []
        if !missing.isEmpty {
            parts.append("\(missing.count) module\(missing.count == 1 ? "" : "s") had no debug info (\(list(missing)))")
        }
        if !unreadable.isEmpty {
            let reason = unreadable[0].error.map { ": \($0)" } ?? ""
            parts.append("\(unreadable.count) module\(unreadable.count == 1 ? "" : "s") had unreadable debug info (\(list(unreadable))\(reason))")
        }
        return [Diagnostic(
            code: Self.description.code, name: Self.description.name, severity: .note, path: first.path,
            module: first.module,
            message: "not checked for missing owner fields: " + parts.joined(separator: "; ") + "; build with CONFIG_DEBUG_INFO or lint the unstripped modules")]
    }
}
