import DebugInfo
import Foundation
import ParallelRun
import ModuleObject
import KernelSymbols
import ModuleLayout

/// A fixture module that shows a rule at work: tested automatically for every rule.
public struct RuleExample: Sendable, Hashable {
    /// Path of the module under `Fixtures/`.
    public let fixture: String
    /// Other fixture modules linted in the same run (for symbols one module exports to another).
    public let alongside: [String]
    /// The symbol table passed with `--symbols`, under `Fixtures/`; nil for none.
    public let symbols: String?
    /// `--kernel-version` for the run (a release or a whole vermagic); nil for none.
    public let kernelVersion: String?
    /// What the rule reports on the fixture: the `symbol` of each diagnostic (for reference
    /// rules, `symbol -> targetSymbol`), sorted. Empty: the fixture must not trigger the rule.
    public let expected: [String]
    /// Rule options the run sets (`SectionOptions(strict: true)`, a `SizeBudget`).
    public let options: RuleOptionValues

    public init(fixture: String, alongside: [String] = [], symbols: String? = nil, kernelVersion: String? = nil,
                options: [any RuleOptions] = [], expected: [String]) {
        self.fixture = fixture
        self.alongside = alongside
        self.symbols = symbols
        self.kernelVersion = kernelVersion
        self.options = RuleOptionValues(options)
        self.expected = expected
    }

    public var triggers: Bool { !expected.isEmpty }
}

/// What a rule is, for `modlint rules`, `modlint explain` and the generated documentation.
public struct RuleDescription: Sendable, Hashable {
    public let code: String
    public let name: String
    public let defaultSeverity: Severity
    public let summary: String
    /// Why it matters when the module is loaded or built in.
    public let rationale: String
    /// What to do about it.
    public let fix: String
    /// The kernel versions the check applies to.
    public let kernelVersions: String
    public let examples: [RuleExample]
    /// Off unless selected (`--select`, `select:`): a report more than a finding.
    public let isOptIn: Bool

    public init(code: String, name: String, defaultSeverity: Severity, summary: String, rationale: String,
                fix: String, kernelVersions: String, examples: [RuleExample], isOptIn: Bool = false) {
        self.code = code
        self.name = name
        self.defaultSeverity = defaultSeverity
        self.summary = summary
        self.rationale = rationale
        self.fix = fix
        self.kernelVersions = kernelVersions
        self.examples = examples
        self.isOptIn = isOptIn
    }
}

/// A check over one module. Rules are values without state; `check` sees the module and the
/// run's read-only facts through the context and returns its findings.
public protocol Rule: Sendable {
    static var description: RuleDescription { get }
    /// `.module` unless the rule needs what other modules of the run export or claim.
    static var scope: RuleScope { get }
    init()
    func check(_ context: ModuleContext) -> [Diagnostic]
}

/// When a rule runs. A `.module` rule runs as soon as its module has been read, on the
/// complete module, with an empty view of the run (no other module's exports or aliases, and
/// no kernel symbol table: it may still be loading). A
/// `.run` rule runs once every module has been read, with the run's exports and aliases, on
/// modules reduced to their run facts (`ModuleObject.retainingRunFacts()`: no symbol table,
/// relocations or decoded device tables). This is what keeps a 4000-module run's memory to
/// the modules in flight plus the tree facts.
///
/// `.runAliases` is a `.run` rule that also reads the run's aliases (`ModuleContext.aliases`).
/// Those are indexed while the other `.run` rules work, and these rules run last.
public enum RuleScope: Sendable, Hashable {
    case module
    case run
    case runAliases
}

extension Rule {
    public static var scope: RuleScope { .module }
}

/// The rule that turns a file that cannot be read into a finding (E001).
public protocol InputRule: Sendable {
    static var description: RuleDescription { get }
    init()
    func diagnose(path: String, reason: String) -> Diagnostic
}

/// Everything a rule may look at for one module. Immutable and shared across threads.
public struct ModuleContext: Sendable {
    public let module: ModuleObject
    public let resolver: SymbolResolver
    /// The kernel the module is meant to load into (`--kernel-version` or the symbol sources).
    public let target: TargetKernel
    /// The kernel generation the rules assume: the target's release, else the module's vermagic.
    public let profile: KernelProfile
    /// The aliases every module of the run claims (tree-level fact for D005).
    public let aliases: RunAliases
    /// The target's loader settings beyond the architecture's defaults (page size, config).
    public let loader: LoaderOverrides
    /// The module's DWARF, read on first use only.
    public let debugInfoCache: DebugInfoCache
    /// Where the module's code uses its imports, read on first use only.
    public let useSites: UseSites
    /// At least one kernel symbol table was given: imports can be resolved against the kernel.
    public var hasKernelSymbols: Bool { !resolver.kernel.isEmpty }
    private let importCache = ImportResolutionCache()
    private let memo = SharedValues()

