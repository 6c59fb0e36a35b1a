import LintEngine

/// What applying a baseline did, for standard error: machine output stays the findings alone.
public enum BaselineNotes {
    public static func render(_ outcome: Baseline.Outcome, baseline path: String) -> String {
        var out = ""
        if outcome.suppressed > 0 {
            out += "modlint: note: \(outcome.suppressed) findings suppressed by the baseline \(path)\n"
        }
        if !outcome.stale.isEmpty {
            out += "modlint: note: \(outcome.stale.count) baseline entries no longer occur (fixed? rewrite the baseline with --write-baseline):\n"
            for entry in outcome.stale {
                out += "  \(entry.code) \(entry.module): \(entry.subject)\(entry.count > 1 ? " (\(entry.count) fewer)" : "")\n"
            }
        }
        return out
    }
}
