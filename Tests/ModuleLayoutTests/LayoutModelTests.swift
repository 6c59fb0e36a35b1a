import FixtureSupport
import ModuleLayout
import ModuleObject
import Testing

/// A module built from section headers and symbols, so every figure can be worked out by hand.
enum Synthetic {
    static let ax = Section.flagAlloc | Section.flagExecInstr
    static let a = Section.flagAlloc
    static let wa = Section.flagAlloc | Section.flagWrite

    static func section(_ index: Int, _ name: String, _ flags: UInt64, _ size: UInt64, align: UInt64,
                        type: UInt32 = Section.typeProgbits, link: UInt32 = 0) -> Section {
        Section(index: index, name: name, type: type, flags: flags, size: size, link: link, alignment: align)
    }

    static func symbol(_ index: Int, _ name: String, _ place: SymbolPlace, type: UInt8 = Symbol.typeFunc) -> Symbol {
        Symbol(index: index, name: name, value: 0, size: 0, type: type, binding: Symbol.bindGlobal, place: place)
    }

    /// 14 sections, 8 symbols: a function in .text and one in .init.text, a variable in .data,
    /// one in the per-cpu section, an undefined, a section symbol and an absolute symbol.
    static func module(machine: Machine = .x86_64, sections extra: [Section] = [], symtabLink: UInt32 = 13) -> ModuleObject {
        var sections = [
            Section(index: 0, name: "", type: 0, flags: 0, size: 0, alignment: 0),
            section(1, ".text", ax, 100, align: 16),
            section(2, ".init.text", ax, 50, align: 1),
            section(3, ".rodata", a, 200, align: 32),
            section(4, ".modinfo", a, 77, align: 1),
            section(5, "__versions", a, 128, align: 32),
            section(6, ".data..ro_after_init", wa, 8, align: 8),
            section(7, ".data", wa, 40, align: 8),
            section(8, ".gnu.linkonce.this_module", wa, 896, align: 64),
            section(9, ".bss", wa, 24, align: 8, type: Section.typeNobits),
            section(10, ".data..percpu", wa, 16, align: 8),
            section(11, ".exit.text", ax, 10, align: 1),
            section(12, ".symtab", 0, 8 * 24, align: 8, type: Section.typeSymtab, link: symtabLink),
            section(13, ".strtab", 0, 40, align: 1, type: Section.typeStrtab),
        ]
        for (offset, section) in extra.enumerated() {
            sections.append(Section(index: 14 + offset, name: section.name, type: section.type, flags: section.flags,
                                    size: section.size, alignment: section.alignment))
        }
        let symbols = [
            symbol(0, "", .undefined, type: Symbol.typeNotype),
            symbol(1, "f", .section(1)),
            symbol(2, "g", .section(2)),
            symbol(3, "v", .section(7), type: Symbol.typeObject),
            symbol(4, "p", .section(10), type: Symbol.typeObject),
            symbol(5, "u", .undefined),
            symbol(6, "", .section(1), type: Symbol.typeSection),
            symbol(7, "abs", .absolute),
        ]
        return ModuleObject(
            path: "/synthetic/fx.ko", identity: ElfIdentity(elfClass: .elf64, byteOrder: .little, machine: machine, type: 1),
            fileSize: 0, sections: sections, symbols: symbols, relocationSections: [], modinfo: ModuleInfo(entries: []),
            versions: [], exports: [], thisModule: nil, isSigned: false)
    }
}

@Suite struct LayoutModelTests {
    let v61 = LoaderConfiguration(generation: .coreAndInitLayouts)

