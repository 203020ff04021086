import Dispatch
import Synchronization

/// Runs a batch's work items on several threads.
public enum Workers {
    /// Calls `body(item, worker)` for each item in `0..<items`, on up to `jobs` threads (`worker` is the thread's
    /// number, below `jobs`: the index of its scratch space). Each thread takes the next item from a shared
    /// counter, so a thread that drew cheap items takes more of them: with fixed shares, one thread sat idle while
    /// the other finished a costlier half (news sources come in runs of long or short, clean or cluttered records).
    /// Returns when every item is done; one thread (the caller's) when `jobs` is 1 or there is one item.
    public static func run(items: Int, jobs: Int, _ body: @Sendable (_ item: Int, _ worker: Int) -> Void) {
        let threads = min(jobs, items)
        guard threads > 1 else {
            for item in 0..<items { body(item, 0) }
            return
        }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            while true {
                let item = next.add(1, ordering: .relaxed).oldValue
                guard item < items else { return }
                body(item, worker)
            }
        }
    }
}
