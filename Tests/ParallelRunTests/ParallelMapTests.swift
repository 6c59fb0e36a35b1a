import Foundation
import ParallelRun
import Testing

@Suite struct ParallelMapTests {
    /// Results keep index order whatever the number of workers and the order they finish in.
    @Test(arguments: [1, 2, 3, 4, 7, 16])
    func resultsKeepIndexOrder(jobs: Int) {
        let values = Parallel.map(count: 200, jobs: jobs) { index -> Int in
            // Early indices take longer: they finish after later ones.
            if index < 10 { usleep(UInt32(2000 - index * 100)) }
            return index * index
        }
        #expect(values == (0..<200).map { $0 * $0 })
    }

    @Test(arguments: [1, 2, 5])
    func theWatchedMapKeepsIndexOrderToo(jobs: Int) {
        let values = Parallel.map(count: 100, jobs: jobs, timeout: .seconds(600), timedOut: { _ in -1 }) { index -> Int in
            if index % 13 == 0 { usleep(500) }
            return index + 1
        }
        #expect(values == Array(1...100))
    }

    /// Every index runs exactly once.
    @Test(arguments: [1, 2, 8])
    func everyIndexRunsOnce(jobs: Int) {
        let counter = Parallel.Counter()
        let values = Parallel.map(count: 1000, jobs: jobs) { index -> Int in
            _ = counter.take()
            return index
        }
        #expect(Set(values).count == 1000)
        #expect(counter.take() == 1000)
    }

    @Test func noIndicesNoWork() {
        #expect(Parallel.map(count: 0, jobs: 4) { $0 }.isEmpty)
        #expect(Parallel.map(count: 0, jobs: 4, timeout: .seconds(1), timedOut: { $0 }) { $0 }.isEmpty)
    }

    @Test func aDeferredValueIsWaitedFor() {
        let deferred = Deferred<Int>()
        DispatchQueue.global().async {
            usleep(20_000)
            deferred.fulfil(42)
        }
        let seen = Parallel.map(count: 8, jobs: 4) { _ in deferred.value }
        #expect(seen == Array(repeating: 42, count: 8))
        #expect(Deferred(7).value == 7)
    }
}