    @Test func coreAndInitOf61ByHand() {
        let f = LayoutModel(configuration: v61).footprint(of: Synthetic.module())
        // text: .text 100 + .exit.text 10 (core: MODULE_UNLOAD); rodata from 110 aligned to 32;
        // .modinfo and __versions are dropped, the per-cpu section goes to the per-cpu allocator.
        #expect(f.text == 110)
        #expect(f.rodata == 218)
        #expect(f.roAfterInit == 8)
        // .data 40, this_module from 376 aligned to 64 (+8), .bss 24.
        #expect(f.data == 944)
        #expect(f.bss == 24)
        // Entry 0 and "f": 2 × 24 bytes of Elf64_Sym, names "" and "f" (3 bytes), 2 type bytes.
        #expect(f.kallsyms == 53)
        #expect(f.core == 1357)
        #expect(f.initText == 50)
        // .symtab from 56, .strtab, struct mod_kallsyms (32) and 8 type bytes.
        #expect(f.initKallsyms == 278)
        #expect(f.initTotal == 328)
        // STRICT_MODULE_RWX: page boundaries after text, rodata, ro_after_init, data, kallsyms.
        #expect(f.coreAllocated == 20480)
        #expect(f.initAllocated == 8192)
        #expect(f.corePages == 5)
        #expect(f.waste == 20480 - 1357)
        #expect(f.sizeClass == .kmalloc)
        #expect(f.textPlusData == 140)
        #expect(f.isExact)
    }

    @Test func withoutStrictModuleRWXNothingIsPageRounded() {
        var config = v61
        config.strictModuleRWX = false
        let f = LayoutModel(configuration: config).footprint(of: Synthetic.module())
        #expect(f.coreAllocated == 1357)
        #expect(f.initAllocated == 328)
        #expect(f.corePages == 1)
    }

    @Test func kallsymsAllKeepsDataAndPerCPUSymbols() {
        var config = v61
        config.kallsymsAll = true
        let f = LayoutModel(configuration: config).footprint(of: Synthetic.module())
        // + "v" and "p": 4 × 24 + 7 name bytes + 4 type bytes.
        #expect(f.kallsyms == 107)
        #expect(f.core == 1411)
    }

    @Test func withoutKallsymsNoSymbolTableIsKept() {
        var config = v61
        config.kallsyms = false
        let f = LayoutModel(configuration: config).footprint(of: Synthetic.module())
        #expect(f.kallsyms == 0)
        #expect(f.initKallsyms == 0)
        #expect(f.core == 1304)
    }

    @Test func withoutModuleUnloadExitSectionsAreInit() {
        var config = v61
        config.moduleUnload = false
        let f = LayoutModel(configuration: config).footprint(of: Synthetic.module())
        #expect(f.text == 100)
        #expect(f.initText == 60)
    }

    @Test func moduleMemoryRoundsEveryRegion() {
        let config = LoaderConfiguration(generation: .moduleMemory)
        let f = LayoutModel(configuration: config).footprint(of: Synthetic.module())
        #expect(f.text == 110)
        #expect(f.rodata == 200)
        #expect(f.roAfterInit == 8)
        #expect(f.data == 960)
        #expect(f.bss == 24)
        #expect(f.kallsyms == 53)
        #expect(f.core == 1355)
        // Four core regions of one page each; init text and init data.
        #expect(f.coreAllocated == 16384)
        #expect(f.initAllocated == 8192)
        #expect(f.initKallsyms == 272)
    }

    @Test func pageSizeChangesTheRounding() {
        var config = v61
        config.pageSize = 65536
        let f = LayoutModel(configuration: config).footprint(of: Synthetic.module())
        #expect(f.coreAllocated == 5 * 65536)
        #expect(f.pageSize == 65536)
    }

    @Test func armInitUnwindTablesAreInit() {
        let exidx = Synthetic.section(0, ".ARM.exidx.init.text", Synthetic.a, 16, align: 4)
        let f = LayoutModel(configuration: v61).footprint(of: Synthetic.module(machine: .arm, sections: [exidx]))
        // After .init.text (50 bytes), aligned to 4.
        #expect(f.initRodata == 18)
        let x86 = LayoutModel(configuration: v61).footprint(of: Synthetic.module(sections: [exidx]))
        #expect(x86.initRodata == 0)
        #expect(x86.rodata == 218 + 16)
    }

    @Test func archSizedSectionsMakeTheFiguresALowerBound() {
        let plt = Synthetic.section(0, ".plt", Synthetic.ax, 1, align: 1, type: Section.typeNobits)
        let f = LayoutModel(configuration: v61).footprint(of: Synthetic.module(machine: .arm, sections: [plt]))
        #expect(f.archSizedSections == [".plt"])
        #expect(!f.isExact)
    }

