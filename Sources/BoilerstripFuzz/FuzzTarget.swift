// The fuzz target: the document path and the JSONL scanner, with their invariants checked.
//
// Built with `-sanitize=fuzzer -DFUZZING` (make fuzz) it is a libFuzzer binary. Built normally, it replays the
// files given as arguments through the same checks (the regression tests run it over Tests/Fixtures/fuzz).
import Boilerstrip
import PCRE2

enum FuzzTarget {
    static let cleaner: Cleaner = try! Cleaner()
    static let workspace = cleaner.makeWorkspace()
    static let records = RecordCleaner(cleaner: cleaner)
    nonisolated(unsafe) static let scratch = MatchScratch()

    /// Runs one input through both paths; traps (so the fuzzer reports it) when an invariant breaks.
    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(input)
        checkDocument(bytes)
        // Each line as a JSONL record.
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
            checkRecord(Array(bytes[start..<index]))
            start = index + 1
        }
    }

    static func checkDocument(_ bytes: [UInt8]) {
        // The screen never hides a line that a rule matches: on the input, and on the input repeated into a
        // longer document (the same lines again, where the per-line group masks must start afresh).
        if bytes.count <= 2048 {
            checkScreen(bytes)
            if !bytes.isEmpty, bytes.count < 600 {
                var doubled = bytes
                while doubled.count < 600 { doubled += bytes }
                checkScreen(doubled)
            }
        }
        // A later round, which looks again only at the lines the earlier one changed, finds what matching its whole
        // text finds, and clean()'s decision (checked below) is the one rounds over whole texts give.
        let check = cleaner.laterRoundCheck(Document(bytes: bytes), in: workspace)
        if let difference = check.difference {
            preconditionFailure("a later round differs from one over the whole text: \(difference)")
        }
        let decision = check.decision
        // Removed spans are sorted, disjoint, inside the input; cleaned + removed rebuild the input.
        var cursor = 0
        var rebuilt: [UInt8] = []
        for span in decision.removed {
            precondition(span.span.lowerBound >= cursor && span.span.upperBound <= bytes.count, "spans overlap or overrun")
            rebuilt += bytes[cursor..<span.span.lowerBound]
            rebuilt += bytes[span.span]
            cursor = span.span.upperBound
        }
        rebuilt += bytes[cursor...]
        precondition(rebuilt == bytes, "cleaned text and removed spans do not rebuild the input")
        precondition(decision.cleanedBytes.count == bytes.count - decision.removed.reduce(0) { $0 + $1.span.count })
        // Cleaning the cleaned text again removes nothing more.
        if decision.failure == nil, !decision.removed.isEmpty {
            let again = cleaner.clean(decision.cleanedBytes, in: workspace)
            precondition(again.removed.isEmpty || again.failure != nil, "cleaning twice removed more")
        }
        // The metadata is valid JSON.
        var json: [UInt8] = []
        _ = records.cleanDocumentAsJSON(bytes, in: workspace, to: &json)
        json.withUnsafeBufferPointer { buffer in
            do { _ = try RecordScanner(textField: "text", metaField: "boilerstrip").scan(buffer) } catch {
                preconditionFailure("--json output is not valid JSON: \(error)")
            }
        }
    }

    static func checkScreen(_ bytes: [UInt8]) {
        let catalogue = cleaner.catalogue
        // As the cleaner splits it (its marked bytes read, not searched for) and without the marks.
        let marked = cleaner.document(bytes)
        precondition(catalogue.screen.candidates(in: marked) == catalogue.screen.candidates(in: Document(bytes: bytes)),
                     "the screen's candidates differ with the document's marks")
        if let hidden = cleaner.matcher.hiddenMatches(in: marked, scratch: scratch).first {
            preconditionFailure("the screen hid a match of \(catalogue.rules[hidden.rule].id) at \(hidden.match) in line \(hidden.segment)")
        }
    }

    static func checkRecord(_ line: [UInt8]) {
        var out: [UInt8] = []
        let outcome = line.withUnsafeBufferPointer { records.cleanRecord($0, in: workspace, to: &out) }
        switch outcome {
        case .malformed, .skipped:
            precondition(out == line, "a record passed through was changed")
        case .cleaned, .ruleFailed:
            // The output is a valid record with the same number of members plus the metadata.
            let scanner = RecordScanner(textField: "text", metaField: "boilerstrip")
            let before = line.withUnsafeBufferPointer { try? scanner.scan($0) }
            let after = out.withUnsafeBufferPointer { try? scanner.scan($0) }
            guard let before, let after else { preconditionFailure("a cleaned record is not valid JSON") }
            precondition(after.textIsString && after.metaMember != nil, "the cleaned record lost its text or metadata")
            precondition(after.memberCount == before.memberCount + (before.metaMember == nil ? 1 : 0), "members were lost or added")
            // Bytes before the text value are untouched unless an old metadata member sat there.
            if let value = before.textValue, before.metaMember.map({ $0.lowerBound > value.lowerBound }) ?? true {
                precondition(Array(out[..<value.lowerBound]) == Array(line[..<value.lowerBound]), "bytes before the text changed")
            }
        }
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// SwiftPM links an executable target's entry point under this name; hand over to libFuzzer's driver.
@_cdecl("BoilerstripFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzOneInput)
}
#else
import Foundation

/// Replays inputs (files, or every file of a folder) through the fuzz target's checks.
@main
enum Replay {
    static func main() {
        var count = 0
        for argument in CommandLine.arguments.dropFirst() {
            var paths = [argument]
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
                paths = ((try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []).sorted().map { argument + "/" + $0 }
            }
            for path in paths {
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                data.withUnsafeBytes { FuzzTarget.run($0.bindMemory(to: UInt8.self)) }
                count += 1
            }
        }
        print("replayed \(count) inputs: all invariants held")
    }
}
#endif
