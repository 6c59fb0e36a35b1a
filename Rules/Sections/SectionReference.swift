import LintEngine
import ModuleObject

/// A relocation that makes one section class refer to another: where from, where to, with
/// both ends named as modpost names them.
struct SectionReference: Sendable, Hashable {
    let fromSection: String
    let fromSectionIndex: Int
    /// Offset of the relocation in `fromSection`.
    let place: UInt64
    let fromSymbol: String?
    /// Offset of the reference from `fromSymbol`, or from the section start without one.
    let fromOffset: UInt64
    let toSection: String
    let toSymbol: String?
    /// Address in `toSection` that is referenced.
    let toAddress: UInt64

    static let discardedWhenBuiltIn = "which is discarded when the code is built in"
    static let freedAfterInit = "which is freed once the module's init has run"

    /// Where the reference is made: the relocation's place in its section, and in the symbol
    /// before it when there is one.
    var objectPlace: ObjectPlace {
        ObjectPlace(section: fromSection, address: place, symbol: fromSymbol, symbolOffset: fromSymbol == nil ? nil : fromOffset)
    }

    /// `fx_normal_function+0xa`, or `.text+0x4a` without a symbol.
    var fromDescription: String {
        "\(fromSymbol ?? fromSection)+\(Hex.offset(fromOffset))"
    }

    var toDescription: String {
        toSymbol ?? "\(toSection)+\(Hex.offset(toAddress))"
    }

    /// Every relocation from a section of class `from` to one of class `to` under the
    /// profile's section table, in section and offset order, with modpost's whitelist applied.
    /// The to-address of a relocation against a section symbol is `addend` plus the PC bias of
    /// branch relocations in code; the named target is the function or object holding that
    /// address (modpost looks the addend up without the bias and can name the function before
    /// the real target).
    static func scan(_ context: ModuleContext, options: SectionOptions, from: SectionClass, to: Set<SectionClass>) -> [SectionReference] {
        let table = SectionTable.forContext(context, options: options)
        // Shared by the rules of one strictness (all of a run's section rules have the same).
        let classified = options.strict
            ? context.shared(StrictReferences.self) { StrictReferences(references: ClassifiedReferences(context, table: table)) }.references
            : context.shared(ClassifiedReferences.self) { ClassifiedReferences(context, table: table) }
        return classified.all.compactMap { entry in
            guard entry.from == from, to.contains(entry.to), !table.allows(entry.reference, from: from, to: entry.to) else { return nil }
            return entry.reference
        }
    }

    /// `ClassifiedReferences` under the strict table, shared apart from the default ones.
    struct StrictReferences: Sendable {
        let references: ClassifiedReferences
    }

    /// Every reference of the module from a classified section into an init or exit section:
    /// one pass over the relocations for all the X rules, each of which then takes its pairs.
    struct ClassifiedReferences: Sendable {
        struct Entry: Sendable {
            let reference: SectionReference
            let from: SectionClass
            let to: SectionClass
        }
        static let targetClasses: Set<SectionClass> = [.initSection, .exitSection]
        let all: [Entry]

        init(_ context: ModuleContext, table: SectionTable) {
            let module = context.module
            let sections = module.sections
            // Classified once per section, and each symbol marked with its section's class when
            // that is a target class: the loop below runs once per relocation and, for nearly
            // all of them, only reads that mark. References within one class (init code
            // calling init code) are no finding and cost nothing.
            let classes = sections.map { table.classOf($0.name) }
            let targetClassOfSection = classes.map { $0.flatMap { ClassifiedReferences.targetClasses.contains($0) ? $0 : nil } }
            guard targetClassOfSection.contains(where: { $0 != nil }) else { all = []; return }
            let targetClass = module.symbols.map { symbol in symbol.sectionIndex.flatMap { targetClassOfSection[$0] } }
            var locator: SymbolLocator?
            var result: [Entry] = []
            let decoder = module.decoder
            for relocationSection in module.relocationSections {
                let fromSection = sections[relocationSection.targetSectionIndex]
                guard let from = classes[fromSection.index] else { continue }
                for relocation in relocationSection.relocations {
                    guard let toClass = targetClass[relocation.symbolIndex], toClass != from,
                          decoder.isReference(type: relocation.type) else { continue }
                    let symbol = module.symbols[relocation.symbolIndex]
                    guard let toIndex = symbol.sectionIndex else { continue }
                    if locator == nil { locator = SymbolLocator(module: module) }
                    let bias = fromSection.isExecutable ? decoder.pcBias(type: relocation.type) : 0
                    let address = UInt64(bitPattern: Int64(bitPattern: symbol.value) &+ relocation.addend &+ bias)
                    let toSymbol: String?
                    if symbol.isNameable {
                        toSymbol = symbol.name
                    } else {
                        toSymbol = locator!.symbol(containing: address, inSection: toIndex)?.name
                    }
                    let fromSymbol = locator!.symbol(before: relocation.offset, inSection: fromSection.index)
                    let reference = SectionReference(
                        fromSection: fromSection.name, fromSectionIndex: fromSection.index, place: relocation.offset,
                        fromSymbol: fromSymbol?.name,
                        fromOffset: relocation.offset - (fromSymbol?.value ?? 0),
                        toSection: sections[toIndex].name, toSymbol: toSymbol, toAddress: address)
                    result.append(Entry(reference: reference, from: from, to: toClass))
                }
            }
            all = result
        }
    }

    /// The finding for this reference, in modpost's terms, with `note` appended to the message.
    /// Its location is the source line of the relocation's place (the line table), else the
    /// declaration of the function or object holding it.
    func diagnostic(_ rule: RuleDescription, in context: ModuleContext, why: String, note: String = "") -> Diagnostic {
        context.diagnostic(
            rule,
            "section mismatch: \(fromDescription) (section \(fromSection)) references \(toDescription) (section \(toSection)), \(why)" + note,
            symbol: fromSymbol, place: objectPlace,
            targetSymbol: toDescription, targetSection: toSection,
            location: context.sourceLocation(section: fromSectionIndex, offset: place, symbol: fromSymbol))
    }
}