    /// 6.16's module_mark_ro_after_init: `.static_call_sites` joins ro_after_init on x86-64
    /// (HAVE_STATIC_CALL_INLINE); 6.12 lays it out with the data.
    @Test func staticCallSitesAreROAfterInitFrom616() {
        let sites = Synthetic.section(0, ".static_call_sites", Synthetic.wa, 16, align: 4)
        let module = Synthetic.module(sections: [sites])
        let v616 = LayoutModel(configuration: .debian(machine: .x86_64, version: KernelVersion(6, 16))).footprint(of: module)
        #expect(v616.roAfterInit == 24)
        #expect(v616.data == 960)
        let v612 = LayoutModel(configuration: .debian(machine: .x86_64, version: KernelVersion(6, 12))).footprint(of: module)
        #expect(v612.roAfterInit == 8)
        #expect(v612.data == 960 + 16)
        // arm64 has no inline static calls: data on 7.x too.
        let arm = LayoutModel(configuration: .debian(machine: .aarch64, version: KernelVersion(7, 2))).footprint(of: Synthetic.module(machine: .aarch64, sections: [sites]))
        #expect(arm.roAfterInit == 8)
        // Every section of those names from 6.16, the first one only before.
        let second = Synthetic.section(0, ".data..ro_after_init", Synthetic.wa, 8, align: 8)
        let twice = Synthetic.module(sections: [second])
        #expect(LayoutModel(configuration: .debian(machine: .x86_64, version: KernelVersion(6, 16))).footprint(of: twice).roAfterInit == 16)
        #expect(LayoutModel(configuration: .debian(machine: .x86_64, version: KernelVersion(6, 12))).footprint(of: twice).roAfterInit == 8)
    }

    /// 6.13+ with MEM_ALLOC_PROFILING: `alloc_tags` is loaded apart, not into the data region.
    @Test func allocTagsLeaveTheDataRegionFrom613() {
        let tags = Synthetic.section(0, "alloc_tags", Synthetic.wa, 64, align: 8)
        let module = Synthetic.module(sections: [tags])
        func config(_ text: String) -> LoaderConfiguration {
            LoaderConfiguration.debian(machine: .x86_64, version: KernelVersion(6, 12)).applying(KernelConfig(text: text))
        }
        let apart = config("# Linux/x86 6.13.0 Kernel Configuration\nCONFIG_MEM_ALLOC_PROFILING=y\n")
        #expect(apart.allocTagsApart)
        #expect(LayoutModel(configuration: apart).footprint(of: module).data == 960)
        #expect(!LayoutModel(configuration: apart).placements(of: module).contains { $0.name == "alloc_tags" })
        // 6.12, or profiling off: laid out after .bss like any writable section.
        for text in ["# Linux/x86 6.12.0 Kernel Configuration\nCONFIG_MEM_ALLOC_PROFILING=y\n",
                     "# Linux/x86 6.13.0 Kernel Configuration\n# CONFIG_MEM_ALLOC_PROFILING is not set\n"] {
            #expect(LayoutModel(configuration: config(text)).footprint(of: module).data == 960 + 64)
        }
    }

    /// ARCH_WANTS_MODULES_DATA_IN_VMALLOC: the same allocations, but sysfs coresize is text alone.
    @Test func dataInVmallocLeavesTextInCoresize() {
        var config = LoaderConfiguration(generation: .moduleMemory)
        #expect(LayoutModel(configuration: config).footprint(of: Synthetic.module()).sysfsCoresize == 16384)
        config = config.applying(KernelConfig(text: "CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC=y\n"))
        let f = LayoutModel(configuration: config).footprint(of: Synthetic.module())
        #expect(f.coreAllocated == 16384)
        #expect(f.sysfsCoresize == 4096)
        #expect(f.regions?.named.map(\.bytes) == [4096, 4096, 4096, 4096, 4096, 4096, 0])
    }

    @Test func objtoolsROAfterInitFlagIsHonoured() {
        let sites = Synthetic.section(0, ".static_call_sites", Synthetic.wa | LayoutModel.flagROAfterInit, 16, align: 4)
        let f = LayoutModel(configuration: v61).footprint(of: Synthetic.module(sections: [sites]))
        #expect(f.roAfterInit == 24)
    }

