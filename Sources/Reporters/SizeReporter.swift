import Foundation
import ModuleLayout
import ModuleObject

/// `modlint sizes`: the footprint of every module as a table, CSV, JSON or an SVG histogram.
public struct SizeReport: Sendable {
    public enum Format: String, Sendable, CaseIterable { case text, csv, json, svg }

    /// Columns of the table and CSV, and the keys `--sort` accepts.
    public enum Column: String, Sendable, CaseIterable {
        case module, text, rodata, ro_after_init, data, bss, kallsyms, `init`, core, core_allocated, init_allocated, waste, size_class, text_plus_data, region_pages, release, path

        func value(_ f: ModuleFootprint) -> UInt64? {
            switch self {
            case .text: return f.text
            case .rodata: return f.rodata
            case .ro_after_init: return f.roAfterInit
            case .data: return f.data
            case .bss: return f.bss
            case .kallsyms: return f.kallsyms
            case .`init`: return f.initTotal
            case .core: return f.core
            case .core_allocated: return f.coreAllocated
            case .init_allocated: return f.initAllocated
            case .waste: return f.waste
            case .text_plus_data: return f.textPlusData
            case .module, .size_class, .region_pages, .release, .path: return nil
            }
        }

        func string(_ f: ModuleFootprint) -> String {
            switch self {
            case .module: return f.module
            case .size_class: return f.sizeClass.rawValue
            case .region_pages: return SizeReport.regionPages(f)
            case .release: return f.release ?? ""
            case .path: return f.path
            default: return String(value(f) ?? 0)
            }
        }
    }

    public static let schemaVersion = 1

    /// Sorted by path (the JSON contract) unless told otherwise.
    public let footprints: [ModuleFootprint]
    public let summary: SizeSummary
    public let pageSize: UInt64

    /// The summary of each kernel release among the modules (their vermagic), oldest first:
    /// several trees given together are answered side by side.
    public let generations: [Generation]

    public struct Generation: Sendable {
        /// The release ("6.12.117+deb13-amd64"), or "unknown release" without vermagic.
        public let release: String
        public let generation: LoaderConfiguration.Generation
        public let summary: SizeSummary
    }

    public init(footprints: [ModuleFootprint], pageSize: UInt64) {
        self.footprints = footprints.sorted { $0.path < $1.path }
        self.pageSize = pageSize
        self.summary = SizeSummary(footprints, pageSize: pageSize)
        let groups = Dictionary(grouping: footprints) { $0.release ?? "unknown release" }
        generations = groups.map { release, members in
            Generation(release: release, generation: members[0].generation, summary: SizeSummary(members, pageSize: pageSize))
        }.sorted { a, b in
            let (x, y) = (KernelVersion(parsing: a.release), KernelVersion(parsing: b.release))
            if let x, let y, x != y { return x < y }
            if (x == nil) != (y == nil) { return x != nil }
            return a.release < b.release
        }
    }

    /// Numbers sort largest first, names alphabetically; ties by path.
    public func sorted(by column: Column) -> [ModuleFootprint] {
        footprints.sorted { a, b in
            if let x = column.value(a), let y = column.value(b), x != y { return x > y }
            let (x, y) = (column.string(a), column.string(b))
            if column.value(a) == nil, x != y { return x < y }
            return a.path < b.path
        }
    }

    public func render(_ format: Format, sortBy column: Column = .path, limit: Int? = nil) -> String {
        switch format {
        case .text: return table(sortBy: column, limit: limit) + "\n" + histogram() + "\n" + summaryText()
        case .csv: return csv(sortBy: column)
        case .json: return json()
        case .svg: return svg()
        }
    }

    // MARK: text

    static let tableColumns: [Column] = [.module, .text, .rodata, .ro_after_init, .data, .bss, .kallsyms, .`init`, .core, .core_allocated, .waste, .size_class]

