import Foundation
import ParallelRun
import Testing

@Suite struct SharedValuesTests {
    struct Base: Sendable { let value: Int }
    struct Derived: Sendable { let value: Int }
    struct Top: Sendable { let value: Int }

    /// A value made from another shared value: the maker of `Derived` asks for `Base` while
    /// `Derived` is being made (one lock for all values deadlocked here).
    @Test func aMakeMayAskForAnotherSharedValue() {
        let shared = SharedValues()
        let top = shared.value(Top.self) {
            Top(value: shared.value(Derived.self) { Derived(value: shared.value(Base.self) { Base(value: 20) }.value + 1) }.value * 2)
        }
        #expect(top.value == 42)
        #expect(shared.value(Base.self) { Base(value: -1) }.value == 20)
        #expect(shared.value(Derived.self) { Derived(value: -1) }.value == 21)
    }

    /// Every thread gets the value made once, whatever the order they ask in, and values of
    /// other types are made meanwhile.
    @Test(arguments: [1, 2, 8])
    func madeOnceForEveryThread(jobs: Int) {
        let shared = SharedValues()
        let made = Parallel.Counter()
        let seen = Parallel.map(count: 64, jobs: jobs) { index -> Int in
            if index % 2 == 0 {
                return shared.value(Derived.self) {
                    _ = made.take()
                    usleep(1000)
                    return Derived(value: shared.value(Base.self) { Base(value: 5) }.value)
                }.value
            }
            return shared.value(Base.self) { Base(value: 5) }.value
        }
        #expect(seen == Array(repeating: 5, count: 64))
        #expect(made.take() == 1)
    }
}