    /// `make()`, computed once per module for all the rules that ask for a `Value`: what
    /// several rules derive from the same module (the section references of the X rules) is
    /// derived once.
    public func shared<Value: Sendable>(_ type: Value.Type, _ make: () -> Value) -> Value {
        memo.value(type, make)
    }

    /// Every import of the module with its provider in this run (nil: unresolved), resolved
    /// once for all the symbol rules.
    public var resolvedImports: [ResolvedImport] { importCache.value(module: module, resolver: resolver) }

    public init(module: ModuleObject, resolver: SymbolResolver, aliases: RunAliases = .empty,
                target: TargetKernel = .unknown, profile: KernelProfile? = nil, loader: LoaderOverrides = .none) {
        self.module = module
        self.resolver = resolver
        self.aliases = aliases
        self.target = target
        self.profile = profile ?? KernelProfile.of(module, forced: nil)
        self.loader = loader
        self.debugInfoCache = DebugInfoCache(module: module)
        self.useSites = UseSites(module: module)
    }

    /// What the loader of the target allocates for this module.
    public var footprint: ModuleFootprint {
        LayoutModel(configuration: loader.configuration(machine: module.identity.machine, version: profile.version))
            .footprint(of: module)
    }

    /// The module's debug info; nil when it has none or it cannot be read (see
    /// `debugInfoCache.state`). Read once, on the first call from any rule.
    public var debugInfo: DebugInfo? { debugInfoCache.value }

    /// The declaration of a function or variable of the module (`DebugInfoCache.declaration(of:)`).
    public func declaration(of name: String) -> SourceLocation? { debugInfoCache.declaration(of: name) }

    /// The source line of the code at `offset` in section `section` (the line table), else
    /// the declaration of `symbol` (the function holding it); nil without debug info.
    public func sourceLocation(section: Int, offset: UInt64, symbol: String?) -> SourceLocation? {
        if let found = debugInfoCache.lines?.location(section: section, offset: offset) { return found }
        return symbol.flatMap { debugInfoCache.declaration(of: $0) }
    }

    /// A diagnostic about the imported symbol `symbol`, placed at its first use in the
    /// module's code, with the declaration the module saw as a related place; at the
    /// declaration when no use is known (nothing without debug info).
    public func importDiagnostic(_ rule: RuleDescription, _ message: String, symbol: String, section: String? = nil) -> Diagnostic {
        let declaration = useSites.declaration(of: symbol)
        guard let use = useSites.location(of: symbol) else {
            return diagnostic(rule, message, symbol: symbol, section: section, location: declaration)
        }
        let related = declaration.map { [RelatedLocation(location: $0, message: "'\(symbol)' declared here")] } ?? []
        return diagnostic(rule, message, symbol: symbol, section: section, location: use, related: related)
    }

    /// A diagnostic of `rule` on this module at its default severity (the configuration
    /// applies overrides later).
    public func diagnostic(_ rule: RuleDescription, _ message: String, symbol: String? = nil, section: String? = nil,
                           place: ObjectPlace? = nil, targetSymbol: String? = nil, targetSection: String? = nil,
                           location: SourceLocation? = nil, related: [RelatedLocation] = []) -> Diagnostic {
        Diagnostic(code: rule.code, name: rule.name, severity: rule.defaultSeverity, path: module.path,
                   module: module.name, message: message, symbol: symbol, section: section, place: place,
                   targetSymbol: targetSymbol, targetSection: targetSection, location: location, related: related)
    }
}

/// The lazily read DWARF of one module. Rules that never ask pay nothing; the first rule
/// that asks reads it, under a lock, and every later one gets the same values.
public final class DebugInfoCache: @unchecked Sendable {
    public enum State: Sendable, Equatable {
        case notRequested
        case loaded
        /// The file has no DWARF (stripped, or built without debug info).
        case missing
        case unreadable(DebugInfoError)
    }