    /// The table's columns: with the pages of each region when a module follows the 6.4+ loader.
    var tableColumns: [Column] {
        guard footprints.contains(where: { $0.regions != nil }) else { return SizeReport.tableColumns }
        var columns = SizeReport.tableColumns
        columns.insert(.region_pages, at: columns.firstIndex(of: .waste) ?? columns.count)
        return columns
    }

    /// 6.4 and later: the pages of each region the loader allocates on its own, core then
    /// init: "text+data+rodata+ro_after_init / init_text+init_data+init_rodata"; empty before.
    public static func regionPages(_ f: ModuleFootprint) -> String {
        guard let regions = f.regions else { return "" }
        func pages(_ list: [UInt64]) -> String {
            list.map { String(f.pageSize == 0 ? 0 : $0 / f.pageSize + ($0 % f.pageSize == 0 ? 0 : 1)) }.joined(separator: "+")
        }
        return pages(regions.core) + " / " + pages(regions.initRegions)
    }

    /// The table's heading for a column, where it differs from the CSV/JSON key.
    static func heading(_ column: Column) -> String {
        switch column {
        case .core_allocated: return "allocated"
        case .size_class: return "what the loader does"
        case .region_pages: return "region pages"
        default: return column.rawValue
        }
    }

    /// What the loader does with the module's core, in words: every core is vmalloc'd in
    /// whole pages; a sub-page one is what kmalloc could have held.
    public static func classDescription(_ f: ModuleFootprint) -> String {
        let pages = f.corePages == 1 ? "1 page" : "\(f.corePages) pages"
        let approximate = f.isExact ? "" : "~"
        // 6.4+: one allocation per region that is not empty.
        let allocations = f.regions == nil ? "" : " in \(f.coreAllocations) allocations"
        return (f.sizeClass == .kmalloc ? "sub-page, vmalloc'd as " : "vmalloc'd as ") + pages + approximate + allocations
    }

    public func table(sortBy column: Column = .path, limit: Int? = nil) -> String {
        var rows = sorted(by: column)
        if let limit, limit >= 0, rows.count > limit { rows = Array(rows.prefix(limit)) }
        let columns = tableColumns
        let header = columns.map(SizeReport.heading)
        let cells = rows.map { f in columns.map { $0 == .size_class ? SizeReport.classDescription(f) : $0.string(f) } }
        var widths = header.map(\.count)
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, cell in
                i == 0 || i == row.count - 1
                    ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        var out = "sizes in bytes; allocated: the whole \(pageSize)-byte pages the loader maps for the core; waste: the part of them the module does not fill\n"
        out += line(header)
        for row in cells { out += line(row) }
        if columns.contains(.region_pages) {
            out += "region pages: 6.4 and later allocate each region on its own, page-rounded: text+data+rodata+ro_after_init / init_text+init_data+init_rodata\n"
        }
        if footprints.contains(where: { !$0.isExact }) {
            out += "~ the architecture sizes some sections at load time (PLT, GOT, stubs): figures are a lower bound\n"
        }
        return out
    }

    public func histogram(width: Int = 40) -> String {
        let histogram = SizeHistogram(footprints.map(\.core))
        guard let most = histogram.buckets.map(\.count).max(), most > 0 else { return "no modules\n" }
        var out = "core size (bytes)      modules\n"
        for bucket in histogram.buckets {
            let range = "\(SizeReport.human(bucket.lowerBound))–\(SizeReport.human(bucket.upperBound))"
            let bar = String(repeating: "█", count: (bucket.count * width + most - 1) / most)
            let marker = bucket.upperBound <= pageSize ? " " : "|"
            out += range.padding(toLength: 15, withPad: " ", startingAt: 0) + marker + " "
                + String(repeating: " ", count: max(0, 6 - String(bucket.count).count)) + "\(bucket.count) \(bar)\n"
        }
        out += "(| marks cores of a page (\(pageSize) bytes) or more: no kmalloc object could hold them)\n"
        return out
    }

