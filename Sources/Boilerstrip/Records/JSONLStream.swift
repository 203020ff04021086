import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Streams JSON Lines: reads chunks of whole lines, cleans them (several at once when `jobs` > 1), and writes
/// them out in input order. Memory stays bounded by the chunk size times the jobs (plus the longest record).
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
    /// Target size of a chunk of input bytes, the lines one job reads and cleans at a time: 512 KB by default.
    ///
    /// A job cleans a chunk while it is still in its core's cache, and its buffers take few pages: on the corpus
    /// (Zen 5, 1 MB of L2) 512 KB took 0.95-0.97× the CPU time of 4 MB with one job, and on its first 20 MB 0.91×,
    /// where a run's fresh pages weigh more (this VM takes 5-10 µs to touch a page the first time).
    public let batchBytes: Int

    /// The default ``batchBytes``, whatever the jobs.
    public static let defaultBatchBytes = 1 << 19
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
        self.batchBytes = max(1, batchBytes ?? JSONLStream.defaultBatchBytes)
    }

    /// Runs the stream. Each job takes the next chunk of whole lines in turn: it reads the chunk straight into its
    /// own buffer (a record's bytes are copied once, by `read`, before they are cleaned), cleans it, and writes it
    /// when every chunk before it is written. Jobs share no batch and wait for no batch's end: the reading and
    /// writing of one overlap the cleaning of the others, as two processes on halves of the input would.
    /// - Parameters:
    ///   - read: fills the start of the buffer it is given with the next bytes; returns how many (0 at the end).
    ///     Called by one job at a time.
    ///   - write: writes output bytes; returns false when the output is closed (the run then stops quietly). Called
    ///     by one job at a time, in input order.
    ///   - inputReady: whether more input is ready right now; when it is not, the records read so far are cleaned
    ///     and written at once, so a process feeding one record at a time gets its answer (no deadlock).
    ///   - stop: checked before each chunk is read; when true, the run ends after the records already read are
    ///     written, so an interrupt never leaves half a record behind.
    /// - Throws: ``Stop`` at a malformed record under `.fail`, after writing every record before it.
    public func run(read: (UnsafeMutableRawBufferPointer) throws -> Int, write: ([UInt8]) -> Bool, inputReady: () -> Bool = { true },
                    stop: () -> Bool = { false }) throws -> Counts {
        let workspaces = (0..<jobs).map { _ in records.cleaner.makeWorkspace() }
        if timings != nil {
            for workspace in workspaces { workspace.timings = RuleTimings(ruleCount: records.cleaner.catalogue.rules.count) }
        }
        defer { if let timings { for workspace in workspaces { if let own = workspace.timings { timings.merge(own) } } } }
        if stats != nil {
            for workspace in workspaces { workspace.stats = RunStats(ruleCount: records.cleaner.catalogue.rules.count) }
        }
        defer { if let stats { for workspace in workspaces { if let own = workspace.stats { stats.merge(own) } } } }
        return try withoutActuallyEscaping(read) { read in
            try withoutActuallyEscaping(write) { write in
                try withoutActuallyEscaping(inputReady) { inputReady in
                    try withoutActuallyEscaping(stop) { stop in
                        let shared = Shared(stream: self, reader: Reader(read: read, inputReady: inputReady, stop: stop), write: write)
                        // One item a job, each the job's whole run: every job works until the input ends.
                        Workers.run(items: jobs, jobs: jobs) { _, worker in shared.work(in: workspaces[worker]) }
                        if let failure = shared.failure { throw failure }
                        var counts = shared.counts
                        counts.bytesIn = shared.reader.bytesIn
                        return counts
                    }
                }
            }
        }
    }

    /// The most bytes one call of `read` is given.
    static let readBytes = 1 << 20
    /// What one call of `read` is given once a chunk holds its target but no line break past it.
    static let readBytesPastTarget = 1 << 16

    /// Reads chunks of whole lines, one job at a time (the caller holds the lock).
    final class Reader {
        let read: (UnsafeMutableRawBufferPointer) throws -> Int
        let inputReady: () -> Bool
        let stop: () -> Bool
        /// What followed the last chunk's last line break: the start of the next chunk.
        var carry: [UInt8] = []
        var ended = false
        var bytesIn = 0
        /// Chunks handed out so far: the next chunk's place in the output.
        var chunks = 0

        init(read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int, inputReady: @escaping () -> Bool, stop: @escaping () -> Bool) {
            self.read = read
            self.inputReady = inputReady
            self.stop = stop
        }

        /// Fills `buffer` with the next chunk: the carried bytes, then reads, until at least `target` bytes of whole
        /// lines, the end of the input, or a pause in it (a short read with nothing more ready). Returns the chunk's
        /// length (through its last line break, or to the end of the input) and its place, or nil when the input has
        /// ended or `stop` says so. The buffer grows for a line longer than it; its bytes past those read are left as
        /// allocated, so a stream shorter than a chunk touches only the pages it fills.
        func next(into buffer: inout [UInt8], target: Int) throws -> (length: Int, place: Int)? {
            guard !ended, !stop() else { ended = true; return nil }
            if buffer.count < target + JSONLStream.readBytes {
                buffer = [UInt8](unsafeUninitializedCapacity: target + JSONLStream.readBytes) { _, count in
                    count = target + JSONLStream.readBytes
                }
            }
            var filled = carry.count, lineEnd = 0
            buffer.withUnsafeMutableBufferPointer { bytes in
                carry.withUnsafeBufferPointer { carried in
                    if let base = carried.baseAddress { bytes.baseAddress!.update(from: base, count: carried.count) }
                }
            }
            carry.removeAll(keepingCapacity: true)
            while true {
                if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }  // a line longer than a chunk
                // About the target, then small reads to the next line break: a chunk is about the target however much a
                // read could give (a 1 MB input is two chunks, not one, for two jobs).
                let want = min(JSONLStream.readBytes, buffer.count - filled, max(target - filled, JSONLStream.readBytesPastTarget))
                let count = try buffer.withUnsafeMutableBytes { bytes in
                    try read(UnsafeMutableRawBufferPointer(rebasing: bytes[filled..<(filled + want)]))
                }
                if count == 0 {
                    ended = true
                    lineEnd = filled  // a last line without a line break
                } else {
                    bytesIn += count
                    if let lastBreak = buffer[filled..<(filled + count)].lastIndex(of: 0x0A) { lineEnd = lastBreak + 1 }
                    filled += count
                }
                // A short read with nothing more ready: the input paused, and the lines read so far are answered now.
                if lineEnd >= target || ended || (lineEnd > 0 && count < want && !inputReady()) { break }
            }
            carry.append(contentsOf: buffer[lineEnd..<filled])
            guard lineEnd > 0 else { return nil }
            defer { chunks += 1 }
            return (lineEnd, chunks)
        }
    }

    /// What the jobs share: the reader, the output's order and the totals, each behind its lock.
    final class Shared: @unchecked Sendable {
        let stream: JSONLStream
        let reader: Reader
        let write: ([UInt8]) -> Bool
        /// Held while a job reads a chunk.
        let reading = NSLock()
        /// Guards what follows; signalled when a chunk is written or the run ends.
        let writing = NSCondition()
        /// Chunks written so far.
        var written = 0
        /// Lines written so far (the next record's line number, less one).
        var lines = 0
        var counts = Counts()
        /// Set when the run ends early: the output closed, a malformed record under `.fail`, a failed read (kept in
        /// `failure`).
        var finished = false
        var failure: Error?

        init(stream: JSONLStream, reader: Reader, write: @escaping ([UInt8]) -> Bool) {
            self.stream = stream
            self.reader = reader
            self.write = write
        }

        /// One job: takes chunks in turn until the input ends, cleaning each and writing it in its place. A failure
        /// (a failed read, a `Stop`) is kept in ``failure`` and ends the run for every job.
        func work(in workspace: Cleaner.Workspace) {
            var buffer: [UInt8] = []
            let slot = Slot()
            while true {
                reading.lock()
                let chunk: (length: Int, place: Int)?
                do {
                    chunk = isFinished ? nil : try reader.next(into: &buffer, target: stream.batchBytes)
                } catch {
                    reading.unlock()
                    writing.lock()
                    end(failing: error)
                    writing.unlock()
                    return
                }
                reading.unlock()
                guard let chunk else { return }
                slot.clear()
                buffer.withUnsafeBufferPointer { bytes in
                    stream.clean(UnsafeBufferPointer(rebasing: bytes[0..<chunk.length]), in: workspace, into: slot)
                }
                writing.lock()
                defer { writing.unlock() }
                while written != chunk.place && !finished { writing.wait() }
                if finished { return }
                let firstLine = lines + 1
                lines += slot.outcomes.count
                do {
                    if try !stream.deliver(slot, firstLine: firstLine, counts: &counts, write: write) { end(failing: nil) }
                } catch {
                    end(failing: error)  // before another job can take its turn
                }
                written += 1
                writing.broadcast()
                if finished { return }
            }
        }

        /// Ends the run (the output closed, or `error`), waking the jobs waiting for their turn. Call with `writing` held.
        private func end(failing error: Error?) {
            if failure == nil { failure = error }
            finished = true
            writing.broadcast()
        }

        private var isFinished: Bool {
            writing.lock()
            defer { writing.unlock() }
            return finished
        }
    }

    /// Cleans a chunk of whole lines into `slot`: its output, one outcome a line, and the output's end after each.
    func clean(_ buffer: UnsafeBufferPointer<UInt8>, in workspace: Cleaner.Workspace, into slot: Slot) {
        guard let base = buffer.baseAddress else { return }
        slot.output.reserveCapacity(buffer.count + buffer.count / 2 + 1024)  // the metadata: a few hundred bytes a record
        var start = 0
        while start < buffer.count {
            let lineBreak = memchr(base + start, 0x0A, buffer.count - start)
                .map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
            let end = lineBreak ?? buffer.count
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

    /// Tallies a cleaned chunk whose first line is `firstLine` and writes it. Returns false when the output closed.
    /// - Throws: ``Stop`` at a malformed record under `.fail`, after writing the records before it.
    func deliver(_ slot: Slot, firstLine: Int, counts: inout Counts, write: ([UInt8]) -> Bool) throws -> Bool {
        for (offset, outcome) in slot.outcomes.enumerated() {
            let line = firstLine + offset
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
                    let end = offset == 0 ? 0 : slot.ends[offset - 1]
                    if end > 0 && !write(Array(slot.output[0..<end])) { return false }
                    throw Stop(line: line, problem: problem)
                }
                warn(line, "malformed record passed through unchanged: \(problem)")
            case let .ruleFailed(failure):
                counts.records += 1
                counts.ruleFailures += 1
                warn(line, failure.description)
            }
        }
        return slot.output.isEmpty || write(slot.output)
    }

    /// The output of one chunk: one job's, so its arrays skip the run-time exclusivity check (three
    /// `swift_beginAccess` calls a record otherwise). A job keeps its slot from chunk to chunk, and its capacity.
    final class Slot: @unchecked Sendable {
        @exclusivity(unchecked) var output: [UInt8] = []
        @exclusivity(unchecked) var outcomes: [RecordCleaner.Outcome] = []
        /// Output offset after each record.
        @exclusivity(unchecked) var ends: [Int] = []

        func clear() {
            output.removeAll(keepingCapacity: true)
            outcomes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
        }
    }

    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
