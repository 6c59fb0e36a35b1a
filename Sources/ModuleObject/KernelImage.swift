/// A linked kernel, `vmlinux` (the ELF file, not the compressed vmlinuz), read for what it
/// exports: the `__ksymtab_<name>` labels of its symbol table, in `__ksymtab` or
/// `__ksymtab_gpl`, with the namespace at `__kstrtabns_<name>` and the CRC at `__crc_<name>`
/// (absolute up to 5.18, a u32 in `__kcrctab*` since). Symbol values are link-time
/// addresses here, so contents are found through each section's `sh_addr`.
public struct KernelImage: Sendable {
    public let path: String
    public let identity: ElfIdentity
    public let exports: [ExportedSymbol]

    public static func load(path: String) throws -> KernelImage {
        try ElfImage.withImage(path: path, kind: .kernelImage) { image in
            let symbols = try image.readSymbols()
            guard !symbols.isEmpty else {
                throw ModuleError.corrupt("no symbol table: a stripped vmlinux does not list its exports")
            }
            let exports = ExportedSymbol.find(symbols: symbols, sections: image.sections, contents: image.contents(of:), linked: true)
            return KernelImage(path: path, identity: image.identity, exports: exports)
        }
    }
}
