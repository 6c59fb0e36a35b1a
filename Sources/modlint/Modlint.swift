import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KernelSymbols
import LintEngine
import Reporters
import Rules

let modlintVersion = "0.1.0"

/// Exit codes (DESIGN.md): 0 nothing at or above --fail-on, 1 findings, 2 usage or
/// configuration error, 3 some input could not be read (the others were still linted).
enum ExitStatus {
    static let findings: Int32 = 1
    static let usage: Int32 = 2
    static let unreadableInput: Int32 = 3
}

@main
struct Modlint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modlint",
        abstract: "A static analyser for Linux kernel modules.",
        version: modlintVersion,
        subcommands: [Check.self, RulesCommand.self, Explain.self, ConfigCommand.self, Info.self, Sizes.self],
        defaultSubcommand: Check.self)

    static func main() {
        do {
            let subcommands = Set(configuration.subcommands.map { $0._commandName })
            var command = try parseAsRoot(ArgumentGroups.group(Array(CommandLine.arguments.dropFirst()), subcommands: subcommands))
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch let error as ConfigurationError {
            printError("error: \(error)")
            Glibc.exit(ExitStatus.usage)
        } catch {
            if exitCode(for: error) == .success {
                Modlint.exit(withError: error)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Glibc.exit(ExitStatus.usage)
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}
extension ColourChoice: ExpressibleByArgument {}
extension RunModeChoice: ExpressibleByArgument {}

/// Which rules run, how severe they are, and what fails the run.
struct RuleOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (default: the nearest .modlint.yml from the current directory upwards).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Only these rule codes, prefixes or names (comma-separated, e.g. U,X001); replaces the file's select.", valueName: "codes"))
    var select: String?

    @Option(name: .long, help: ArgumentHelp("Skip these rule codes, prefixes or names (comma-separated); added to the file's ignore.", valueName: "codes"))
    var ignore: String?

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Exit with 1 when a finding has this severity or more: error (default), warning or note.", valueName: "severity"))
    var failOn: String?

    private func codes(_ list: String?) -> [String] {
        (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func resolve() throws(ConfigurationError) -> Configuration {
        try ConfigurationFile.resolve(
            configPath: config, directory: FileManager.default.currentDirectoryPath,
            select: select.map { _ in codes(select) }, ignore: codes(ignore), failOn: failOn,
            rules: Registry.all.descriptions)
    }
}

/// What is written where.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Output format (repeatable: each --output FILE belongs to the --format before it; one format may go to stdout).", valueName: "format"))
    var format: [ReportFormat] = []

    @Option(name: .long, help: ArgumentHelp("Write the --format before it to FILE instead of stdout (repeatable).", valueName: "file"))
    var output: [String] = []

    @Option(name: .long, help: ArgumentHelp("Colour in text output: auto (a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always or never.", valueName: "when"))
    var color: ColourChoice = .auto

    func targets() throws(ConfigurationError) -> [OutputTarget] {
        var options = OutputPlan.options(inArguments: Array(CommandLine.arguments.dropFirst()))
        let typed = options.compactMap { if case .format(let name) = $0 { return name } else { return nil } }
        if typed != format.map(\.rawValue) || options.count != format.count + output.count {
            options = format.map { .format($0.rawValue) } + output.map { .output($0) }
        }
        return try OutputPlan.pair(options)
    }
}

struct BaselineOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Do not report the findings recorded in this baseline; say which entries no longer occur.", valueName: "file"))
    var baseline: String?

    @Option(name: .customLong("write-baseline"), help: ArgumentHelp("Record every finding of this run in FILE (sorted JSON keyed on code, module and subject).", valueName: "file"))
    var writeBaseline: String?
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint modules (.ko, .o) and directories of modules.")

    @Argument(help: "Module files and directories (walked recursively for *.ko).")
    var paths: [String] = []

    @Option(name: .long, help: ArgumentHelp("A kernel symbol table: Module.symvers, System.map, /proc/kallsyms, vmlinux, a kernel headers or build directory (KDIR: its Module.symvers) or a module tree directory. Repeatable: the kernel's table plus the Module.symvers of other external builds, as KBUILD_EXTRA_SYMBOLS (default: build/Module.symvers of an installed tree given as input).", valueName: "file"))
    var symbols: [String] = []

    @Option(name: .long, help: ArgumentHelp("auto (default): a directory with depmod's files (modules.dep, modules.builtin*) is an installed tree, anything else (a kbuild M= directory) is not; tree: only the modules of the run provide module symbols, as with depmod; modules: every line of the symbol tables counts, as with modpost.", valueName: "mode"))
    var mode: RunModeChoice = .auto

    @Option(name: .customLong("kernel-version"), help: "The target kernel: a release (6.1.0-50-amd64) or a whole vermagic string.")
    var kernelVersion: String?

    @OptionGroup var rules: RuleOptions
    @OptionGroup var outputs: OutputOptions
    @OptionGroup var baselines: BaselineOptions
    @OptionGroup var layout: LayoutOptions

    @Option(name: .long, help: "Parallel jobs (default: all cores).")
    var jobs: Int?

    @Option(name: .customLong("source-root"),
            help: ArgumentHelp("Report module and source paths under DIR relative to it (default: $GITHUB_WORKSPACE when the current directory is in it, else the current directory).", valueName: "dir"))
    var sourceRoot: String?

    @Option(name: .customLong("module-timeout"),
            help: ArgumentHelp("Give up on a module still being checked after this many seconds and report it as unreadable (E001); 0: no limit.", valueName: "seconds"))
    var moduleTimeout: Double = 300

    @Flag(name: .customLong("require-debug-info"),
          help: "Modules without (readable) debug info, which the owner rules cannot check, are an error.")
    var requireDebugInfo = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("no module or directory given") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if !(moduleTimeout >= 0) || moduleTimeout > 1e9 { throw ValidationError("--module-timeout must be 0 (no limit) or a number of seconds") }
    }

    func run() throws {
        let paths = ArgumentGroups.expand(self.paths)
        var configuration = try rules.resolve()
        if requireDebugInfo { configuration.requireDebugInfo = true }
        try layout.apply(to: &configuration)
        configuration.sourceRoot = SourceRoot.resolve(option: sourceRoot, currentDirectory: FileManager.default.currentDirectoryPath,
                                                      environment: ProcessInfo.processInfo.environment)
        let targets = try outputs.targets()
        var baseline: Baseline?
        if let path = baselines.baseline { baseline = try Baseline.load(path: path) }
        let plan: RunPlan
        do {
            plan = try RunPlan.make(inputs: paths, symbols: symbols, kernelVersion: kernelVersion, mode: mode)
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        for note in plan.notes { printError("note: \(note)") }
        func failed(_ error: SymbolTableError) -> ExitCode {
            printError("error: \(error)")
            return ExitCode(ExitStatus.usage)
        }
        let sources = plan.symbolTables
        let linter: Linter
        let threads = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let timeout: Duration? = moduleTimeout > 0 ? .milliseconds(Int64(moduleTimeout * 1000)) : nil
        // A module tree implies the target (its vermagic): read it first. Any other table
        // (Module.symvers of 24 000 lines) is read while the modules are.
        let loadFailure = LoadFailure()
        let impliesTarget: Bool
        do { impliesTarget = try sources.contains { try SymbolSourceKind.detect(path: $0) == .moduleTree } } catch let error as SymbolTableError { throw failed(error) }
        if impliesTarget {
            let kernel: KernelSymbolIndex
            do { kernel = try KernelSymbolIndex.load(paths: sources) } catch let error as SymbolTableError { throw failed(error) }
            linter = Linter(rules: Registry.all, kernel: kernel, configuration: configuration, jobs: threads,
                            target: plan.target, mode: plan.mode, moduleTimeout: timeout)
        } else {
            linter = Linter(rules: Registry.all, loadingKernel: {
                do { return try KernelSymbolIndex.load(paths: sources) } catch {
                    loadFailure.error = error as? SymbolTableError ?? SymbolTableError(path: sources.first ?? "", line: nil, message: "\(error)")
                    return .empty
                }
            }, configuration: configuration, jobs: threads, target: plan.target, mode: plan.mode, moduleTimeout: timeout)
        }
        let environment = ProcessInfo.processInfo.environment
        var bar: ProgressBar?
        if ProgressBar.wanted(stderrIsTerminal: isatty(2) == 1, environment: environment) {
            bar = ProgressBar { text in FileHandle.standardError.write(Data(text.utf8)) }
        }
        var progress: (@Sendable (Int, Int) -> Void)?
        if let bar { progress = { done, total in bar.update(done: done, total: total) } }
        var result = linter.run(files: plan.files, progress: progress)
        bar?.finish()
        // A symbol table that could not be read ends the command as it would have before any
        // module was read: the findings made without it are not reported.
        if let error = loadFailure.error { throw failed(error) }

        if let path = baselines.writeBaseline {
            let recorded = Baseline(recording: result.diagnostics)
            try write(recorded.encoded(), to: path)
            printError("note: wrote \(recorded.entries.count) baseline entries for \(recorded.entries.reduce(0) { $0 + $1.count }) findings to \(path)")
        }
        if let baseline {
            let outcome: Baseline.Outcome
            (result, outcome) = baseline.apply(to: result)
            FileHandle.standardError.write(Data(BaselineNotes.render(outcome, baseline: baselines.baseline ?? "").utf8))
        }

        let report = Report(result: result, rules: Registry.all.descriptions, toolVersion: modlintVersion)
        for target in targets {
            let isTerminal = target.file == nil && isatty(1) == 1
            let colour = target.file == nil
                ? outputs.color.enabled(isTerminal: isTerminal, environment: environment) : outputs.color == .always
            let text = try report.render(target.format, text: TextReporter(colour: colour, grouped: isTerminal))
            if let file = target.file {
                try write(text, to: file)
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
        if result.unreadable > 0 { throw ExitCode(ExitStatus.unreadableInput) }
        if result.diagnostics.contains(where: { $0.severity >= configuration.failOn })
            || result.notices.contains(where: { $0.severity >= configuration.failOn }) { throw ExitCode(ExitStatus.findings) }
    }

    private func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw ConfigurationError("cannot write \(path)")
        }
    }
}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "List every rule.")

    enum Format: String, ExpressibleByArgument { case text, json }

    @Option(name: .long, help: "text (one line per rule) or json.")
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("Write the rule pages (<CODE>.md and README.md) into DIR instead.", valueName: "dir"))
    var markdown: String?

    func run() throws {
        let descriptions = Registry.all.descriptions
        if let markdown {
            try FileManager.default.createDirectory(atPath: markdown, withIntermediateDirectories: true)
            for page in RuleDocumentation.pages(descriptions) {
                try Data(page.contents.utf8).write(to: URL(fileURLWithPath: markdown).appendingPathComponent(page.name))
            }
            return
        }
        switch format {
        case .json:
            FileHandle.standardOutput.write(Data(try RuleDocumentation.json(descriptions).utf8))
        case .text:
            var out = ""
            for rule in descriptions {
                let name = rule.name.padding(toLength: 28, withPad: " ", startingAt: 0)
                let severity = rule.defaultSeverity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                out += "\(rule.code)  \(name)\(severity)\(rule.summary)\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain one rule.")

    @Argument(help: "A rule code (U001) or name (unresolved-symbol).")
    var code: String

    func run() throws {
        guard let rule = Registry.all.description(of: code) else {
            let known = Registry.all.descriptions.flatMap { [$0.code, $0.name] }
            printError("error: unknown rule '\(code)'\(Suggestion.didYouMean(code, among: known)) (see `modlint rules`)")
            throw ExitCode(ExitStatus.usage)
        }
        FileHandle.standardOutput.write(Data(RuleDocumentation.text(rule).utf8))
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the configuration and print the effective one.")

    @Flag(name: .long, help: "Print the effective configuration (file and command line) as YAML.")
    var show = false

    @OptionGroup var rules: RuleOptions

    func run() throws {
        let configuration = try rules.resolve()
        if show {
            FileHandle.standardOutput.write(Data(ConfigurationFile.render(configuration).utf8))
        } else {
            printError("note: configuration OK" + (configuration.source.map { " (\($0))" } ?? " (no .modlint.yml found)"))
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("modlint: \(message)\n".utf8))
}

/// The error of a symbol table read on another thread (`Linter(loadingKernel:)`).
final class LoadFailure: @unchecked Sendable {
    // Written by the loading thread before the run's second pass, read after the run.
    var error: SymbolTableError?
}
