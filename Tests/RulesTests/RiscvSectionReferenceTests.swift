import KernelSymbols
import LintEngine
import ModuleObject
@testable import Rules
import Testing

/// RISC-V's relocations as the section rules read them: the target of a PC-relative
/// `auipc` pair is on its R_RISCV_PCREL_HI20 (and R_RISCV_CALL_PLT) entry; the paired
/// R_RISCV_PCREL_LO12_I/S names the `auipc`'s label, and R_RISCV_ALIGN/RELAX are markers:
/// neither is a reference, wherever their symbol lies.
@Suite struct RiscvSectionReferenceTests {
    // R_RISCV_64, CALL_PLT, PCREL_HI20, PCREL_LO12_I, PCREL_LO12_S, ADD32, SUB32, ALIGN, RELAX
    static let (r64, callPLT, hi20, lo12I, lo12S, add32, sub32, align, relax): (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
        = (2, 19, 23, 24, 25, 35, 39, 43, 51)

    /// `.text` (fx_normal_function), `.exit.text` (fx_teardown and a local label),
    /// `.data` (fx_driver), with `relocations` on `.text` and `data` on `.data`.
    static func module(text: [Relocation], data: [Relocation] = [], machine: Machine = .riscv) -> ModuleObject {
        let sections = [
            Section(index: 0, name: "", type: 0, flags: 0, size: 0, alignment: 0),
            Section(index: 1, name: ".text", type: 1, flags: 6, size: 0x100, alignment: 4),
            Section(index: 2, name: ".exit.text", type: 1, flags: 6, size: 0x40, alignment: 4),
            Section(index: 3, name: ".data", type: 1, flags: 3, size: 0x40, alignment: 8),
            Section(index: 4, name: ".rela.text", type: 4, flags: 0x40, size: 24 * UInt64(text.count), link: 6, info: 1, alignment: 8, entrySize: 24),
            Section(index: 5, name: ".rela.data", type: 4, flags: 0x40, size: 24 * UInt64(data.count), link: 6, info: 3, alignment: 8, entrySize: 24),
            Section(index: 6, name: ".symtab", type: 2, flags: 0, size: 24 * 5, link: 0, alignment: 8, entrySize: 24),
        ]
        let symbols = [
            Symbol(index: 0, name: "", value: 0, size: 0, type: 0, binding: 0, place: .undefined),
            Symbol(index: 1, name: "fx_normal_function", value: 0, size: 0x40, type: Symbol.typeFunc, binding: Symbol.bindLocal, place: .section(1)),
            Symbol(index: 2, name: "fx_teardown", value: 0x10, size: 0x20, type: Symbol.typeFunc, binding: Symbol.bindLocal, place: .section(2)),
            Symbol(index: 3, name: ".Lpcrel_hi7", value: 0x14, size: 0, type: Symbol.typeNotype, binding: Symbol.bindLocal, place: .section(2)),
            Symbol(index: 4, name: "fx_driver", value: 0, size: 0x40, type: Symbol.typeObject, binding: Symbol.bindLocal, place: .section(3)),
        ]
        return ModuleObject(
            path: "/nonexistent/fx_riscv.ko", identity: ElfIdentity(elfClass: .elf64, byteOrder: .little, machine: machine, type: 1),
            fileSize: 0, sections: sections, symbols: symbols,
            relocationSections: [
                RelocationSection(sectionIndex: 4, targetSectionIndex: 1, hasExplicitAddends: true, relocations: text),
                RelocationSection(sectionIndex: 5, targetSectionIndex: 3, hasExplicitAddends: true, relocations: data),
            ],
            modinfo: ModuleInfo(entries: []), versions: [], exports: [], thisModule: nil, isSigned: false)
    }

    static func subjects(_ module: ModuleObject) -> [String] {
        let context = ModuleContext(module: module, resolver: SymbolResolver(kernel: .empty, run: RunExports(modules: [module])))
        return (CodeReferencesExit().check(context) + DataReferencesExit().check(context)).map { "\($0.code) \($0.subject)" }
    }

    @Test func hi20AndCallsAreReferencesLo12AndMarkersAreNot() {
        let text = [
            Relocation(offset: 0x08, type: Self.callPLT, symbolIndex: 2, addend: 0),   // call fx_teardown
            Relocation(offset: 0x08, type: Self.relax, symbolIndex: 0, addend: 0),
            Relocation(offset: 0x10, type: Self.hi20, symbolIndex: 2, addend: 4),      // auipc: fx_teardown+4
            Relocation(offset: 0x14, type: Self.lo12I, symbolIndex: 3, addend: 0),     // addi: %pcrel_lo(.Lpcrel_hi7)
            Relocation(offset: 0x18, type: Self.lo12S, symbolIndex: 3, addend: 0),
            Relocation(offset: 0x1c, type: Self.align, symbolIndex: 3, addend: 4),
            Relocation(offset: 0x20, type: Self.relax, symbolIndex: 2, addend: 0),
        ]
        #expect(Self.subjects(Self.module(text: text)) == [
            "X001 fx_normal_function -> fx_teardown", "X001 fx_normal_function -> fx_teardown",
        ])
        // The same entries on an architecture where those type numbers are ordinary
        // references (aarch64: 24..51 are data and address relocations) are all counted.
        #expect(Self.subjects(Self.module(text: text, machine: .aarch64)).count == 6)
    }

    /// `.remove = fx_teardown` (R_RISCV_64) and a `fx_teardown - fx_driver` difference
    /// (R_RISCV_ADD32 / R_RISCV_SUB32) in `.data` are references into `.exit.text`, as modpost
    /// counts them.
    @Test func dataReferencesAndSymbolDifferencesAreReferences() {
        let data = [
            Relocation(offset: 0x08, type: Self.r64, symbolIndex: 2, addend: 0),
            Relocation(offset: 0x10, type: Self.add32, symbolIndex: 2, addend: 0),
            Relocation(offset: 0x10, type: Self.sub32, symbolIndex: 4, addend: 0),
        ]
        #expect(Self.subjects(Self.module(text: [], data: data)) == [
            "X002 fx_driver -> fx_teardown", "X002 fx_driver -> fx_teardown",
        ])
    }
}
