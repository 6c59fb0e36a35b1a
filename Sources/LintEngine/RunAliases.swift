import ModuleObject

/// The `alias=` claims of every module read in one run, as depmod indexes them: which modules
/// a modalias string would load.
public struct RunAliases: Sendable {
    public struct Claimant: Sendable, Hashable {
        public let module: String
        public let path: String
    }

    private let byAlias: [String: [Claimant]]

    public init(modules: [ModuleObject]) {
        var map: [String: [Claimant]] = [:]
        for module in modules {
            let claimant = Claimant(module: module.name, path: module.path)
            for alias in Set(module.modinfo.values("alias")) { map[alias, default: []].append(claimant) }
        }
        byAlias = map.mapValues { $0.sorted { ($0.module, $0.path) < ($1.module, $1.path) } }
    }

    public static let empty = RunAliases(modules: [])

    /// Every module of the run whose `.modinfo` claims exactly `alias`.
    public func claimants(of alias: String) -> [Claimant] { byAlias[alias] ?? [] }
}
