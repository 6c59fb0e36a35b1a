import FixtureSupport
import Foundation
@testable import ModuleObject
import Testing

/// The modinfo oracle: for every module, the aliases derived from its device tables are
/// exactly the `alias=` lines modpost appended to its `.modinfo`.
@Suite struct AliasOracleTests {
    /// `MODLINT_CORPUS`: a directory of module trees (one folder per architecture, as
    /// shared/corpus/fetch-corpus.sh unpacks them) or one tree. Unset: the corpus test is skipped.
    static let corpus = CorpusTrees.corpus
    /// Where a tree's modules lie inside its folder, as the Debian packages unpack: lib/modules
    /// up to Debian 12, usr/lib/modules from Debian 13 on.
    static let modulesInTree = ["root/lib/modules", "root/usr/lib/modules"]
    /// `MODLINT_ALIAS_SAMPLE=N`: every Nth module of each tree (all of them when unset).
    static let sample = ProcessInfo.processInfo.environment["MODLINT_ALIAS_SAMPLE"].flatMap { Int($0) }.map { max($0, 1) } ?? 1

    static func modules(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if [".ko", ".ko.xz", ".ko.zst", ".ko.gz"].contains(where: relative.hasSuffix) { found.append(root + "/" + relative) }
        }
        return found.sorted().enumerated().filter { $0.offset % sample == 0 }.map(\.element)
    }

    struct Outcome {
        var modules = 0, withTables = 0, agree = 0, tables = 0, aliases = 0, fromSources = 0, unreadable = 0
        var disagreements: [String] = []
        /// MODULE_ALIAS() aliases whose bus prefix is one device tables produce, e.g. "platform:".
        var shapedFromSources: [String] = []
        var prefixes: Set<Substring> = []
        var undecodedTypes: [String: Int] = [:]
    }

    static func check(_ paths: [String]) -> Outcome {
        var outcome = Outcome()
        for path in paths {
            guard let module = try? ModuleObject.load(path: path) else { outcome.unreadable += 1; continue }
            outcome.modules += 1
            if !module.deviceTables.isEmpty { outcome.withTables += 1 }
            outcome.tables += module.deviceTables.count
            for table in module.deviceTables where table.status != .decoded {
                outcome.undecodedTypes["\(table.type) \(table.status)", default: 0] += 1
            }
            let comparison = AliasComparison(module: module)
            outcome.aliases += comparison.derived.count
            outcome.fromSources += comparison.fromSources.count
            for alias in comparison.derived { outcome.prefixes.insert(alias.prefix { $0 != ":" }) }
            for alias in comparison.fromSources where alias.contains(":") {
                outcome.shapedFromSources.append("\(module.name): \(alias)")
            }
            if comparison.agrees {
                outcome.agree += 1
            } else {
                let (missing, extra) = comparison.differences
                outcome.disagreements.append("\(path): modpost has \(missing.prefix(3)) more, modlint derives \(extra.prefix(3)) more")
            }
        }
        return outcome
    }

    @Test func fixtureAliasesEqualModpostsAliases() {
        let paths = Fixtures.architectures.flatMap { Fixtures.modules(arch: $0) }
        let outcome = Self.check(paths)
        #expect(outcome.disagreements == [])
        #expect(outcome.agree == outcome.modules)
        // fx_devtab_dup, fx_devtab_rival, fx_devtab_clean, fx_devtab_ptr, fx_devtab_export, and
        // fx_owner (its pci table).
        #expect(outcome.withTables == 6)
    }

    /// 7.2's modpost (Fixtures/devtables/linux-7.2-amd64, built in a sid chroot) writes each
    /// alias once per module and names the tables __mod_device_table__kmod_<mod>__…
    @Test func fixtureAliasesEqualModpostsAliasesOn72() throws {
        let dir = Fixtures.path("devtables/linux-7.2-amd64")
        let paths = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".ko") }.sorted().map { dir + "/" + $0 }
        let outcome = Self.check(paths)
        #expect(paths.count == 6)
        #expect(outcome.disagreements == [])
        #expect(outcome.agree == 6 && outcome.withTables == 5)
        let dup = try ModuleObject.load(path: dir + "/fx_devtab_dup.ko")
        #expect(dup.deviceTables.allSatisfy { $0.symbol.naming == .kmod && $0.symbol.moduleName == "fx_devtab_dup" && $0.status == .decoded })
        // fx_pci_ids[0] and [2] are the same entry: one alias, not two.
        #expect(dup.deviceTableAliases.filter { $0 == "pci:v00008086d00001234sv*sd*bc*sc*i*" }.count == 1)
    }

    /// The aliases come from the tables alone: with every `alias=` line of `.modinfo` blanked
    /// (renamed in place), the same aliases are derived.
    @Test(arguments: ["devtables/linux-7.2-amd64/fx_devtab_clean.ko", "linux-6.1-amd64/fx_devtab_clean.ko", "linux-6.12-amd64/fx_devtab_clean.ko"])
    func aliasesAreDerivedWithTheAliasLinesBlanked(fixture: String) throws {
        let original = try ModuleObject.load(path: Fixtures.path(fixture))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(fixture))))
        let needle = Array("alias=".utf8), blank = Array("xxxxx=".utf8)
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && Array(bytes[index ..< index + needle.count]) == needle {
                bytes.replaceSubrange(index ..< index + needle.count, with: blank)
                index += needle.count
            } else {
                index += 1
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("modlint-blanked-\(getpid())-\(fixture.hashValue).ko").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let blanked = try ModuleObject.load(path: path)
        #expect(blanked.modinfo.values("alias").isEmpty)
        #expect(!blanked.deviceTableAliases.isEmpty)
        #expect(blanked.deviceTableAliases == AliasComparison(module: original).derived)
        #expect(blanked.deviceTableAliases.sorted() == AliasComparison(module: original).appended.sorted())
    }

    @Test(.enabled(if: corpus != nil, "MODLINT_CORPUS is not set (scripts/test fetches Debian 12's trees)"))
    func corpusAliasesEqualModpostsAliases() throws {
        try Self.checkTrees(under: try #require(Self.corpus))
    }

    /// `MODLINT_SUITES`: the Debian 13 (6.12) and sid (7.x) trees, one folder per suite and
    /// architecture (`SUITE=trixie|sid shared/corpus/fetch-corpus.sh ARCH DIR/<suite>-<arch>`).
    static let suites = CorpusTrees.suites

    @Test(.enabled(if: suites != nil, "MODLINT_SUITES is not set (the Debian 13 and sid trees)"))
    func suiteAliasesEqualModpostsAliases() throws {
        try Self.checkTrees(under: try #require(Self.suites))
    }

    static func checkTrees(under root: String) throws {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let trees = entries.sorted().compactMap { entry in
            Self.modulesInTree.first { FileManager.default.fileExists(atPath: "\(root)/\(entry)/\($0)") }.map { (entry, "\(root)/\(entry)/\($0)") }
        }
        let sets: [(String, String)] = trees.isEmpty ? [(root, root)] : trees
        var report = ""
        var failures: [String] = []
        for (name, dir) in sets {
            var outcome = Self.check(Self.modules(under: dir))
            let prefixes = outcome.prefixes
            outcome.shapedFromSources = outcome.shapedFromSources.filter { line in
                let alias = line.split(separator: " ", maxSplits: 1).last ?? ""
                return prefixes.contains(alias.prefix { $0 != ":" })
            }
            report += "\(name): \(outcome.agree) of \(outcome.modules) modules agree (\(outcome.withTables) with device tables, \(outcome.tables) tables, \(outcome.aliases) derived aliases, \(outcome.fromSources) MODULE_ALIAS() aliases of which \(outcome.shapedFromSources.count) have a device-table prefix, \(outcome.unreadable) unreadable); tables not decoded: \(outcome.undecodedTypes.sorted { $0.key < $1.key })\n"
            failures += outcome.disagreements
            if outcome.unreadable > 0 { failures.append("\(name): \(outcome.unreadable) modules could not be read, so their aliases were not compared") }
            // They precede modpost's lines in .modinfo, so they come from the module's own objects.
            for line in outcome.shapedFromSources.prefix(8) { report += "  MODULE_ALIAS() with a bus prefix: \(line)\n" }
        }
        print(report, terminator: "")
        for line in failures.prefix(40) { print("  " + line) }
        let disagreeing = failures.count
        #expect(disagreeing == 0)
    }
}
