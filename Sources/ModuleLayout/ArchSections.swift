import ModuleObject

/// The sections an architecture sizes in module_frob_arch_sections, before the layout: in the
/// .ko they are one-byte placeholders from the module linker script.
enum ArchSections {
    static let aarch64JUMP26: UInt32 = 282
    static let aarch64CALL26: UInt32 = 283
    /// `struct plt_entry`: adrp, add, br.
    static let aarch64PLTEntry: UInt64 = 12
    static let aarch64L1CacheBytes: UInt64 = 64

    /// arm64 (arch/arm64/kernel/module-plts.c, RANDOMIZE_BASE as in Debian): one PLT entry per
    /// distinct (type, symbol) of the JUMP26/CALL26 relocations, in executable sections,
    /// against symbols outside the branch's own section (each non-zero addend its own), plus
    /// one; `.init*` sections count toward `.init.plt`. The ftrace trampoline holds
    /// NR_FTRACE_PLTS entries (2 on 6.1 with DYNAMIC_FTRACE_WITH_REGS, 1 from the
    /// module_memory kernels on), and so does `.init.text.ftrace_trampoline` where the module
    /// has one. Erratum 843419 veneers, added only on affected Cortex-A53
    /// CPUs, are not counted.
    static func aarch64(_ module: ModuleObject, generation: LoaderConfiguration.Generation) -> [Section] {
        var sections = module.sections
        var corePLTs: UInt64 = 0, initPLTs: UInt64 = 0
        for relocationSection in module.relocationSections where relocationSection.hasExplicitAddends {
            let target = relocationSection.targetSectionIndex
            guard sections.indices.contains(target), sections[target].isExecutable else { continue }
            let count = aarch64PLTCount(relocationSection.relocations) { symbolIndex in
                module.symbols.indices.contains(symbolIndex) && module.symbols[symbolIndex].place == .section(target)
            }
            if sections[target].name.hasPrefix(".init") { initPLTs += count } else { corePLTs += count }
        }
        func resize(_ name: String, entries: UInt64, alignment: UInt64) {
            // The loader keeps the last section of that name.
            guard let i = sections.lastIndex(where: { $0.name == name }) else { return }
            let old = sections[i]
            sections[i] = Section(index: old.index, name: old.name, type: Section.typeNobits,
                                  flags: Section.flagAlloc | Section.flagExecInstr, address: old.address, offset: old.offset,
                                  size: Arithmetic.multiply(entries, aarch64PLTEntry), link: old.link, info: old.info,
                                  alignment: alignment, entrySize: old.entrySize)
        }
        resize(".plt", entries: Arithmetic.add(corePLTs, 1), alignment: aarch64L1CacheBytes)
        resize(".init.plt", entries: Arithmetic.add(initPLTs, 1), alignment: aarch64L1CacheBytes)
        let ftracePLTs: UInt64 = generation == .coreAndInitLayouts ? 2 : 1
        resize(".text.ftrace_trampoline", entries: ftracePLTs, alignment: 4)
        // Its init twin (ftrace in init text; in the module linker script from the 6.x stable
        // trees Debian ships, e.g. trixie's 6.12): sized the same, executable, laid out in init
        // text after .init.plt.
        resize(".init.text.ftrace_trampoline", entries: ftracePLTs, alignment: 4)
        return sections
    }

    /// The PLT entries module_frob_arch_sections counts for one relocation section, step by
    /// step as the kernel does: partition_branch_plt_relas moves the JUMP26/CALL26 relocations
    /// against symbols outside the target section to the front (its count stops one short when
    /// the scan ends on such a relocation), those are sorted by (type, symbol, addend), and
    /// count_plts counts each such relocation whose addend is not zero or that differs from the
    /// one before it. So a branch left out of the sorted part counts again when it repeats an
    /// earlier one: a PLT entry the kernel allocates and never uses.
    static func aarch64PLTCount(_ relocations: [Relocation], inTargetSection: (Int) -> Bool) -> UInt64 {
        func needsPLT(_ r: Relocation) -> Bool {
            (r.type == aarch64JUMP26 || r.type == aarch64CALL26) && !inTargetSection(r.symbolIndex)
        }
        var rela = relocations
        var i = 0, j = rela.count - 1
        while i < j {
            if needsPLT(rela[i]) {
                i += 1
            } else if needsPLT(rela[j]) {
                rela.swapAt(i, j)
            } else {
                j -= 1
            }
        }
        func key(_ r: Relocation) -> (UInt32, Int, Int64) { (r.type, r.symbolIndex, r.addend) }
        rela[0..<i].sort { key($0) < key($1) }
        var count: UInt64 = 0
        for (n, r) in rela.enumerated() where needsPLT(r) {
            if r.addend != 0 || n == 0 || key(rela[n - 1]) != key(r) { count += 1 }
        }
        return count
    }

    /// arm (arch/arm/kernel/module-plts.c, 6.1, ARM_MODULE_PLTS and DYNAMIC_FTRACE as in
    /// Debian's armmp): two fixed entries (ftrace) plus one per branch relocation (PC24,
    /// CALL, JUMP24, THM_CALL, THM_JUMP24) against a symbol outside the branch's section,
    /// where zero-addend ones to the same (type, symbol) share an entry; 8 bytes an entry,
    /// rounded up to blocks of 2 × L1_CACHE_BYTES. The kernel sorts with an unstable heapsort,
    /// so when zero and non-zero addends to one symbol mix, its count can exceed this one by
    /// a few entries: the figures stay a lower bound.
    static func arm(_ module: ModuleObject) -> [Section] {
        var sections = module.sections
        let branches: Set<UInt32> = [1, 28, 29, 10, 30]
        var corePLTs: UInt64 = 2, initPLTs: UInt64 = 2
        for relocationSection in module.relocationSections where !relocationSection.hasExplicitAddends {
            let target = relocationSection.targetSectionIndex
            guard sections.indices.contains(target), sections[target].isExecutable else { continue }
            var zeroAddendKeys = Set<UInt64>()
            var count: UInt64 = 0
            for relocation in relocationSection.relocations where branches.contains(relocation.type) {
                let symbolIndex = relocation.symbolIndex
                if module.symbols.indices.contains(symbolIndex), module.symbols[symbolIndex].place == .section(target) { continue }
                // A zero addend is encoded with the PC bias: -8 in ARM state, -4 in Thumb.
                let zero = relocation.addendIsKnown && relocation.addend == ([10, 30].contains(relocation.type) ? -4 : -8)
                if !zero {
                    count += 1
                } else if zeroAddendKeys.insert(UInt64(relocation.type) << 32 | UInt64(UInt32(truncatingIfNeeded: symbolIndex))).inserted {
                    count += 1
                }
            }
            if sections[target].name.hasPrefix(".init") { initPLTs += count } else { corePLTs += count }
        }
        let block: UInt64 = 2 * 64
        func resize(_ name: String, entries: UInt64) {
            guard let i = sections.lastIndex(where: { $0.name == name }) else { return }
            let old = sections[i]
            sections[i] = Section(index: old.index, name: old.name, type: Section.typeNobits,
                                  flags: Section.flagAlloc | Section.flagExecInstr, address: old.address, offset: old.offset,
                                  size: Arithmetic.align(Arithmetic.multiply(entries, 8), block), link: old.link, info: old.info,
                                  alignment: 64, entrySize: old.entrySize)
        }
        resize(".plt", entries: corePLTs)
        resize(".init.plt", entries: initPLTs)
        return sections
    }
}
