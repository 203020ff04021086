#if canImport(Glibc)
import Glibc
#endif

/// Streams JSON Lines: reads blocks, cuts them into records, cleans batches of records (in parallel when
/// `jobs` > 1), and writes them out in input order. Memory stays bounded by the batch size (plus the longest
/// record).
public struct JSONLStream {
    /// Totals over a stream.
    public struct Counts: Sendable, Equatable {
        public var records = 0
        public var cleaned = 0
        public var changed = 0
        public var skipped = 0
        public var malformed = 0
        public var ruleFailures = 0
        public var spansRemoved = 0
        public var truncated = 0
        public var paywalled = 0
        public var bytesIn = 0
        public init() {}
    }

    /// A malformed record that stops the run (under `--on-error fail`).
    public struct Stop: Error {
        public let line: Int
        public let problem: RecordScanner.Malformed
    }

    public let records: RecordCleaner
    public let jobs: Int
    public let onError: RecordCleaner.OnError
    /// Target size of a batch of input bytes.
    public let batchBytes: Int
    /// Called with each problem worth a line on stderr (record number, message).
    public var warn: (Int, String) -> Void = { _, _ in }

    /// When set, per-rule matching costs are collected into it.
    public var timings: RuleTimings?
    /// When set, run totals are collected into it.
    public var stats: RunStats?

    public init(records: RecordCleaner, jobs: Int = 1, onError: RecordCleaner.OnError = .fail, batchBytes: Int = 1 << 22) {
        self.records = records
        self.jobs = max(1, jobs)
        self.onError = onError
        self.batchBytes = batchBytes
    }

    /// Runs the stream.
    /// - Parameters:
    ///   - read: fills the buffer with the next bytes; returns how many (0 at the end).
    ///   - write: writes output bytes; returns false when the output is closed (the run then stops quietly).
    ///   - inputReady: whether more input is ready right now; when it is not, the records read so far are cleaned
    ///     and written at once, so a process feeding one record at a time gets its answer (no deadlock).
    /// - Throws: ``Stop`` at a malformed record under `.fail`, after writing every record before it.
    ///   - stop: checked between batches; when true, the run ends after the records already written, so an
    ///     interrupt never leaves half a record behind.
    public func run(read: (inout [UInt8]) throws -> Int, write: ([UInt8]) -> Bool, inputReady: () -> Bool = { true },
                    stop: () -> Bool = { false }) throws -> Counts {
        var counts = Counts()
        var pending: [UInt8] = []          // bytes of an incomplete last line
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var batch: [UInt8] = []            // complete lines, each ending in \n
        var lineNumber = 0
        var ended = false
        let workspaces = (0..<jobs).map { _ in records.cleaner.makeWorkspace() }
        if timings != nil {
            for workspace in workspaces { workspace.timings = RuleTimings(ruleCount: records.cleaner.catalogue.rules.count) }
        }
        defer { if let timings { for workspace in workspaces { if let own = workspace.timings { timings.merge(own) } } } }
        if stats != nil {
            for workspace in workspaces { workspace.stats = RunStats(ruleCount: records.cleaner.catalogue.rules.count) }
        }
        defer { if let stats { for workspace in workspaces { if let own = workspace.stats { stats.merge(own) } } } }
        while !ended {
            if stop() { return counts }
            let count = try read(&block)
            if count == 0 {
                ended = true
                if !pending.isEmpty { batch.append(contentsOf: pending); pending.removeAll() }
            } else {
                counts.bytesIn += count
                if let lastBreak = block[0..<count].lastIndex(of: 0x0A) {
                    batch.append(contentsOf: pending)
                    pending.removeAll(keepingCapacity: true)
                    batch.append(contentsOf: block[0...lastBreak])
                    pending.append(contentsOf: block[(lastBreak + 1)..<count])
                } else {
                    pending.append(contentsOf: block[0..<count])
                }
            }
            if batch.count >= batchBytes || (ended && !batch.isEmpty) || (!batch.isEmpty && count < block.count && !inputReady()) {
                let (keepGoing, lineCount) = try process(batch, firstLine: lineNumber + 1, workspaces: workspaces, counts: &counts, write: write)
                lineNumber += lineCount
                batch.removeAll(keepingCapacity: true)
                if !keepGoing { return counts }
            }
        }
        return counts
    }

