import ModuleObject

/// The memory the loader gives a module, per region, as the kernel's own layout code computes
/// it (kernel/module/main.c layout_sections, kallsyms.c layout_symtab).
public struct ModuleFootprint: Sendable, Hashable {
    public enum SizeClass: String, Sendable, Hashable {
        /// The core would fit one kmalloc allocation of less than a page.
        case kmalloc
        case vmalloc
    }

    public let module: String
    public let path: String
    public let pageSize: UInt64
    // The regions, unrounded; alignment padding belongs to the section it precedes.
    public let text: UInt64
    public let rodata: UInt64
    public let roAfterInit: UInt64
    /// Writable PROGBITS of the core (`.data`, `.gnu.linkonce.this_module`, …).
    public let data: UInt64
    /// Writable NOBITS of the core.
    public let bss: UInt64
    /// The core copy of the symbol table kallsyms keeps: symbols, their names, a type byte each.
    public let kallsyms: UInt64
    public let initText: UInt64
    public let initRodata: UInt64
    public let initData: UInt64
    /// The full symbol and string tables and `struct mod_kallsyms`, in init data.
    public let initKallsyms: UInt64
    /// Everything the core holds, without page rounding.
    public let core: UInt64
    /// Everything the init part holds, without page rounding.
    public let initTotal: UInt64
    /// What the kernel records as the core size (/sys/module/NAME/coresize).
    public let coreAllocated: UInt64
    /// What the kernel records as the init size while the module initialises.
    public let initAllocated: UInt64
    /// `.text` + `.data` as the 2002 count measured modules.
    public let textPlusData: UInt64
    /// Sections the architecture sizes at load time (PLT, GOT, stubs), which the model takes
    /// at their size in the file: the figures are exact only when this is empty.
    public let archSizedSections: [String]
    /// 6.4 and later: what move_module allocates for each `mod_mem` region, page-rounded (an
    /// empty region is not allocated: 0). nil for the one core and one init layout of ≤ 6.3.
    public let regions: Regions?
    /// The kernel release of the module's vermagic ("6.12.117+deb13-amd64"), when it has one.
    public let release: String?
    /// The loader generation the figures follow.
    public let generation: LoaderConfiguration.Generation
    /// What /sys/module/NAME/coresize shows: the core allocated, but with
    /// ARCH_WANTS_MODULES_DATA_IN_VMALLOC on 6.4+ the text region alone.
    public let sysfsCoresize: UInt64

    /// The bytes allocated per `mod_mem` type (enum mod_mem_type order).
    public struct Regions: Sendable, Hashable {
        public let text: UInt64
        public let data: UInt64
        public let rodata: UInt64
        public let roAfterInit: UInt64
        public let initText: UInt64
        public let initData: UInt64
        public let initRodata: UInt64

        public init(text: UInt64, data: UInt64, rodata: UInt64, roAfterInit: UInt64,
                    initText: UInt64, initData: UInt64, initRodata: UInt64) {
            (self.text, self.data, self.rodata, self.roAfterInit) = (text, data, rodata, roAfterInit)
            (self.initText, self.initData, self.initRodata) = (initText, initData, initRodata)
        }

        /// (name, bytes) in enum mod_mem_type order, with the kernel's names less `MOD_`.
        public var named: [(name: String, bytes: UInt64)] {
            [("text", text), ("data", data), ("rodata", rodata), ("ro_after_init", roAfterInit),
             ("init_text", initText), ("init_data", initData), ("init_rodata", initRodata)]
        }

        /// The core regions (text, data, rodata, ro_after_init) allocated.
        public var core: [UInt64] { [text, data, rodata, roAfterInit] }
        public var initRegions: [UInt64] { [initText, initData, initRodata] }
    }

    public var sizeClass: SizeClass { core < pageSize ? .kmalloc : .vmalloc }
    /// Pages the core occupies (vmalloc hands out whole pages).
    public var corePages: UInt64 { Arithmetic.pages(coreAllocated, pageSize) }
    /// Bytes of those pages that hold nothing of the module.
    public var waste: UInt64 { Arithmetic.subtract(Arithmetic.multiply(corePages, pageSize), core) }
    public var isExact: Bool { archSizedSections.isEmpty }
    /// Separate allocations the core takes: one per non-empty region from 6.4, one before.
    public var coreAllocations: Int { regions.map { $0.core.filter { $0 > 0 }.count } ?? 1 }
}

