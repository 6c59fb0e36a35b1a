import CLibElf
import ParallelRun
#if canImport(Glibc)
import Glibc
#endif

/// The one place that talks to libelf. An `ElfImage` lives for the duration of one parse:
/// it opens the file, validates every header field libelf would trust before libelf sees it,
/// and hands out plain Swift values. Nothing here escapes the `withImage` call.
final class ElfImage {
    /// What the file must be: a module (ET_REL), or a linked kernel image (`vmlinux`: ET_EXEC,
    /// or ET_DYN for relocatable kernels) read only for its symbol table.
    enum ObjectKind: Sendable { case module, kernelImage }

    /// Files beyond this size are refused rather than mapped: the largest module in Debian's
    /// trees is a few tens of MiB with full DWARF.
    static let maximumFileSize = ModuleLimits.fileSize

    let elf: OpaquePointer
    let file: ByteView
    let identity: ElfIdentity
    private(set) var sections: [Section] = []
    private(set) var symbolTableIndex: Int?

    private static let libelfReady: Bool = elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE)

    /// A compressed module may decompress to at most this much: the largest module of
    /// Debian's trees is about 20 MiB uncompressed (amdgpu.ko).
    static let maximumDecompressedSize = ModuleLimits.decompressedSize

    /// Opens `path`, validates it and runs `body` with the image. A file of up to
    /// `MappingArenas.largestFile` bytes is mapped into an arena (unmapped with its batch); a
    /// larger one (a module with full DWARF), or one that cannot be mapped there, is mapped
    /// by libelf (`ELF_C_READ_MMAP`, which falls back to reading) and unmapped when `body`
    /// returns. A compressed module
    /// (xz, zstd, gzip, recognised by magic) is decompressed into memory first, at most
    /// `decompressedLimit` bytes, and read with `elf_memory`.
    /// Opens a module file for reading: a regular file (O_NONBLOCK: a FIFO or a device node
    /// named like a module must not block the run) of at most `maximumFileSize` bytes. The
    /// caller closes the descriptor.
    static func openModuleFile(_ path: String) throws -> (fd: Int32, size: UInt64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw ModuleError.cannotOpen(String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ModuleError.cannotOpen(reason)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ModuleError.cannotOpen("not a regular file")
        }
        let size = UInt64(status.st_size)
        guard size <= maximumFileSize else {
            close(fd)
            throw ModuleError.tooLarge("\(size) bytes, the limit is \(maximumFileSize)")
        }
        return (fd, size)
    }

    static func withImage<T>(path: String, decompressedLimit: Int = maximumDecompressedSize, kind: ObjectKind = .module,
                             _ body: (ElfImage) throws -> T) throws -> T {
        guard libelfReady else { throw ModuleError.unsupported("libelf refused ELF version \(EV_CURRENT)") }
        let (fd, size) = try openModuleFile(path)
        defer { close(fd) }
        var ident = [UInt8](repeating: 0, count: 16)
        let identLength = pread(fd, &ident, 16, 0)
        if identLength >= 2, let format = CompressionFormat.detect(ident) {
            return try DecompressionBuffers.shared.with { buffer in
                let used = try decompress(fd: fd, size: Int(size), format: format, limit: decompressedLimit, into: buffer)
                guard used >= 16, let base = buffer.base else {
                    throw used >= 4 ? ModuleError.truncated("\(used) bytes after \(format) decompression, shorter than an ELF identification") : ModuleError.notELF
                }
                let inner = [UInt8](UnsafeRawBufferPointer(start: base, count: 16))
                guard inner[0] == 0x7f, inner[1] == 0x45, inner[2] == 0x4c, inner[3] == 0x46 else { throw ModuleError.notELF }
                guard let elf = elf_memory(base.assumingMemoryBound(to: CChar.self), used) else {
                    throw ModuleError.corrupt("libelf: \(ElfImage.lastError())")
                }
                defer { elf_end(elf) }
                return try withElf(elf, size: used, ident: inner, kind: kind, body)
            }
        }
        guard identLength >= 4, ident[0] == 0x7f, ident[1] == 0x45, ident[2] == 0x4c, ident[3] == 0x46 else {
            throw ModuleError.notELF
        }
        guard identLength == 16 else { throw ModuleError.truncated("\(size) bytes, shorter than an ELF identification") }

        if size > 0, size <= MappingArenas.largestFile {
            let mapped: T? = try MappingArenas.shared.withMapping(fd: fd, size: Int(size)) { address in
                guard let address else { return nil }
                guard let elf = elf_memory(address.assumingMemoryBound(to: CChar.self), Int(size)) else {
                    throw ModuleError.corrupt("libelf: \(ElfImage.lastError())")
                }
                defer { elf_end(elf) }
                return try withElf(elf, size: Int(size), ident: ident, kind: kind, body)
            }
            if let mapped { return mapped }
        }
        guard let elf = elf_begin(fd, ELF_C_READ_MMAP, nil) else {
            throw ModuleError.corrupt("libelf: \(ElfImage.lastError())")
        }
        defer { elf_end(elf) }
        // Only the symbol table and a few sections of such a file are read: page by page, not
        // the sixteen pages around each the kernel maps for a file by default (a module with
        // full DWARF would otherwise have most of its debug info in the resident set). A hint
        // only: harmless if libelf read the file into memory instead.
        var rawSize = 0
        if let raw = elf_rawfile(elf, &rawSize), rawSize > 0 {
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            let start = Int(bitPattern: UnsafeRawPointer(raw)) & ~(page - 1)
            let end = Int(bitPattern: UnsafeRawPointer(raw)) + rawSize
            if let address = UnsafeMutableRawPointer(bitPattern: start) { _ = madvise(address, end - start, MADV_RANDOM) }
        }
        return try withElf(elf, size: Int(size), ident: ident, kind: kind, body)
    }


    /// Decompresses the file behind `fd` into `buffer`: read in place from an arena mapping
    /// (no copy of the compressed bytes), or read into memory when it cannot be mapped there.
    private static func decompress(fd: Int32, size: Int, format: CompressionFormat, limit: Int,
                                   into buffer: DecompressionBuffer) throws -> Int {
        if size <= MappingArenas.largestFile {
            let used: Int? = try MappingArenas.shared.withMapping(fd: fd, size: size) { address in
                guard let address else { return nil }
                return try Decompressor.decompress(UnsafeRawBufferPointer(start: address, count: size), format: format,
                                                   limit: limit, into: buffer)
            }
            if let used { return used }
        }
        var compressed = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < compressed.count {
            let n = compressed.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(done)) }
            guard n > 0 else { throw ModuleError.truncated("cannot read the \(format) data: \(n < 0 ? String(cString: strerror(errno)) : "file shrank")") }
            done += n
        }
        return try compressed.withUnsafeBytes { try Decompressor.decompress($0, format: format, limit: limit, into: buffer) }
    }

    /// The common part of both ways in: a libelf handle over `size` bytes that start with `ident`.
    private static func withElf<T>(_ elf: OpaquePointer, size: Int, ident: [UInt8], kind: ObjectKind,
                                   _ body: (ElfImage) throws -> T) throws -> T {
        guard elf_kind(elf) == ELF_K_ELF else { throw ModuleError.notELF }
        var rawSize = 0
        guard let raw = elf_rawfile(elf, &rawSize), rawSize == size else {
            throw ModuleError.corrupt("libelf could not map the file: \(ElfImage.lastError())")
        }
        let image = try ElfImage(elf: elf, raw: UnsafeRawPointer(raw), size: rawSize, ident: ident, kind: kind)
        try image.loadSections()
        return try body(image)
    }

    static func lastError() -> String {
        guard let message = elf_errmsg(-1) else { return "unknown error" }
        return String(cString: message)
    }

    private init(elf: OpaquePointer, raw: UnsafeRawPointer, size: Int, ident: [UInt8], kind: ObjectKind) throws {
        self.elf = elf
        let elfClass: ElfIdentity.ElfClass
        switch ident[Int(EI_CLASS)] {
        case UInt8(ELFCLASS32): elfClass = .elf32
        case UInt8(ELFCLASS64): elfClass = .elf64
        case let other: throw ModuleError.unsupported("ELF class \(other)")
        }
        let byteOrder: ElfIdentity.ByteOrder
        switch ident[Int(EI_DATA)] {
        case UInt8(ELFDATA2LSB): byteOrder = .little
        case UInt8(ELFDATA2MSB): byteOrder = .big
        case let other: throw ModuleError.unsupported("ELF data encoding \(other)")
        }
        file = ByteView(base: raw, count: size, bigEndian: byteOrder == .big)
        let headerSize = elfClass == .elf64 ? 64 : 52
        guard size >= headerSize else { throw ModuleError.truncated("\(size) bytes, shorter than the ELF header (\(headerSize))") }
        var header = GElf_Ehdr()
        guard gelf_getehdr(elf, &header) != nil else { throw ModuleError.corrupt("ELF header: \(ElfImage.lastError())") }
        identity = ElfIdentity(elfClass: elfClass, byteOrder: byteOrder, machine: Machine(rawValue: header.e_machine), type: header.e_type)
        switch kind {
        case .module:
            guard header.e_type == UInt16(ET_REL) else {
                throw ModuleError.unsupported("ELF type \(header.e_type), a module is a relocatable object (ET_REL)")
            }
        case .kernelImage:
            guard header.e_type == UInt16(ET_EXEC) || header.e_type == UInt16(ET_DYN) else {
                throw ModuleError.unsupported("ELF type \(header.e_type), a vmlinux is an executable (ET_EXEC or ET_DYN)")
            }
        }
        let expectedEntry = elfClass == .elf64 ? 64 : 40
        guard header.e_shentsize == UInt16(expectedEntry) else {
            throw ModuleError.corrupt("section header entry size \(header.e_shentsize), expected \(expectedEntry)")
        }
        guard header.e_shoff != 0 else { throw ModuleError.corrupt("no section header table") }
        // Before libelf reads any section header: the whole table must be inside the file.
        // With more than SHN_LORESERVE sections the count lives in section 0's sh_size.
        guard file.contains(offset: header.e_shoff, length: UInt64(expectedEntry)) else {
            throw ModuleError.truncated("section header table at offset \(header.e_shoff) is beyond the end of the file (\(size) bytes)")
        }
        var count = 0
        guard elf_getshdrnum(elf, &count) == 0 else { throw ModuleError.corrupt("section count: \(ElfImage.lastError())") }
        guard count <= ModuleLimits.sections else { throw ModuleError.limitExceeded(what: "sections", count: UInt64(count), limit: ModuleLimits.sections) }
        guard count > 0, file.contains(offset: header.e_shoff, length: UInt64(count) &* UInt64(expectedEntry)), UInt64(count) < UInt64(size) else {
            throw ModuleError.truncated("section header table (\(count) entries at offset \(header.e_shoff)) does not fit in the file (\(size) bytes)")
        }
        sectionCount = count
        self.kind = kind
        layout = (headerSize: UInt64(headerSize), tableOffset: header.e_shoff, tableSize: UInt64(count * expectedEntry))
        var stringIndex = 0
        guard elf_getshdrstrndx(elf, &stringIndex) == 0, stringIndex > 0, stringIndex < count else {
            throw ModuleError.corrupt("section name table index is invalid")
        }
        sectionNameIndex = stringIndex
    }

    private let sectionCount: Int
    private let kind: ObjectKind
    private let layout: (headerSize: UInt64, tableOffset: UInt64, tableSize: UInt64)
    private let sectionNameIndex: Int

    private func header(_ index: Int) throws -> GElf_Shdr {
        var shdr = GElf_Shdr()
        guard let scn = elf_getscn(elf, index), gelf_getshdr(scn, &shdr) != nil else {
            throw ModuleError.corrupt("section header \(index): \(ElfImage.lastError())")
        }
        return shdr
    }

    private func loadSections() throws {
        let names = try header(sectionNameIndex)
        guard names.sh_type == UInt32(SHT_STRTAB), names.sh_size > 0,
              let nameTable = file.slice(offset: names.sh_offset, length: names.sh_size) else {
            throw ModuleError.corrupt("section name table (section \(sectionNameIndex)) is not a string table inside the file")
        }
        var result: [Section] = []
        result.reserveCapacity(sectionCount)
        var symtabs: [Int] = []
        for index in 0..<sectionCount {
            let shdr = try header(index)
            guard let name = nameTable.cString(at: Int(truncatingIfNeeded: shdr.sh_name)) ?? (shdr.sh_name == 0 ? "" : nil) else {
                throw ModuleError.corrupt("section \(index): name offset \(shdr.sh_name) is outside the section name table")
            }
            let section = Section(
                index: index, name: name, type: shdr.sh_type, flags: shdr.sh_flags,
                address: shdr.sh_addr, offset: shdr.sh_offset, size: shdr.sh_size, link: shdr.sh_link, info: shdr.sh_info,
                alignment: shdr.sh_addralign, entrySize: shdr.sh_entsize)
            if section.occupiesFile && !file.contains(offset: section.offset, length: section.size) {
                throw ModuleError.truncated("section \(name.isEmpty ? "#\(index)" : name) (offset \(section.offset), \(section.size) bytes) extends beyond the end of the file (\(file.count) bytes)")
            }
            if section.type == Section.typeSymtab { symtabs.append(index) }
            result.append(section)
        }
        guard symtabs.count <= 1 else { throw ModuleError.corrupt("\(symtabs.count) symbol tables (SHT_SYMTAB); a module has one") }
        if let problem = SectionTable.problem(result, kind: kind, headerSize: layout.headerSize,
                                              tableOffset: layout.tableOffset, tableSize: layout.tableSize) { throw problem }
        sections = result
        symbolTableIndex = symtabs.first
    }

    /// The file bytes of a section (nil for NOBITS and empty sections).
    func contents(of section: Section) -> ByteView? {
        guard section.occupiesFile, section.size > 0 else { return nil }
        return file.slice(offset: section.offset, length: section.size)
    }

    /// The last `length` bytes of the file (the module signature's trailer), nil when shorter.
    func tail(_ length: Int) -> ByteView? {
        guard file.count >= length else { return nil }
        return file.slice(offset: UInt64(file.count - length), length: UInt64(length))
    }

    private func data(of index: Int) throws -> UnsafeMutablePointer<Elf_Data> {
        guard let scn = elf_getscn(elf, index), let data = elf_getdata(scn, nil) else {
            throw ModuleError.corrupt("section \(sections[index].name): \(ElfImage.lastError())")
        }
        return data
    }

    // MARK: symbols

    func readSymbols() throws -> [Symbol] {
        guard let symtabIndex = symbolTableIndex else { return [] }
        let symtab = sections[symtabIndex]
        let entrySize: UInt64 = identity.elfClass == .elf64 ? 24 : 16
        guard symtab.entrySize == entrySize, symtab.size % entrySize == 0 else {
            throw ModuleError.corrupt("symbol table entry size \(symtab.entrySize) or size \(symtab.size) is not a multiple of \(entrySize)")
        }
        guard Int(symtab.link) > 0, Int(symtab.link) < sections.count else {
            throw ModuleError.corrupt("symbol table links to section \(symtab.link), which does not exist")
        }
        let strtab = sections[Int(symtab.link)]
        guard strtab.type == Section.typeStrtab, let strings = contents(of: strtab), strings.u8(strings.count - 1) == 0 else {
            throw ModuleError.corrupt("symbol string table \(strtab.name) is not a NUL-terminated string table")
        }
        let shndxIndex = sections.first { $0.type == Section.typeSymtabShndx && Int($0.link) == symtabIndex }?.index
        let count = Int(symtab.size / entrySize)
        guard count <= ModuleLimits.symbols else { throw ModuleError.limitExceeded(what: "symbols", count: UInt64(count), limit: ModuleLimits.symbols) }
        guard count > 0 else { return [] }
        let symData = try data(of: symtabIndex)
        let shndxData = try shndxIndex.map { try data(of: $0) }
        var symbols: [Symbol] = []
        symbols.reserveCapacity(count)
        var sym = GElf_Sym()
        var extendedIndex: UInt32 = 0
        for i in 0..<count {
            let ok: Bool
            if let shndxData {
                ok = gelf_getsymshndx(symData, shndxData, Int32(i), &sym, &extendedIndex) != nil
            } else {
                ok = gelf_getsym(symData, Int32(i), &sym) != nil
            }
            guard ok else { throw ModuleError.corrupt("symbol \(i): \(ElfImage.lastError())") }
            guard let name = strings.cString(at: Int(sym.st_name)) else {
                throw ModuleError.corrupt("symbol \(i): name offset \(sym.st_name) is outside \(strtab.name) (\(strings.count) bytes)")
            }
            let place: SymbolPlace
            switch Int32(sym.st_shndx) {
            case SHN_UNDEF: place = .undefined
            case SHN_ABS: place = .absolute
            case SHN_COMMON: place = .common
            case SHN_XINDEX:
                guard shndxData != nil, Int(extendedIndex) < sections.count else {
                    throw ModuleError.corrupt("symbol \(name): extended section index without a valid SHT_SYMTAB_SHNDX")
                }
                place = .section(Int(extendedIndex))
            case let shndx where shndx >= SHN_LORESERVE:
                // Processor-specific indices (e.g. SHN_MIPS_SCOMMON): not in any section of the file.
                place = .absolute
            case let shndx:
                guard Int(shndx) < sections.count else {
                    throw ModuleError.corrupt("symbol \(name.isEmpty ? "#\(i)" : name): section index \(shndx) is out of range (\(sections.count) sections)")
                }
                place = .section(Int(shndx))
            }
            var head: UInt32 = 0
            for k in 0..<4 {
                guard let byte = strings.u8(Int(sym.st_name) + k), byte != 0 else { break }
                head |= UInt32(byte) << (8 * UInt32(k))
            }
            symbols.append(Symbol(
                index: i, name: name, nameHead: head, value: sym.st_value, size: sym.st_size,
                type: modlint_gelf_st_type(sym.st_info), binding: modlint_gelf_st_bind(sym.st_info), place: place))
        }
        return symbols
    }

    // MARK: relocations

    /// The relocation sections that apply to sections a module rule may scan: everything but
    /// debug info, notes and the other sections modpost never looks at. With `appliedTo`,
    /// only those of that one section (`.debug_line`, read on demand by the DebugInfo layer).
    func readRelocations(symbolCount: Int, appliedTo name: String? = nil) throws -> [RelocationSection] {
        var result: [RelocationSection] = []
        var total = 0
        for section in sections where section.type == Section.typeRel || section.type == Section.typeRela {
            let explicit = section.type == Section.typeRela
            let target = Int(section.info)
            guard target > 0, target < sections.count else {
                throw ModuleError.corrupt("relocation section \(section.name) applies to section \(section.info), which does not exist")
            }
            if let name { if sections[target].name != name { continue } } else if SectionNames.isNeverScanned(sections[target].name) { continue }
            guard let symtab = symbolTableIndex, Int(section.link) == symtab else {
                throw ModuleError.corrupt("relocation section \(section.name) links to section \(section.link), not the symbol table")
            }
            let wordSize: UInt64 = identity.elfClass == .elf64 ? 8 : 4
            let entrySize = wordSize * (explicit ? 3 : 2)
            guard section.entrySize == entrySize, section.size % entrySize == 0 else {
                throw ModuleError.corrupt("relocation section \(section.name): entry size \(section.entrySize), size \(section.size), expected entries of \(entrySize) bytes")
            }
            let count = Int(section.size / entrySize)
            total += count
            guard total <= ModuleLimits.relocations else { throw ModuleError.limitExceeded(what: "relocations", count: UInt64(total), limit: ModuleLimits.relocations) }
            let targetSection = sections[target]
            guard count == 0 || targetSection.occupiesFile else {
                throw ModuleError.corrupt("relocation section \(section.name) applies to \(targetSection.name), which has no file contents")
            }
            // Checked entry by entry like any other (a corrupt one is a corrupt module), but not
            // kept: no rule reads them.
            let checkOnly = SectionNames.isCodeDescriptionTable(targetSection.name)
            var entries: [Relocation] = []
            entries.reserveCapacity(checkOnly ? 0 : count)
            if count > 0 {
                let data = try self.data(of: section.index)
                let targetBytes = contents(of: targetSection)
                let decoder = RelocationDecoder(identity: identity)
                // libelf hands out the entries in the host's layout and byte order: 64-bit RELA
                // (x86-64, arm64, ppc64el, s390x) is read straight from its buffer instead of one
                // gelf call per entry.
                let native: UnsafeRawPointer? = explicit && identity.elfClass == .elf64 && data.pointee.d_type == ELF_T_RELA
                    && data.pointee.d_size >= count * 24 ? UnsafeRawPointer(data.pointee.d_buf) : nil
                for i in 0..<count {
                    var offset: UInt64
                    var info: UInt64
                    var addend: Int64 = 0
                    if let native {
                        offset = native.loadUnaligned(fromByteOffset: i * 24, as: UInt64.self)
                        info = native.loadUnaligned(fromByteOffset: i * 24 + 8, as: UInt64.self)
                        addend = native.loadUnaligned(fromByteOffset: i * 24 + 16, as: Int64.self)
                    } else if explicit {
                        var rela = GElf_Rela()
                        guard gelf_getrela(data, Int32(i), &rela) != nil else { throw ModuleError.corrupt("\(section.name) entry \(i): \(ElfImage.lastError())") }
                        offset = rela.r_offset; info = rela.r_info; addend = rela.r_addend
                    } else {
                        var rel = GElf_Rel()
                        guard gelf_getrel(data, Int32(i), &rel) != nil else { throw ModuleError.corrupt("\(section.name) entry \(i): \(ElfImage.lastError())") }
                        offset = rel.r_offset; info = rel.r_info
                    }
                    let (symbolIndex, type) = decoder.split(info: info)
                    guard type <= UInt32(UInt16.max) else {
                        throw ModuleError.corrupt("\(section.name) entry \(i): relocation type \(type) is not one of any architecture")
                    }
                    guard symbolIndex < symbolCount else {
                        throw ModuleError.corrupt("\(section.name) entry \(i): symbol index \(symbolIndex) is out of range (\(symbolCount) symbols)")
                    }
                    guard offset < targetSection.size else {
                        throw ModuleError.corrupt("\(section.name) entry \(i): offset \(offset) is outside \(targetSection.name) (\(targetSection.size) bytes)")
                    }
                    if checkOnly { continue }
                    if explicit {
                        entries.append(Relocation(offset: offset, type: type, symbolIndex: symbolIndex, addend: addend))
                    } else {
                        let implicit = targetBytes.flatMap { decoder.implicitAddend(type: type, at: Int(offset), in: $0) }
                        entries.append(Relocation(offset: offset, type: type, symbolIndex: symbolIndex, addend: implicit ?? 0, addendIsKnown: implicit != nil))
                    }
                }
            }
            if !checkOnly {
                result.append(RelocationSection(sectionIndex: section.index, targetSectionIndex: target, hasExplicitAddends: explicit, relocations: entries))
            }
        }
        return result
    }
}