    @Test func hostileSizesSaturateInsteadOfCrashing() {
        let huge = Synthetic.section(0, ".bss.huge", Synthetic.wa, UInt64.max - 3, align: 1 << 40, type: Section.typeNobits)
        let odd = Synthetic.section(0, ".data.odd", Synthetic.wa, 5, align: 24)
        let f = LayoutModel(configuration: v61).footprint(of: Synthetic.module(sections: [odd, huge], symtabLink: 999))
        #expect(f.core == UInt64.max)
        #expect(f.sizeClass == .vmalloc)
        #expect(f.corePages > 0)
    }
}

@Suite struct FixtureFootprintTests {
    static let amd64 = LoaderConfiguration.debian(machine: .x86_64, version: KernelVersion(6, 1))

    func footprint(_ name: String) throws -> ModuleFootprint {
        LayoutModel(configuration: Self.amd64).footprint(of: try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/\(name).ko")))
    }

    @Test func paddedJustUnderOnePageIsKmalloc() throws {
        let f = try footprint("fx_size_small")
        #expect(f.core == 4034)
        #expect(f.sizeClass == .kmalloc)
        // Text, rodata, data and kallsyms each start a page on 6.1 with STRICT_MODULE_RWX.
        #expect(f.coreAllocated == 16384)
        #expect(f.initAllocated == 12288)
    }

    @Test func paddedJustOverOnePageIsVmalloc() throws {
        let f = try footprint("fx_size_large")
        #expect(f.core == 4162)
        #expect(f.sizeClass == .vmalloc)
        #expect(f.coreAllocated == 16384)
    }

    @Test func theTwoFixturesDifferOnlyInTheirPadding() throws {
        let small = try footprint("fx_size_small"), large = try footprint("fx_size_large")
        #expect(large.rodata - small.rodata == 2624 - 2528)
        #expect(large.text == small.text)
        #expect(large.kallsyms == small.kallsyms)
    }
}

@Suite struct ModuleMemoryFixtureTests {
    /// 6.12 (module_memory): text, rodata and data each take a page; init text and init data.
    @Test func sizeFixturesOn612() throws {
        let config = LoaderConfiguration.debian(machine: .x86_64, version: KernelVersion(6, 12))
        let module = try ModuleObject.load(path: Fixtures.path("linux-6.12-amd64/fx_size_small.ko"))
        let f = LayoutModel(configuration: config).footprint(of: module)
        #expect(config.generation == .moduleMemory)
        #expect(f.core == 4754)
        #expect(f.coreAllocated == 12288)
        #expect(f.initAllocated == 8192)
        #expect(f.sizeClass == .vmalloc)
    }
}

@Suite struct LoaderConfigurationTests {
    @Test func debianDefaults() {
        let amd64 = LoaderConfiguration.debian(machine: .x86_64, version: KernelVersion(6, 1))
        #expect(amd64.generation == .coreAndInitLayouts)
        #expect(amd64.kallsymsAll && amd64.strictModuleRWX && amd64.moduleUnload && amd64.pageSize == 4096)
        let ppc = LoaderConfiguration.debian(machine: .ppc64, version: KernelVersion(6, 1))
        #expect(ppc.pageSize == 65536 && !ppc.kallsymsAll)
        #expect(!LoaderConfiguration.debian(machine: .mips, version: nil).strictModuleRWX)
        #expect(LoaderConfiguration.debian(machine: .x86_64, version: KernelVersion(6, 4)).generation == .moduleMemory)
        #expect(LoaderConfiguration.debian(machine: .x86_64, version: KernelVersion(6, 3, 13)).generation == .coreAndInitLayouts)
        #expect(LoaderConfiguration.debian(machine: .x86_64, version: nil).generation == .moduleMemory)
    }

