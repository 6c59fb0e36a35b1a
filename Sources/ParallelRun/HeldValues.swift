import Foundation

/// Values held between two passes of a run (the modules between the first and second pass).
/// Each is used `uses` times (once per half of the second pass) and let go by the last use,
/// whichever worker makes it: its storage goes with that worker's copy, in parallel, rather
/// than all at once on the thread that ends the run.
///
/// Uses are counted, not ordered: the halves' tasks are handed out in order, but a worker may
/// be preempted between taking an index and using it, so a second-half use can come first.
/// (Taking the value on the "last half" instead of counting once dropped findings that way.)
public final class HeldValues<Value>: @unchecked Sendable {
    // Guarded by `lock`.
    private var slots: [Value?]
    private var usesLeft: [Int8]
    private let lock = NSLock()

    public init(consuming values: inout [Value], uses: Int) {
        precondition(uses > 0 && uses <= Int(Int8.max))
        slots = values.map { $0 }
        values = []
        usesLeft = Array(repeating: Int8(uses), count: slots.count)
    }

    /// The value at `index`, counted as one of its uses; nil after its last use.
    public func use(_ index: Int) -> Value? {
        lock.lock(); defer { lock.unlock() }
        let value = slots[index]
        guard usesLeft[index] > 0 else { return nil }
        usesLeft[index] -= 1
        if usesLeft[index] == 0 { slots[index] = nil }
        return value
    }

    /// How many values are still held (not yet used as often as asked).
    public var held: Int {
        lock.lock(); defer { lock.unlock() }
        return slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
    }
}
