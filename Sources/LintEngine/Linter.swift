import Dispatch
import ParallelRun
import ModuleObject
import KernelSymbols
import Foundation

/// The outcome of one run, diagnostics in report order.
public struct LintResult: Sendable {
    public let diagnostics: [Diagnostic]
    /// Files given or found under the directories given.
    public let files: Int
    /// Files read as modules; the others are E001 findings.
    public let modules: Int
    /// How the run read the symbol tables' module lines (reported in JSON and SARIF).
    public let mode: RunMode
    /// What the run says once about itself (modules a rule could not check), apart from the findings.
    public let notices: [Notice]

    public init(diagnostics: [Diagnostic], files: Int, modules: Int, mode: RunMode = .modules, notices: [Notice] = []) {
        self.diagnostics = diagnostics
        self.notices = notices
        self.files = files
        self.modules = modules
        self.mode = mode
    }

    public var unreadable: Int { files - modules }

    public func count(_ severity: Severity) -> Int { diagnostics.filter { $0.severity == severity }.count }
}

/// Runs the rules over a set of inputs: read every module in parallel, join their exports,
/// run every rule on every module in parallel, sort. The output does not depend on the
/// number of jobs or the order threads finish in.
public struct Linter: Sendable {
    public let rules: RuleSet
    /// The kernel's symbol table; with `init(rules:loadingKernel:…)`, waited for on first use.
    public var kernel: KernelSymbolIndex { kernelSource.value }
    private let kernelSource: Deferred<KernelSymbolIndex>
    public let configuration: Configuration
    public let jobs: Int
    /// The kernel to check against: `--kernel-version`, else the vermagic the symbol sources
    /// imply. Its release also fixes the kernel generation the rules assume; without one each
    /// module's own vermagic does.
    public let target: TargetKernel
    /// How the module lines of the kernel's symbol table are read (`RunPlan.mode`).
    public let mode: RunMode

    /// The longest one module may take, read and checked (nil: no limit). A module still at
    /// work then is reported as unreadable (E001) and the run goes on without it: a file that
    /// sends a parser or libdwarf into a loop costs one finding, not the CI job.
    public let moduleTimeout: Duration?

    // Generous: a -dbg module the size of amdgpu takes seconds in libdwarf, and waits behind
    // the other threads for libdwarf's lock.
    public static let defaultModuleTimeout: Duration = .seconds(300)

    public init(rules: RuleSet, kernel: KernelSymbolIndex, configuration: Configuration = Configuration(),
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, target: TargetKernel = .unknown,
                mode: RunMode = .modules, moduleTimeout: Duration? = Linter.defaultModuleTimeout) {
        self.moduleTimeout = moduleTimeout
        // Each rule with its own options (`RuleOptions`), once for the run.
        self.rules = rules.configured(configuration.options)
        self.mode = mode
        kernelSource = Deferred(kernel)
        self.configuration = configuration
        self.jobs = max(1, jobs)
        self.target = target.isKnown ? target : TargetKernel(vermagic: kernel.vermagic)
    }

    /// A linter whose symbol table is read by `loadingKernel` on another thread while the
    /// modules are read: only the `.run` rules need it. The sources must not imply a target
    /// (module trees do, by their vermagic): `target` is the one the run checks against.
    public init(rules: RuleSet, loadingKernel: @escaping @Sendable () -> KernelSymbolIndex,
                configuration: Configuration = Configuration(),
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, target: TargetKernel = .unknown,
                mode: RunMode = .modules, moduleTimeout: Duration? = Linter.defaultModuleTimeout) {
        self.moduleTimeout = moduleTimeout
        // Each rule with its own options (`RuleOptions`), once for the run.
        self.rules = rules.configured(configuration.options)
        self.mode = mode
        let source = Deferred<KernelSymbolIndex>()
        DispatchQueue.global().async { source.fulfil(loadingKernel()) }
        kernelSource = source
        self.configuration = configuration
        self.jobs = max(1, jobs)
        self.target = target.isKnown ? target : TargetKernel(vermagic: nil)
    }

    /// `progress` is called from worker threads with (steps done, steps in all): one step per
    /// file read and one per module checked.
    ///
    /// Two passes over the modules, never over the files: the first reads each file and runs
    /// the `.module` rules while the module is whole, then keeps only its run facts; the second
    /// runs the `.run` rules once the run's exports and aliases are known.
    public func run(paths: [String], progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) -> LintResult {
        run(files: InputDiscovery.discover(paths), progress: progress)
    }