    @Test func kernelConfigOverridesTheDefaults() {
        let config = KernelConfig(text: """
            #
            # Automatically generated file; DO NOT EDIT.
            # Linux/arm64 6.12.48 Kernel Configuration
            #
            CONFIG_ARM64_64K_PAGES=y
            # CONFIG_STRICT_MODULE_RWX is not set
            # CONFIG_MODULE_UNLOAD is not set
            CONFIG_KALLSYMS=y
            CONFIG_KALLSYMS_ALL=y
            CONFIG_LOCALVERSION="-test"
            """)
        #expect(config.version == KernelVersion(6, 12, 48))
        #expect(config.values["LOCALVERSION"] == "-test")
        #expect(config.pageSize == 65536)
        let applied = LoaderOverrides(kernelConfig: config).configuration(machine: .aarch64, version: KernelVersion(6, 1))
        #expect(applied == LoaderConfiguration(generation: .moduleMemory, pageSize: 65536, strictModuleRWX: false,
                                               moduleUnload: false, kallsymsAll: true, kallsyms: true))
        let paged = LoaderOverrides(pageSize: 16384, kernelConfig: config).configuration(machine: .aarch64, version: nil)
        #expect(paged.pageSize == 16384)
    }

    @Test func aConfigWithoutThoseOptionsChangesNothing() {
        let defaults = LoaderConfiguration.debian(machine: .x86_64, version: KernelVersion(6, 1))
        #expect(defaults.applying(KernelConfig(text: "CONFIG_FOO=y\n")) == defaults)
    }
}

@Suite struct SizeSummaryTests {
    @Test func kmallocCaches() {
        #expect(SizeSummary.kmallocSize(1) == 8)
        #expect(SizeSummary.kmallocSize(65) == 96)
        #expect(SizeSummary.kmallocSize(97) == 128)
        #expect(SizeSummary.kmallocSize(129) == 192)
        #expect(SizeSummary.kmallocSize(193) == 256)
        #expect(SizeSummary.kmallocSize(2049) == 4096)
        #expect(SizeSummary.kmallocSize(UInt64.max) == UInt64.max)
    }

    @Test func pagesSavedCountTheSmallModulesOnly() throws {
        let config = LoaderConfiguration.debian(machine: .x86_64, version: KernelVersion(6, 1))
        let model = LayoutModel(configuration: config)
        let paths = ["fx_size_small", "fx_size_large", "fx_clean"].map { Fixtures.path("linux-6.1-amd64/\($0).ko") }
        let footprints = try paths.map { model.footprint(of: try ModuleObject.load(path: $0)) }
        let summary = SizeSummary(footprints, pageSize: 4096)
        #expect(summary.modules == 3)
        #expect(summary.underPage == 2)
        // 4 + 4 pages now; kmalloc-4096 and kmalloc-2048 objects fill 2 pages.
        #expect(summary.smallModulePages == 8)
        #expect(summary.smallModuleKmallocPages == 2)
        #expect(summary.pagesSaved == 6)
        #expect(summary.sentence == "2 of 3 modules have a core under 4096 bytes; 6 pages would be saved by kmalloc-ing them")
    }

    @Test func histogramBucketsArePowersOfTwo() {
        let histogram = SizeHistogram([0, 1, 1500, 4095, 4096, 70000])
        #expect(histogram.buckets.first?.lowerBound == 0)
        #expect(histogram.buckets.map(\.count).reduce(0, +) == 6)
        let page = histogram.buckets.first { $0.lowerBound == 4096 }
        #expect(page?.count == 1 && page?.upperBound == 8192)
        #expect(histogram.buckets.first { $0.lowerBound == 2048 }?.count == 1)
        #expect(histogram.buckets.first { $0.lowerBound == 1024 }?.count == 1)
        #expect(SizeHistogram([]).buckets.isEmpty)
    }
}

