import FixtureSupport
import Foundation
import LintEngine
import ModuleObject
import Testing

/// Mutated copies of real modules: truncated at every section boundary, header and section
/// fields set to extremes, bytes flipped. None may crash the run; each file broken in its
/// structure is one E001 naming it; the intact modules of the same run are reported exactly
/// as they are on their own.
@Suite struct HostileInputTests {
    struct Layout {
        let is64: Bool
        let little: Bool
        let shoff: Int
        let shentsize: Int
        let shnum: Int
        var sections: [(offset: Int, size: Int, type: UInt32)] = []
        var names: [String] = []
        var symtab: Int? { sections.firstIndex { $0.type == 2 } }
        func header(_ i: Int) -> Int { shoff + i * shentsize }
    }

    static func read(_ bytes: [UInt8], _ offset: Int, _ width: Int, little: Bool) -> Int {
        var value = 0
        for i in 0..<width {
            let byte = Int(bytes[offset + (little ? i : width - 1 - i)])
            value |= byte << (8 * i)
        }
        return value
    }

    static func write(_ bytes: inout [UInt8], _ offset: Int, _ width: Int, _ value: UInt64, little: Bool) {
        guard offset >= 0, offset + width <= bytes.count else { return }
        for i in 0..<width {
            bytes[offset + (little ? i : width - 1 - i)] = UInt8((value >> (8 * UInt64(i))) & 0xff)
        }
    }

    static func layout(_ bytes: [UInt8]) -> Layout {
        let is64 = bytes[4] == 2, little = bytes[5] == 1
        let shoff = read(bytes, is64 ? 0x28 : 0x20, is64 ? 8 : 4, little: little)
        let shentsize = read(bytes, is64 ? 0x3a : 0x2e, 2, little: little)
        let shnum = read(bytes, is64 ? 0x3c : 0x30, 2, little: little)
        var layout = Layout(is64: is64, little: little, shoff: shoff, shentsize: shentsize, shnum: shnum)
        for i in 0..<shnum {
            let base = shoff + i * shentsize
            let type = UInt32(read(bytes, base + 4, 4, little: little))
            let offset = read(bytes, base + (is64 ? 0x18 : 0x10), is64 ? 8 : 4, little: little)
            let size = read(bytes, base + (is64 ? 0x20 : 0x14), is64 ? 8 : 4, little: little)
            layout.sections.append((offset, size, type))
        }
        let shstrndx = read(bytes, is64 ? 0x3e : 0x32, 2, little: little)
        for i in 0..<shnum {
            let name = read(bytes, shoff + i * shentsize, 4, little: little)
            var end = shstrndx < shnum ? layout.sections[shstrndx].offset + name : bytes.count
            let start = end
            while end < bytes.count, bytes[end] != 0 { end += 1 }
            layout.names.append(String(decoding: bytes[min(start, bytes.count)..<end], as: UTF8.self))
        }
        return layout
    }

