import DebugInfo
import FixtureSupport
import Foundation
import ModuleObject
import Testing

@Suite struct LineTableTests {
    /// The binutils addr2line that reads a machine's objects (Debian's cross binutils); a
    /// missing one fails the test, naming its package.
    static func addr2line(for machine: Machine) throws -> String {
        switch machine {
        case .x86_64, .i386: return try Programs.require("addr2line")
        case .arm: return try Programs.require("arm-linux-gnueabihf-addr2line")
        case .aarch64: return try Programs.require("aarch64-linux-gnu-addr2line")
        case .s390: return try Programs.require("s390x-linux-gnu-addr2line")
        default: throw Programs.Missing(program: "addr2line for \(machine)", remedy: "no fixture tree of that machine is expected")
        }
    }

    struct Place: Hashable { let section: Int; let offset: UInt64 }

    /// Every relocation place in the code of every fixture module, looked up in modlint's
    /// line table and by `addr2line -j <section>`.
    @Test(arguments: Fixtures.trees)
    func relocationPlacesAgreeWithAddr2line(tree: String) throws {
        var compared = 0, agreed = 0, neither = 0
        var disagreements: [String] = []
        for path in Fixtures.modules(tree: tree) {
            let module = try ModuleObject.load(path: path)
            let oracle = try Self.addr2line(for: module.identity.machine)
            let table = try #require(try DebugInfo.loadLines(module: module))
            #expect(table.unmatchedUnits == 0, "\(module.name)")
            var places: [Int: [UInt64]] = [:]
            for relocations in module.relocationSections where module.sections[relocations.targetSectionIndex].isExecutable {
                places[relocations.targetSectionIndex, default: []].append(contentsOf: relocations.relocations.map(\.offset))
            }
            for (section, offsets) in places.sorted(by: { $0.key < $1.key }) {
                let name = module.sections[section].name
                let (status, output) = try Command.run(
                    oracle, ["-e", path, "-j", name] + offsets.map { "0x" + String($0, radix: 16) })
                try #require(status == 0, "\(oracle): \(output)")
                let answers = output.split(separator: "\n")
                try #require(answers.count == offsets.count)
                for (offset, answer) in zip(offsets, answers) {
                    let ours = table.location(section: section, offset: offset)
                    // "/comp/dir/Fixtures/src/x/x.c:42 (discriminator 1)" or "??:0", "x.c:?"
                    let text = answer.split(separator: " ").first.map(String.init) ?? ""
                    let parts = text.split(separator: ":")
                    let theirs = parts.count == 2 ? Int(parts[1]).flatMap { $0 > 0 ? (String(parts[0]), $0) : nil } : nil
                    compared += 1
                    switch (ours, theirs) {
                    case (nil, nil):
                        neither += 1
                    case let (ours?, theirs?) where theirs.0.hasSuffix("/" + ours.file) || theirs.0 == ours.file:
                        if ours.line == theirs.1 { agreed += 1; continue }
                        fallthrough
                    default:
                        disagreements.append("\(module.name) \(name)+0x\(String(offset, radix: 16)): modlint \(ours.map(\.description) ?? "-"), addr2line \(answer)")
                    }
                }
            }
        }
        print("line table vs addr2line, \(tree): \(compared) places, \(agreed) agree, \(neither) without a line in both, \(disagreements.count) differ")
        for line in disagreements.prefix(20) { print("  " + line) }
        #expect(disagreements.isEmpty)
        #expect(compared > 50 && neither == 0)
    }

    /// The sequences of one unit cover three sections; each is found by its own relocation.
    @Test func sequencesAreTiedToTheirSections() throws {
        let module = try ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/fx_exitref.ko"))
        let table = try #require(try DebugInfo.loadLines(module: module))
        func at(_ name: String, _ offset: UInt64) throws -> String? {
            table.location(section: try #require(module.section(named: name)).index, offset: offset)?.description
        }
        let file = "Fixtures/src/fx_exitref/fx_exitref.c"
        // All three start at address 0, on lines 23/24, 28 and 72.
        #expect(try at(".exit.text", 0) == file + ":24:2")
        #expect(try at(".text.unlikely", 0) == file + ":28:1")
        #expect(try at(".init.text", 0) == file + ":72:1")
        #expect(try at(".init.text", 0x7) == file + ":75:2")
        #expect(try at(".exit.text", 0x16) == file + ":52:2")
        // Past the end of a sequence, and in a section without code.
        #expect(try at(".text.unlikely", 0x16) == nil)
        #expect(try at(".data", 0) == nil)
    }

    @Test func strippedModuleHasNoLineTable() throws {
        let module = try ModuleObject.load(path: Fixtures.path("stripped/linux-6.1-amd64/fx_owner.ko"))
        #expect(try DebugInfo.loadLines(module: module) == nil)
    }

    /// Over a tree of real modules with DWARF (MODLINT_DEBUG_CORPUS, e.g. Debian's
    /// linux-image-<version>-dbg unpacked; skipped when unset): every unit's sequences are
    /// tied to sections, and the first modules' relocation places agree with addr2line.
    static let debugCorpus = CorpusTrees.debugCorpus

    @Test(.enabled(if: debugCorpus != nil, Comment(rawValue: CorpusTrees.unset("MODLINT_DEBUG_CORPUS", "no tree of modules with DWARF"))))
    func aRealTreeIsTiedWholeAndAgreesWithAddr2line() throws {
        let root = try #require(Self.debugCorpus)
        let files = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".ko") }.sorted()
        #expect(!files.isEmpty)
        var rows = 0, compared = 0, agreed = 0
        var elapsed = Duration.zero
        let clock = ContinuousClock()
        for (index, file) in files.enumerated() {
            let path = root + "/" + file
            let module = try ModuleObject.load(path: path)
            let start = clock.now
            let table = try #require(try DebugInfo.loadLines(module: module), "\(file)")
            elapsed += clock.now - start
            rows += table.rowCount
            #expect(table.unmatchedUnits == 0, "\(file)")
            guard index < 40 else { continue }
            let oracle = try Self.addr2line(for: module.identity.machine)
            for relocations in module.relocationSections where module.sections[relocations.targetSectionIndex].isExecutable {
                let section = relocations.targetSectionIndex
                let offsets = Array(relocations.relocations.map(\.offset).prefix(200))
                guard !offsets.isEmpty else { continue }
                let (_, output) = try Command.run(
                    oracle, ["-e", path, "-j", module.sections[section].name] + offsets.map { "0x" + String($0, radix: 16) })
                for (offset, answer) in zip(offsets, output.split(separator: "\n")) {
                    let text = answer.split(separator: " ").first.map(String.init) ?? ""
                    let parts = text.split(separator: ":")
                    guard parts.count == 2, let line = Int(parts[1]), line > 0 else { continue }
                    compared += 1
                    if let ours = table.location(section: section, offset: offset), ours.line == line,
                       parts[0].hasSuffix("/" + ours.file) || parts[0] == ours.file {
                        agreed += 1
                    }
                }
            }
        }
        print("line tables of \(files.count) modules: \(rows) rows in \(elapsed); addr2line: \(agreed) of \(compared) places agree")
        #expect(agreed == compared)
    }
}