@Suite struct AArch64PLTTests {
    static func module(textRelocations: [Relocation]? = nil, extra: [Section] = []) -> ModuleObject {
        let ax = Synthetic.ax
        let sections = [
            Section(index: 0, name: "", type: 0, flags: 0, size: 0, alignment: 0),
            Synthetic.section(1, ".text", ax, 100, align: 16),
            Synthetic.section(2, ".init.text", ax, 50, align: 1),
            Synthetic.section(3, ".plt", ax, 1, align: 1),
            Synthetic.section(4, ".init.plt", Synthetic.a, 1, align: 1),
            Synthetic.section(5, ".text.ftrace_trampoline", ax, 1, align: 1),
            Synthetic.section(6, ".rela.text", 0, 0, align: 8, type: Section.typeRela),
            Synthetic.section(7, ".rela.init.text", 0, 0, align: 8, type: Section.typeRela),
            Synthetic.section(8, ".symtab", 0, 4 * 24, align: 8, type: Section.typeSymtab, link: 9),
            Synthetic.section(9, ".strtab", 0, 20, align: 1, type: Section.typeStrtab),
        ] + extra.enumerated().map { offset, section in
            Section(index: 10 + offset, name: section.name, type: section.type, flags: section.flags, size: section.size,
                    alignment: section.alignment)
        }
        let symbols = [
            Synthetic.symbol(0, "", .undefined, type: Symbol.typeNotype),
            Synthetic.symbol(1, "ext", .undefined),
            Synthetic.symbol(2, "local", .section(1)),
            Synthetic.symbol(3, "other", .section(2)),
            Synthetic.symbol(4, "ext2", .undefined),
        ]
        let call: UInt32 = 283, jump: UInt32 = 282, abs64: UInt32 = 257
        func rel(_ type: UInt32, _ symbol: Int, _ addend: Int64 = 0) -> Relocation {
            Relocation(offset: 0, type: type, symbolIndex: symbol, addend: addend)
        }
        let relocations = [
            // ext three times by CALL26 and once by JUMP26: two entries; the local call needs
            // none; two calls with an addend: one each; a data relocation: none.
            RelocationSection(sectionIndex: 6, targetSectionIndex: 1, hasExplicitAddends: true, relocations: textRelocations ?? [
                rel(call, 1), rel(call, 1), rel(jump, 1), rel(call, 1), rel(call, 2), rel(call, 3, 8), rel(call, 3, 8), rel(abs64, 1),
            ]),
            // From init: ext, and local (in another section).
            RelocationSection(sectionIndex: 7, targetSectionIndex: 2, hasExplicitAddends: true, relocations: [
                rel(call, 1), rel(call, 2), rel(call, 3),
            ]),
        ]
        return ModuleObject(
            path: "/synthetic/arm64.ko", identity: ElfIdentity(elfClass: .elf64, byteOrder: .little, machine: .aarch64, type: 1),
            fileSize: 0, sections: sections, symbols: symbols, relocationSections: relocations,
            modinfo: ModuleInfo(entries: []), versions: [], exports: [], thisModule: nil, isSigned: false)
    }

    @Test func pltsAreSizedAsTheArm64LoaderDoes() {
        let config = LoaderConfiguration.debian(machine: .aarch64, version: KernelVersion(6, 1))
        let f = LayoutModel(configuration: config).footprint(of: Self.module())
        // .text 100; .plt aligned to 64: (4 + 1) × 12; two ftrace PLTs from 188 (aligned to 4).
        #expect(f.text == 212)
        // .init.text 50; .init.plt aligned to 64: (2 + 1) × 12.
        #expect(f.initText == 100)
        #expect(f.isExact)
    }

    @Test func moduleMemoryKernelsHaveOneFtracePLT() {
        let config = LoaderConfiguration.debian(machine: .aarch64, version: KernelVersion(6, 12))
        #expect(LayoutModel(configuration: config).footprint(of: Self.module()).text == 200)
    }

    /// partition_branch_plt_relas stops one short when its scan ends on a branch that needs a
    /// PLT: that branch stays out of the sort and, repeating `ext` after `ext2`, counts again.
    @Test func theBranchThePartitionLeavesOutCountsAgain() {
        let config = LoaderConfiguration.debian(machine: .aarch64, version: KernelVersion(6, 12))
        func rel(_ symbol: Int) -> Relocation { Relocation(offset: 0, type: 283, symbolIndex: symbol, addend: 0) }
        // .text 100; .plt at 128: (3 + 1) × 12; one ftrace PLT.
        #expect(LayoutModel(configuration: config).footprint(of: Self.module(textRelocations: [rel(1), rel(4), rel(1)])).text == 128 + 48 + 12)
        // A data relocation last: the scan ends on it, all three branches are sorted, two entries.
        let data = Relocation(offset: 0, type: 257, symbolIndex: 1, addend: 0)
        #expect(LayoutModel(configuration: config).footprint(of: Self.module(textRelocations: [rel(1), rel(4), rel(1), data])).text == 128 + 36 + 12)
    }

