import Foundation
import ParallelRun
import Testing

@Suite struct HeldValuesTests {
    /// The race fixed in the second pass: the last half's task for an index may be handed out
    /// after the first half's, yet run first (its worker was not preempted). A value taken out
    /// on "the last half" was then gone when the first half came, and that module's `.run`
    /// findings were silently dropped. Counted uses give it to both, in either order.
    @Test func aLaterHalfUsingItFirstDoesNotTakeItFromAnEarlierOne() {
        var values = ["a", "b", "c"]
        let held = HeldValues(consuming: &values, uses: 2)
        #expect(values.isEmpty)
        // Second half of index 1 first, then its first half.
        #expect(held.use(1) == "b")
        #expect(held.use(1) == "b")
        #expect(held.held == 2)
        // A third use is a bug in the caller: nothing is left.
        #expect(held.use(1) == nil)
        #expect(held.use(0) == "a")
        #expect(held.use(2) == "c")
        #expect(held.use(2) == "c")
        #expect(held.use(0) == "a")
        #expect(held.held == 0)
    }

    /// Under many workers, every use of every index gets its value whatever the order the
    /// tasks run in, and nothing is held afterwards.
    @Test(arguments: [1, 2, 3, 8])
    func everyUseGetsItsValueUnderAnyNumberOfWorkers(jobs: Int) {
        let count = 500
        for uses in 1...3 {
            var values = Array(0..<count)
            let held = HeldValues(consuming: &values, uses: uses)
            let got = Parallel.map(count: count * uses, jobs: jobs) { task -> Int? in
                // Later halves' tasks run without waiting, earlier ones yield first: the order
                // in which the uses arrive varies between tasks.
                if task % 7 == 0 && task < count { usleep(50) }
                return held.use(task % count)
            }
            #expect(got.count == count * uses)
            #expect(got.enumerated().allSatisfy { $0.element == $0.offset % count }, "jobs \(jobs), uses \(uses)")
            #expect(held.held == 0)
        }
    }
}
