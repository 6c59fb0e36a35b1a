#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ModuleObject

/// The `alias=` claims of every module read in one run, as depmod indexes them: which modules
/// a modalias string would load.
public struct RunAliases: Sendable {
    public struct Claimant: Sendable, Hashable {
        public let module: String
        public let path: String
        /// The alias= line of that module: the same string, or a pattern that matches it.
        public let alias: String
    }

    /// Claims keyed by their literal prefix: the text before the first glob character.
    private let byLiteralPrefix: [String: [Claimant]]

    public init(modules: [ModuleObject]) {
        var map: [String: [Claimant]] = [:]
        for module in modules {
            for alias in Set(module.modinfo.values("alias")) {
                map[RunAliases.literalPrefix(alias), default: []].append(Claimant(module: module.name, path: module.path, alias: alias))
            }
        }
        byLiteralPrefix = map.mapValues { $0.sorted { ($0.module, $0.path, $0.alias) < ($1.module, $1.path, $1.alias) } }
    }

    public static let empty = RunAliases(modules: [])

    static func literalPrefix(_ alias: String) -> String {
        String(alias.prefix { $0 != "*" && $0 != "?" && $0 != "[" && $0 != "\\" })
    }

    /// Every claim of the run that modprobe would load for a device whose modalias is `alias`
    /// taken literally: the same string, or a glob that matches it (modprobe uses fnmatch with
    /// the module's alias as the pattern), so broader patterns count and narrower ones do not.
    public func claimants(covering alias: String) -> [Claimant] {
        var found: [Claimant] = []
        var prefix = ""
        var candidates = byLiteralPrefix[""] ?? []
        for character in alias {
            prefix.append(character)
            candidates += byLiteralPrefix[prefix] ?? []
        }
        for claimant in candidates where claimant.alias == alias || fnmatch(claimant.alias, alias, 0) == 0 {
            found.append(claimant)
        }
        return found.sorted { ($0.module, $0.path, $0.alias) < ($1.module, $1.path, $1.alias) }
    }
}
