import Foundation
import ModuleLayout
import ModuleObject
import Testing

/// The kernel itself as the oracle: `MODLINT_LAYOUT_ORACLE` names a directory written by
/// scripts/oracle-layout after booting Debian's 6.1 amd64 kernel under qemu and loading
/// modules: `amd64-6.1.tsv` (name, coresize, initsize at load), `amd64-6.1.paths` (the .ko of
/// each line) and `amd64-6.1.sections.tsv` (name, section, core|init, offset). Every module's
/// allocated sizes and every section's offset must be the model's. Skipped when unset.
@Suite struct LayoutOracleTests {
    static let oracle = ProcessInfo.processInfo.environment["MODLINT_LAYOUT_ORACLE"].flatMap { $0.isEmpty ? nil : $0 }

    static func lines(_ file: String) throws -> [[String]] {
        try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
    }

    @Test(.enabled(if: oracle != nil)) func sizesAndSectionOffsetsAreTheKernels() throws {
        let dir = try #require(Self.oracle)
        let sizes = try Self.lines(dir + "/amd64-6.1.tsv")
        let paths = try String(contentsOfFile: dir + "/amd64-6.1.paths", encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(sizes.count == paths.count && !sizes.isEmpty)
        var offsets: [String: [String: (Bool, UInt64)]] = [:]
        for row in try Self.lines(dir + "/amd64-6.1.sections.tsv") where row.count == 4 {
            offsets[row[0], default: [:]][row[1]] = (row[2] == "init", UInt64(row[3]) ?? .max)
        }
        let model = LayoutModel(configuration: .debian(machine: .x86_64, version: KernelVersion(6, 1)))
        var sectionsCompared = 0
        for (row, path) in zip(sizes, paths) {
            let module = try ModuleObject.load(path: path)
            let f = model.footprint(of: module)
            #expect(f.coreAllocated == UInt64(row[1]), "\(row[0]) coresize")
            #expect(f.initAllocated == UInt64(row[2]), "\(row[0]) initsize")
            let placements = model.placements(of: module)
            for (name, (isInit, offset)) in offsets[row[0]] ?? [:] {
                // sysfs lists one entry per name; compare the names the module has once.
                let matching = placements.filter { $0.name == name }
                guard matching.count == 1, let placement = matching.first else { continue }
                #expect(placement.isInit == isInit && placement.offset == offset,
                        "\(row[0]) \(name): model \(placement.isInit ? "init" : "core")+\(placement.offset), kernel \(isInit ? "init" : "core")+\(offset)")
                sectionsCompared += 1
            }
        }
        #expect(sectionsCompared > 1000)
    }
}
