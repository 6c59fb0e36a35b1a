import Foundation

/// Values computed once per key type and shared by every thread that asks: what several rules
/// derive from the same module (`ModuleContext.shared`). Each value has its own lock, held
/// while it is made, so `make` may ask for other shared values (a value built from another);
/// a `make` that asks, directly or through others, for its own type is a bug and stops the
/// program with its name rather than hanging.
public final class SharedValues: @unchecked Sendable {
    final class Cell: @unchecked Sendable {
        /// Held while the value is made, and while it is read.
        let lock = NSLock()
        // Written under `lock`.
        var value: (any Sendable)?
        // Guarded by the table's lock: the thread making the value, if any.
        var maker: pthread_t?
    }

    // Guarded by `lock`.
    private let lock = NSLock()
    private var cells: [ObjectIdentifier: Cell] = [:]

    public init() {}

    public func value<Value: Sendable>(_ type: Value.Type, _ make: () -> Value) -> Value {
        let key = ObjectIdentifier(type)
        lock.lock()
        let cell: Cell
        if let found = cells[key] {
            cell = found
        } else {
            cell = Cell()
            cells[key] = cell
        }
        if let maker = cell.maker, pthread_equal(maker, pthread_self()) != 0 {
            lock.unlock()
            preconditionFailure("the shared value \(type) is asked for while it is being made")
        }
        lock.unlock()

        cell.lock.lock(); defer { cell.lock.unlock() }
        if let stored = cell.value { return stored as! Value }
        lock.lock()
        cell.maker = pthread_self()
        lock.unlock()
        let made = make()
        cell.value = made
        lock.lock()
        cell.maker = nil
        lock.unlock()
        return made
    }
}
