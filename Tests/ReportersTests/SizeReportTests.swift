import FixtureSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ModuleLayout
import ModuleObject
import Reporters
import Testing

@Suite struct SizeReportTests {
    static let report: SizeReport = {
        let model = LayoutModel(configuration: .debian(machine: .x86_64, version: KernelVersion(6, 1)))
        let footprints = ["fx_size_large", "fx_clean", "fx_size_small"].map { name in
            // The fixtures are committed; a failure to read one fails every test below.
            (try? ModuleObject.load(path: Fixtures.path("linux-6.1-amd64/\(name).ko"))).map(model.footprint(of:))
        }.compactMap { $0 }
        return SizeReport(footprints: footprints, pageSize: 4096)
    }()

    @Test func jsonKeepsTheContract() throws {
        let object = try #require(JSONSerialization.jsonObject(with: Data(Self.report.json().utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        #expect(object["page_size"] as? Int == 4096)
        let modules = try #require(object["modules"] as? [[String: Any]])
        #expect(modules.map { $0["module"] as? String } == ["fx_clean", "fx_size_large", "fx_size_small"])
        let contract = ["module", "path", "text", "rodata", "ro_after_init", "data", "bss", "init", "core", "core_allocated",
                        "init_allocated", "waste", "size_class", "text_plus_data"]
        for module in modules { for key in contract { #expect(module[key] != nil, "\(key)") } }
        let small = modules[2]
        #expect(small["core"] as? Int == 4034)
        #expect(small["core_allocated"] as? Int == 16384)
        #expect(small["init_allocated"] as? Int == 12288)
        #expect(small["waste"] as? Int == 16384 - 4034)
        #expect(small["size_class"] as? String == "kmalloc")
        #expect(modules[1]["size_class"] as? String == "vmalloc")
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["modules"] as? Int == 3)
        #expect(summary["under_page"] as? Int == 2)
        #expect(summary["pages_saved"] as? Int == 6)
    }

    @Test func tableSortsByAColumn() {
        // A caption with the units, the heading, then the rows.
        let lines = Self.report.table(sortBy: .core).split(separator: "\n").dropFirst()
        #expect(lines.first?.hasPrefix("module") == true)
        #expect(lines.dropFirst().map { $0.split(separator: " ").first.map(String.init) } == ["fx_size_large", "fx_size_small", "fx_clean"])
        #expect(lines.dropFirst().first?.hasSuffix("4162      16384  12222  vmalloc'd as 4 pages") == true)
        #expect(lines.last?.hasSuffix("sub-page, vmalloc'd as 4 pages") == true)
        #expect(Self.report.table(sortBy: .module, limit: 1).split(separator: "\n").count == 3)
    }

    @Test func textEndsWithTheTreeSummary() {
        let text = Self.report.render(.text)
        #expect(text.contains("2 of 3 modules would fit under a page (4096 bytes) as one kmalloc object, but the loader vmallocs whole pages: they take 8 pages now, 2 pages as kmalloc objects (6 pages saved)\n"))
        #expect(text.contains("  2002 measure (.text + .data under a page, as the 2002 kmalloc proposal counted): 3 of 3 modules\n"))
        #expect(text.contains("1K–2K") && text.contains("4K–8K"))
    }

    @Test func csvHasOneRowPerModule() {
        let lines = Self.report.csv().split(separator: "\n")
        #expect(lines.first == "module,text,rodata,ro_after_init,data,bss,kallsyms,init,core,core_allocated,init_allocated,waste,size_class,text_plus_data,region_pages,release,path")
        #expect(lines.count == 4)
        // 6.1 has one core and one init allocation: no region pages.
        #expect(lines[3].hasPrefix("fx_size_small,12,2784,0,916,0,322,1804,4034,16384,12288,12350,kmalloc,0,,6.1.0-50-amd64,"))
    }

    /// The same fixture built for 6.1 and for 6.12, in one report: 6.12 allocates text, data and
    /// rodata a page each (ro_after_init is empty, so not allocated), and init text and data.
    static let generations: SizeReport = {
        let footprints = [("linux-6.1-amd64", KernelVersion(6, 1)), ("linux-6.12-amd64", KernelVersion(6, 12))].compactMap { folder, version in
            (try? ModuleObject.load(path: Fixtures.path("\(folder)/fx_size_small.ko")))
                .map(LayoutModel(configuration: .debian(machine: .x86_64, version: version)).footprint(of:))
        }
        return SizeReport(footprints: footprints, pageSize: 4096)
    }()

    @Test func moduleMemoryKernelsShowTheirRegionPages() throws {
        let report = Self.generations
        try #require(report.footprints.count == 2)
        let modern = try #require(report.footprints.first { $0.generation == .moduleMemory })
        let regions = try #require(modern.regions)
        #expect(regions.named.map(\.bytes) == [4096, 4096, 4096, 0, 4096, 4096, 0])
        #expect(modern.coreAllocations == 3)
        #expect(SizeReport.regionPages(modern) == "1+1+1+0 / 1+1+0")
        #expect(report.footprints.first { $0.generation == .coreAndInitLayouts }?.regions == nil)
        let table = report.table()
        #expect(table.contains("  allocated     region pages  waste  what the loader does\n"))
        #expect(table.contains("  12288  1+1+1+0 / 1+1+0   7534  vmalloc'd as 3 pages in 3 allocations\n"))
        #expect(table.hasSuffix("region pages: 6.4 and later allocate each region on its own, page-rounded: text+data+rodata+ro_after_init / init_text+init_data+init_rodata\n"))
        // A 6.1 report keeps its table as it was.
        #expect(!Self.report.table().contains("region pages"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let modules = try #require(object["modules"] as? [[String: Any]])
        #expect(modules.map { $0["generation"] as? String } == ["core-init-layouts", "module-memory"])
        #expect(modules[0]["regions"] is NSNull)
        #expect((modules[1]["regions"] as? [String: Int]) == ["text": 4096, "data": 4096, "rodata": 4096, "ro_after_init": 0,
                                                              "init_text": 4096, "init_data": 4096, "init_rodata": 0])
    }

    @Test func severalReleasesAreAnsweredSideBySide() throws {
        let report = Self.generations
        #expect(report.generations.map(\.release) == ["6.1.0-50-amd64", "6.12.117+deb12-amd64"])
        let text = report.summaryText()
        #expect(text.contains("""
            the 2002 question, kernel by kernel       6.1.0-50-amd64  6.12.117+deb12-amd64
            loader                               core + init (≤ 6.3)  a region each (6.4+)
            modules                                                1                     1
            would fit under a page                                 1                     0
            pages they take today                                  4                     0
            """))
        #expect(text.hasSuffix("""
            6.1.0-50-amd64: 1 of 1 modules would fit under a page; today they take 4 pages; the page rounding costs 12350 bytes
            6.12.117+deb12-amd64: 0 of 1 modules would fit under a page; today they take 0 pages; the page rounding costs 7534 bytes

            """))
        // One release: no side-by-side table.
        #expect(!Self.report.summaryText().contains("kernel by kernel"))
        // The SVG: two bars per bucket (a share of each release's modules) and the sentences.
        let svg = report.svg()
        let document = try XMLDocument(data: Data(svg.utf8))
        let bars = try document.nodes(forXPath: "//*[local-name()='rect'][*[local-name()='title']]")
        #expect(bars.count == 2 * 2, "2K–4K and 4K–8K, a bar for each release")
        #expect(svg.contains("<title>6.12.117+deb12-amd64: 4K–8K bytes: 100.0% of its modules</title>"))
        #expect(svg.contains(">6.1.0-50-amd64: 1 of 1 modules would fit under a page; today they take 4 pages; the page rounding costs 12350 bytes</text>"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let generations = try #require(object["generations"] as? [[String: Any]])
        #expect(generations.map { $0["release"] as? String } == ["6.1.0-50-amd64", "6.12.117+deb12-amd64"])
        #expect(generations.map { $0["under_page"] as? Int } == [1, 0])
        #expect(generations.map { $0["waste"] as? Int } == [12350, 7534])
    }

    @Test func svgIsWellFormedWithOneBarPerBucket() throws {
        let svg = Self.report.svg()
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        // Buckets 1K–2K, 2K–4K, 4K–8K: three bars, two kmalloc-coloured.
        #expect(svg.components(separatedBy: "<title>").count - 1 == 3)
        #expect(svg.components(separatedBy: "fill=\"#4c9f70\"><title>").count - 1 == 2)
        #expect(svg.contains("one page"))
    }

    @Test func csvAndJSONQuoteWhatNeedsQuoting() {
        let model = LayoutModel(configuration: .debian(machine: .x86_64, version: KernelVersion(6, 1)))
        let module = ModuleObject(
            path: "odd \"dir\",x/a.ko", identity: ElfIdentity(elfClass: .elf64, byteOrder: .little, machine: .x86_64, type: 1),
            fileSize: 0, sections: [], symbols: [], relocationSections: [], modinfo: ModuleInfo(entries: []), versions: [],
            exports: [], thisModule: nil, isSigned: false)
        let report = SizeReport(footprints: [model.footprint(of: module)], pageSize: 4096)
        #expect(report.csv().hasSuffix(",\"odd \"\"dir\"\",x/a.ko\"\n"))
        #expect(report.json().contains("\"path\": \"odd \\\"dir\\\",x/a.ko\""))
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(report.json().utf8)) }
    }
}
