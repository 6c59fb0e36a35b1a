import Foundation
import ParallelRun
import ModuleLayout
import ModuleObject
import KernelSymbols

/// `modlint sizes`: every module of the inputs through the loader's layout, in parallel,
/// in path order.
public struct SizeRun: Sendable {
    public struct Outcome: Sendable {
        public let footprints: [ModuleFootprint]
        /// Files that could not be read as modules, with the reason.
        public let unreadable: [(path: String, reason: String)]
        /// Findings of the size budget (Z002), when budgets were given.
        public let overBudget: [Diagnostic]
    }

    public let loader: LoaderOverrides
    public let forcedVersion: KernelVersion?
    public let budget: SizeBudget
    public let jobs: Int

    public init(loader: LoaderOverrides, forcedVersion: KernelVersion?, budget: SizeBudget = SizeBudget(),
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.loader = loader
        self.forcedVersion = forcedVersion
        self.budget = budget
        self.jobs = max(1, jobs)
    }

    public func run(paths: [String], budgetRule: (any Rule)? = nil) -> Outcome {
        run(files: InputDiscovery.discover(paths), budgetRule: budgetRule)
    }

    /// The same, on files already discovered (`RunPlan.discover`).
    public func run(files: [String], budgetRule: (any Rule)? = nil) -> Outcome {
        let loader = self.loader, forced = self.forcedVersion
        // The budget rule with this run's budget.
        let budgetRule = budgetRule.map(RuleOptionValues([budget]).configure)
        let results: [Result<(ModuleFootprint, [Diagnostic]), ModuleError>] = Parallel.map(count: files.count, jobs: jobs) { index in
            do {
                let module = try ModuleObject.load(path: files[index])
                let context = ModuleContext(module: module, resolver: SymbolResolver(kernel: .empty, run: RunExports(modules: [])),
                                            profile: KernelProfile.of(module, forced: forced), loader: loader)
                return .success((context.footprint, budgetRule?.check(context) ?? []))
            } catch let error as ModuleError {
                return .failure(error)
            } catch {
                return .failure(.corrupt("\(error)"))
            }
        }
        var footprints: [ModuleFootprint] = []
        var unreadable: [(path: String, reason: String)] = []
        var findings: [Diagnostic] = []
        for (index, result) in results.enumerated() {
            switch result {
            case .success(let (footprint, found)):
                footprints.append(footprint)
                findings += found
            case .failure(let error): unreadable.append((files[index], error.description))
            }
        }
        return Outcome(footprints: footprints.sorted { $0.path < $1.path }, unreadable: unreadable,
                       overBudget: findings.sorted(by: Diagnostic.reportOrder))
    }
}
