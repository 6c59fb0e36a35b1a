/// Everything modlint knows about one module file, as immutable values. Built once per file
/// by `ModuleObject.load(path:)`; the file is closed and unmapped when it returns.
public struct ModuleObject: Sendable {
    public let path: String
    public let identity: ElfIdentity
    public let fileSize: UInt64
    public let sections: [Section]
    public private(set) var symbols: [Symbol]
    public private(set) var relocationSections: [RelocationSection]
    public let modinfo: ModuleInfo
    public let versions: [SymbolVersion]
    /// `__version_ext_crcs` + `__version_ext_names` (6.14+), nil when the module has neither.
    /// When present, the loader checks CRCs against these alone (see `versionsTheLoaderChecks`).
    public let extendedVersions: [SymbolVersion]?
    public let exports: [ExportedSymbol]
    public let thisModule: ThisModule?
    /// A module signature (`~Module signature appended~`) follows the ELF data.
    public let isSigned: Bool
    /// Every MODULE_DEVICE_TABLE, with its bytes copied out of the file and decoded.
    public private(set) var deviceTables: [DeviceTable]
    /// The modaliases the device tables produce, in table order: kept when the tables are not
    /// (see `retainingRunFacts()`).
    public let deviceTableAliases: [String]
    /// False once `retainingRunFacts()` dropped the symbol table, relocations and tables.
    public private(set) var isComplete = true

    /// The module name the kernel uses: `name=` from `.modinfo`, else the name in
    /// `__this_module`, else the file name without `.ko` and with `-` turned into `_`.
    /// Stored: every diagnostic and every run fact carries it.
    public let name: String

    public static func moduleName(fromPath path: String) -> String {
        // Bytes: called for every module and every symbol-table owner.
        var base = Substring(path).utf8
        if let slash = base.lastIndex(of: UInt8(ascii: "/")) { base = base[base.index(after: slash)...] }
        func endsWith(_ suffix: String) -> Bool { base.count >= suffix.utf8.count && base.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) }
        for suffix in [".xz", ".zst", ".gz"] where endsWith(suffix) { base = base.dropLast(suffix.utf8.count) }
        for suffix in [".ko", ".o"] where endsWith(suffix) { base = base.dropLast(suffix.utf8.count); break }
        return String(decoding: base.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }

    public var decoder: RelocationDecoder { RelocationDecoder(identity: identity) }

    public func section(named name: String) -> Section? { sections.first { $0.name == name } }

    /// Undefined symbols the loader must resolve: GLOBAL and WEAK undefined, without the
    /// names the module build never resolves against exports (see `isIgnoredImport`).
    /// Computed once when the module is read: most symbol rules walk it.
    public let imports: [Symbol]
    /// The names of `imports`, for the rules that ask whether a helper is imported.
    public let importNames: Set<String>

    /// Undefined names that are not imports from another module or the kernel: the module's
    /// own `__this_module`, the GOT base, and per-architecture helpers the linker provides
    /// (PowerPC register save/restore stubs, s390 expoline thunks).
    public func isIgnoredImport(_ name: String) -> Bool {
        ModuleObject.isIgnoredImport(name, machine: identity.machine)
    }

    static func isIgnoredImport(_ name: String, machine: Machine) -> Bool {
        if name == "__this_module" || name == "_GLOBAL_OFFSET_TABLE_" { return true }
        switch machine {
        case .ppc, .ppc64:
            return name == ".TOC." || ["_restgpr_", "_savegpr_", "_rest32gpr_", "_save32gpr_", "_restvr_", "_savevr_",
                                       "_restgpr0_", "_savegpr0_", "_restgpr1_", "_savegpr1_", "_restfpr_", "_savefpr_"]
                .contains { name.hasPrefix($0) }
        case .s390:
            return name.hasPrefix("__s390_indirect_jump_r")
        default:
            return false
        }
    }

