/// `struct module __this_module` in `.gnu.linkonce.this_module`, as modpost's generated
/// `<mod>.mod.c` fills it: the name, and the `init`/`exit` pointers relocated against
/// `init_module` / `cleanup_module` (the aliases `module_init()` / `module_exit()` create).
/// The offsets of `init` and `exit` change with the kernel version and configuration, so they
/// are recognised by the symbol they point at, not by position.
public struct ThisModule: Sendable, Hashable {
    public let sectionIndex: Int
    public let size: UInt64
    public let name: String?
    /// Offset inside the structure of the pointer relocated against `init_module`.
    public let initPointerOffset: UInt64?
    /// Offset inside the structure of the pointer relocated against `cleanup_module`.
    public let exitPointerOffset: UInt64?

    public var hasInit: Bool { initPointerOffset != nil }
    public var hasExit: Bool { exitPointerOffset != nil }
}

extension ThisModule {
    static let initAlias = "init_module"
    static let exitAlias = "cleanup_module"

    static func find(sections: [Section], symbols: [Symbol], relocations: [RelocationSection],
                     identity: ElfIdentity, contents: (Section) -> ByteView?) -> ThisModule? {
        guard let section = sections.first(where: { $0.name == SectionNames.thisModule }) else { return nil }
        var initOffset: UInt64?
        var exitOffset: UInt64?
        for relocationSection in relocations where relocationSection.targetSectionIndex == section.index {
            for relocation in relocationSection.relocations {
                switch symbols[relocation.symbolIndex].name {
                case initAlias: initOffset = initOffset ?? relocation.offset
                case exitAlias: exitOffset = exitOffset ?? relocation.offset
                default: break
                }
            }
        }
        // `state` (an enum, padded) and `list` (two pointers) precede `name[MODULE_NAME_LEN]`.
        let pointer = identity.pointerSize
        let nameOffset = pointer + 2 * pointer
        let name = contents(section)?.fixedString(at: nameOffset, length: 64 - pointer)
        return ThisModule(sectionIndex: section.index, size: section.size, name: name?.isEmpty == false ? name : nil,
                          initPointerOffset: initOffset, exitPointerOffset: exitOffset)
    }
}