/// Saturating arithmetic: every size comes from a file that may lie.
enum Arithmetic {
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    static func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 { a > b ? a - b : 0 }

    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : product
    }

    /// The kernel's ALIGN(x, a), for a power-of-two `a` (0 counts as 1).
    static func align(_ value: UInt64, _ alignment: UInt64) -> UInt64 {
        guard alignment > 1 else { return value }
        if alignment & (alignment - 1) != 0 {
            // Not a power of two: the kernel's mask arithmetic would be meaningless; round up.
            let rest = value % alignment
            return rest == 0 ? value : add(value, alignment - rest)
        }
        return add(value, alignment - 1) & ~(alignment - 1)
    }

    static func pages(_ value: UInt64, _ pageSize: UInt64) -> UInt64 {
        guard pageSize > 0 else { return 0 }
        return value / pageSize + (value % pageSize == 0 ? 0 : 1)
    }
}

/// The loader's layout, run over the section headers and symbol table of one module.
public struct LayoutModel: Sendable {
    public let configuration: LoaderConfiguration

    public init(configuration: LoaderConfiguration) { self.configuration = configuration }

    /// SHF_RO_AFTER_INIT (include/uapi/linux/elf.h): set by the loader on
    /// `.data..ro_after_init` and `__jump_table` (and from 6.16 on `.static_call_sites`).
    public static let flagROAfterInit: UInt64 = 0x0020_0000

    enum Region: Int, CaseIterable {
        case text, rodata, roAfterInit, data, initText, initRodata, initData
        var isInit: Bool { rawValue >= Region.initText.rawValue }
        var kernelName: String {
            ["text", "rodata", "ro_after_init", "data", "init_text", "init_rodata", "init_data"][rawValue]
        }
    }

    /// What each section contributes, by pass.
    enum Part: Int, CaseIterable { case text, rodata, roAfterInit, data, bss, kallsyms, initText, initRodata, initData, initKallsyms }

    /// Where the loader puts one section: the offset from the start of its allocation (≤ 6.3:
    /// the core or init layout; ≥ 6.4: its region).
    public struct Placement: Sendable, Hashable {
        public let index: Int
        public let name: String
        public let isInit: Bool
        public let offset: UInt64
        /// ≥ 6.4: the `mod_mem` region holding it, by the kernel's name less `MOD_` in lower
        /// case ("text", "ro_after_init", "init_data"); nil for ≤ 6.3's two layouts.
        public let region: String?

        public init(index: Int, name: String, isInit: Bool, offset: UInt64, region: String? = nil) {
            (self.index, self.name, self.isInit, self.offset, self.region) = (index, name, isInit, offset, region)
        }
    }

    struct Outcome {
        var placements: [Placement] = []
        var parts = Array(repeating: UInt64(0), count: Part.allCases.count)
        var coreSize: UInt64 = 0
        var initSize: UInt64 = 0
        /// ≥ 6.4: each region's size (page-rounded when rounding).
        var regions: [UInt64]?
        subscript(part: Part) -> UInt64 { parts[part.rawValue] }
    }

