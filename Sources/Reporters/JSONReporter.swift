import Foundation
import LintEngine

/// One JSON document for editors and scripts. The schema is versioned and only ever
/// extended: every key is always present (null when it does not apply), new keys may appear.
public struct JSONReporter: Sendable {
    public static let schemaVersion = 1

    public init() {}

    struct Document: Encodable {
        let schema_version: Int
        let tool: Tool
        let diagnostics: [Entry]
        let summary: Summary
        let run: RunInfo
        let notices: [NoticeEntry]
    }

    /// A run-wide notice (`LintResult.notices`): not a finding.
    struct NoticeEntry: Encodable {
        let code: String
        let name: String
        let severity: Severity
        let message: String
        let paths: [String]
    }

    /// How the run read its inputs (`RunPlan`): `modules` or `tree`.
    struct RunInfo: Encodable {
        let mode: String
    }

    struct Tool: Encodable {
        let name: String
        let version: String
    }

    struct Entry: Encodable {
        let diagnostic: Diagnostic

        enum Keys: String, CodingKey {
            case code, name, severity, path, module, message, symbol, section, offset, target_symbol, target_section, location, related
            case symbol_demangled, target_symbol_demangled, place
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(diagnostic.code, forKey: .code)
            try c.encode(diagnostic.name, forKey: .name)
            try c.encode(diagnostic.severity, forKey: .severity)
            try c.encode(diagnostic.path, forKey: .path)
            try c.encode(diagnostic.module, forKey: .module)
            try c.encode(diagnostic.message, forKey: .message)
            try c.encode(diagnostic.symbol, forKey: .symbol)
            try c.encode(diagnostic.symbolDemangled, forKey: .symbol_demangled)
            try c.encode(diagnostic.section, forKey: .section)
            try c.encode(diagnostic.legacyOffset, forKey: .offset)
            try c.encode(diagnostic.place.map(Place.init), forKey: .place)
            try c.encode(diagnostic.targetSymbol, forKey: .target_symbol)
            try c.encode(diagnostic.targetSymbolDemangled, forKey: .target_symbol_demangled)
            try c.encode(diagnostic.targetSection, forKey: .target_section)
            try c.encode(diagnostic.location, forKey: .location)
            try c.encode(diagnostic.related.map(Related.init), forKey: .related)
        }
    }

    /// `{section, address, symbol, symbol_offset, element}`, every key present.
    struct Place: Encodable {
        let place: ObjectPlace
        enum Keys: String, CodingKey { case section, address, symbol, symbol_offset, element }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(place.section, forKey: .section)
            try c.encode(place.address, forKey: .address)
            try c.encode(place.symbol, forKey: .symbol)
            try c.encode(place.symbolOffset, forKey: .symbol_offset)
            try c.encode(place.element, forKey: .element)
        }
    }

    /// `{file, line, column, message}`.
    struct Related: Encodable {
        let place: RelatedLocation
        enum Keys: String, CodingKey { case file, line, column, message }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(place.location.file, forKey: .file)
            try c.encode(place.location.line, forKey: .line)
            try c.encode(place.location.column, forKey: .column)
            try c.encode(place.message, forKey: .message)
        }
    }

    struct Summary: Encodable {
        let files: Int
        let modules: Int
        let unreadable: Int
        let errors: Int
        let warnings: Int
        let notes: Int
    }

    public func render(_ result: LintResult, toolVersion: String) throws -> String {
        let document = Document(
            schema_version: JSONReporter.schemaVersion,
            tool: Tool(name: "modlint", version: toolVersion),
            diagnostics: result.diagnostics.map(Entry.init),
            summary: Summary(files: result.files, modules: result.modules, unreadable: result.unreadable,
                             errors: result.count(.error), warnings: result.count(.warning), notes: result.count(.note)),
            run: RunInfo(mode: result.mode.rawValue),
            notices: result.notices.map { NoticeEntry(code: $0.code, name: $0.name, severity: $0.severity, message: $0.message, paths: $0.paths) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
