/// Something said once about the whole run rather than found in one module: the modules a
/// rule could not check (no debug info). Not a finding: it is never filed under a module,
/// never counted with the findings, and no ignore of a module hides it. Text prints it once,
/// JSON has it under `notices`, SARIF as the invocation's `toolExecutionNotifications`.
public struct Notice: Sendable, Hashable {
    /// The rule the notice is about.
    public let code: String
    public let name: String
    /// `note`; `error` with --require-debug-info (then it fails the run like an error finding).
    public let severity: Severity
    public let message: String
    /// The files it concerns, in path order.
    public let paths: [String]

    public init(code: String, name: String, severity: Severity, message: String, paths: [String]) {
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.paths = paths
    }

    public func with(severity: Severity) -> Notice {
        Notice(code: code, name: name, severity: severity, message: message, paths: paths)
    }
}
