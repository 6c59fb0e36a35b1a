import LintEngine
import ModuleLayout
import ModuleObject

/// Z002: the module takes more core or init memory than the configured budget.
public struct SizeBudgetExceeded: ConfigurableRule {
    public static let description = RuleDescription(
        code: "Z002", name: "size-budget",
        defaultSeverity: .warning,
        summary: "The memory the loader allocates for the module's core or init part is above the configured budget.",
        rationale: """
            On a small system every module page counts, and a change that pushes a module over a \
            page boundary costs a whole page (or, with STRICT_MODULE_RWX and on 6.4 and later, \
            a page per region). A budget in CI catches the growth when it happens. The figures \
            are the allocated sizes, as /sys/module/NAME/coresize shows them.
            """,
        fix: """
            Shrink the module (move rarely used code out, mark init-only code __init), or raise \
            the budget: `size-budget: {core: BYTES, init: BYTES}` in .modlint.yml or \
            --core-budget/--init-budget.
            """,
        kernelVersions: "all",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_size_large.ko", options: [SizeBudget(core: 12288, initSize: 8192)],
                        expected: ["core", "init"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_size_small.ko", options: [SizeBudget(core: 16384, initSize: 12288)],
                        expected: []),
        ])

    /// `size-budget`; no budget, no finding.
    public let options: SizeBudget

    public init(options: SizeBudget) { self.options = options }

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let budget = options
        guard !budget.isEmpty else { return [] }
        let f = context.footprint
        var found: [Diagnostic] = []
        if let limit = budget.core, f.coreAllocated > limit {
            found.append(context.diagnostic(
                Self.description, "core allocation \(f.coreAllocated) bytes is above the budget of \(limit) bytes (core content \(f.core) bytes)",
                symbol: "core"))
        }
        if let limit = budget.initSize, f.initAllocated > limit {
            found.append(context.diagnostic(
                Self.description, "init allocation \(f.initAllocated) bytes is above the budget of \(limit) bytes",
                symbol: "init"))
        }
        return found
    }
}