    /// The same, on files already discovered (`RunPlan.files`).
    public func run(files: [String], progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) -> LintResult {
        let steps = Parallel.Counter()
        let total = files.count * 2
        @Sendable func step() {
            guard let progress else { return }
            progress(steps.take() + 1, total)
        }
        let target = self.target
        let forcedVersion = target.release.flatMap(KernelVersion.init(parsing:))
        let enabled = rules.moduleRules.filter { configuration.isEnabled(type(of: $0).description) }
        let moduleRules = enabled.filter { type(of: $0).scope == .module }
        let runRules = enabled.filter { type(of: $0).scope == .run }
        let aliasRules = enabled.filter { type(of: $0).scope == .runAliases }
        let debugRules = enabled.compactMap { $0 as? any DebugInfoRule }
        // What the `.module` rules may see of the run: nothing, neither the other modules nor
        // the kernel's symbol table (which may still be loading); resolving is for `.run` rules.
        let nothing = SymbolResolver(kernel: .empty, run: RunExports(modules: []))

        let timeout = moduleTimeout
        let firstPass: [Result<ModuleFindings, ModuleError>] = Parallel.map(
            count: files.count, jobs: jobs, timeout: timeout,
            timedOut: { _ in .failure(ModuleError.timedOut(Linter.timeoutReason(timeout))) }
        ) { index in
            defer { step() }
            let module: ModuleObject
            do {
                module = try ModuleObject.load(path: files[index])
            } catch let error as ModuleError {
                return .failure(error)
            } catch {
                return .failure(.corrupt("\(error)"))
            }
            let context = ModuleContext(module: module, resolver: nothing, target: target,
                                        profile: KernelProfile.of(module, forced: forcedVersion), loader: configuration.loader)
            let found = Linter.check(context, with: moduleRules)
            return .success(ModuleFindings(module: module.retainingRunFacts(), diagnostics: found,
                                           unchecked: UncheckedModule(module, debugInfo: context.debugInfoCache.state)))
        }
        var modules: [ModuleObject] = []
        var diagnostics: [Diagnostic] = []
        var unchecked: [UncheckedModule] = []
        modules.reserveCapacity(firstPass.count)
        for (index, result) in firstPass.enumerated() {
            switch result {
            case .success(let findings):
                modules.append(findings.module)
                diagnostics.append(contentsOf: findings.diagnostics)
                if let missing = findings.unchecked { unchecked.append(missing) }
            case .failure(let error):
                diagnostics.append(rules.inputRule.diagnose(path: files[index], reason: error.description))
                step()
            }
        }

        let moduleCount = modules.count
        let resolver = Deferred(SymbolResolver(kernel: kernel, run: RunExports(modules: modules),
                                               runIsModuleTree: mode == .tree))
        // The aliases are indexed on another thread while the other `.run` rules check every
        // module; the alias rules come after them, as a second half of the same parallel map.
        let aliases = Deferred<RunAliases>()
        if aliasRules.isEmpty {
            aliases.fulfil(.empty)
        } else {
            let claimants = modules
            DispatchQueue.global().async { aliases.fulfil(RunAliases(modules: claimants)) }
        }
        let readPaths = modules.map(\.path)
        let halves = aliasRules.isEmpty ? 1 : 2
        // Each module is freed by the worker that checks it last, in parallel, rather than
        // all at once on this thread when the run ends.
        let held = HeldValues(consuming: &modules, uses: halves)
        let inputRule = rules.inputRule
        let secondPass: [[Diagnostic]] = Parallel.map(
            count: moduleCount * halves, jobs: jobs, timeout: timeout,
            timedOut: { task in
                [inputRule.diagnose(path: readPaths[task % moduleCount], reason: ModuleError.timedOut(Linter.timeoutReason(timeout)).description)]
            }
        ) { task in
            defer { if task / moduleCount == halves - 1 { step() } }
            let rules = task < moduleCount ? runRules : aliasRules
            guard let module = held.use(task % moduleCount), !rules.isEmpty else { return [] }
            let context = ModuleContext(module: module, resolver: resolver.value,
                                        aliases: task < moduleCount ? .empty : aliases.value, target: target,
                                        profile: KernelProfile.of(module, forced: forcedVersion), loader: configuration.loader)
            return Linter.check(context, with: rules)
        }
        // The run facts are tens of thousands of small objects: they are freed off this
        // thread, which has the report to write.
        Retired.freeLater { resolver.drop(); aliases.drop() }
        diagnostics.append(contentsOf: secondPass.joined())
        // Said once per run, not once per module: a tree of stripped modules is the usual case.
        var notices: [Notice] = []
        if !unchecked.isEmpty {
            unchecked.sort { $0.path < $1.path }
            for rule in debugRules {
                if let notice = rule.unchecked(unchecked) {
                    notices.append(configuration.requireDebugInfo ? notice.with(severity: .error) : notice)
                }
            }
        }
        diagnostics = configuration.apply(diagnostics)
        if let root = configuration.sourceRoot { diagnostics = diagnostics.map { $0.relativised(to: root) } }
        diagnostics.sort(by: Diagnostic.reportOrder)
        return LintResult(diagnostics: diagnostics, files: files.count, modules: moduleCount, mode: mode, notices: notices)
    }
}

extension Linter {
    /// Every rule's findings on one module; none after the watchdog gave up on the module
    /// (its result is dropped): a thread let go after a long call into libdwarf stops there.
    static func check(_ context: ModuleContext, with rules: [any Rule]) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for rule in rules {
            if Parallel.isAbandoned { return [] }
            found += rule.check(context)
        }
        return found
    }

    static func timeoutReason(_ timeout: Duration?) -> String {
        let seconds = timeout.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? 0
        return "still being checked after \(seconds.formatted()) s (--module-timeout); the run went on without it"
    }
}

/// What the first pass keeps of one module.
struct ModuleFindings: Sendable {
    let module: ModuleObject
    let diagnostics: [Diagnostic]
    let unchecked: UncheckedModule?
}

extension UncheckedModule {
    /// A module whose debug information a rule asked for and did not get.
    init?(_ module: ModuleObject, debugInfo state: DebugInfoCache.State) {
        switch state {
        case .missing: self.init(path: module.path, module: module.name, error: nil)
        case .unreadable(let error): self.init(path: module.path, module: module.name, error: error)
        case .loaded, .notRequested: return nil
        }
    }
}