    public func summaryText() -> String {
        let s = summary
        func pages(_ n: UInt64) -> String { n == 1 ? "1 page" : "\(n) pages" }
        func modules(_ n: Int) -> String { n == 1 ? "1 module" : "\(n) modules" }
        var out = "\(s.underPage) of \(modules(s.modules)) would fit under a page (\(pageSize) bytes) as one kmalloc object, "
            + "but the loader vmallocs whole pages: they take \(pages(s.smallModulePages)) now, "
            + "\(pages(s.smallModuleKmallocPages)) as kmalloc objects (\(pages(s.pagesSaved)) saved)\n"
        out += "  cores: \(s.coreBytes) bytes of module in \(s.coreAllocatedBytes) bytes allocated; "
            + "the page rounding costs \(s.wasteBytes) bytes\n"
        out += "  init: \(s.initAllocatedBytes) bytes allocated while the modules initialise, freed afterwards\n"
        out += "  2002 measure (.text + .data under a page, as the 2002 kmalloc proposal counted): "
            + "\(s.textPlusDataUnderPage) of \(modules(s.modules))\n"
        if s.approximate > 0 { out += "  \(modules(s.approximate)) have arch-sized sections (PLT/GOT/stubs): their figures are a lower bound\n" }
        if generations.count > 1 { out += "\n" + generationsText() }
        return out
    }