    public let module: ModuleObject
    // Guarded by `lock`.
    private let lock = NSLock()
    private var loaded: DebugInfo?
    private var currentState: State = .notRequested
    private var elapsed: Duration = .zero

    public init(module: ModuleObject) { self.module = module }

    /// The module's variables and structures, without its functions and declared variables
    /// (`DebugInfo.hasDeclarations`): what the owner and device-table rules look at.
    public var value: DebugInfo? {
        lock.lock(); defer { lock.unlock() }
        load(declarations: false)
        return loaded
    }

    /// The declaration of a function or variable (`DebugInfo.declaration(of:)`), for a
    /// finding's place. The functions and declared variables are read the first time one is
    /// asked for, by a second walk of the module's DWARF: most modules of a run have no
    /// finding, and their walk is a quarter shorter without them.
    public func declaration(of name: String) -> SourceLocation? {
        lock.lock(); defer { lock.unlock() }
        load(declarations: true)
        if let info = loaded, !info.hasDeclarations {
            let clock = ContinuousClock()
            let start = clock.now
            // Read once already: a second reading that fails keeps the first.
            if let whole = try? DebugInfo.load(module: module, declarations: true) { loaded = whole }
            elapsed += clock.now - start
        }
        return loaded?.declaration(of: name)
    }

    private func load(declarations: Bool) {
        guard currentState == .notRequested else { return }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            loaded = try DebugInfo.load(module: module, declarations: declarations)
            currentState = loaded == nil ? .missing : .loaded
        } catch {
            currentState = .unreadable(error)
        }
        elapsed = clock.now - start
    }

    public var state: State {
        lock.lock(); defer { lock.unlock() }
        return currentState
    }

    // Guarded by `lock` too; read after `value`, never while holding the lock for it.
    private var lineTable: LineTable?
    private var linesRead = false

    /// The module's line programs tied to its sections; read on the first call, and only
    /// when its DWARF could be read (nil otherwise, or when the line programs cannot).
    public var lines: LineTable? {
        guard value != nil else { return nil }
        lock.lock(); defer { lock.unlock() }
        if !linesRead {
            linesRead = true
            let clock = ContinuousClock()
            let start = clock.now
            lineTable = try? DebugInfo.loadLines(module: module)
            elapsed += clock.now - start
        }
        return lineTable
    }

    /// Time spent reading the DWARF (zero when it was never asked for).
    public var loadTime: Duration {
        lock.lock(); defer { lock.unlock() }
        return elapsed
    }
}

/// A rule that needs debug info and says once per run, in a `Notice`, which modules it could
/// not check.
public protocol DebugInfoRule: Rule {
    /// Findings about the modules of the run whose debug info was missing or unreadable
    /// when this rule asked for it (in path order; never called with an empty list).
    func unchecked(_ modules: [UncheckedModule]) -> Notice?
}

/// A module a `DebugInfoRule` could not check, and why.
public struct UncheckedModule: Sendable, Hashable {
    public let path: String
    public let module: String
    /// Nil: no debug info at all; else why it could not be read.
    public let error: DebugInfoError?

    public init(path: String, module: String, error: DebugInfoError?) {
        self.path = path
        self.module = module
        self.error = error
    }
}

/// The rules of one run.
public struct RuleSet: Sendable {
    public let moduleRules: [any Rule]
    public let inputRule: any InputRule

    public init(moduleRules: [any Rule], inputRule: any InputRule) {
        self.moduleRules = moduleRules
        self.inputRule = inputRule
    }

    public var descriptions: [RuleDescription] {
        ([type(of: inputRule).description] + moduleRules.map { type(of: $0).description }).sorted { $0.code < $1.code }
    }

    public func description(of code: String) -> RuleDescription? {
        descriptions.first { $0.code.caseInsensitiveCompare(code) == .orderedSame || $0.name == code }
    }
}

import Foundation

/// One import and what provides it.
public struct ResolvedImport: Sendable {
    public let symbol: Symbol
    public let provider: SymbolProvider?
}

final class ImportResolutionCache: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var resolved: [ResolvedImport]?

    func value(module: ModuleObject, resolver: SymbolResolver) -> [ResolvedImport] {
        lock.lock(); defer { lock.unlock() }
        if let resolved { return resolved }
        let computed = module.imports.map { ResolvedImport(symbol: $0, provider: resolver.resolve($0.name, importer: module.path)) }
        resolved = computed
        return computed
    }
}
