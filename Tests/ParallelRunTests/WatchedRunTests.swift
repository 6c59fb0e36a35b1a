import Foundation
import ParallelRun
import Testing

@Suite struct WatchedRunTests {
    /// An index that hangs inside a C library (here libc's read() on a pipe nobody writes,
    /// as a parser loop in libelf or libdwarf would): the run gives up on it, the others get
    /// their results, and the run ends. When the call finally returns, the abandoned thread
    /// learns it was given up on, takes no further index and ends.
    @Test func aThreadHangingInCIsGivenUpAndStopsWhenItsCallReturns() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let reader = fds[0]
        let calls = Parallel.Counter()
        let sawAbandoned = Parallel.Counter()
        let run = Parallel.WatchedRun<Int>(count: 12) { index in
            _ = calls.take()
            if index == 3 {
                var byte: UInt8 = 0
                _ = read(reader, &byte, 1)
                if Parallel.isAbandoned { _ = sawAbandoned.take() }
                return 1000
            }
            #expect(!Parallel.isAbandoned)
            return index
        }
        run.start(workers: 2)
        let values = run.wait(timeout: .seconds(1), timedOut: { -$0 })
        #expect(values == [0, 1, 2, -3, 4, 5, 6, 7, 8, 9, 10, 11])
        // The hung thread is still inside read(); the two workers have ended.
        #expect(run.liveThreads == 1)
        var byte: UInt8 = 0
        #expect(write(fds[1], &byte, 1) == 1)
        var waited = 0
        while run.liveThreads > 0 && waited < 600 { usleep(50_000); waited += 1 }
        #expect(run.liveThreads == 0)
        #expect(sawAbandoned.take() == 1)
        // Every index ran once: the abandoned thread took no other.
        #expect(calls.take() == 12)
        #expect(!Parallel.isAbandoned)
    }
}
