import ModuleObject

/// The line programs of a module, with every sequence tied to the section it covers.
///
/// In a relocatable module every section starts at address 0, so an address in a line
/// table does not say which section it is in. Each sequence starts with
/// `DW_LNE_set_address`, whose operand carries a relocation (in `.rela.debug_line`) against
/// the section, or a symbol in it, that the sequence describes: the k-th set_address of a
/// unit's line program is the k-th relocation into an allocated section within that program.
/// libdwarf applies the relocations, so the address it reports is the offset in that section.
public struct LineTable: Sendable {
    struct Row: Sendable {
        let address: UInt64
        let line: UInt32
        let column: UInt32
        let file: UInt32
    }

    /// Rows from one set_address to the end of its sequence, in one section.
    struct Sequence: Sendable {
        let section: Int
        let start: UInt64
        let end: UInt64
        let rows: [Row]
    }

    let files: [String]
    /// By section index, in order of start address.
    let sequences: [Int: [Sequence]]
    /// Units whose line program could not be tied to sections (their set_address operands
    /// and `.debug_line` relocations do not pair up); their code has no line rows here.
    public let unmatchedUnits: Int

    init(files: [String], sequences: [Int: [Sequence]], unmatchedUnits: Int) {
        self.files = files
        self.sequences = sequences.mapValues { $0.sorted { $0.start < $1.start } }
        self.unmatchedUnits = unmatchedUnits
    }

    /// Number of rows tied to a section.
    public var rowCount: Int { sequences.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.rows.count } } }

    /// The source line of the code at `offset` in section `section`: the last row at or
    /// before it in the sequence that covers it (the rule `addr2line -j <section>` follows:
    /// of several rows at one address, the last). Nil outside every sequence, and for line 0
    /// (code the compiler ties to no line).
    public func location(section: Int, offset: UInt64) -> SourceLocation? {
        guard let candidates = sequences[section] else { return nil }
        for sequence in candidates where sequence.start <= offset && offset < sequence.end {
            // The first row whose address is past `offset`; the one before it applies.
            var low = 0, high = sequence.rows.count
            while low < high {
                let mid = (low + high) / 2
                if sequence.rows[mid].address <= offset { low = mid + 1 } else { high = mid }
            }
            guard low > 0 else { continue }
            let row = sequence.rows[low - 1]
            guard row.line > 0, Int(row.file) < files.count else { return nil }
            return SourceLocation(file: files[Int(row.file)], line: Int(row.line),
                                  column: row.column > 0 ? Int(row.column) : nil)
        }
        return nil
    }
}

/// A relocation in `.debug_line` into an allocated section: the operand of a
/// `DW_LNE_set_address`. Relocations into `.debug_line_str`/`.debug_str` (file and directory
/// names) are not allocated and left out.
struct LineAnchor: Sendable {
    /// Where the operand is in `.debug_line`.
    let place: UInt64
    let section: Int
    /// The value the relocation gives the operand: the offset in `section`.
    let address: UInt64

    static func all(in module: ModuleObject) throws -> [LineAnchor] {
        let sections = module.sections
        return try module.relocations(appliedTo: ".debug_line").compactMap { relocation in
            guard relocation.symbolIndex < module.symbols.count, relocation.addendIsKnown else { return nil }
            let symbol = module.symbols[relocation.symbolIndex]
            guard let index = symbol.sectionIndex, index < sections.count, sections[index].isAllocated else { return nil }
            return LineAnchor(place: relocation.offset, section: index,
                              address: UInt64(bitPattern: Int64(bitPattern: symbol.value) &+ relocation.addend))
        }.sorted { $0.place < $1.place }
    }
}

/// One unit's rows as libdwarf gives them, before they are tied to sections.
struct UnitLines {
    struct RawRow {
        let address: UInt64
        let line: UInt32
        let column: UInt32
        let file: UInt32
        let setsAddress: Bool
        let endsSequence: Bool
    }

    /// Offset of the unit's line program in `.debug_line`.
    let tableOffset: UInt64
    let rows: [RawRow]

    /// Ties the units' sequences to sections with the anchors (sorted by place). A unit
    /// whose set_address rows and anchors differ in number or value is left out whole.
    static func tie(_ units: [UnitLines], anchors: [LineAnchor], files: [String]) -> LineTable {
        var sequences: [Int: [LineTable.Sequence]] = [:]
        var unmatched = 0
        let starts = Set(units.map(\.tableOffset)).sorted()
        for unit in units where !unit.rows.isEmpty {
            let end = starts.first { $0 > unit.tableOffset } ?? UInt64.max
            let mine = anchors.filter { $0.place >= unit.tableOffset && $0.place < end }
            guard let tied = tie(unit.rows, mine) else {
                unmatched += 1
                continue
            }
            for sequence in tied { sequences[sequence.section, default: []].append(sequence) }
        }
        return LineTable(files: files, sequences: sequences, unmatchedUnits: unmatched)
    }

    private static func tie(_ rows: [RawRow], _ anchors: [LineAnchor]) -> [LineTable.Sequence]? {
        guard rows.count(where: \.setsAddress) == anchors.count else { return nil }
        var result: [LineTable.Sequence] = []
        var next = 0
        var current: (section: Int, start: UInt64, rows: [LineTable.Row])?
        func close(at end: UInt64?) {
            guard let open = current else { return }
            let last = open.rows.last?.address ?? open.start
            result.append(LineTable.Sequence(section: open.section, start: open.start,
                                             end: max(end ?? last &+ 1, open.start), rows: open.rows))
            current = nil
        }
        for row in rows {
            if row.setsAddress {
                let anchor = anchors[next]
                next += 1
                // libdwarf applied the relocation: the address is the anchor's value.
                guard row.address == anchor.address else { return nil }
                close(at: nil)
                current = (anchor.section, row.address, [])
            }
            if row.endsSequence {
                close(at: row.address)
                continue
            }
            current?.rows.append(LineTable.Row(address: row.address, line: row.line, column: row.column, file: row.file))
        }
        close(at: nil)
        return result
    }
}
