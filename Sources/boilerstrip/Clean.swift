import ArgumentParser
import Boilerstrip
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The main job: clean documents or records.
struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Clean documents (the default command).",
        discussion: """
        Plain text (default): each FILE, or stdin, is one document; the cleaned text goes to stdout.
        --json: one {"text": …, "boilerstrip": {…}} object per document.
        --jsonl: JSON Lines records in and out; the text field is cleaned in place, the metadata added, every \
        other field left byte for byte as it was.
        """
    )

    @Argument(help: ArgumentHelp("Input files; none or '-' reads stdin.", valueName: "file"))
    var files: [String] = []

    @Flag(help: "Write a JSON object with the cleaned text and the metadata for each document.")
    var json = false

    @Flag(help: "Read and write JSON Lines records.")
    var jsonl = false

    @Option(help: ArgumentHelp("The record field that holds the text (--jsonl).", valueName: "name"))
    var textField = "text"

    @Option(help: ArgumentHelp("The field the metadata is written to (--json, --jsonl).", valueName: "name"))
    var metaField = "boilerstrip"

    @Option(help: ArgumentHelp("Remove spans scoring at or above this (0…1).", valueName: "score"))
    var threshold = Scorer.Thresholds().remove

    @Option(help: ArgumentHelp("Flag (and keep) spans scoring at or above this and below --threshold.", valueName: "score"))
    var flagThreshold = Scorer.Thresholds().flag

    @Flag(help: "Leave wire credits and sign-offs (\"(dpa)\", \"Reuter\") in the text; they are still reported as the credit.")
    var keepCredits = false

    @Option(help: ArgumentHelp("What to do with a malformed record: fail (exit 65) or pass (write it through, warn).", valueName: "fail|pass"))
    var onError: OnErrorOption = .fail

    @Option(help: ArgumentHelp("Worker threads for --jsonl and for several files (default: the number of cores).", valueName: "n"))
    var jobs: Int = ProcessInfoShim.activeProcessorCount

    @Flag(help: "Add each span's score factors to the metadata.")
    var verbose = false

    @Flag(help: "Show each document for a person: removed spans struck, flagged spans marked, each with its rule, score and factors (colour on a terminal unless NO_COLOR is set).")
    var explain = false

    @Flag(help: "Print a summary on stderr at the end: documents, spans removed by family and rule, truncated and paywalled counts, MB/s.")
    var stats = false

    @Flag(help: "Print the rules that cost the most matching time to stderr at the end (--jsonl).")
    var ruleTimings = false

    @OptionGroup var rules: RuleOptions

    func validate() throws {
        if json && jsonl { throw ValidationError("--json and --jsonl cannot be combined.") }
        if explain && (json || jsonl) { throw ValidationError("--explain shows plain documents; leave out --json and --jsonl.") }
        guard (0...1).contains(threshold), (0...1).contains(flagThreshold) else { throw ValidationError("thresholds are between 0 and 1.") }
        guard flagThreshold <= threshold else { throw ValidationError("--flag-threshold must not exceed --threshold.") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1.") }
    }

    /// The catalogue and all that is built on it, kept until the process ends: freeing their tens of thousands of
    /// objects when `run` returns took 4 M instructions, a tenth of the start, only for the process to exit.
    nonisolated(unsafe) private static var keptUntilExit: RecordCleaner?

    func run() throws {
        if jsonl { Signals.install() }
        let catalogue = try rules.catalogue()
        let cleaner: Cleaner
        do {
            cleaner = try Cleaner(catalogue: catalogue, thresholds: Scorer.Thresholds(remove: threshold, flag: flagThreshold),
                                  keepCredits: keepCredits)
        } catch {
            Diagnostics.say(error.description)
            throw ExitCode(Exit.config)
        }
        let records = RecordCleaner(cleaner: cleaner, textField: textField, metaField: metaField, verbose: verbose)
        Clean.keptUntilExit = records
        var output = Output()
        let operands = files + Operands.extracted
        let inputs = operands.isEmpty ? ["-"] : operands
        var missing = false
        let stats = self.stats ? RunStats(ruleCount: catalogue.rules.count) : nil
        let started = DispatchTime.now().uptimeNanoseconds
        var inputBytes = 0
        defer {
            if let stats {
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                Diagnostics.say("stats: " + stats.report(catalogue, seconds: seconds, inputBytes: jsonl ? inputBytes : nil))
            }
        }
        // Plain text and --json: documents cleaned on `jobs` threads, written in order.
        if !jsonl && !explain {
            if try runDocuments(inputs, records: records, output: &output, stats: stats) { throw ExitCode(Exit.noInput) }
            return
        }
        let workspace = cleaner.makeWorkspace()
        workspace.stats = stats
        for path in inputs {
            let input: Input
            do {
                input = try Input.open(path)
            } catch {
                Diagnostics.say(error.description)
                missing = true
                continue
            }
            defer { input.close() }
            if jsonl {
                inputBytes += try runJSONL(input, records: records, output: &output, stats: stats)
            } else {
                let bytes: [UInt8]
                do { bytes = try input.readAll() } catch {
                    Diagnostics.say(error.description)
                    missing = true
                    continue
                }
                // --explain, for a person: one document at a time.
                let decision = cleaner.clean(bytes, in: workspace)
                let color = isatty(1) != 0 && getenv("NO_COLOR") == nil
                let header = inputs.count > 1 ? "== \(input.name)\n" : ""
                if !output.write(Array((header + ExplainWriter(catalogue: catalogue, color: color).render(decision)).utf8)) { return }
            }
            if output.closed { return }
        }
        if missing { throw ExitCode(Exit.noInput) }
    }

    /// One document's result, filled by a worker thread.
    private final class DocumentSlot: @unchecked Sendable {
        var output: [UInt8] = []
        /// What to say on stderr when its turn comes: a rule failure, or why the input could not be read.
        var failure: String?
        var missing = false
    }

    /// Cleans the documents (plain text or `--json`) on `jobs` threads, in groups of up to 1,000 files or 8 MB
    /// (their sizes on disk; memory stays bounded by one group), and writes them and their messages in the order
    /// given. Each job opens, reads and cleans the files it takes: read first, one after the other, the files of a
    /// group kept the other job waiting (8,000 articles: 1.44× one job). Returns whether an input was missing.
    private func runDocuments(_ inputs: [String], records: RecordCleaner, output: inout Output, stats: RunStats?) throws -> Bool {
        let cleaner = records.cleaner
        let workspaces = (0..<jobs).map { _ in cleaner.makeWorkspace() }
        if stats != nil { for workspace in workspaces { workspace.stats = RunStats(ruleCount: cleaner.catalogue.rules.count) } }
        defer { if let stats { for workspace in workspaces { if let own = workspace.stats { stats.merge(own) } } } }
        var missing = false
        var next = 0
        while next < inputs.count {
            var group: [String] = []
            var bytes = 0
            while next < inputs.count, group.count < 1000, bytes < 8 << 20 {
                bytes += Input.sizeOnDisk(inputs[next])
                group.append(inputs[next])
                next += 1
            }
            let slots = group.map { _ in DocumentSlot() }
            let asJSON = json
            Workers.run(items: group.count, jobs: jobs) { [group] index, worker in
                let slot = slots[index]
                let name: String, bytes: [UInt8]
                do {
                    let input = try Input.open(group[index])
                    defer { input.close() }
                    (name, bytes) = (input.name, try input.readAll())
                } catch {
                    (slot.failure, slot.missing) = ("\(error)", true)
                    return
                }
                let decision: Decision
                if asJSON {
                    decision = records.cleanDocumentAsJSON(bytes, in: workspaces[worker], to: &slot.output)
                    slot.output.append(0x0A)
                } else {
                    decision = cleaner.clean(bytes, in: workspaces[worker])
                    slot.output = decision.cleanedBytes
                }
                if let failure = decision.failure { slot.failure = "\(name): \(failure)" }
            }
            for slot in slots {
                if let failure = slot.failure { Diagnostics.say(failure) }
                if slot.missing { missing = true }
                if !output.write(slot.output) { return missing }
            }
            if output.closed { return missing }
        }
        return missing
    }

    /// Streams one JSONL input; returns the number of bytes read.
    private func runJSONL(_ input: Input, records: RecordCleaner, output: inout Output, stats: RunStats?) throws -> Int {
        var stream = JSONLStream(records: records, jobs: jobs, onError: onError.value)
        let timings = ruleTimings ? RuleTimings(ruleCount: records.cleaner.catalogue.rules.count) : nil
        stream.timings = timings
        stream.stats = stats
        defer { if let timings { Diagnostics.say(timings.report(records.cleaner.catalogue)) } }
        let name = input.name
        stream.warn = { line, message in Diagnostics.say("\(name):\(line): \(message)") }
        do {
            var sink = output
            var progress = Progress.make(for: input)
            defer { progress?.finish() }
            let counts = try stream.run(
                read: { buffer in
                    let count = try input.read(into: buffer)
                    progress?.advance(count)
                    return count
                },
                write: { bytes in sink.write(bytes) },
                inputReady: { input.hasPendingInput() },
                stop: { Signals.interrupted }
            )
            output = sink
            if Signals.interrupted {
                Diagnostics.say("interrupted: stopped after the last whole record")
                throw ExitCode(130)
            }
            if counts.skipped > 0 { Diagnostics.say("\(name): \(counts.skipped) records without a string field '\(textField)' passed through unchanged") }
            return counts.bytesIn
        } catch let stop as JSONLStream.Stop {
            Diagnostics.say("\(name):\(stop.line): malformed record: \(stop.problem) (use --on-error pass to write it through)")
            throw ExitCode(Exit.dataError)
        } catch let error as InputError {
            Diagnostics.say(error.description)
            throw ExitCode(Exit.noInput)
        }
    }
}

enum OnErrorOption: String, ExpressibleByArgument, CaseIterable {
    case fail, pass
    var value: RecordCleaner.OnError { self == .fail ? .fail : .pass }
}

enum ProcessInfoShim {
    static var activeProcessorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
