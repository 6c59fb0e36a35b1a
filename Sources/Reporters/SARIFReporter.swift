import Foundation
import LintEngine

/// SARIF 2.1.0 for code-scanning services and editors' SARIF viewers: one run, the rule
/// catalogue in `tool.driver.rules` (help from the rule descriptions), one result per finding.
///
/// When the module's debug info gives a source line, a result's location is that file, line
/// and column, and the module is a related location. Otherwise the location is the module
/// file at line 1 (GitHub rejects results without a location and a `startLine` of 0). The
/// symbol is in `logicalLocations` either way. Relative paths are given against `%SRCROOT%` so alerts keep
/// their identity across checkouts. `partialFingerprints` are ours, keyed on content (code,
/// module, subject, sections), never on offsets or line numbers, which move on every rebuild.
public struct SARIFReporter: Sendable {
    public static let fingerprintKey = "modlint/v1"

    public init() {}

    public func render(_ result: LintResult, rules: [RuleDescription], toolVersion: String) throws -> String {
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.code, $0) })
        var seen: [String: Int] = [:]
        let results = result.diagnostics.map { diagnostic -> Result in
            let key = Self.fingerprintSource(diagnostic)
            seen[key, default: 0] += 1
            // Equal findings (the same reference made twice) stay distinct, in report order.
            let occurrence = seen[key]!
            let fingerprint = SHA256.hex(occurrence == 1 ? key : key + "\u{1F}\(occurrence)")
            return Result(diagnostic: diagnostic, ruleIndex: index[diagnostic.code], fingerprint: fingerprint)
        }
        // Run-wide notices are the tool's notifications about its execution, not results.
        let invocations = result.notices.isEmpty ? nil : [Invocation(
            executionSuccessful: true,
            toolExecutionNotifications: result.notices.map { notice in
                Notification(level: Self.level(notice.severity), message: Text(text: notice.message),
                             associatedRule: RuleReference(id: notice.code, index: index[notice.code]))
            })]
        let log = Log(runs: [Run(tool: Tool(driver: Driver(version: toolVersion, rules: rules.map(Rule.init))), results: results,
                                 properties: RunProperties(mode: result.mode.rawValue), invocations: invocations)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(log), as: UTF8.self) + "\n"
    }

    /// What identifies a finding across runs and rebuilds.
    public static func fingerprintSource(_ diagnostic: Diagnostic) -> String {
        [diagnostic.code, diagnostic.module, diagnostic.subject, diagnostic.section ?? "", diagnostic.targetSection ?? ""]
            .joined(separator: "\u{1F}")
    }

    public static func fingerprint(_ diagnostic: Diagnostic) -> String { SHA256.hex(fingerprintSource(diagnostic)) }

    static func level(_ severity: Severity) -> String { severity.rawValue }

    /// A relative path as a relative URI reference; an absolute one as a `file://` URI.
    static func uri(_ path: String) -> (uri: String, base: String?) {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        if path.hasPrefix("/") { return ("file://" + encoded, nil) }
        let relative = encoded.hasPrefix("./") ? String(encoded.dropFirst(2)) : encoded
        return (relative, "%SRCROOT%")
    }

    struct Log: Encodable {
        let schema = "https://json.schemastore.org/sarif-2.1.0.json"
        let version = "2.1.0"
        let runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }

    struct Run: Encodable {
        let tool: Tool
        let results: [Result]
        let properties: RunProperties
        /// Only when the run has notices.
        let invocations: [Invocation]?
    }

    struct Invocation: Encodable {
        let executionSuccessful: Bool
        let toolExecutionNotifications: [Notification]
    }

    struct Notification: Encodable {
        let level: String
        let message: Text
        let associatedRule: RuleReference
    }

    struct RuleReference: Encodable {
        let id: String
        let index: Int?
    }

    /// How the run read its inputs (`RunPlan`): `modules` or `tree`.
    struct RunProperties: Encodable {
        let mode: String
    }

    struct Tool: Encodable { let driver: Driver }

    struct Driver: Encodable {
        let name = "modlint"
        let version: String
        let rules: [Rule]
        enum CodingKeys: String, CodingKey { case name, version, semanticVersion, rules }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(version, forKey: .version)
            try c.encode(version, forKey: .semanticVersion)
            try c.encode(rules, forKey: .rules)
        }
    }

    struct Text: Encodable { let text: String }

    struct Help: Encodable {
        let text: String
        let markdown: String
    }

    struct Rule: Encodable {
        let id: String
        let name: String
        let shortDescription: Text
        let fullDescription: Text
        let help: Help
        let defaultConfiguration: Configuration
        let properties: Properties

        struct Configuration: Encodable { let level: String }
        struct Properties: Encodable {
            let tags: [String]
            let kernelVersions: String
        }

        init(_ rule: RuleDescription) {
            id = rule.code
            name = rule.name
            shortDescription = Text(text: rule.summary)
            fullDescription = Text(text: rule.rationale)
            help = Help(text: RuleDocumentation.text(rule), markdown: RuleDocumentation.markdown(rule))
            defaultConfiguration = Configuration(level: SARIFReporter.level(rule.defaultSeverity))
            properties = Properties(tags: ["kernel-module"], kernelVersions: rule.kernelVersions)
        }
    }

    struct Result: Encodable {
        let diagnostic: Diagnostic
        let ruleIndex: Int?
        let fingerprint: String

        enum Keys: String, CodingKey {
            case ruleId, ruleIndex, level, message, locations, relatedLocations, partialFingerprints, properties
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(diagnostic.code, forKey: .ruleId)
            try c.encodeIfPresent(ruleIndex, forKey: .ruleIndex)
            try c.encode(SARIFReporter.level(diagnostic.severity), forKey: .level)
            try c.encode(Text(text: diagnostic.message), forKey: .message)
            let (uri, base) = SARIFReporter.uri(diagnostic.path)
            let logical = diagnostic.symbol.map { [LogicalLocation(name: $0, fullyQualifiedName: "\(diagnostic.module)::\($0)")] }
            let module = PhysicalLocation(artifactLocation: ArtifactLocation(uri: uri, uriBaseId: base),
                                          region: Region(startLine: 1, startColumn: nil))
            if let location = diagnostic.location {
                // A path relative to the compilation directory, which for an in-tree build is
                // the top of the kernel sources.
                let (sourceURI, sourceBase) = SARIFReporter.uri(location.file)
                try c.encode([Location(physicalLocation: PhysicalLocation(
                    artifactLocation: ArtifactLocation(uri: sourceURI, uriBaseId: sourceBase),
                    region: Region(startLine: location.line, startColumn: location.column)),
                    logicalLocations: logical)], forKey: .locations)
                let binary = PhysicalLocation(artifactLocation: module.artifactLocation, region: nil)
                var related = [Location(id: 1, physicalLocation: binary, logicalLocations: nil,
                                        message: Text(text: "module \(diagnostic.module)"))]
                // A place outside the checkout (a prototype in the installed kernel headers) is
                // not one code scanning can show: it stays in the JSON output.
                for (index, place) in diagnostic.related.filter({ !$0.location.file.hasPrefix("/") }).enumerated() {
                    let (placeURI, placeBase) = SARIFReporter.uri(place.location.file)
                    related.append(Location(id: index + 2, physicalLocation: PhysicalLocation(
                        artifactLocation: ArtifactLocation(uri: placeURI, uriBaseId: placeBase),
                        region: Region(startLine: place.location.line, startColumn: place.location.column)),
                        logicalLocations: nil, message: Text(text: place.message)))
                }
                try c.encode(related, forKey: .relatedLocations)
            } else {
                try c.encode([Location(physicalLocation: module, logicalLocations: logical)], forKey: .locations)
            }
            try c.encode([SARIFReporter.fingerprintKey: fingerprint], forKey: .partialFingerprints)
            try c.encode(Properties(diagnostic), forKey: .properties)
        }
    }

    struct Location: Encodable {
        var id: Int?
        let physicalLocation: PhysicalLocation
        let logicalLocations: [LogicalLocation]?
        var message: Text?

        init(id: Int? = nil, physicalLocation: PhysicalLocation, logicalLocations: [LogicalLocation]?, message: Text? = nil) {
            self.id = id
            self.physicalLocation = physicalLocation
            self.logicalLocations = logicalLocations
            self.message = message
        }
    }

    struct PhysicalLocation: Encodable {
        let artifactLocation: ArtifactLocation
        /// Nil for the module file as a related location: a binary has no line to show.
        let region: Region?
    }

    struct ArtifactLocation: Encodable {
        let uri: String
        let uriBaseId: String?
    }

    struct Region: Encodable {
        let startLine: Int
        let startColumn: Int?
    }

    struct LogicalLocation: Encodable {
        let name: String
        let fullyQualifiedName: String
    }

    /// The binary place of the finding, for consumers that want more than the message.
    struct Properties: Encodable {
        let module: String
        let symbol: String?
        let section: String?
        let offset: UInt64?
        let targetSymbol: String?
        let targetSection: String?
        /// The parts of the place (`ObjectPlace`); absent when the finding has none.
        let place: Place?

        struct Place: Encodable {
            let section: String
            let address: UInt64?
            let symbol: String?
            let symbolOffset: UInt64?
            let element: String?
        }

        init(_ d: Diagnostic) {
            module = d.module
            symbol = d.symbol
            section = d.section
            offset = d.legacyOffset
            place = d.place.map { Place(section: $0.section, address: $0.address, symbol: $0.symbol, symbolOffset: $0.symbolOffset, element: $0.element) }
            targetSymbol = d.targetSymbol
            targetSection = d.targetSection
        }
    }
}