    public init(path: String, identity: ElfIdentity, fileSize: UInt64, sections: [Section], symbols: [Symbol],
                relocationSections: [RelocationSection], modinfo: ModuleInfo, versions: [SymbolVersion],
                exports: [ExportedSymbol], thisModule: ThisModule?, isSigned: Bool, deviceTables: [DeviceTable] = [],
                extendedVersions: [SymbolVersion]? = nil) {
        self.path = path
        self.identity = identity
        self.fileSize = fileSize
        self.sections = sections
        self.symbols = symbols
        // One entry per name: `ld -r` merges undefined references, and a crafted file that
        // repeats one must not make every symbol rule report it twice.
        var importedNames = Set<String>()
        self.imports = symbols.filter {
            $0.isUndefined && $0.index != 0 && !$0.name.isEmpty && $0.binding != Symbol.bindLocal
                && !ModuleObject.isIgnoredImport($0.name, machine: identity.machine) && importedNames.insert($0.name).inserted
        }
        self.importNames = importedNames
        self.relocationSections = relocationSections
        self.modinfo = modinfo
        self.versions = versions
        self.extendedVersions = extendedVersions
        self.exports = exports
        self.thisModule = thisModule
        self.isSigned = isSigned
        self.deviceTables = deviceTables
        self.deviceTableAliases = DeviceTable.moduleAliases(deviceTables)
        if let name = modinfo.name, !name.isEmpty {
            self.name = name
        } else {
            self.name = thisModule?.name ?? ModuleObject.moduleName(fromPath: path)
        }
    }

    /// The same module without what only its own rules read (symbol table, relocations,
    /// decoded device tables): what a run keeps of each module until the rules that look
    /// across modules (unresolved symbols, aliases claimed twice) have run, so that memory
    /// follows the number of modules in flight, not the size of the tree. Imports, exports,
    /// versions, `.modinfo`, section headers and the device-table aliases stay.
    public func retainingRunFacts() -> ModuleObject {
        var slim = self
        slim.symbols = []
        slim.relocationSections = []
        slim.deviceTables = []
        slim.isComplete = false
        return slim
    }

    public static let defaultDecompressedLimit = ElfImage.maximumDecompressedSize

    static let signatureMagic = Array("~Module signature appended~\n".utf8)

    /// Reads and validates one module file. Throws `ModuleError` for anything that is not a
    /// well-formed relocatable ELF object; never reads outside the file.
    /// Compressed modules (`.ko.xz`, `.ko.zst`, `.ko.gz`, recognised by content) are read
    /// through their decompressor, and refused when they would decompress to more than
    /// `decompressedLimit` bytes.
    public static func load(path: String, decompressedLimit: Int = defaultDecompressedLimit) throws -> ModuleObject {
        try ElfImage.withImage(path: path, decompressedLimit: decompressedLimit) { image in
            let sections = image.sections
            let symbols = try image.readSymbols()
            let relocations = try image.readRelocations(symbolCount: symbols.count)
            let modinfoSections = sections.filter { $0.name == SectionNames.modinfo }
            guard modinfoSections.count <= 1 else {
                throw ModuleError.corrupt("\(modinfoSections.count) .modinfo sections; the loader accepts one")
            }
            let modinfo = ModuleInfo(bytes: modinfoSections.first.flatMap(image.contents(of:)))
            let versions = try SymbolVersion.parse(
                sections.first { $0.name == SectionNames.versions }.flatMap(image.contents(of:)),
                pointerSize: image.identity.pointerSize)
            let extendedVersions = try SymbolVersion.parseExtended(sections: sections, contents: image.contents(of:))
            let exports = ExportedSymbol.find(symbols: symbols, sections: sections, contents: image.contents(of:))
            let thisModule = ThisModule.find(sections: sections, symbols: symbols, relocations: relocations,
                                             identity: image.identity, contents: image.contents(of:))
            let magic = signatureMagic
            let signed = image.tail(magic.count).flatMap { $0.bytes(offset: 0, length: magic.count) } == magic
            let deviceTables = DeviceTable.find(symbols: symbols, sections: sections, identity: image.identity,
                                                kernel: modinfo.vermagic.flatMap(KernelVersion.init(vermagic:)),
                                                contents: image.contents(of:))
            return ModuleObject(
                path: path, identity: image.identity, fileSize: UInt64(image.file.count), sections: sections,
                symbols: symbols, relocationSections: relocations, modinfo: modinfo, versions: versions,
                exports: exports, thisModule: thisModule, isSigned: signed, deviceTables: deviceTables,
                extendedVersions: extendedVersions)
        }
    }

    /// The table check_version reads (6.14+): the extended one when the module has it (even
    /// empty: the loader then finds no entry and does not fall back), else `__versions`.
    public var versionsTheLoaderChecks: [SymbolVersion] { extendedVersions ?? versions }
}

