/// The settings of a rule beyond on/off and severity (`strict-sections` for the section rules,
/// `size-budget` for Z002). The rule owns them: it declares their type
/// (`ConfigurableRule.Options`) and holds its value. The engine carries the run's values by
/// type (`RuleOptionValues`, in the configuration) and gives each rule its own once, when the
/// run's rules are set up; a new option touches its rule and the configuration file's parser,
/// nothing between them.
public protocol RuleOptions: Sendable, Hashable {
    /// The defaults: what a run without the setting uses.
    init()
    /// How a rule example run with these options says so in the rule's documentation
    /// (`budget: core 12288 bytes`); nil for nothing.
    var exampleNote: String? { get }
}

extension RuleOptions {
    public var exampleNote: String? { nil }
}

/// A rule with options: made from its options, and holding them.
public protocol ConfigurableRule: Rule {
    associatedtype Options: RuleOptions
    init(options: Options)
    var options: Options { get }
}

extension ConfigurableRule {
    public init() { self.init(options: Options()) }

    /// The same rule with its options from `values`.
    public func configured(_ values: RuleOptionValues) -> Self { Self(options: values[Options.self]) }
}

/// The option values of a run, one per options type; a type not set has its defaults.
public struct RuleOptionValues: Sendable, Hashable {
    /// Values are `RuleOptions`, so Sendable; AnyHashable only erases them.
    private struct Stored: @unchecked Sendable, Hashable {
        let value: AnyHashable
    }

    // Only values that differ from their type's defaults: equal options compare equal
    // however they were set.
    private var values: [ObjectIdentifier: Stored] = [:]

    public init() {}

    public init(_ options: [any RuleOptions]) {
        for option in options { set(option) }
    }

    public subscript<Options: RuleOptions>(_ type: Options.Type) -> Options {
        get { values[ObjectIdentifier(type)]?.value.base as? Options ?? Options() }
        set { values[ObjectIdentifier(type)] = newValue == Options() ? nil : Stored(value: AnyHashable(newValue)) }
    }

    public mutating func set<Options: RuleOptions>(_ value: Options) { self[Options.self] = value }

    /// What the documentation says of an example run with these values, sorted.
    public var exampleNotes: [String] {
        values.values.compactMap { ($0.value.base as? any RuleOptions)?.exampleNote }.sorted()
    }

    public var isEmpty: Bool { values.isEmpty }
}

extension RuleOptionValues {
    /// `rule` with its options from these values, when it has options.
    public func configure(_ rule: any Rule) -> any Rule {
        guard let configurable = rule as? any ConfigurableRule else { return rule }
        return configurable.configured(self)
    }
}

extension RuleSet {
    /// The same rules, each configurable one with its options from `values`.
    public func configured(_ values: RuleOptionValues) -> RuleSet {
        RuleSet(moduleRules: moduleRules.map(values.configure), inputRule: inputRule)
    }
}

/// The section rules' option (X001–X005), `strict-sections` in the configuration file: also
/// treat `.rodata`, `.data.rel.ro` and every `.data.*` section as places references come
/// from, which modpost does not.
public struct SectionOptions: RuleOptions {
    public var strict: Bool

    public init() { strict = false }
    public init(strict: Bool) { self.strict = strict }
}

/// Z002's option, `size-budget` in the configuration file (`--core-budget`, `--init-budget`):
/// the most core and init memory a module may take (bytes, as allocated).
public struct SizeBudget: RuleOptions {
    public var core: UInt64?
    public var initSize: UInt64?

    public init() {}

    public init(core: UInt64? = nil, initSize: UInt64? = nil) {
        self.core = core
        self.initSize = initSize
    }

    public var isEmpty: Bool { core == nil && initSize == nil }

    public var exampleNote: String? {
        let parts = [core.map { "core \($0)" }, initSize.map { "init \($0)" }].compactMap { $0 }
        return parts.isEmpty ? nil : "budget: \(parts.joined(separator: ", ")) bytes"
    }
}
