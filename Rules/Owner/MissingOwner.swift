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
            One finding per object: the elements of an array that leave the field unset are named in \
            the message. The field counts as set when the module's code stores to it (x86-64: a \
            `mov` to the field, as kvm_init() does for kvm_chardev_ops). Not reported: an object, or \
            an element of an array, that is all zero with no relocation into it — it has no \
            initialiser and is filled at run time (the nf_conntrack_helper arrays \
            nf_ct_helper_init() fills with THIS_MODULE), or it is the terminator of its array. \
            Exempt because something else pins the module: a filesystem's file_operations when its \
            file_system_type sets the owner (the mount pins the module), or its nfs_subversion does \
            (get_nfs_version() pins it for every mount), or when the module is a filesystem library \
            (fat: vfat and msdos mount through fat_fill_super() and depend on it); file_operations \
            given to a cdev whose owner the module sets (cdev_init(); cdev.owner = THIS_MODULE: \
            chrdev_open() pins the cdev's owner); proto_ops reached from a protocol whose socket is \
            made from a `struct proto` with its owner set (can_proto.prot, inet_protosw.prot: \
            sk_alloc() pins proto.owner for the socket's life), or from an af_alg_type with its owner \
            set (alg_bind() pins it), or of a module that registers no socket family at all (tun, \
            tap: their sockets never pass through __sock_create(), the file holding them pins the \
            module); and objects a core registers with itself — the standard and error xt_target of \
            the table cores (ip_tables, ip6_tables, arp_tables, ebtables: every table that uses them \
            is registered through the core's own exported register function, and nft_compat refuses \
            those two targets) and device-mapper's built-in error target (its tables belong to mapped \
            devices, whose block_device_operations pin dm_mod). A structure whose registration passes \
            THIS_MODULE itself (register_nls()) is not in the table. The check needs the module's \
            debug info (DWARF) for the types of its objects; modules without it are named once per \
            run in a notice.
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
            // Without DWARF: no finding; a notice of the run names the modules not checked.
            RuleExample(fixture: "stripped/linux-6.1-amd64/fx_owner.ko", expected: []),
        ])

    public init() {}

    /// An owner field inside a structure, possibly in an embedded one
    /// (`shash_alg.halg.base.cra_module`); `found` is the structure whose field it is.
    typealias Slot = StructWalk<String>.Slot

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        guard let debugInfo = context.debugInfo else { return [] }
        let module = context.module
        let stored = ThisModuleReferences(module)
        var walk = Self.ownerWalk(debugInfo)
        var found: [Diagnostic] = []
        let objects = TypedObject.all(in: module, debugInfo: debugInfo)
        let pinned = Self.pinnedThroughHolders(objects, module: module, debugInfo: debugInfo, stored: stored)
        let exempt = Self.exemptStructs(module: module, objects: objects, debugInfo: debugInfo, stored: stored)
        var contents = ObjectContents(module)
        var code: CodeStores?
        let cdevOwned = module.importNames.contains("cdev_init") && Self.codeStoresThisModule(module)
            ? Self.argumentsOf("cdev_init", in: module) : []
        for object in objects {
            if exempt[object.structName] != nil { continue }
            if object.structName == "file_operations" && cdevOwned.contains(object.symbol.name) { continue }
            if pinned.contains(DataPlace(section: object.section.index, offset: object.symbol.value)) { continue }
            let slots = walk.slots(in: object.structName)
            guard !slots.isEmpty, let size = debugInfo.structs[object.structName]?.size, size > 0 else { continue }
            let count: UInt64
            if object.variable.isArray {
                guard object.symbol.size % size == 0 else { continue }
                count = object.symbol.size / size
            } else {
                guard object.symbol.size == size else { continue }
                count = 1
            }
            // Which element leaves which owner field unset, before anything is read from the file.
            var unset: [(element: UInt64, slot: Slot)] = []
            for element in 0..<count {
                for slot in slots {
                    let (place, overflow) = object.symbol.value.addingReportingOverflow(element * size + slot.offset)
                    guard !overflow, !stored.contains(section: object.section.index, offset: place) else { continue }
                    unset.append((element, slot))
                }
            }
            guard !unset.isEmpty else { continue }
            // Blank elements have no initialiser: filled at run time, or the terminator.
            let blank = contents.blankElements(section: object.section.index, offset: object.symbol.value, size: size, count: count)
            if code == nil { code = CodeStores(module, contents: &contents) }
            unset.removeAll { item in
                blank[Int(item.element)] || code!.contains(section: object.section.index,
                                                          offset: object.symbol.value &+ item.element * size &+ item.slot.offset)
            }
            guard let first = unset.first else { continue }
            let fields = Array(Set(unset.map(\.slot.path))).sorted()
            let fieldText = fields.map { "." + $0 }.joined(separator: ", ")
            let inner = first.slot.found == object.structName || fields.count > 1 ? "" : " (struct \(first.slot.found))"
            let message: String
            if object.variable.isArray {
                let numbers = Array(Set(unset.map(\.element))).sorted()
                let many = numbers.count > 1
                message = "'\(object.symbol.name)' (struct \(object.structName)[\(count)]): element\(many ? "s" : "") \(Self.ranges(numbers)) \(many ? "do" : "does") not set \(fieldText)\(inner): nothing pins the module while \(many ? "they are" : "it is") in use; set it to THIS_MODULE"
            } else {
                message = "'\(object.symbol.name)' (struct \(object.structName)) does not set \(fieldText)\(inner): nothing pins the module while the object is in use; set it to THIS_MODULE"
            }
            found.append(context.diagnostic(
                Self.description, message,
                symbol: object.symbol.name,
                place: .inside(object.symbol.name, at: object.symbol.value, offset: first.element * size + first.slot.offset,
                               section: object.section.name,
                               element: (object.variable.isArray ? "[\(first.element)]" : "") + "." + first.slot.path),
                location: object.variable.location))
        }
        return found
    }

    /// `[0, 1, 2, 5]` → `[0..2], [5]`.
    static func ranges(_ sorted: [UInt64]) -> String {
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "[\(sorted[index])]" : "[\(sorted[index])..\(sorted[end])]")
            index = end + 1
        }
        return parts.joined(separator: ", ")
    }

    /// Why a module's objects of some type need no owner of their own: something else pins
    /// the module while they are in use. Data, each with its reason (the rationale repeats them).
    enum Exemption: String {
        /// A filesystem's inode and directory file_operations: the mount holds the module
        /// through file_system_type.owner (VFS code leaves them unset throughout).
        case mountedFilesystem = "the module's file_system_type sets its owner: the mount pins the module"
        /// The NFS client takes a reference on `nfs_subversion.owner` for every mount (get_nfs_version).
        case nfsVersion = "the module's nfs_subversion sets its owner: every mount of that version pins the module"
        /// fat: vfat and msdos mount through fat_fill_super() and depend on fat by symbol;
        /// their own file_system_type pins them, and they pin fat.
        case filesystemLibrary = "the module is a filesystem library: the filesystems built on it depend on it and pin it"
        /// tun, tap: sockets made with sk_alloc() by the module itself, never through
        /// socket(2)/__sock_create(), which is what takes proto_ops.owner; the file that holds
        /// them pins the module.
        case noSocketFamily = "the module registers no socket family: its sockets are never created through __sock_create()"
        /// phantom: cdev_init(&dev->cdev, &fops); dev->cdev.owner = THIS_MODULE; chrdev_open
        /// takes a reference on the cdev's owner and __fput drops it.
        case cdevOwned = "the module sets the owner of the cdev the file_operations are given to"
    }

    /// Exports that mark a filesystem library (see `Exemption.filesystemLibrary`).
    static let filesystemLibraryExports: Set<String> = ["fat_fill_super"]
    /// Imports through which a module registers a socket family (or a protocol of one) whose
    /// create call __sock_create() makes.
    static let socketFamilyRegistrations: Set<String> = [
        "sock_register", "can_proto_register", "bt_sock_register", "inet_register_protosw", "inet6_register_protosw",
        "register_pppox_proto", "af_alg_register_type", "nfc_proto_register", "phonet_proto_register",
    ]

    /// The object types of this module that need no owner, and why.
    static func exemptStructs(module: ModuleObject, objects: [TypedObject], debugInfo: DebugInfo,
                              stored: ThisModuleReferences) -> [String: Exemption] {
        var result: [String: Exemption] = [:]
        func ownerSet(_ structName: String, field: String = "owner") -> Bool {
            guard let owner = debugInfo.member(path: [field], in: structName) else { return false }
            return objects.contains { object in
                guard object.structName == structName, !object.variable.isArray else { return false }
                let (place, overflow) = object.symbol.value.addingReportingOverflow(owner.offset)
                return !overflow && stored.contains(section: object.section.index, offset: place)
            }
        }
        if ownerSet("file_system_type") {
            result["file_operations"] = .mountedFilesystem
        } else if ownerSet("nfs_subversion") {
            result["file_operations"] = .nfsVersion
        } else if module.exports.contains(where: { filesystemLibraryExports.contains($0.name) }) {
            result["file_operations"] = .filesystemLibrary
        }
        if module.importNames.isDisjoint(with: socketFamilyRegistrations) {
            result["proto_ops"] = .noSocketFamily
        }
        return result
    }

    /// Data objects the module's code names last before each call of `function`: what it
    /// passes (`cdev_init(&dev->cdev, &fops)` loads &fops just before the call).
    static func argumentsOf(_ function: String, in module: ModuleObject) -> Set<String> {
        var result: Set<String> = []
        for relocationSection in module.relocationSections {
            guard relocationSection.targetSectionIndex < module.sections.count,
                  module.sections[relocationSection.targetSectionIndex].isExecutable else { continue }
            var pending: [String] = []
            for relocation in relocationSection.relocations.sorted(by: { $0.offset < $1.offset })
            where relocation.symbolIndex < module.symbols.count {
                let symbol = module.symbols[relocation.symbolIndex]
                if symbol.name == function {
                    result.formUnion(pending)
                    pending = []
                } else if symbol.type == Symbol.typeFunc || symbol.isUndefined {
                    pending = []
                } else if symbol.type == Symbol.typeObject {
                    pending.append(symbol.name)
                } else if symbol.isSectionSymbol, let index = symbol.sectionIndex, relocation.addendIsKnown {
                    // A local object named through its section (addend less the 4 bytes of a
                    // RIP-relative displacement on x86-64).
                    for slack: Int64 in [0, 4] {
                        let address = UInt64(bitPattern: Int64(bitPattern: symbol.value) &+ relocation.addend &+ slack)
                        if let named = module.symbols.first(where: {
                            $0.sectionIndex == index && $0.type == Symbol.typeObject && $0.value == address && $0.size > 0
                        }) {
                            pending.append(named.name)
                        }
                    }
                }
            }
        }
        return result
    }

    /// The module's code refers to `__this_module` (stores THIS_MODULE somewhere at run time).
    static func codeStoresThisModule(_ module: ModuleObject) -> Bool {
        module.relocationSections.contains { relocationSection in
            relocationSection.targetSectionIndex < module.sections.count
                && module.sections[relocationSection.targetSectionIndex].isExecutable
                && relocationSection.relocations.contains { relocation in
                    relocation.symbolIndex < module.symbols.count && module.symbols[relocation.symbolIndex].name == "__this_module"
                }
        }
    }

    /// An object type whose objects are used only through a holder object that pins the module.
    struct Holder {
        let structName: String
        /// Members of the holder that point at the objects it pins.
        let members: [String]
        /// The owner field that pins: the holder's own (`via` nil), or that of the object
        /// its member `via` points at.
        let owner: [String]
        let via: String?
        let viaStruct: String?
    }

    /// af_alg: alg_bind() takes a reference on `af_alg_type.owner`, dropped when the socket goes.
    /// CAN (bcm, raw, isotp, j1939) and inet protocols: the socket is made by sk_alloc() from
    /// the `proto` the protocol names (`can_proto.prot`, `inet_protosw.prot`), which takes a
    /// reference on `proto.owner` for the socket's life; the proto_ops need none of their own.
    static let holders = [
        Holder(structName: "af_alg_type", members: ["ops", "ops_nokey"], owner: ["owner"], via: nil, viaStruct: nil),
        Holder(structName: "can_proto", members: ["ops"], owner: ["owner"], via: "prot", viaStruct: "proto"),
        Holder(structName: "inet_protosw", members: ["ops"], owner: ["owner"], via: "prot", viaStruct: "proto"),
    ]

    /// Objects a core module registers with itself, found by the register function the core
    /// exports: the x_tables table cores' standard and error targets (`.me` unset), and
    /// device-mapper's built-in `error` target (`.module` unset). Every user of them goes
    /// through the core, which cannot be unloaded first: the tables are registered through
    /// its exported functions, and a mapped device's block_device_operations pin dm_mod.
    static let coreObjects: [String: Set<String>] = [
        "xt_target": ["ipt_register_table", "ip6t_register_table", "arpt_register_table", "ebt_register_table"],
        "target_type": ["dm_register_target"],
        // target_core_mod's own passthrough fabric for EXTENDED COPY, never registered as a template.
        "target_core_fabric_ops": ["target_register_template"],
    ]

    /// Places of objects a holder with its owner set points at. The x_tables cores' own
    /// xt_target objects count as pinned too (see the rationale).
    static func pinnedThroughHolders(_ objects: [TypedObject], module: ModuleObject, debugInfo: DebugInfo,
                                     stored: ThisModuleReferences) -> Set<DataPlace> {
        var result: Set<DataPlace> = []
        for (structName, exports) in coreObjects where module.exports.contains(where: { exports.contains($0.name) }) {
            for object in objects where object.structName == structName {
                result.insert(DataPlace(section: object.section.index, offset: object.symbol.value))
            }
        }
        var pointers: DataPointers?
        for holder in holders {
            let ownerStruct = holder.viaStruct ?? holder.structName
            guard let owner = debugInfo.member(path: holder.owner, in: ownerStruct) else { continue }
            for object in objects where object.structName == holder.structName && !object.variable.isArray {
                if pointers == nil { pointers = DataPointers(module) }
                var ownerPlace: DataPlace
                if let via = holder.via {
                    guard let member = debugInfo.member(path: [via], in: holder.structName),
                          let target = pointers!.target(section: object.section.index, offset: object.symbol.value &+ member.offset)
                    else { continue }
                    ownerPlace = DataPlace(section: target.section, offset: target.offset &+ owner.offset)
                } else {
                    ownerPlace = DataPlace(section: object.section.index, offset: object.symbol.value &+ owner.offset)
                }
                guard stored.contains(section: ownerPlace.section, offset: ownerPlace.offset) else { continue }
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

    /// The walk for owner fields: a structure's own owner member (`OwnerFields.required`), then
    /// those of the structures embedded in it, three levels deep; `found` is the structure
    /// whose member it is. A `cdev` is only checked as an object of its own: embedded in a
    /// driver's state it is set up at run time by cdev_init.
    static func ownerWalk(_ debugInfo: DebugInfo) -> StructWalk<String> {
        StructWalk(debugInfo: debugInfo, skipping: ["cdev"]) { member, structName, layout in
            guard let field = OwnerFields.required[structName], member.name == field,
                  layout.member(named: field) == member, member.typeName == OwnerFields.ownerType else { return nil }
            return structName
        }
    }

    public func unchecked(_ modules: [UncheckedModule]) -> Notice? {
        guard !modules.isEmpty else { return nil }
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
        return Notice(
            code: Self.description.code, name: Self.description.name, severity: .note,
            message: "not checked for missing owner fields: " + parts.joined(separator: "; ") + "; build with CONFIG_DEBUG_INFO or lint the unstripped modules",
            paths: modules.map(\.path))
    }
}