    /// Cleans a batch of whole lines and writes the result. Returns false when the output closed, and the
    /// number of lines in the batch.
    private func process(_ batch: [UInt8], firstLine: Int, workspaces: [Cleaner.Workspace], counts: inout Counts,
                         write: ([UInt8]) -> Bool) throws -> (Bool, Int) {
        // Runs of whole lines, about 1/16 of a batch per job (one job: the batch as one run), taken by the jobs in
        // turn: each job cuts its runs into lines and cleans them into the run's own output and outcomes.
        let runs = Self.lineRuns(batch, target: jobs == 1 ? batch.count : max(1, batchBytes / (16 * jobs)))
        let slots = runs.map { _ in Slot() }
        Workers.run(items: runs.count, jobs: jobs) { [records] run, worker in
            let slot = slots[run]
            let workspace = workspaces[worker]
            let range = runs[run]
            slot.output.reserveCapacity(range.count + range.count / 2 + 1024)  // the metadata: a few hundred bytes a record
            batch.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var start = range.lowerBound
                while start < range.upperBound {
                    let lineBreak = memchr(base + start, 0x0A, range.upperBound - start)
                        .map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
                    let end = lineBreak ?? range.upperBound
                    let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                    if Self.isBlank(line) {
                        slot.output.append(contentsOf: line)
                        slot.outcomes.append(.skipped(reason: "blank line"))
                    } else {
                        slot.outcomes.append(records.cleanRecord(line, in: workspace, to: &slot.output))
                    }
                    if lineBreak != nil { slot.output.append(0x0A) }
                    slot.ends.append(slot.output.count)
                    start = end + 1
                }
            }
        }

        // Tally, stop at the first malformed record under .fail.
        let lineCount = slots.reduce(0) { $0 + $1.outcomes.count }  // one outcome a line
        var linesBefore = 0  // in the batch, before the run
        for (run, slot) in slots.enumerated() {
            defer { linesBefore += slot.outcomes.count }
            for (offset, outcome) in slot.outcomes.enumerated() {
                let line = firstLine + linesBefore + offset
                switch outcome {
                case let .cleaned(removed, truncated, paywalled):
                    counts.records += 1
                    counts.cleaned += 1
                    counts.spansRemoved += removed
                    if removed > 0 { counts.changed += 1 }
                    if truncated { counts.truncated += 1 }
                    if paywalled { counts.paywalled += 1 }
                case let .skipped(reason):
                    if reason != "blank line" {
                        counts.records += 1
                        counts.skipped += 1
                    }
                case let .malformed(problem):
                    counts.records += 1
                    counts.malformed += 1
                    if onError == .fail {
                        // Write what came before this record, then stop.
                        if !writePrefix(of: slots, upTo: run, records: offset, write: write) { return (false, lineCount) }
                        throw Stop(line: line, problem: problem)
                    }
                    warn(line, "malformed record passed through unchanged: \(problem)")
                case let .ruleFailed(failure):
                    counts.records += 1
                    counts.ruleFailures += 1
                    warn(line, failure.description)
                }
            }
        }
        for slot in slots where !slot.output.isEmpty {
            if !write(slot.output) { return (false, lineCount) }
        }
        return (true, lineCount)
    }

    /// Writes the output of the records before record `records` of run `run`.
    private func writePrefix(of slots: [Slot], upTo run: Int, records: Int, write: ([UInt8]) -> Bool) -> Bool {
        for index in 0..<run where !slots[index].output.isEmpty {
            if !write(slots[index].output) { return false }
        }
        let end = records == 0 ? 0 : slots[run].ends[records - 1]
        return end == 0 || write(Array(slots[run].output[0..<end]))
    }

    /// The output of one run of a batch: one thread's, so its arrays skip the run-time exclusivity check (three
    /// `swift_beginAccess` calls a record otherwise).
    final class Slot: @unchecked Sendable {
        @exclusivity(unchecked) var output: [UInt8] = []
        @exclusivity(unchecked) var outcomes: [RecordCleaner.Outcome] = []
        /// Output offset after each record.
        @exclusivity(unchecked) var ends: [Int] = []
    }

    /// Cuts `batch` into runs of whole lines of at least `target` bytes each, but the last: each run but the last
    /// ends right after a line break, the last at the batch's end.
    static func lineRuns(_ batch: [UInt8], target: Int) -> [Range<Int>] {
        batch.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return [] }
            var runs: [Range<Int>] = []
            var start = 0
            while start < buffer.count {
                var end = buffer.count
                let from = start + target - 1  // the last of the run's first `target` bytes: a break there ends it
                if from + 1 < buffer.count, let lineBreak = memchr(base + from, 0x0A, buffer.count - from) {
                    end = base.distance(to: lineBreak.assumingMemoryBound(to: UInt8.self)) + 1
                }
                runs.append(start..<end)
                start = end
            }
            return runs
        }
    }

    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