    /// A deterministic generator, so a failure names a reproducible mutant.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
    }

    /// What a mutant must do to the run.
    enum Expectation {
        /// Broken in its structure: exactly one E001.
        case unreadable
        /// Only DWARF contents changed: linted (without its debug info when that is unreadable).
        case readable
        /// Either, but never a crash or a second E001.
        case either
    }

    /// (name, bytes, expectation)
    static func mutants(of bytes: [UInt8], seed: UInt64, flips: Int = 200) -> [(String, [UInt8], Expectation)] {
        let l = layout(bytes)
        var result: [(String, [UInt8], Expectation)] = []
        func add(_ name: String, _ copy: [UInt8], _ mustFail: Bool) {
            result.append((name, copy, mustFail ? .unreadable : .either))
        }
        // Truncation at every section's start and middle, and inside the section header table.
        var cuts = Set<Int>()
        for s in l.sections where s.type != 8 && s.size > 0 { cuts.insert(s.offset); cuts.insert(s.offset + s.size / 2) }
        cuts.insert(l.shoff + l.shentsize * l.shnum / 2)
        cuts.insert(0); cuts.insert(15); cuts.insert(l.is64 ? 63 : 51)
        for cut in cuts.sorted() where cut < bytes.count {
            add("truncated-\(cut)", Array(bytes[..<cut]), true)
        }
        let w = l.is64 ? 8 : 4
        let extremes: [UInt64] = [0, 1, 0x7fff_ffff, 0xffff_ffff, UInt64.max]
        // ELF header fields.
        let header: [(String, Int, Int, Bool)] = [
            ("shoff", l.is64 ? 0x28 : 0x20, w, true), ("shentsize", l.is64 ? 0x3a : 0x2e, 2, true),
            ("shnum", l.is64 ? 0x3c : 0x30, 2, false), ("shstrndx", l.is64 ? 0x3e : 0x32, 2, false),
        ]
        for (field, offset, width, alwaysBroken) in header {
            for value in extremes {
                var copy = bytes
                write(&copy, offset, width, value, little: l.little)
                if copy == bytes { continue }
                add("ehdr-\(field)-\(value)", copy, alwaysBroken)
            }
        }
        // Section header fields of every section: offset and size beyond the file, links and
        // infos out of range, entry sizes wrong.
        for (i, s) in l.sections.enumerated() where i > 0 {
            let base = l.shoff + i * l.shentsize
            let fields: [(String, Int, Int, Bool)] = [
                ("offset", base + (l.is64 ? 0x18 : 0x10), w, s.type != 8 && s.size > 0),
                ("size", base + (l.is64 ? 0x20 : 0x14), w, s.type != 8),
                ("link", base + (l.is64 ? 0x28 : 0x18), 4, s.type == 2),
                ("info", base + (l.is64 ? 0x2c : 0x1c), 4, false),
                ("entsize", base + (l.is64 ? 0x38 : 0x24), w, s.type == 2),
                ("name", base, 4, false),
            ]
            for (field, offset, width, broken) in fields {
                var copy = bytes
                write(&copy, offset, width, 0xffff_fff0, little: l.little)
                if copy == bytes { continue }
                add("shdr\(i)-\(field)", copy, broken)
            }
            // Symbol and relocation entries with indices out of range.
            if (s.type == 2 || s.type == 4 || s.type == 9) && s.size > 0 {
                var copy = bytes
                let entry = s.type == 2 ? (l.is64 ? 24 : 16) : (s.type == 4 ? 3 * w : 2 * w)
                let count = s.size / entry
                for e in stride(from: 0, to: count, by: max(1, count / 8)) {
                    let at = s.offset + e * entry
                    if s.type == 2 {
                        write(&copy, at, 4, 0xffff_ff00, little: l.little)                         // st_name
                        write(&copy, at + (l.is64 ? 6 : 14), 2, 0xfeff, little: l.little)          // st_shndx
                    } else {
                        write(&copy, at + w, w, UInt64.max, little: l.little)                      // r_info
                    }
                }
                add("entries\(i)", copy, s.type == 2)
            }
            // A string table without its final NUL.
            if s.type == 3 && s.size > 0 {
                var copy = bytes
                copy[s.offset + s.size - 1] = 0x41
                add("strtab\(i)-no-nul", copy, false)
            }
        }
        result += structuralMutants(bytes, l)
        result += dwarfMutants(bytes, l, seed: seed)
        // Random byte flips.
        var generator = Generator(state: seed)
        for n in 0..<flips {
            var copy = bytes
            for _ in 0..<(1 + Int(generator.next() % 16)) {
                let at = Int(generator.next() % UInt64(copy.count))
                copy[at] ^= UInt8(1 << (generator.next() % 8))
            }
            add("flip-\(n)", copy, false)
        }
        return result
    }

    /// Overlapping sections, alignments that are not a power of two, links and infos one past
    /// the end, huge counts (extended section numbering, tables sized far beyond the file),
    /// relocations one past the last symbol: all unreadable. Contents away from their
    /// alignment in the file: readable.
    static func structuralMutants(_ bytes: [UInt8], _ l: Layout) -> [(String, [UInt8], Expectation)] {
        var result: [(String, [UInt8], Expectation)] = []
        let w = l.is64 ? 8 : 4
        let offsetField = l.is64 ? 0x18 : 0x10, sizeField = l.is64 ? 0x20 : 0x14
        let linkField = l.is64 ? 0x28 : 0x18, infoField = l.is64 ? 0x2c : 0x1c
        let alignField = l.is64 ? 0x30 : 0x20
        func mutate(_ name: String, _ edits: [(Int, Int, UInt64)]) {
            var copy = bytes
            for (offset, width, value) in edits { write(&copy, offset, width, value, little: l.little) }
            if copy != bytes { result.append((name, copy, .unreadable)) }
        }
        let occupying = l.sections.indices.filter { $0 > 0 && l.sections[$0].type != 8 && l.sections[$0].size > 0 }
        for (previous, i) in zip(occupying, occupying.dropFirst()) {
            let s = l.sections[i], p = l.sections[previous]
            // Moved onto the previous section, onto the section header table, onto the ELF header.
            if p.offset + s.size <= bytes.count { mutate("overlap\(i)-section\(previous)", [(l.header(i) + offsetField, w, UInt64(p.offset))]) }
            if l.shoff + s.size <= bytes.count { mutate("overlap\(i)-shdrs", [(l.header(i) + offsetField, w, UInt64(l.shoff))]) }
            mutate("overlap\(i)-ehdr", [(l.header(i) + offsetField, w, 0)])
            // Grown into the next section.
            if let next = occupying.first(where: { l.sections[$0].offset > s.offset }), l.sections[next].offset + 1 <= bytes.count {
                mutate("overlap\(i)-grown", [(l.header(i) + sizeField, w, UInt64(l.sections[next].offset - s.offset + 1))])
            }
        }
        for i in 1..<l.sections.count {
            let s = l.sections[i]
            mutate("align\(i)-3", [(l.header(i) + alignField, w, 3)])
            // Contents that do not sit at their alignment in the file are read like any other
            // (the loader copies them into place; Debian 13's toolchain writes such files).
            if s.type != 8 && s.size > 0 && s.offset % 64 != 0 {
                var copy = bytes
                write(&copy, l.header(i) + alignField, w, 64, little: l.little)
                if copy != bytes { result.append(("align\(i)-misplaced", copy, .readable)) }
            }
            mutate("link\(i)-one-past", [(l.header(i) + linkField, 4, UInt64(l.shnum))])
            if s.type == 4 || s.type == 9 {
                mutate("info\(i)-one-past", [(l.header(i) + infoField, 4, UInt64(l.shnum))])
                mutate("info\(i)-zero", [(l.header(i) + infoField, 4, 0)])
                if let symtab = l.symtab, symtab != i { mutate("link\(i)-not-symtab", [(l.header(i) + linkField, 4, UInt64(i))]) }
                // One relocation naming the symbol one past the last.
                let entry = (s.type == 4 ? 3 : 2) * w
                let target = read(bytes, l.header(i) + infoField, 4, little: l.little)
                if let symtab = l.symtab, s.size >= entry, target < l.shnum, !SectionNames.isNeverScanned(l.names[target]) {
                    let symbols = UInt64(l.sections[symtab].size / (l.is64 ? 24 : 16))
                    let info = l.is64 ? symbols << 32 | 1 : symbols << 8 | 1
                    mutate("reloc\(i)-symbol-one-past", [(s.offset + w, w, info)])
                }
            }
            // Huge counts: a table far larger than any file.
            if [2, 4, 9].contains(s.type) { mutate("count\(i)-huge", [(l.header(i) + sizeField, w, l.is64 ? 24 << 40 : 0xffff_fff0)]) }
        }
        // Extended section numbering: e_shnum 0, the count in section 0's sh_size.
        for count: UInt64 in [0x1_0000, 0xffff_ffff, UInt64(l.shnum + 1)] {
            mutate("shnum-extended-\(count)", [(l.is64 ? 0x3c : 0x30, 2, 0), (l.shoff + sizeField, w, count)])
        }
        return result
    }

    /// Bytes changed inside the DWARF sections only: the module is still read and linted,
    /// without its debug info when libdwarf (after the precheck) refuses it.
    static func dwarfMutants(_ bytes: [UInt8], _ l: Layout, seed: UInt64) -> [(String, [UInt8], Expectation)] {
        var result: [(String, [UInt8], Expectation)] = []
        var generator = Generator(state: seed ^ 0xd3a7f)
        for (i, s) in l.sections.enumerated() where l.names[i].hasPrefix(".debug_") && s.type != 8 && s.size > 0 {
            // The unit headers: lengths, versions and offsets at extremes.
            for value: UInt8 in [0x00, 0xff] {
                var copy = bytes
                for at in s.offset..<min(s.offset + 16, s.offset + s.size) { copy[at] = value }
                result.append(("dwarf\(i)-head-\(value)", copy, .readable))
            }
            for n in 0..<12 {
                var copy = bytes
                for _ in 0..<(1 + Int(generator.next() % 8)) {
                    let at = s.offset + Int(generator.next() % UInt64(s.size))
                    copy[at] = UInt8(truncatingIfNeeded: generator.next())
                }
                result.append(("dwarf\(i)-bytes-\(n)", copy, .readable))
            }
        }
        return result
    }

    /// The first three modules of every fixture tree, and the owner fixture (full DWARF that
    /// the owner rules read) where the tree has it.
    static func victims(tree: String) -> [String] {
        let intact = Fixtures.modules(tree: tree)
        return Array(intact.prefix(3)) + intact.filter { $0.hasSuffix("/fx_owner.ko") }
    }

    /// The fixture tier alone (without the corpus) reads at least 10 000 mutated inputs,
    /// every family present.
    @Test func theTierReadsTenThousandInputs() throws {
        var count = 0
        var families: Set<String> = []
        for tree in Fixtures.trees {
            for (n, path) in Self.victims(tree: tree).enumerated() {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                for (name, _, _) in Self.mutants(of: bytes, seed: UInt64(n + 1), flips: 200) {
                    count += 1
                    families.insert(String(name.prefix { $0.isLetter || $0 == "-" }))
                }
            }
        }
        #expect(count >= 10_000, "\(count) mutants")
        for family in ["truncated-", "ehdr-shnum-", "shdr", "entries", "strtab", "overlap", "align", "link", "info",
                       "reloc", "count", "shnum-extended-", "dwarf", "flip-"] {
            #expect(families.contains(family), "no \(family) mutants among \(families.sorted())")
        }
    }

    @Test(arguments: Fixtures.trees)
    func mutantsNeverCrashAndNeverHideTheIntactModules(tree: String) throws {
        let intact = Fixtures.modules(tree: tree)
        let dir = try Fixtures.scratchDirectory("hostile-\(tree)")
        defer { Fixtures.removeScratchDirectory(dir) }
        let mutants = try Self.writeMutants(of: Self.victims(tree: tree), into: dir, flips: 200)
        #expect(mutants.count > 1_000)
        try Self.check(mutants: mutants, intact: intact, symbols: Fixtures.symbols(tree: tree))
    }

    /// Real modules from Debian's trees (`MODLINT_CORPUS`): four small ones of each
    /// architecture, mutated the same way and linted among twenty intact ones.
    @Test(.enabled(if: !CorpusTrees.bookwormArches.isEmpty,
                   Comment(rawValue: CorpusTrees.unset("MODLINT_CORPUS", "no Debian 12 tree (scripts/test fetches them)"))))
    func mutantsOfRealModules() throws {
        for arch in ["amd64", "arm64", "armhf", "i386"] where CorpusTrees.bookwormArches.contains(arch) {
            let tree = try #require(CorpusTrees.bookworm(arch), "\(arch): MANIFEST without modules_dir")
            let modulesDir = tree.modulesDirectory
            let symvers = try #require(tree.moduleSymvers, "\(arch): MANIFEST without module_symvers")
            let modules = Self.modules(under: modulesDir + "/kernel/net")
            let small = modules.filter { (Self.size(of: $0) ?? .max) < 48 << 10 }
            let victims = stride(from: 0, to: small.count, by: max(1, small.count / 4)).prefix(4).map { small[$0] }
            let intact = stride(from: 0, to: modules.count, by: max(1, modules.count / 20)).prefix(20).map { modules[$0] }
            let dir = try Fixtures.scratchDirectory("hostile-corpus-\(arch)")
            defer { Fixtures.removeScratchDirectory(dir) }
            let mutants = try Self.writeMutants(of: victims, into: dir, flips: 100)
            #expect(mutants.count > 500, "\(arch)")
            try Self.check(mutants: mutants, intact: intact, symbols: symvers)
        }
    }

    static func modules(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".ko") { found.append(root + "/" + relative) }
        }
        return found.sorted()
    }

    static func size(of path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    /// Writes every mutant of `victims` into `dir`; their paths and what each must do.
    static func writeMutants(of victims: [String], into dir: String, flips: Int) throws -> [String: Expectation] {
        var written: [String: Expectation] = [:]
        for (n, path) in victims.enumerated() {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            for (name, mutant, expectation) in mutants(of: bytes, seed: UInt64(n + 1), flips: flips) {
                let out = "\(dir)/\(stem)-\(name).ko"
                try Data(mutant).write(to: URL(fileURLWithPath: out))
                written[out] = expectation
            }
        }
        return written
    }

    /// Lints the intact modules alone, then with the mutants: no crash, the intact ones
    /// reported as alone, one E001 with a reason per unreadable mutant and nothing else on it.
    static func check(mutants: [String: Expectation], intact: [String], symbols: String) throws {
        // A budget no module reaches: Z002 runs the layout model over every mutant that loads.
        let budget = SizeBudget(core: 1 << 40, initSize: 1 << 40)
        let alone = try Fixtures.lint(intact, symbols: symbols, options: RuleOptionValues([budget]))
        let result = try Fixtures.lint(intact + mutants.keys.sorted(), symbols: symbols, options: RuleOptionValues([budget]))
        // Exports of a mutant may resolve a symbol for an intact module (U001), or duplicate
        // one of its exports (U006: a mutant of fx_dup still exports fx_exported_plain); the
        // owner rules' note on the modules they could not check lists the whole run. Compare
        // per intact path without those.
        let intactSet = Set(intact)
        func comparable(_ d: Diagnostic) -> Bool {
            intactSet.contains(d.path) && !["U001", "U006"].contains(d.code) && !d.message.hasPrefix("not checked for")
        }
        #expect(result.diagnostics.filter(comparable) == alone.diagnostics.filter(comparable))
        #expect(result.diagnostics.filter { intactSet.contains($0.path) && $0.code == "E001" }.isEmpty)
        var unreadable = 0
        for (path, expectation) in mutants {
            let e001 = result.diagnostics.filter { $0.path == path && $0.code == "E001" }
            #expect(e001.count <= 1, "\(path): \(e001.count) E001")
            switch expectation {
            case .unreadable: #expect(e001.count == 1, "\(path) was read although it is broken")
            case .readable: #expect(e001.isEmpty, "\(path): only its DWARF is damaged, but \(e001.first?.message ?? "")")
            case .either: break
            }
            if let d = e001.first {
                unreadable += 1
                #expect(d.message.hasPrefix("cannot read module: ") && d.message.count > "cannot read module: ".count + 8)
                #expect(result.diagnostics.filter { $0.path == path }.count == 1, "\(path): findings beside E001")
            }
        }
        #expect(result.unreadable == unreadable)
        #expect(result.modules == intact.count + mutants.count - unreadable)
    }

    /// The DWARF mutants of the owner fixture reach libdwarf (through the precheck) and some
    /// are refused there: the module is then read without its debug info, not dropped.
    @Test func damagedDebugInfoLeavesTheModuleReadable() throws {
        let owner = Fixtures.path("linux-6.1-amd64/fx_owner.ko")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: owner)))
        let dir = try Fixtures.scratchDirectory("hostile-dwarf")
        defer { Fixtures.removeScratchDirectory(dir) }
        var states: [String: Int] = [:]
        for (name, mutant, _) in Self.dwarfMutants(bytes, Self.layout(bytes), seed: 7) {
            let path = "\(dir)/fx_owner-\(name).ko"
            try Data(mutant).write(to: URL(fileURLWithPath: path))
            let module = try ModuleObject.load(path: path)
            let cache = DebugInfoCache(module: module)
            _ = cache.value
            switch cache.state {
            case .loaded: states["loaded", default: 0] += 1
            case .missing: states["missing", default: 0] += 1
            case .unreadable: states["unreadable", default: 0] += 1
            case .notRequested: states["not requested", default: 0] += 1
            }
        }
        #expect(states["unreadable", default: 0] > 10, "\(states)")
        #expect(states["loaded", default: 0] > 10, "\(states)")
        #expect(states["not requested"] == nil)
    }
}
