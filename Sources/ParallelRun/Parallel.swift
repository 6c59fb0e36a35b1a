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
    /// remaining indices. A thread stuck in C code cannot be stopped from outside; when its
    /// call returns, `Parallel.isAbandoned` tells the body to stop early, its late result is
    /// dropped and the thread ends without taking another index. Until then it holds nothing
    /// of the run but its own index's work.
    public static func map<T: Sendable>(count: Int, jobs: Int, timeout: Duration?, timedOut: @escaping @Sendable (Int) -> T,
                                        _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard let timeout else { return map(count: count, jobs: jobs, body) }
        guard count > 0 else { return [] }
        let run = WatchedRun<T>(count: count, body: body)
        run.start(workers: min(jobs, count))
        return run.wait(timeout: timeout, timedOut: timedOut)
    }

    /// True on a watched worker thread whose current index was given up on (it overran the
    /// timeout): whatever it still computes is dropped, so a body may check between steps and
    /// return early. False on any other thread.
    public static var isAbandoned: Bool {
        guard let pointer = pthread_getspecific(Worker.key) else { return false }
        return Unmanaged<Worker>.fromOpaque(pointer).takeUnretainedValue().isAbandoned
    }

    /// One thread of a watched run, as the thread itself and the waiter see it.
    final class Worker: @unchecked Sendable {
        /// The thread's own `Worker` (unretained: the thread's closure holds it).
        static let key: pthread_key_t = {
            var key = pthread_key_t()
            precondition(pthread_key_create(&key, nil) == 0)
            return key
        }()
        // Guarded by `lock`.
        private let lock = NSLock()
        private var abandoned = false

        var isAbandoned: Bool {
            lock.lock(); defer { lock.unlock() }
            return abandoned
        }

        func abandon() {
            lock.lock(); defer { lock.unlock() }
            abandoned = true
        }
    }

    public final class WatchedRun<T: Sendable>: @unchecked Sendable {
        // Everything below is guarded by `condition`.
        private let condition = NSCondition()
        private var results: [T?]
        private var inFlight: [Int: (started: ContinuousClock.Instant, worker: Worker)] = [:]
        private var next = 0
        private var done = 0
        private var live = 0
        private let count: Int
        private let body: @Sendable (Int) -> T
        private let clock = ContinuousClock()

        public init(count: Int, body: @escaping @Sendable (Int) -> T) {
            self.count = count
            self.body = body
            results = Array(repeating: nil, count: count)
        }

        public func start(workers: Int) {
            condition.lock(); defer { condition.unlock() }
            for _ in 0..<workers { spawn() }
        }

        /// Threads of this run still alive: its workers, and the abandoned ones still inside
        /// their index's work. Zero some time after `wait` returns once every abandoned call has.
        public var liveThreads: Int {
            condition.lock(); defer { condition.unlock() }
            return live
        }

        // Called with `condition` held.
        private func spawn() {
            live += 1
            let thread = Thread { [self] in
                let worker = Worker()
                pthread_setspecific(Worker.key, Unmanaged.passUnretained(worker).toOpaque())
                work(worker)
                pthread_setspecific(Worker.key, nil)
                condition.lock()
                live -= 1
                condition.unlock()
            }
            // The rules recurse over DWARF trees: the same stack as the main thread.
            thread.stackSize = 8 << 20
            thread.start()
        }

        private func work(_ worker: Worker) {
            while true {
                condition.lock()
                guard next < count else { condition.unlock(); return }
                let index = next
                next += 1
                inFlight[index] = (clock.now, worker)
                condition.unlock()

                let value = body(index)

                condition.lock()
                let wasAbandoned = worker.isAbandoned
                if !wasAbandoned {
                    inFlight[index] = nil
                    results[index] = value
                    done += 1
                    // The waiter wakes on its own every 50 ms to look for overruns; waking it
                    // per index cost a futex round trip and a context switch per module.
                    if done == count { condition.signal() }
                }
                condition.unlock()
                // A replacement took this thread's place when it was given up on: it stops
                // here, and its late result goes with it.
                if wasAbandoned { return }
            }
        }

        public func wait(timeout: Duration, timedOut: (Int) -> T) -> [T] {
            condition.lock()
            while done < count {
                _ = condition.wait(until: Date(timeIntervalSinceNow: 0.05))
                let now = clock.now
                for (index, running) in inFlight where now - running.started > timeout {
                    inFlight[index] = nil
                    running.worker.abandon()
                    results[index] = timedOut(index)
                    done += 1
                    if next < count { spawn() }
                }
            }
            let values = results.map { $0! }
            // An abandoned thread keeps this run alive until its call returns: not the results.
            results = []
            condition.unlock()
            return values
        }
    }
}
