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
    /// Target size of a batch of input bytes: by default 512 KB for one job, 4 MB for more.
    ///
    /// One job cleans a batch while it is still in the core's cache, and its buffers take few pages: on the corpus
    /// (Zen 5, 1 MB of L2) 512 KB took 0.95-0.97× the CPU time of 4 MB, and on its first 20 MB 0.91×, where a run's
    /// fresh pages weigh more (this VM takes 5-10 µs to touch a page the first time). More jobs hand out each batch
    /// in runs and wait for the last: there 4 MB did best (512 KB: 1.03× the wall time with two jobs).
    public let batchBytes: Int

    /// The default ``batchBytes`` for `jobs` jobs.
    public static func defaultBatchBytes(jobs: Int) -> Int { jobs <= 1 ? 1 << 19 : 1 << 22 }
    /// Called with each problem worth a line on stderr (record number, message).
    public var warn: (Int, String) -> Void = { _, _ in }

    /// When set, per-rule matching costs are collected into it.
    public var timings: RuleTimings?
    /// When set, run totals are collected into it.
    public var stats: RunStats?

    public init(records: RecordCleaner, jobs: Int = 1, onError: RecordCleaner.OnError = .fail, batchBytes: Int? = nil) {
        self.records = records
        self.jobs = max(1, jobs)
        self.onError = onError
        self.batchBytes = batchBytes ?? JSONLStream.defaultBatchBytes(jobs: jobs)
    }

    /// Runs the stream. Input is read straight into the batch: a record's bytes are copied once, by `read`, before
    /// they are cleaned, and what follows the batch's last line break moves to the front of the next.
    /// - Parameters:
    ///   - read: fills the start of the buffer it is given with the next bytes; returns how many (0 at the end).
    ///   - write: writes output bytes; returns false when the output is closed (the run then stops quietly).
    ///   - inputReady: whether more input is ready right now; when it is not, the records read so far are cleaned
    ///     and written at once, so a process feeding one record at a time gets its answer (no deadlock).
    /// - Throws: ``Stop`` at a malformed record under `.fail`, after writing every record before it.
    ///   - stop: checked between batches; when true, the run ends after the records already written, so an
    ///     interrupt never leaves half a record behind.
    public func run(read: (UnsafeMutableRawBufferPointer) throws -> Int, write: ([UInt8]) -> Bool, inputReady: () -> Bool = { true },
                    stop: () -> Bool = { false }) throws -> Counts {
        var counts = Counts()
        // The batch: whole lines (through the last line break read, `lineEnd`), then the start of the next line,
        // then room for a read. It grows only for a line longer than a batch. Its bytes past `filled` are written by
        // `read` before anything reads them, so they are left as allocated: a stream shorter than a batch touches
        // only the pages it fills.
        var buffer = [UInt8](unsafeUninitializedCapacity: batchBytes + JSONLStream.readBytes) { _, count in
            count = batchBytes + JSONLStream.readBytes
        }
        var filled = 0, lineEnd = 0
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
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }  // a line longer than a batch
            let want = min(JSONLStream.readBytes, buffer.count - filled)
            let count = try buffer.withUnsafeMutableBytes { bytes in
                try read(UnsafeMutableRawBufferPointer(rebasing: bytes[filled..<(filled + want)]))
            }
            if count == 0 {
                ended = true
                lineEnd = filled  // a last line without a line break
            } else {
                counts.bytesIn += count
                if let lastBreak = buffer[filled..<(filled + count)].lastIndex(of: 0x0A) { lineEnd = lastBreak + 1 }
                filled += count
            }
            // A short read with nothing more ready: the input paused, and the lines read so far are answered now.
            if lineEnd >= batchBytes || (ended && lineEnd > 0) || (lineEnd > 0 && count < JSONLStream.readBytes && !inputReady()) {
                let (keepGoing, lineCount) = try buffer.withUnsafeBufferPointer { bytes in
                    try process(Batch(bytes: UnsafeBufferPointer(rebasing: bytes[0..<lineEnd])), firstLine: lineNumber + 1,
                                workspaces: workspaces, counts: &counts, write: write)
                }
                lineNumber += lineCount
                if !keepGoing { return counts }
                buffer.withUnsafeMutableBufferPointer { bytes in
                    guard let base = bytes.baseAddress else { return }
                    memmove(base, base + lineEnd, filled - lineEnd)
                }
                filled -= lineEnd
                lineEnd = 0
            }
        }
        return counts
    }

    /// The most bytes one call of `read` is given.
    static let readBytes = 1 << 20

    /// A batch's bytes, handed to the jobs: they only read them, while `process` runs.
    struct Batch: @unchecked Sendable {
        let bytes: UnsafeBufferPointer<UInt8>
    }

    /// Cleans a batch of whole lines and writes the result. Returns false when the output closed, and the
    /// number of lines in the batch.
    private func process(_ batch: Batch, firstLine: Int, workspaces: [Cleaner.Workspace], counts: inout Counts,
                         write: ([UInt8]) -> Bool) throws -> (Bool, Int) {
        // Runs of whole lines, about 1/16 of a batch per job (one job: the batch as one run), taken by the jobs in
        // turn: each job cuts its runs into lines and cleans them into the run's own output and outcomes.
        let runs = Self.lineRuns(batch.bytes, target: jobs == 1 ? batch.bytes.count : max(1, batchBytes / (16 * jobs)))
        let slots = runs.map { _ in Slot() }
        Workers.run(items: runs.count, jobs: jobs) { [records] run, worker in
            let slot = slots[run]
            let workspace = workspaces[worker]
            let range = runs[run]
            slot.output.reserveCapacity(range.count + range.count / 2 + 1024)  // the metadata: a few hundred bytes a record
            let buffer = batch.bytes
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

    /// Cuts a batch (`buffer`) into runs of whole lines of at least `target` bytes each, but the last: each run but
    /// the last ends right after a line break, the last at the batch's end.
    static func lineRuns(_ buffer: UnsafeBufferPointer<UInt8>, target: Int) -> [Range<Int>] {
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

    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
