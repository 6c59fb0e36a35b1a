import FixtureSupport
import Foundation
import LintEngine
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

    /// (name, bytes, must be unreadable)
    static func mutants(of bytes: [UInt8], seed: UInt64) -> [(String, [UInt8], Bool)] {
        let l = layout(bytes)
        var result: [(String, [UInt8], Bool)] = []
        // Truncation at every section's start and middle, and inside the section header table.
        var cuts = Set<Int>()
        for s in l.sections where s.type != 8 && s.size > 0 { cuts.insert(s.offset); cuts.insert(s.offset + s.size / 2) }
        cuts.insert(l.shoff + l.shentsize * l.shnum / 2)
        cuts.insert(0); cuts.insert(15); cuts.insert(l.is64 ? 63 : 51)
        for cut in cuts.sorted() where cut < bytes.count {
            result.append(("truncated-\(cut)", Array(bytes[..<cut]), true))
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
                result.append(("ehdr-\(field)-\(value)", copy, alwaysBroken))
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
                result.append(("shdr\(i)-\(field)", copy, broken))
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
                result.append(("entries\(i)", copy, s.type == 2))
            }
            // A string table without its final NUL.
            if s.type == 3 && s.size > 0 {
                var copy = bytes
                copy[s.offset + s.size - 1] = 0x41
                result.append(("strtab\(i)-no-nul", copy, false))
            }
        }
        // Random byte flips.
        var generator = Generator(state: seed)
        for n in 0..<200 {
            var copy = bytes
            for _ in 0..<(1 + Int(generator.next() % 16)) {
                let at = Int(generator.next() % UInt64(copy.count))
                copy[at] ^= UInt8(1 << (generator.next() % 8))
            }
            result.append(("flip-\(n)", copy, false))
        }
        return result
    }

    @Test(arguments: Fixtures.trees)
    func mutantsNeverCrashAndNeverHideTheIntactModules(tree: String) throws {
        let intact = Fixtures.modules(tree: tree)
        let symbols = Fixtures.symbols(tree: tree)
        // A budget no module reaches: Z002 runs the layout model over every mutant that loads.
        let budget = SizeBudget(core: 1 << 40, initSize: 1 << 40)
        let alone = try Fixtures.lint(intact, symbols: symbols, sizeBudget: budget)
        let dir = try Fixtures.scratchDirectory("hostile-\(tree)")
        defer { Fixtures.removeScratchDirectory(dir) }
        var broken: [String: Bool] = [:]
        for (n, path) in intact.prefix(3).enumerated() {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            for (name, mutant, mustFail) in Self.mutants(of: bytes, seed: UInt64(n + 1)) {
                let out = "\(dir)/\(stem)-\(name).ko"
                try Data(mutant).write(to: URL(fileURLWithPath: out))
                broken[out] = mustFail
            }
        }
        #expect(broken.count > 300)
        let result = try Fixtures.lint(intact + broken.keys.sorted(), symbols: symbols, sizeBudget: budget)
        // The intact modules are reported exactly as they are on their own. Exports of a
        // mutant may resolve a symbol for an intact module (U001), or duplicate one of its
        // exports (U006: a mutant of fx_dup still exports fx_exported_plain), so compare per
        // intact path without those two.
        let intactSet = Set(intact)
        let runDependent: Set<String> = ["U001", "U006"]
        let intactFindings = result.diagnostics.filter { intactSet.contains($0.path) && !runDependent.contains($0.code) }
        #expect(intactFindings == alone.diagnostics.filter { !runDependent.contains($0.code) })
        #expect(result.diagnostics.filter { intactSet.contains($0.path) && $0.code == "E001" }.isEmpty)
        var unreadable = 0
        for (path, mustFail) in broken {
            let e001 = result.diagnostics.filter { $0.path == path && $0.code == "E001" }
            #expect(e001.count <= 1, "\(path): \(e001.count) E001")
            if mustFail { #expect(e001.count == 1, "\(path) was read although it is broken") }
            if let d = e001.first {
                unreadable += 1
                #expect(d.message.hasPrefix("cannot read module: "))
                #expect(result.diagnostics.filter { $0.path == path }.count == 1, "\(path): findings beside E001")
            }
        }
        #expect(result.unreadable == unreadable)
        #expect(result.modules == intact.count + broken.count - unreadable)
    }
}