    public func footprint(of module: ModuleObject) -> ModuleFootprint {
        let unrounded = run(module, rounding: false)
        let allocated = run(module, rounding: true)
        let sections = loaderSections(module)
        func size(_ name: String) -> UInt64 {
            sections.filter { $0.name == name && $0.isAllocated }.reduce(0) { Arithmetic.add($0, $1.size) }
        }
        let machine = module.identity.machine
        // s390 adds its GOT and PLT to the core outside any section.
        let archSized = LayoutModel.archSizedSections(machine: machine)
            .filter { name in sections.contains { $0.name == name && $0.isAllocated } }
            + (machine == .s390 ? ["GOT and PLT"] : [])
        return ModuleFootprint(
            module: module.name, path: module.path, pageSize: configuration.pageSize,
            text: unrounded[.text], rodata: unrounded[.rodata], roAfterInit: unrounded[.roAfterInit],
            data: unrounded[.data], bss: unrounded[.bss], kallsyms: unrounded[.kallsyms],
            initText: unrounded[.initText], initRodata: unrounded[.initRodata], initData: unrounded[.initData],
            initKallsyms: unrounded[.initKallsyms],
            core: unrounded.coreSize, initTotal: unrounded.initSize,
            coreAllocated: allocated.coreSize, initAllocated: allocated.initSize,
            textPlusData: Arithmetic.add(size(".text"), size(".data")),
            archSizedSections: archSized,
            regions: allocated.regions.map { r in
                ModuleFootprint.Regions(text: r[Region.text.rawValue], data: r[Region.data.rawValue],
                                        rodata: r[Region.rodata.rawValue], roAfterInit: r[Region.roAfterInit.rawValue],
                                        initText: r[Region.initText.rawValue], initData: r[Region.initData.rawValue],
                                        initRodata: r[Region.initRodata.rawValue])
            },
            release: module.modinfo.vermagic.flatMap { $0.split(separator: " ").first.map(String.init) },
            generation: configuration.generation,
            sysfsCoresize: configuration.modulesDataInVmalloc && configuration.generation == .moduleMemory
                ? (allocated.regions?[Region.text.rawValue] ?? allocated.coreSize) : allocated.coreSize)
    }

    /// Every section the loader places, in the order it places them, with its offset.
    public func placements(of module: ModuleObject) -> [Placement] {
        run(module, rounding: true).placements
    }

    /// Sections that module_frob_arch_sections sizes (they are placeholders in the .ko).
    static func archSizedSections(machine: Machine) -> [String] {
        switch machine {
        // Sized by the model, but the kernel's PLT count can be a few entries higher (see
        // ArchSections.arm).
        case .arm: return [".plt", ".init.plt"]
        case .ppc64: return [".stubs"]
        case .ppc: return [".plt", ".init.plt"]
        default: return []
        }
    }

    func isInitSection(_ name: String, machine: Machine) -> Bool {
        if name.hasPrefix(".init") { return true }
        if machine == .arm, name.hasPrefix(".ARM.extab.init") || name.hasPrefix(".ARM.exidx.init") { return true }
        if !configuration.moduleUnload {
            if name.hasPrefix(".exit") { return true }
            if machine == .arm, name.hasPrefix(".ARM.extab.exit") || name.hasPrefix(".ARM.exidx.exit") { return true }
        }
        return false
    }

    /// The flags the loader sees when it lays out: `.modinfo`, `__versions` and the per-cpu
    /// section lose SHF_ALLOC, the ro_after_init sections gain SHF_RO_AFTER_INIT. The loader
    /// finds each by name among the allocated sections (find_sec), the first one only.
    func effectiveFlags(_ sections: [Section]) -> (flags: [UInt64], percpu: Int?) {
        var flags = sections.map(\.flags)
        func first(_ name: String) -> Int? {
            sections.firstIndex { $0.name == name && $0.isAllocated && $0.index != 0 }
        }
        var dropped = [".modinfo", "__versions"]
        if configuration.generation == .moduleMemory { dropped += ["__version_ext_crcs", "__version_ext_names"] }
        for name in dropped { if let i = first(name) { flags[i] &= ~Section.flagAlloc } }
        let percpu = first(".data..percpu")
        if let percpu { flags[percpu] &= ~Section.flagAlloc }
        if configuration.roAfterInitByName {
            var names: Set<String> = [".data..ro_after_init", "__jump_table"]
            if configuration.staticCallInline { names.insert(".static_call_sites") }
            for section in sections where section.index != 0 && section.index < flags.count && names.contains(section.name) {
                flags[section.index] |= LayoutModel.flagROAfterInit
            }
        } else {
            for name in [".data..ro_after_init", "__jump_table"] {
                if let i = first(name) { flags[i] |= LayoutModel.flagROAfterInit }
            }
        }
        return (flags, percpu)
    }

    /// The section headers as the loader lays them out, after the architecture's hook.
    func loaderSections(_ module: ModuleObject) -> [Section] {
        switch module.identity.machine {
        case .aarch64: return ArchSections.aarch64(module, generation: configuration.generation)
        case .arm: return ArchSections.arm(module)
        default: return module.sections
        }
    }