    /// `.init.text.ftrace_trampoline` (the 6.12 module linker script) is sized and made
    /// executable like `.text.ftrace_trampoline`: init text, after .init.plt.
    @Test func initFtraceTrampolineIsInitText() {
        let config = LoaderConfiguration.debian(machine: .aarch64, version: KernelVersion(6, 12))
        let trampoline = Synthetic.section(0, ".init.text.ftrace_trampoline", Synthetic.a, 1, align: 1)
        let f = LayoutModel(configuration: config).footprint(of: Self.module(extra: [trampoline]))
        // .init.text 50; .init.plt at 64: (2 + 1) × 12; the trampoline at 100: 12.
        #expect(f.initText == 112)
        #expect(f.initRodata == 0)
    }
}

@Suite struct ArmPLTTests {
    static func module(extraCalls: Int) -> ModuleObject {
        let sections = [
            Section(index: 0, name: "", type: 0, flags: 0, size: 0, alignment: 0),
            Synthetic.section(1, ".text", Synthetic.ax, 100, align: 16),
            Synthetic.section(2, ".plt", Synthetic.ax, 1, align: 1),
            Synthetic.section(3, ".init.plt", Synthetic.a, 1, align: 1),
            Synthetic.section(4, ".rel.text", 0, 0, align: 4, type: Section.typeRel),
            Synthetic.section(5, ".symtab", 0, 3 * 16, align: 4, type: Section.typeSymtab, link: 6),
            Synthetic.section(6, ".strtab", 0, 12, align: 1, type: Section.typeStrtab),
        ]
        var symbols = [
            Synthetic.symbol(0, "", .undefined, type: Symbol.typeNotype),
            Synthetic.symbol(1, "ext", .undefined),
            Synthetic.symbol(2, "local", .section(1)),
        ]
        let call: UInt32 = 28, jump: UInt32 = 29, thumbCall: UInt32 = 10
        func rel(_ type: UInt32, _ symbol: Int, _ addend: Int64) -> Relocation {
            Relocation(offset: 0, type: type, symbolIndex: symbol, addend: addend)
        }
        // ext by CALL twice (one entry) and by JUMP24 (another); the local call needs none;
        // a call with a real addend gets its own; a Thumb call with a zero addend (-4) one more.
        var relocations = [rel(call, 1, -8), rel(call, 1, -8), rel(jump, 1, -8), rel(call, 2, -8), rel(call, 1, 100),
                           rel(thumbCall, 1, -4)]
        for i in 0..<extraCalls {
            symbols.append(Synthetic.symbol(3 + i, "f\(i)", .undefined))
            relocations.append(rel(call, 3 + i, -8))
        }
        return ModuleObject(
            path: "/synthetic/arm.ko", identity: ElfIdentity(elfClass: .elf32, byteOrder: .little, machine: .arm, type: 1),
            fileSize: 0, sections: sections, symbols: symbols,
            relocationSections: [RelocationSection(sectionIndex: 4, targetSectionIndex: 1, hasExplicitAddends: false, relocations: relocations)],
            modinfo: ModuleInfo(entries: []), versions: [], exports: [], thisModule: nil, isSigned: false)
    }

    @Test func pltsComeInBlocksOfSixteen() {
        let model = LayoutModel(configuration: .debian(machine: .arm, version: KernelVersion(6, 1)))
        // 2 fixed + 4 entries: one 128-byte block after .text, aligned to 64.
        #expect(model.footprint(of: Self.module(extraCalls: 0)).text == 128 + 128)
        // 2 + 4 + 11 = 17 entries: two blocks.
        #expect(model.footprint(of: Self.module(extraCalls: 11)).text == 128 + 256)
        // The init PLT keeps its two fixed entries: one block.
        #expect(model.footprint(of: Self.module(extraCalls: 0)).initText == 128)
        #expect(!model.footprint(of: Self.module(extraCalls: 0)).isExact)
    }
}