    /// The 2002 question for each kernel release side by side: a table, then a sentence each.
    public func generationsText() -> String {
        let rows: [(String, (Generation) -> String)] = [
            ("loader", { $0.generation == .moduleMemory ? "a region each (6.4+)" : "core + init (≤ 6.3)" }),
            ("modules", { "\($0.summary.modules)" }),
            ("would fit under a page", { "\($0.summary.underPage)" }),
            ("pages they take today", { "\($0.summary.smallModulePages)" }),
            ("pages as kmalloc objects", { "\($0.summary.smallModuleKmallocPages)" }),
            ("core bytes of module", { "\($0.summary.coreBytes)" }),
            ("core bytes allocated", { "\($0.summary.coreAllocatedBytes)" }),
            ("page rounding costs (bytes)", { "\($0.summary.wasteBytes)" }),
            ("init bytes allocated", { "\($0.summary.initAllocatedBytes)" }),
        ]
        let header = ["the 2002 question, kernel by kernel"] + generations.map(\.release)
        let cells = rows.map { row in [row.0] + generations.map(row.1) }
        var widths = header.map(\.count)
        for line in cells { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        var out = line(header)
        for row in cells { out += line(row) }
        for g in generations {
            let s = g.summary
            out += "\(g.release): \(s.underPage) of \(s.modules) modules would fit under a page; "
                + "today they take \(s.smallModulePages) pages; the page rounding costs \(s.wasteBytes) bytes\n"
        }
        return out
    }

    static func human(_ value: UInt64) -> String {
        if value >= 1 << 30, value % (1 << 30) == 0 { return "\(value >> 30)G" }
        if value >= 1 << 20, value % (1 << 20) == 0 { return "\(value >> 20)M" }
        if value >= 1 << 10, value % (1 << 10) == 0 { return "\(value >> 10)K" }
        return "\(value)"
    }

    // MARK: csv

    public func csv(sortBy column: Column = .path) -> String {
        let columns = Column.allCases
        var out = columns.map(\.rawValue).joined(separator: ",") + "\n"
        for f in sorted(by: column) {
            out += columns.map { SizeReport.csvField($0.string(f)) }.joined(separator: ",") + "\n"
        }
        return out
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: json

    public func json() -> String {
        var out = "{\n  \"schema_version\": \(SizeReport.schemaVersion),\n  \"page_size\": \(pageSize),\n  \"modules\": ["
        for (i, f) in footprints.enumerated() {
            let fields: [(String, String)] = [
                ("module", SizeReport.jsonString(f.module)), ("path", SizeReport.jsonString(f.path)),
                ("text", "\(f.text)"), ("rodata", "\(f.rodata)"), ("ro_after_init", "\(f.roAfterInit)"),
                ("data", "\(f.data)"), ("bss", "\(f.bss)"), ("kallsyms", "\(f.kallsyms)"),
                ("init", "\(f.initTotal)"), ("init_text", "\(f.initText)"), ("init_rodata", "\(f.initRodata)"),
                ("init_data", "\(f.initData)"), ("init_kallsyms", "\(f.initKallsyms)"),
                ("core", "\(f.core)"), ("core_allocated", "\(f.coreAllocated)"), ("init_allocated", "\(f.initAllocated)"),
                ("sysfs_coresize", "\(f.sysfsCoresize)"),
                ("core_pages", "\(f.corePages)"), ("waste", "\(f.waste)"),
                ("size_class", SizeReport.jsonString(f.sizeClass.rawValue)), ("text_plus_data", "\(f.textPlusData)"),
                ("page_size", "\(f.pageSize)"), ("exact", f.isExact ? "true" : "false"),
                ("arch_sized_sections", "[" + f.archSizedSections.map(SizeReport.jsonString).joined(separator: ", ") + "]"),
                ("release", f.release.map(SizeReport.jsonString) ?? "null"),
                ("generation", SizeReport.jsonString(f.generation.rawValue)),
                ("regions", f.regions.map { r in "{" + r.named.map { "\"\($0.name)\": \($0.bytes)" }.joined(separator: ", ") + "}" } ?? "null"),
            ]
            out += (i == 0 ? "\n" : ",\n") + "    {" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
        }
        out += footprints.isEmpty ? "],\n" : "\n  ],\n"
        let s = summary
        let summaryFields: [(String, String)] = [
            ("modules", "\(s.modules)"), ("under_page", "\(s.underPage)"),
            ("text_plus_data_under_page", "\(s.textPlusDataUnderPage)"),
            ("small_module_pages", "\(s.smallModulePages)"), ("small_module_kmalloc_pages", "\(s.smallModuleKmallocPages)"),
            ("pages_saved", "\(s.pagesSaved)"), ("core", "\(s.coreBytes)"), ("core_allocated", "\(s.coreAllocatedBytes)"),
            ("init_allocated", "\(s.initAllocatedBytes)"), ("waste", "\(s.wasteBytes)"), ("approximate", "\(s.approximate)"),
        ]
        out += "  \"summary\": {" + summaryFields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "},\n"
        out += "  \"generations\": [" + generations.map { g in
            let s = g.summary
            let fields: [(String, String)] = [
                ("release", SizeReport.jsonString(g.release)), ("generation", SizeReport.jsonString(g.generation.rawValue)),
                ("modules", "\(s.modules)"), ("under_page", "\(s.underPage)"), ("small_module_pages", "\(s.smallModulePages)"),
                ("small_module_kmalloc_pages", "\(s.smallModuleKmallocPages)"), ("core", "\(s.coreBytes)"),
                ("core_allocated", "\(s.coreAllocatedBytes)"), ("waste", "\(s.wasteBytes)"), ("init_allocated", "\(s.initAllocatedBytes)"),
            ]
            return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
        }.joined(separator: ", ") + "]\n}\n"
        return out
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    // MARK: svg

    /// A bar chart of core sizes by power of two, kmalloc-class bars apart from vmalloc ones,
    /// with the page boundary marked: a file a browser opens.
    public func svg() -> String {
        if generations.count > 1 { return generationsSVG() }
        let histogram = SizeHistogram(footprints.map(\.core))
        let buckets = histogram.buckets
        let (width, height) = (900.0, 480.0)
        let (left, right, top, bottom) = (70.0, 20.0, 84.0, 80.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let most = max(1, buckets.map(\.count).max() ?? 1)
        // Headroom above the tallest bar for its count.
        let scale = SizeReport.niceCeiling(most + most / 10 + 1)
        let slot = buckets.isEmpty ? plotWidth : plotWidth / Double(buckets.count)
        func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(fmt(width / 2))" y="24" text-anchor="middle" font-size="16">Module core sizes (\(footprints.count) modules, page \(pageSize) bytes)</text>
            <text x="\(fmt(width / 2))" y="44" text-anchor="middle" fill="#444">\(SizeReport.xml(summary.sentence))</text>

            """
        for step in 0...4 {
            let value = Double(scale) * Double(step) / 4
            let y = top + plotHeight - plotHeight * value / Double(scale)
            out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(y))\" stroke=\"#ddd\"/>\n"
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\">\(String(format: "%g", value))</text>\n"
        }
        for (i, bucket) in buckets.enumerated() {
            let barHeight = plotHeight * Double(bucket.count) / Double(scale)
            let x = left + slot * Double(i)
            let colour = bucket.upperBound <= pageSize ? "#4c9f70" : "#c0504d"
            out += "<rect x=\"\(fmt(x + slot * 0.1))\" y=\"\(fmt(top + plotHeight - barHeight))\" width=\"\(fmt(slot * 0.8))\" height=\"\(fmt(barHeight))\" fill=\"\(colour)\"><title>\(SizeReport.human(bucket.lowerBound))–\(SizeReport.human(bucket.upperBound)) bytes: \(bucket.count) modules</title></rect>\n"
            if bucket.count > 0 {
                out += "<text x=\"\(fmt(x + slot / 2))\" y=\"\(fmt(top + plotHeight - barHeight - 4))\" text-anchor=\"middle\" font-size=\"11\">\(bucket.count)</text>\n"
            }
            out += "<text x=\"\(fmt(x + slot / 2))\" y=\"\(fmt(top + plotHeight + 16))\" text-anchor=\"middle\" font-size=\"11\">\(SizeReport.human(bucket.lowerBound))</text>\n"
            if bucket.lowerBound == pageSize {
                out += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(top - 16))\" x2=\"\(fmt(x))\" y2=\"\(fmt(top + plotHeight))\" stroke=\"black\" stroke-dasharray=\"4 3\"/>\n"
                out += "<text x=\"\(fmt(x))\" y=\"\(fmt(top - 20))\" text-anchor=\"middle\" font-size=\"11\">one page (\(pageSize) bytes)</text>\n"
            }
        }
        out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top + plotHeight))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(top + plotHeight))\" stroke=\"black\"/>\n"
        out += "<text x=\"\(fmt(left + plotWidth / 2))\" y=\"\(fmt(height - 40))\" text-anchor=\"middle\">core size in bytes (bucket lower bound; each bucket spans a power of two)</text>\n"
        out += "<text transform=\"translate(18 \(fmt(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">modules</text>\n"
        out += "<rect x=\"\(fmt(left))\" y=\"\(fmt(height - 24))\" width=\"12\" height=\"12\" fill=\"#4c9f70\"/><text x=\"\(fmt(left + 18))\" y=\"\(fmt(height - 14))\">under one page: kmalloc class</text>\n"
        out += "<rect x=\"\(fmt(left + 240))\" y=\"\(fmt(height - 24))\" width=\"12\" height=\"12\" fill=\"#c0504d\"/><text x=\"\(fmt(left + 258))\" y=\"\(fmt(height - 14))\">one page or more: vmalloc class</text>\n"
        out += "</svg>\n"
        return out
    }

    /// Several kernel releases: per power-of-two bucket one bar per release (its share of the
    /// release's modules, so trees of different sizes compare), the page boundary marked, and
    /// under the plot each release's answer to the 2002 question.
    func generationsSVG() -> String {
        let all = SizeHistogram(footprints.map(\.core)).buckets
        let colours = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"]
        let shares: [[Double]] = generations.map { g in
            let members = footprints.filter { ($0.release ?? "unknown release") == g.release }
            let total = Double(max(1, members.count))
            return all.map { bucket in
                Double(members.filter { $0.core >= bucket.lowerBound && $0.core < bucket.upperBound }.count) / total
            }
        }
        let legendLines = generations.count
        let (width, top, plotHeight) = (900.0, 60.0, 320.0)
        let (left, right) = (70.0, 20.0)
        let height = top + plotHeight + 60 + Double(legendLines) * 20 + 10
        let plotWidth = width - left - right
        let most = shares.flatMap { $0 }.max() ?? 0
        let scale = max(0.05, (most * 10).rounded(.up) / 10)
        let slot = all.isEmpty ? plotWidth : plotWidth / Double(all.count)
        let bar = slot * 0.8 / Double(generations.count)
        func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(fmt(width / 2))" y="24" text-anchor="middle" font-size="16">Module core sizes by kernel release (share of each release's modules, page \(pageSize) bytes)</text>

            """
        for step in 0...4 {
            let value = scale * Double(step) / 4
            let y = top + plotHeight - plotHeight * value / scale
            out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(y))\" stroke=\"#ddd\"/>\n"
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\">\(Int((value * 100).rounded()))%</text>\n"
        }
        for (i, bucket) in all.enumerated() {
            let x = left + slot * Double(i)
            for (g, generation) in generations.enumerated() {
                let share = shares[g][i]
                let barHeight = plotHeight * share / scale
                let colour = colours[g % colours.count]
                out += "<rect x=\"\(fmt(x + slot * 0.1 + bar * Double(g)))\" y=\"\(fmt(top + plotHeight - barHeight))\" width=\"\(fmt(bar))\" height=\"\(fmt(barHeight))\" fill=\"\(colour)\"><title>\(SizeReport.xml(generation.release)): \(SizeReport.human(bucket.lowerBound))–\(SizeReport.human(bucket.upperBound)) bytes: \(String(format: "%.1f", share * 100))% of its modules</title></rect>\n"
            }
            out += "<text x=\"\(fmt(x + slot / 2))\" y=\"\(fmt(top + plotHeight + 16))\" text-anchor=\"middle\" font-size=\"11\">\(SizeReport.human(bucket.lowerBound))</text>\n"
            if bucket.lowerBound == pageSize {
                out += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(top - 12))\" x2=\"\(fmt(x))\" y2=\"\(fmt(top + plotHeight))\" stroke=\"black\" stroke-dasharray=\"4 3\"/>\n"
                out += "<text x=\"\(fmt(x))\" y=\"\(fmt(top - 16))\" text-anchor=\"middle\" font-size=\"11\">one page (\(pageSize) bytes)</text>\n"
            }
        }
        out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top + plotHeight))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(top + plotHeight))\" stroke=\"black\"/>\n"
        out += "<text x=\"\(fmt(left + plotWidth / 2))\" y=\"\(fmt(top + plotHeight + 36))\" text-anchor=\"middle\">core size in bytes (bucket lower bound; each bucket spans a power of two)</text>\n"
        for (g, generation) in generations.enumerated() {
            let y = top + plotHeight + 60 + Double(g) * 20
            let s = generation.summary
            let sentence = "\(generation.release): \(s.underPage) of \(s.modules) modules would fit under a page; "
                + "today they take \(s.smallModulePages) pages; the page rounding costs \(s.wasteBytes) bytes"
            out += "<rect x=\"\(fmt(left))\" y=\"\(fmt(y - 10))\" width=\"12\" height=\"12\" fill=\"\(colours[g % colours.count])\"/><text x=\"\(fmt(left + 18))\" y=\"\(fmt(y))\">\(SizeReport.xml(sentence))</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    /// The smallest of 1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8 × 10^k at or above `value` (at least 4):
    /// an axis whose quarters are round numbers.
    static func niceCeiling(_ value: Int) -> Int {
        let target = Double(max(4, value))
        var power = 1.0
        while power * 10 <= target { power *= 10 }
        for factor in [1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10] where factor * power >= target {
            return Int((factor * power).rounded(.up))
        }
        return Int(target)
    }

    static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
