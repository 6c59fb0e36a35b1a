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
        subcommands: [Check.self, RulesCommand.self, Explain.self],
        defaultSubcommand: Check.self)

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                Modlint.exit(withError: error)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Glibc.exit(ExitStatus.usage)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint modules (.ko, .o) and directories of modules.")

    @Argument(help: "Module files and directories (walked recursively for *.ko).")
    var paths: [String] = []

    @Option(name: .long, help: "A kernel symbol table: Module.symvers (repeatable).")
    var symbols: [String] = []

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(name: .long, help: "Only these rule codes or prefixes (comma-separated, e.g. U,X001).")
    var select: String?

    @Option(name: .long, help: "Skip these rule codes or prefixes (comma-separated).")
    var ignore: String?

    @Option(name: .customLong("fail-on"), help: "Exit with 1 when a finding has this severity or more: error, warning or note.")
    var failOn: String = "error"

    @Option(name: .long, help: "Parallel jobs (default: all cores).")
    var jobs: Int?

    @Flag(name: .customLong("require-debug-info"),
          help: "Modules without (readable) debug info, which the owner rules cannot check, are an error.")
    var requireDebugInfo = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("no module or directory given") }
        guard Severity(rawValue: failOn) != nil else { throw ValidationError("--fail-on must be error, warning or note, not '\(failOn)'") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        for code in codes(select) + codes(ignore) where !Registry.all.descriptions.contains(where: { $0.code.hasPrefix(code) }) {
            throw ValidationError("unknown rule code '\(code)' (see `modlint rules`)")
        }
    }

    private func codes(_ list: String?) -> [String] {
        (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
    }

    func run() throws {
        let kernel: KernelSymbolIndex
        do {
            kernel = try KernelSymbolIndex.load(paths: symbols)
        } catch let error as SymbolTableError {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        if symbols.isEmpty {
            printError("note: no --symbols given: imports are only resolved among the modules of this run, and U001 is not checked")
        }
        let configuration = Configuration(
            select: select.map { _ in codes(select) }, ignore: codes(ignore), failOn: Severity(rawValue: failOn) ?? .error,
            requireDebugInfo: requireDebugInfo)
        let linter = Linter(rules: Registry.all, kernel: kernel, configuration: configuration,
                            jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let result = linter.run(paths: paths)
        let output: String
        switch format {
        case .text: output = TextReporter().render(result)
        case .json: output = try JSONReporter().render(result, toolVersion: modlintVersion)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        if result.unreadable > 0 { throw ExitCode(ExitStatus.unreadableInput) }
        if result.diagnostics.contains(where: { $0.severity >= configuration.failOn }) { throw ExitCode(ExitStatus.findings) }
    }
}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "List every rule.")

    func run() throws {
        var out = ""
        for rule in Registry.all.descriptions {
            let name = rule.name.padding(toLength: 28, withPad: " ", startingAt: 0)
            let severity = rule.defaultSeverity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            out += "\(rule.code)  \(name)\(severity)\(rule.summary)\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain one rule.")

    @Argument(help: "A rule code (U001) or name (unresolved-symbol).")
    var code: String

    func run() throws {
        guard let rule = Registry.all.description(of: code) else {
            printError("error: unknown rule '\(code)' (see `modlint rules`)")
            throw ExitCode(ExitStatus.usage)
        }
        let text = """
            \(rule.code) \(rule.name) (\(rule.defaultSeverity.rawValue))

            \(rule.summary)

            Why: \(rule.rationale)

            Fix: \(rule.fix)

            Kernels: \(rule.kernelVersions)

            """
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("modlint: \(message)\n".utf8))
}
