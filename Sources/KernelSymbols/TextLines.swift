import Foundation

/// The lines of a symbol table file, as byte ranges, without a `String` per line: a
/// Module.symvers has tens of thousands. Empty lines are skipped; numbers count from 1.
enum TextLines {
    static func forEach(in data: Data, _ body: (_ line: UnsafeRawBufferPointer, _ number: Int) throws -> Void) rethrows {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var start = 0
            var number = 0
            while start < raw.count {
                var end = start
                while end < raw.count && raw[end] != 0x0a { end += 1 }
                number += 1
                let line = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                start = end + 1
                if !line.isEmpty { try body(line, number) }
            }
        }
    }
}
