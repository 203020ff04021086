import Benchmark
import Boilerstrip

// Throughput of the cleaner on (a) the first 20 MB of the shared corpus (../shared/corpus/news.jsonl.gz relative
// to the repository; skipped with a message when it is absent) and (b) a generated, boilerplate-heavy mix.
//
// Each iteration cleans one slice of exactly 10^6 input bytes (see Inputs), with `scalingFactor: .mega`: the
// scaled `throughput` (shown as "Throughput (# / s) (M)") is MB/s of input. Each iteration checks its real output
// counts (records read, records or documents changed) against the counts of a reference pass made in setup, and
// setup checks that the reference pass changed enough (at least 1% of the corpus's documents, 80% of the mix's,
// where 85% carry boilerplate), so a scenario cannot silently measure nothing.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .cpuTotal, .instructions, .mallocCountTotal, .mallocBytesCount, .peakMemoryResident],
        warmupIterations: 1,
        scalingFactor: .mega,
        maxDuration: .seconds(10),
        maxIterations: 1_000
    )

    if Inputs.corpusAvailable {
        Benchmark("Corpus 20 MB: text documents") { benchmark, state in
            state.run()
        } setup: {
            try TextScenario(name: "corpus text", documents: Inputs.texts(ofLines: SharedInputs.corpusLines()), minimumChangedShare: 0.01)
        }

        Benchmark("Corpus 20 MB: JSONL, jobs 1") { benchmark, state in
            state.run()
        } setup: {
            try JSONLScenario(name: "corpus JSONL jobs 1", lines: SharedInputs.corpusLines(), jobs: 1, minimumChangedShare: 0.01)
        }

        Benchmark("Corpus 20 MB: JSONL, jobs 2") { benchmark, state in
            state.run()
        } setup: {
            try JSONLScenario(name: "corpus JSONL jobs 2", lines: SharedInputs.corpusLines(), jobs: 2, minimumChangedShare: 0.01)
        }
    } else {
        Inputs.note("""
            skipping the corpus benchmarks: \(Inputs.corpusPath) is absent \
            (set BOILERSTRIP_CORPUS to a news.jsonl.gz to run them)
            """)
    }

    Benchmark("Boilerplate mix 20 MB: text documents") { benchmark, state in
        state.run()
    } setup: {
        try TextScenario(name: "mix text", documents: SharedInputs.mix.articles.map(\.text), minimumChangedShare: 0.8)
    }

    Benchmark("Boilerplate mix 20 MB: JSONL, jobs 1") { benchmark, state in
        state.run()
    } setup: {
        try JSONLScenario(name: "mix JSONL jobs 1", lines: SharedInputs.mix.jsonlLines(), jobs: 1, minimumChangedShare: 0.8)
    }
}

/// Inputs shared by the scenarios of one process, made once.
enum SharedInputs {
    nonisolated(unsafe) private static var corpusCache: [ArraySlice<UInt8>]?

    static func corpusLines() throws -> [ArraySlice<UInt8>] {
        if let corpusCache { return corpusCache }
        let lines = Inputs.lines(try Inputs.corpusPrefix())
        corpusCache = lines
        return lines
    }

    static let mix = BoilerplateMix(bytes: 20_000_000)
}

/// Plain-text documents: each iteration cleans the documents of one slice, one `Cleaner.clean` each, and takes
/// the cleaned bytes (as the text mode writes them).
final class TextScenario: @unchecked Sendable {
    let name: String
    let cleaner: Cleaner
    let workspace: Cleaner.Workspace
    let slices: [TextSlice]
    /// Documents changed in each slice, by the reference pass.
    var expectedChanged: [Int] = []
    var next = 0

