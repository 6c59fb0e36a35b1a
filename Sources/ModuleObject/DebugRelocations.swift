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

extension ModuleObject {
    /// Runs `body` with the bytes of the module's file as the ELF layer maps them (decompressed
    /// for a compressed module): for the readers of the sections `load` leaves alone (DWARF),
    /// which find them through `sections`. The bytes are valid only inside `body`; every
    /// offset taken from the file must be checked against their count.
    public func withFileBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        try ElfImage.withImage(path: path) { image in
            try body(UnsafeRawBufferPointer(start: image.file.base, count: image.file.count))
        }
    }
}