    func run(_ module: ModuleObject, rounding: Bool) -> Outcome {
        let sections = loaderSections(module)
        let machine = module.identity.machine
        let pageSize = configuration.pageSize
        let strict = rounding && configuration.strictModuleRWX
        let modern = configuration.generation == .moduleMemory
        func strictAlign(_ value: UInt64) -> UInt64 { strict ? Arithmetic.align(value, pageSize) : value }

        let (flags, percpu) = effectiveFlags(sections)
        var outcome = Outcome()
        var regions = Array(repeating: UInt64(0), count: Region.allCases.count)
        // ≤ 6.3: one running size per layout (data_layout is core_layout on every
        // architecture Debian ships but 32-bit powerpc).
        var coreLayout: UInt64 = 0
        var initLayout: UInt64 = 0
        var placedInInit = Array(repeating: false, count: sections.count)
        var placed = Array(repeating: false, count: sections.count)

        let alloc = Section.flagAlloc, exec = Section.flagExecInstr, write = Section.flagWrite
        let masks: [(UInt64, UInt64)] = [(exec | alloc, 0), (alloc, write), (LayoutModel.flagROAfterInit | alloc, 0),
                                         (write | alloc, 0), (alloc, 0)]
        let coreRegions: [Region] = [.text, .rodata, .roAfterInit, .data, .data]
        let initRegions: [Region?] = [.initText, .initRodata, nil, .initData, .initData]

        var lastOffset: UInt64 = 0
        func place(_ size: UInt64, alignment: UInt64, into counter: inout UInt64) -> UInt64 {
            let before = counter
            lastOffset = Arithmetic.align(counter, alignment)
            counter = Arithmetic.add(lastOffset, size)
            return counter - before
        }

        for initPass in [false, true] {
            for (m, mask) in masks.enumerated() {
                for section in sections where section.index < flags.count {
                    let i = section.index
                    guard !placed[i], flags[i] & mask.0 == mask.0, flags[i] & mask.1 == 0,
                          isInitSection(section.name, machine: machine) == initPass else { continue }
                    // 6.13+ with MEM_ALLOC_PROFILING: the tags go to their own area, not to a region.
                    if modern, configuration.allocTagsApart, section.name == "alloc_tags", section.size > 0 {
                        placed[i] = true
                        continue
                    }
                    let part: Part
                    let region: Region
                    if initPass {
                        // ≥ 6.4 has no init ro_after_init region: such a section is not laid out.
                        guard let initRegion = initRegions[m] else {
                            if modern { continue }
                            region = .initData
                            part = .initData
                            placed[i] = true
                            placedInInit[i] = true
                            outcome.parts[part.rawValue] += place(section.size, alignment: section.alignment, into: &initLayout)
                            outcome.placements.append(Placement(index: i, name: section.name, isInit: true, offset: lastOffset))
                            continue
                        }
                        region = initRegion
                        part = [.initText, .initRodata, .initData, .initData, .initData][m]
                    } else {
                        region = coreRegions[m]
                        if m >= 3 { part = section.type == Section.typeNobits ? .bss : .data } else { part = [.text, .rodata, .roAfterInit][m] }
                    }
                    placed[i] = true
                    placedInInit[i] = initPass
                    let grown: UInt64
                    if modern {
                        grown = place(section.size, alignment: section.alignment, into: &regions[region.rawValue])
                    } else if initPass {
                        grown = place(section.size, alignment: section.alignment, into: &initLayout)
                    } else {
                        grown = place(section.size, alignment: section.alignment, into: &coreLayout)
                    }
                    outcome.parts[part.rawValue] = Arithmetic.add(outcome.parts[part.rawValue], grown)
                    outcome.placements.append(Placement(index: i, name: section.name, isInit: initPass, offset: lastOffset,
                                                        region: modern ? region.kernelName : nil))
                }
                if !modern, m != 3 {
                    // Pass boundaries (and the whole, after the last pass) are page-rounded
                    // with STRICT_MODULE_RWX; init has no ro_after_init boundary.
                    if initPass { if m != 2 { initLayout = strictAlign(initLayout) } } else { coreLayout = strictAlign(coreLayout) }
                }
            }
        }

        if configuration.kallsyms, let symtab = sections.first(where: { $0.type == Section.typeSymtab }) {
            let strtab = sections.indices.contains(Int(symtab.link)) ? sections[Int(symtab.link)] : nil
            let is64 = module.identity.elfClass == .elf64
            let symbolSize: UInt64 = is64 ? 24 : 16
            let kallsymsStruct: (size: UInt64, alignment: UInt64) = is64 ? (32, 8) : (16, 4)
            let sourceCount = symtab.size / symbolSize
            let livepatch = module.modinfo.first("livepatch") == "Y"
            var kept: UInt64 = 0
            var names: UInt64 = 0
            for symbol in module.symbols {
                guard symbol.index == 0 || livepatch || isCoreSymbol(symbol, sections: sections, flags: flags,
                                                                       percpu: percpu, inInit: placedInInit) else { continue }
                kept += 1
                names = Arithmetic.add(names, UInt64(symbol.name.utf8.count) + 1)
            }
            let coreTable = Arithmetic.add(Arithmetic.add(Arithmetic.multiply(kept, symbolSize), names), kept)

            var initData: UInt64 = modern ? regions[Region.initData.rawValue] : initLayout
            var grown = place(symtab.size, alignment: symtab.alignment, into: &initData)
            outcome.placements.append(Placement(index: symtab.index, name: symtab.name, isInit: true, offset: lastOffset,
                                                region: modern ? Region.initData.kernelName : nil))
            var coreData: UInt64 = modern ? regions[Region.data.rawValue] : coreLayout
            let coreGrown = place(coreTable, alignment: symtab.alignment, into: &coreData)
            if !modern { coreData = strictAlign(coreData) }
            if let strtab {
                grown = Arithmetic.add(grown, place(strtab.size, alignment: strtab.alignment, into: &initData))
                outcome.placements.append(Placement(index: strtab.index, name: strtab.name, isInit: true, offset: lastOffset,
                                                    region: modern ? Region.initData.kernelName : nil))
            }
            grown = Arithmetic.add(grown, place(Arithmetic.add(kallsymsStruct.size, sourceCount), alignment: kallsymsStruct.alignment, into: &initData))
            if !modern { initData = strictAlign(initData) }
            outcome.parts[Part.kallsyms.rawValue] = coreGrown
            outcome.parts[Part.initKallsyms.rawValue] = grown
            if modern {
                regions[Region.data.rawValue] = coreData
                regions[Region.initData.rawValue] = initData
            } else {
                coreLayout = coreData
                initLayout = initData
            }
        }

        if modern {
            // move_module page-rounds every region it allocates.
            func total(_ list: [Region]) -> UInt64 {
                list.reduce(0) { sum, region in
                    let size = regions[region.rawValue]
                    return Arithmetic.add(sum, rounding ? Arithmetic.align(size, pageSize) : size)
                }
            }
            outcome.coreSize = total([.text, .rodata, .roAfterInit, .data])
            outcome.initSize = total([.initText, .initRodata, .initData])
            outcome.regions = regions.map { rounding ? Arithmetic.align($0, pageSize) : $0 }
        } else {
            outcome.coreSize = coreLayout
            outcome.initSize = initLayout
        }
        return outcome
    }

    /// kallsyms.c is_core_symbol: a named symbol defined in an allocated core section that
    /// is executable (or any, with KALLSYMS_ALL; per-cpu symbols too).
    func isCoreSymbol(_ symbol: Symbol, sections: [Section], flags: [UInt64], percpu: Int?, inInit: [Bool]) -> Bool {
        guard case .section(let index) = symbol.place, index != 0, index < sections.count, index < flags.count,
              !symbol.name.isEmpty else { return false }
        if configuration.kallsymsAll, let percpu, index == percpu { return true }
        let sectionFlags = flags[index]
        guard sectionFlags & Section.flagAlloc != 0 else { return false }
        if !configuration.kallsymsAll, sectionFlags & Section.flagExecInstr == 0 { return false }
        return !inInit[index]
    }
}
