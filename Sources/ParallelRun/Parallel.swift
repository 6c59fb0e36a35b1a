import Dispatch
import Foundation

/// A parallel map over indices with at most `jobs` threads; results keep index order.
public enum Parallel {
    public final class Slots<T>: @unchecked Sendable {
        // Each index is written by exactly one worker, and read only after all have finished.
        var values: [T?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
    }

    public final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        public init() {}
        public func take() -> Int {
            lock.lock(); defer { lock.unlock() }
            let value = next
            next += 1
            return value
        }
    }

    public static func map<T: Sendable>(count: Int, jobs: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let slots = Slots<T>(count: count)
        let counter = Counter()
        let workers = min(jobs, count)
        slots.values.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let index = counter.take()
                    if index >= count { break }
                    output[index] = body(index)
                }
            }
        }
        return slots.values.map { $0! }
    }

    /// The same map under a watchdog: an index whose `body` runs longer than `timeout` gets
    /// `timedOut(index)` instead, and a new thread takes over its worker's share of the
    /// remaining indices. A thread stuck in C code cannot be stopped; it is left to finish
    /// (its late result is dropped) or to end with the process.
    public static func map<T: Sendable>(count: Int, jobs: Int, timeout: Duration?, timedOut: @escaping @Sendable (Int) -> T,
                                 _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard let timeout else { return map(count: count, jobs: jobs, body) }
        guard count > 0 else { return [] }
        let run = WatchedRun<T>(count: count, body: body)
        run.start(workers: min(jobs, count))
        return run.wait(timeout: timeout, timedOut: timedOut)
    }

    public final class WatchedRun<T: Sendable>: @unchecked Sendable {
        // Everything below is guarded by `condition`.
        private let condition = NSCondition()
        private var results: [T?]
        private var inFlight: [Int: ContinuousClock.Instant] = [:]
        private var abandoned: Set<Int> = []
        private var next = 0
        private var done = 0
        private let count: Int
        private let body: @Sendable (Int) -> T
        private let clock = ContinuousClock()

        init(count: Int, body: @escaping @Sendable (Int) -> T) {
            self.count = count
            self.body = body
            results = Array(repeating: nil, count: count)
        }

        func start(workers: Int) {
            for _ in 0..<workers { spawn() }
        }

        private func spawn() {
            let thread = Thread { [self] in work() }
            // The rules recurse over DWARF trees: the same stack as the main thread.
            thread.stackSize = 8 << 20
            thread.start()
        }

        private func work() {
            while true {
                condition.lock()
                guard next < count else { condition.unlock(); return }
                let index = next
                next += 1
                inFlight[index] = clock.now
                condition.unlock()

                let value = body(index)

                condition.lock()
                inFlight[index] = nil
                let wasAbandoned = abandoned.contains(index)
                if !wasAbandoned {
                    results[index] = value
                    done += 1
                    // The waiter wakes on its own every 50 ms to look for overruns; waking it
                    // per index cost a futex round trip and a context switch per module.
                    if done == count { condition.signal() }
                }
                condition.unlock()
                // A replacement took this thread's place when it was given up on.
                if wasAbandoned { return }
            }
        }

        func wait(timeout: Duration, timedOut: (Int) -> T) -> [T] {
            condition.lock()
            while done < count {
                _ = condition.wait(until: Date(timeIntervalSinceNow: 0.05))
                let now = clock.now
                for (index, started) in inFlight where now - started > timeout {
                    inFlight[index] = nil
                    abandoned.insert(index)
                    results[index] = timedOut(index)
                    done += 1
                    spawn()
                }
            }
            let values = results.map { $0! }
            condition.unlock()
            return values
        }
    }
}
