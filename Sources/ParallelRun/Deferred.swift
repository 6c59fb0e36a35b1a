import Dispatch
import Foundation

/// A value made on another thread, waited for by whoever needs it first.
public final class Deferred<Value: Sendable>: @unchecked Sendable {
    // `stored` is guarded by `condition`.
    private let condition = NSCondition()
    private var stored: Value?

    public init() {}

    /// Already made.
    public init(_ value: Value) { stored = value }

    public func fulfil(_ value: Value) {
        condition.lock()
        stored = value
        condition.broadcast()
        condition.unlock()
    }

    public var value: Value {
        condition.lock(); defer { condition.unlock() }
        while stored == nil { condition.wait() }
        return stored!
    }

    /// Frees the value; nobody may ask for it afterwards.
    public func drop() {
        condition.lock(); defer { condition.unlock() }
        stored = nil
    }
}

/// Values whose last reference is dropped on a background thread. A command that prints its
/// report and exits does not wait for them.
public enum Retired {
    /// Runs `drop` (which releases the last references) on a background thread.
    public static func freeLater(_ drop: @escaping @Sendable () -> Void) {
        DispatchQueue.global(qos: .utility).async(execute: drop)
    }
}
