extension ModuleObject {
    /// The relocations that apply to one debug section (`.rela.debug_line`), which `load`
    /// leaves out: no module rule scans debug info, and a large module has hundreds of
    /// thousands of them. Read again from the file, only when asked for.
    public func relocations(appliedTo sectionName: String) throws -> [Relocation] {
        try ElfImage.withImage(path: path) { image in
            try image.readRelocations(symbolCount: symbols.count, appliedTo: sectionName).flatMap(\.relocations)
        }
    }
}