    init(name: String, documents: [[UInt8]], minimumChangedShare: Double) throws {
        self.name = name
        cleaner = try Cleaner()
        workspace = cleaner.makeWorkspace()
        slices = Inputs.textSlices(documents)
        guard !slices.isEmpty else { throw InputError("\(name): less than one slice of input") }
        expectedChanged = slices.map { clean($0).changed }
        let documentsCount = slices.reduce(0) { $0 + $1.documents.count }
        let changed = expectedChanged.reduce(0, +)
        Inputs.note("\(name): \(slices.count) slices of \(Inputs.sliceBytes) bytes, \(documentsCount) documents, \(changed) changed")
        let minimumChanged = max(1, Int((Double(documentsCount) * minimumChangedShare).rounded(.up)))
        guard changed >= minimumChanged else {
            throw InputError("\(name): only \(changed) of \(documentsCount) documents changed, expected at least \(minimumChanged)")
        }
    }

    func clean(_ slice: TextSlice) -> (changed: Int, outputBytes: Int) {
        var changed = 0, outputBytes = 0
        for document in slice.documents {
            let decision = cleaner.clean(document, in: workspace)
            if !decision.removed.isEmpty { changed += 1 }
            outputBytes += decision.cleanedBytes.count
        }
        return (changed, outputBytes)
    }

    func run() {
        let index = next % slices.count
        next += 1
        let (changed, outputBytes) = clean(slices[index])
        guard changed == expectedChanged[index], outputBytes > 0 else {
            fatalError("\(name): slice \(index) changed \(changed) documents, the reference pass \(expectedChanged[index])")
        }
        blackHole(outputBytes)
    }
}

/// JSON Lines: each iteration streams one slice through `JSONLStream` (as `boilerstrip --jsonl --jobs N` does).
final class JSONLScenario: @unchecked Sendable {
    let name: String
    let records: RecordCleaner
    let jobs: Int
    let slices: [JSONLSlice]
    var expectedChanged: [Int] = []
    var next = 0

    init(name: String, lines: [ArraySlice<UInt8>], jobs: Int, minimumChangedShare: Double) throws {
        self.name = name
        self.jobs = jobs
        records = RecordCleaner(cleaner: try Cleaner())
        slices = Inputs.jsonlSlices(lines)
        guard !slices.isEmpty else { throw InputError("\(name): less than one slice of input") }
        expectedChanged = try slices.map { try stream($0).counts.changed }
        let recordCount = slices.reduce(0) { $0 + $1.records }
        let changed = expectedChanged.reduce(0, +)
        Inputs.note("\(name): \(slices.count) slices of \(Inputs.sliceBytes) bytes, \(recordCount) records, \(changed) changed")
        let minimumChanged = max(1, Int((Double(recordCount) * minimumChangedShare).rounded(.up)))
        guard changed >= minimumChanged else {
            throw InputError("\(name): only \(changed) of \(recordCount) records changed, expected at least \(minimumChanged)")
        }
    }

    func stream(_ slice: JSONLSlice) throws -> (counts: JSONLStream.Counts, outputBytes: Int) {
        let stream = JSONLStream(records: records, jobs: jobs)
        var offset = 0, outputBytes = 0
        let counts = try stream.run(
            read: { buffer in
                let count = min(buffer.count, slice.bytes.count - offset)
                slice.bytes.withUnsafeBytes { source in
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count)]))
                }
                offset += count
                return count
            },
            write: { bytes in
                outputBytes += bytes.count
                return true
            }
        )
        guard counts.records == slice.records, counts.malformed == 0, counts.ruleFailures == 0, counts.bytesIn == Inputs.sliceBytes else {
            throw InputError("\(name): \(counts) for a slice of \(slice.records) records")
        }
        return (counts, outputBytes)
    }

    func run() {
        let index = next % slices.count
        next += 1
        do {
            let (counts, outputBytes) = try stream(slices[index])
            guard counts.changed == expectedChanged[index], outputBytes > Inputs.sliceBytes else {
                fatalError("\(name): slice \(index) changed \(counts.changed) records, the reference pass \(expectedChanged[index])")
            }
            blackHole(outputBytes)
        } catch {
            fatalError("\(name): \(error)")
        }
    }
}
