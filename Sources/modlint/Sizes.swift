import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LintEngine
import ModuleLayout
import ModuleObject
import Reporters
import Rules

extension SizeReport.Format: ExpressibleByArgument {}
extension SizeReport.Column: ExpressibleByArgument {}

/// The target's loader and the size budgets (Z002), for `check` and `sizes`.
struct LayoutOptions: ParsableArguments {
    @Option(name: .customLong("page-size"), help: ArgumentHelp("The target's page size in bytes (default: the architecture's, 64 KiB for ppc64, else 4 KiB).", valueName: "bytes"))
    var pageSize: UInt64?

    @Option(name: .customLong("kernel-config"), help: ArgumentHelp("The target's kernel .config (/boot/config-*): STRICT_MODULE_RWX, MODULE_UNLOAD, KALLSYMS_ALL, page size, version.", valueName: "file"))
    var kernelConfig: String?

    @Option(name: .customLong("core-budget"), help: ArgumentHelp("Z002: the most core memory (bytes, as allocated) a module may take.", valueName: "bytes"))
    var coreBudget: UInt64?

    @Option(name: .customLong("init-budget"), help: ArgumentHelp("Z002: the most init memory (bytes, as allocated) a module may take.", valueName: "bytes"))
    var initBudget: UInt64?

    func validate() throws {
        if let pageSize, pageSize < 1024 || pageSize & (pageSize - 1) != 0 {
            throw ValidationError("--page-size must be a power of two of at least 1024")
        }
    }

    /// The configuration with these options on top.
    func apply(to configuration: inout Configuration) throws(ConfigurationError) {
        if let kernelConfig {
            configuration.loader.kernelConfig = try ConfigurationFile.kernelConfig(path: kernelConfig)
        }
        if let pageSize { configuration.loader.pageSize = pageSize }
        if let coreBudget { configuration.sizeBudget.core = coreBudget }
        if let initBudget { configuration.sizeBudget.initSize = initBudget }
    }
}

struct Sizes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The memory the loader allocates for each module: table, size classes, tree summary, histogram.")

    @Argument(help: "Module files and directories (walked recursively for *.ko).")
    var paths: [String] = []

    @Option(name: .long, help: "text (table, histogram, summary), csv, json or svg (a histogram plot).")
    var format: SizeReport.Format = .text

    @Option(name: .long, help: ArgumentHelp("Write the report to FILE instead of stdout.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Sort the table and CSV by this column (numbers largest first): \(SizeReport.Column.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "column"))
    var sort: SizeReport.Column = .path

    @Option(name: .long, help: ArgumentHelp("Show only the first N rows of the table.", valueName: "n"))
    var top: Int?

    @Option(name: .customLong("kernel-version"), help: "The target kernel release (its layout generation: 6.4 and later page-round every region).")
    var kernelVersion: String?

    @Option(name: .long, help: ArgumentHelp("Configuration file (for size-budget, page-size, kernel-config).", valueName: "file"))
    var config: String?

    @OptionGroup var layout: LayoutOptions

    @Option(name: .long, help: "Parallel jobs (default: all cores).")
    var jobs: Int?

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("no module or directory given") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let top, top < 0 { throw ValidationError("--top must not be negative") }
    }

    func run() throws {
        let paths = ArgumentGroups.expand(self.paths)
        var configuration = try ConfigurationFile.resolve(
            configPath: config, directory: FileManager.default.currentDirectoryPath, select: nil, ignore: [],
            failOn: nil, rules: Registry.all.descriptions)
        try layout.apply(to: &configuration)
        let forced = kernelVersion.flatMap { KernelVersion(parsing: $0) }
        let run = SizeRun(loader: configuration.loader, forcedVersion: forced, budget: configuration.sizeBudget,
                          jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let files: [String]
        do { files = try RunPlan.discover(paths) } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let outcome = run.run(files: files, budgetRule: configuration.sizeBudget.isEmpty ? nil : SizeBudgetExceeded())
        for (path, reason) in outcome.unreadable { printError("error: \(path): \(reason)") }
        let pageSize = outcome.footprints.first?.pageSize ?? configuration.loader.pageSize ?? 4096
        if Set(outcome.footprints.map(\.pageSize)).count > 1 {
            printError("note: the modules have different page sizes; the summary counts pages of \(pageSize) bytes")
        }
        let report = SizeReport(footprints: outcome.footprints, pageSize: pageSize)
        let text = report.render(format, sortBy: sort, limit: top)
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                throw ConfigurationError("cannot write \(output)")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        for finding in outcome.overBudget {
            printError("\(finding.path): \(finding.severity.rawValue): \(finding.message) [\(finding.code)]")
        }
        if !outcome.unreadable.isEmpty { throw ExitCode(ExitStatus.unreadableInput) }
        if !outcome.overBudget.isEmpty { throw ExitCode(ExitStatus.findings) }
    }
}
