import DebugInfo
import Foundation
import ModuleObject

/// Where a module's code first uses each symbol it imports, as a source line: a driver
/// author wants the call that needs the export, not the prototype in the kernel headers.
///
/// The second pass holds modules without their relocations (`retainingRunFacts`), so the
/// module is read again from its file, once, and only for a module with debug info and a
/// finding to place: a tree of stripped modules never pays for it.
public final class UseSites: @unchecked Sendable {
    private let module: ModuleObject
    // Guarded by `lock`.
    private let lock = NSLock()
    private var built = false
    private var debugInfo: DebugInfoCache?
    private var locator: SymbolLocator?
    private var firstUse: [String: (section: Int, offset: UInt64)] = [:]

    public init(module: ModuleObject) { self.module = module }

    /// The source line of the first use of `name` in the module's code (text first, then
    /// data that points at it), else the declaration of the function making it; nil without
    /// debug info or without a use.
    public func location(of name: String) -> SourceLocation? {
        lock.lock(); defer { lock.unlock() }
        build()
        guard let place = firstUse[name], let debugInfo else { return nil }
        if let line = debugInfo.lines?.location(section: place.section, offset: place.offset) { return line }
        let function = locator?.symbol(before: place.offset, inSection: place.section)?.name
        return function.flatMap { debugInfo.declaration(of: $0) }
    }

    /// The declaration of `name` the module's debug info records (for an import: the
    /// prototype in the header the module included).
    public func declaration(of name: String) -> SourceLocation? {
        lock.lock(); defer { lock.unlock() }
        build()
        return debugInfo?.declaration(of: name)
    }

    private func build() {
        guard !built else { return }
        built = true
        guard module.sections.contains(where: { $0.name == ".debug_info" }) else { return }
        let whole: ModuleObject
        if module.isComplete {
            whole = module
        } else {
            guard let read = try? ModuleObject.load(path: module.path) else { return }
            whole = read
        }
        debugInfo = DebugInfoCache(module: whole)
        locator = SymbolLocator(module: whole)
        var dataUse: [String: (section: Int, offset: UInt64)] = [:]
        for relocations in whole.relocationSections {
            let target = relocations.targetSectionIndex
            guard target < whole.sections.count, whole.sections[target].isAllocated else { continue }
            let code = whole.sections[target].isExecutable
            for relocation in relocations.relocations {
                guard relocation.symbolIndex < whole.symbols.count else { continue }
                let symbol = whole.symbols[relocation.symbolIndex]
                guard symbol.isUndefined, !symbol.name.isEmpty else { continue }
                if code {
                    if let known = firstUse[symbol.name], (known.section, known.offset) <= (target, relocation.offset) { continue }
                    firstUse[symbol.name] = (target, relocation.offset)
                } else {
                    if let known = dataUse[symbol.name], (known.section, known.offset) <= (target, relocation.offset) { continue }
                    dataUse[symbol.name] = (target, relocation.offset)
                }
            }
        }
        for (name, place) in dataUse where firstUse[name] == nil { firstUse[name] = place }
    }
}
