@testable import Boilerstrip
import Foundation
import Testing

/// The metadata writer's buffer: what it holds is what an array would, across its move from the caller's buffer
/// to the heap and every later growth.
@Suite struct ByteWriterTests {
    @Test(arguments: [1, 7, 64, 2048])
    func writesWhatAnArrayWould(capacity: Int) {
        var expected: [UInt8] = []
        let written: [UInt8] = ByteWriter.withStackBuffer(capacity: capacity) { writer in
            for round in 0..<3_000 {
                switch round % 4 {
                case 0: writer.append(UInt8(truncatingIfNeeded: round)); expected.append(UInt8(truncatingIfNeeded: round))
                case 1: writer.append(#","remaining_percent":"#); expected += Array(#","remaining_percent":"#.utf8)
                case 2:
                    let piece = (0..<(round % 97)).map { UInt8(truncatingIfNeeded: $0 &* round) }
                    writer.append(piece); expected += piece
                default: writer.append([]); writer.append(""); piece(&writer, &expected, count: round % 5000)
                }
            }
            return writer.withBytes { Array($0) }
        }
        #expect(written == expected)
    }

    /// One piece longer than twice the buffer (the growth takes what is needed, not only double).
    func piece(_ writer: inout ByteWriter, _ expected: inout [UInt8], count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 ^ count) }
        bytes.withUnsafeBufferPointer { writer.append($0) }
        expected += bytes
    }
}

/// The writer's shortcut for a document where nothing was found (``Metadata/isNothingFound``) holds for the empty
/// metadata and for nothing else: any one field set turns it off.
@Suite struct MetadataShortcutTests {
    @Test func nothingFoundIsTheEmptyMetadataOnly() {
        #expect(Metadata().isNothingFound)
        let changes: [(String, (inout Metadata) -> Void)] = [
            ("paywalled", { $0.paywalled = true }), ("truncated", { $0.truncated = true }), ("confidence", { $0.confidence = 0.5 }),
            ("truncatedBy", { $0.truncatedBy = "x" }), ("remainingPercent", { $0.remainingPercent = 1 }),
            ("remainingChars", { $0.remainingChars = 1 }), ("estimatedFullChars", { $0.estimatedFullChars = 1 }),
            ("originalTitle", { $0.syndication.originalTitle = "x" }), ("originalSite", { $0.syndication.originalSite = "x" }),
            ("originalURL", { $0.syndication.originalURL = "x" }), ("credit", { $0.syndication.credit = "x" }),
        ]
        for (name, change) in changes {
            var metadata = Metadata()
            change(&metadata)
            #expect(metadata != Metadata(), "\(name)")
            #expect(!metadata.isNothingFound, "\(name)")
        }
        // Every stored field is in the list above: a new one must be added there and to the shortcut.
        #expect(Mirror(reflecting: Metadata()).children.count + Mirror(reflecting: Metadata.Syndication()).children.count - 1 == changes.count)
    }
}

@Suite struct JSONStringTests {
    func decode(_ body: String) -> [UInt8] { Array(body.utf8).withUnsafeBufferPointer { JSONString.decode($0) } }
    func encode(_ bytes: [UInt8]) -> String { var out: [UInt8] = []; JSONString.encode(bytes, to: &out); return String(decoding: out, as: UTF8.self) }

    @Test func decodesEveryEscape() {
        #expect(decode(#"a\"b\\c\/d\n\r\t\b\f"#) == Array("a\"b\\c/d\n\r\t\u{8}\u{c}".utf8))
        #expect(decode(#"L\u2019article"#) == Array("L’article".utf8))
        #expect(decode(#"\ud83c\uddeb\ud83c\uddf7"#) == Array("🇫🇷".utf8))
    }

    @Test func loneSurrogatesRoundTrip() {
        let bytes = decode(#"x\ud800y\udfffz"#)
        #expect(bytes == [0x78, 0xED, 0xA0, 0x80, 0x79, 0xED, 0xBF, 0xBF, 0x7A])
        #expect(encode(bytes) == #""x\ud800y\udfffz""#)
    }

    @Test func encodesControlsAndKeepsUnicodeRaw() {
        #expect(encode(Array("a\"\\\n\u{1}é’".utf8)) == "\"a\\\"\\\\\\n\\u0001é’\"")
        #expect(encode([0x61, 0xFF]) == "\"a\u{FFFD}\"")
    }

    /// Decoding what encoding wrote gives the text back, with escapes at every offset of a sixteen-byte block, in
    /// runs shorter and longer than a block.
    @Test(arguments: 0..<40)
    func decodingUndoesEncoding(seed: UInt64) {
        var random = PropertyTests.Generator(state: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let pieces: [[UInt8]] = [Array("a".utf8), Array("word ".utf8), Array("sixteen bytes ok".utf8), Array("é’".utf8), [0x22], [0x5C],
                                 [0x0A], [0x01], Array("/".utf8), Array("😀".utf8)]
        let text = (0..<Int(random.next() % 60)).flatMap { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
        var token: [UInt8] = []
        JSONString.encode(text, to: &token)
        let body = Array(token.dropFirst().dropLast())
        #expect(body.withUnsafeBufferPointer { JSONString.decode($0) } == text, "seed \(seed)")
    }

    @Test func decodeThenEncodeIsJSONEquivalent() throws {
        let original = #"{"t":"L\u2019article \/ caf\u00e9 \ud83d\ude00 \"q\" \\ \n"}"#
        let body = String(original.dropFirst(6).dropLast(2))
        let reencoded = "{\"t\":" + encode(decode(body)) + "}"
        let a = try JSONSerialization.jsonObject(with: Data(original.utf8)) as! [String: String]
        let b = try JSONSerialization.jsonObject(with: Data(reencoded.utf8)) as! [String: String]
        #expect(a == b)
    }
}

/// The cleaned text of a record, encoded from the pieces between the removed spans, is the token the encoding of the
/// whole cleaned text gives: UTF-8 of every length, lone surrogates (WTF-8), stray and truncated sequences, escapes
/// to make, and cuts anywhere, inside sequences too.
@Suite struct CleanedTextEncodingTests {
    @Test(arguments: 0..<200)
    func piecesEncodeAsTheWholeDoes(seed: UInt64) {
        var random = PropertyTests.Generator(state: seed &* 7_727 &+ 5)
        let pieces: [[UInt8]] = [Array("plain text ".utf8), Array("é".utf8), Array("’".utf8), Array("😀".utf8), [0xED, 0xA0, 0x80],
                                 [0xC3], [0x80], [0xFF], [0x22], [0x5C], [0x0A], [0x01], Array("Reuters".utf8)]
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...40, using: &random) { bytes += pieces.randomElement(using: &random)! }
        var cuts = (0..<Int.random(in: 0...6, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }.sorted()
        if cuts.count % 2 == 1 { cuts.removeLast() }
        let removed = stride(from: 0, to: cuts.count, by: 2).map { index in
            let span = cuts[index]..<cuts[index + 1]
            return ScoredSpan(evidence: Evidence(rule: 0, segment: 0, match: span, captures: Captures()), span: span, wholeLine: false,
                              score: 1, factors: .init(prior: 1, coverage: 1, position: 1, proseLinesAway: 0, textCharsAway: 0))
        }
        let decision = Decision(document: Document(bytes: bytes), removed: removed, flagged: [], metadata: Metadata(), failure: nil)
        var whole: [UInt8] = [], byPieces: [UInt8] = []
        JSONString.encode(decision.cleanedBytes, to: &whole)
        decision.encodeCleanedText(to: &byPieces)
        #expect(byPieces == whole, "seed \(seed): \(bytes) cut at \(cuts)")
    }
}

@Suite struct RecordScannerTests {
    let scanner = RecordScanner(textField: "text", metaField: "boilerstrip")

    func scan(_ line: String) throws(RecordScanner.Malformed) -> RecordScanner.Layout {
        let bytes = Array(line.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(RecordScanner.Malformed) in try scanner.scan(buffer) }
    }

    @Test func findsTheTextFieldAmongOthers() throws {
        let line = #"{"id":1,"nested":{"text":"no"},"list":[1,2.5e3,null,true],"text":"yes","x":"é"}"#
        let layout = try scan(line)
        let value = try #require(layout.textValue)
        #expect(Array(Array(line.utf8)[value]) == Array(#""yes""#.utf8))
        #expect(layout.textIsString)
        #expect(layout.memberCount == 5)
    }

    @Test func textThatIsNotAStringIsReported() throws {
        let layout = try scan(#"{"text": 42}"#)
        #expect(layout.textValue != nil)
        #expect(!layout.textIsString)
        #expect(try scan(#"[1,2]"#).isObject == false)
    }

    @Test func escapedKeysAreMatched() throws {
        #expect(try scan(#"{"te\u0078t":"a"}"#).textValue != nil)
        // As long as the name but with an escape (it decodes shorter), or shorter: not the name.
        #expect(try scan(#"{"t\\t":"a","tex":"b"}"#).textValue == nil)
        // A name that holds a backslash matches its escaped spelling only.
        let named = RecordScanner(textField: "a\\b", metaField: "boilerstrip")
        for (line, found) in [(#"{"a\\b":"x"}"#, true), (#"{"a\u005cb":"x"}"#, true), (#"{"a\b":"x"}"#, false)] {
            let bytes = Array(line.utf8)
            let layout = try bytes.withUnsafeBufferPointer { buffer throws(RecordScanner.Malformed) in try named.scan(buffer) }
            #expect((layout.textValue != nil) == found, "\(line)")
        }
    }

    @Test func malformedRecordsSayWhatAndWhere() {
        let cases: [(String, String, Int)] = [
            (#"{"text":"a"#, "unterminated string", 8),
            (#"{"text":"a",}"#, "expected a member name", 12),
            (#"{"text":"a"} x"#, "after the record", 13),
            (#"{"n":01}"#, "leading zero", 5),
            (#"{"s":"\x"}"#, "invalid escape", 6),
            ("{\"s\":\"a\tb\"}", "control character", 7),
            (#"{"a":tru}"#, "invalid literal", 5),
            (#"{"a" 1}"#, "expected ':'", 5),
            ("", "empty record", 0),
        ]
        for (line, message, offset) in cases {
            do {
                _ = try scan(line)
                Issue.record("\(line) should be malformed")
            } catch {
                #expect(error.message.contains(message), "\(line): \(error)")
                #expect(error.offset == offset, "\(line): \(error)")
            }
        }
    }

    @Test func invalidUTF8InAStringIsMalformed() {
        let bytes: [UInt8] = Array(#"{"text":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: RecordScanner.Malformed.self) { try bytes.withUnsafeBufferPointer { try scanner.scan($0) } }
    }

    /// The scanner's and the encoder's fast path (sixteen bytes a step, then eight) jumps to the first byte that is
    /// not plain ASCII: put each kind of such byte at every offset of two blocks, behind plain text, and check what
    /// each one must do.
    @Test func everySpecialByteIsSeenAtEveryOffset() throws {
        let cases: [(body: [UInt8], valid: Bool, encoded: String)] = [
            (Array("é".utf8), true, "é"), (Array("’".utf8), true, "’"), (Array("😀".utf8), true, "😀"),
            (Array(#"\n"#.utf8), true, #"\n"#), (Array(#"\""#.utf8), true, #"\""#), (Array(#"\u00e9"#.utf8), true, "é"),
            ([0xC3, 0x28], false, ""), ([0xE2, 0x80], false, ""), ([0x01], false, ""), ([0xFF], false, ""),
        ]
        for (body, valid, encoded) in cases {
            for offset in 0..<33 {
                let before = Array(repeating: UInt8(ascii: "a"), count: offset), after = Array("bcdefghijklmnopqrstuvwxyz0123456".utf8)
                let line = Array(#"{"text":""#.utf8) + before + body + after + Array(#""}"#.utf8)
                let layout = try? line.withUnsafeBufferPointer { try scanner.scan($0) }
                #expect((layout != nil) == valid, "\(body) at offset \(offset)")
                guard valid, let value = layout?.textValue else { continue }
                let decoded = line.withUnsafeBufferPointer { JSONString.decode(UnsafeBufferPointer(rebasing: $0[(value.lowerBound + 1)..<(value.upperBound - 1)])) }
                var out: [UInt8] = []
                JSONString.encode(decoded, to: &out)
                let text = String(decoding: before, as: UTF8.self) + encoded + String(decoding: after, as: UTF8.self)
                #expect(String(decoding: out, as: UTF8.self) == "\"" + text + "\"", "\(body) at offset \(offset)")
            }
        }
    }

    @Test func deepNestingIsRefused() {
        let line = "{\"a\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        #expect(throws: RecordScanner.Malformed.self) { try scan(line) }
    }
}

@Suite struct RecordCleanerTests {
    let records = RecordCleaner(cleaner: Support.cleaner)

    func clean(_ line: String) -> (String, RecordCleaner.Outcome) {
        var out: [UInt8] = []
        let outcome = Array(line.utf8).withUnsafeBufferPointer { records.cleanRecord($0, in: Support.cleaner.makeWorkspace(), to: &out) }
        return (String(decoding: out, as: UTF8.self), outcome)
    }

    @Test func otherFieldsStayByteForByte() throws {
        let example = Support.example
        var encoded: [UInt8] = []
        JSONString.encode(Array(example.utf8), to: &encoded)
        let prefix = #"{"id": "lm-1",  "meta":{"n":[1, 2.50, null, {"é":"ü"}], "t":"\u00e9"}, "text": "#
        let suffix = #", "score": -0.0e+1, "lang":"fr"}"#
        let line = prefix + String(decoding: encoded, as: UTF8.self) + suffix
        let (output, outcome) = clean(line)
        #expect(outcome == .cleaned(removed: 2, truncated: true, paywalled: true))
        #expect(output.hasPrefix(prefix))
        #expect(output.contains(#", "score": -0.0e+1, "lang":"fr","boilerstrip":{"paywalled":true"#))
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        let text = object["text"] as! String
        #expect(text.hasSuffix("la Constitution.\n"))
        let meta = object["boilerstrip"] as! [String: Any]
        #expect(meta["remaining_percent"] as? Double == 64.96)
        let removed = meta["removed"] as! [[String: Any]]
        for span in removed {
            let start = span["start"] as! Int, end = span["end"] as! Int
            let scalars = Array(example.unicodeScalars)
            #expect(String(String.UnicodeScalarView(scalars[start..<end])) == span["text"] as! String)
        }
    }

    @Test func recordWithoutBoilerplateKeepsItsTextToken() {
        let line = #"{"text":"Caf\u00e9 \/ propre.","n":1}"#
        let (output, _) = clean(line)
        #expect(output.hasPrefix(#"{"text":"Caf\u00e9 \/ propre.","n":1,"boilerstrip":{"paywalled":false,"truncated":false"#))
    }

    @Test func existingMetadataIsReplacedNotDuplicated() {
        let (output, _) = clean(#"{"boilerstrip":{"old":1},"text":"Fine text.","k":2}"#)
        #expect(output.hasPrefix(#"{"text":"Fine text.","k":2,"boilerstrip":{"paywalled":false"#))
        #expect(!output.contains("old"))
    }

    /// A cleaned text and an old metadata member are both spliced, whichever comes first in the record.
    @Test func cleanedTextAndOldMetadataAreSplicedInEitherOrder() {
        let first = clean(#"{"boilerstrip":{"old":1},"text":"Line 1. Read more","k":2}"#).0
        let second = clean(#"{"text":"Line 1. Read more","boilerstrip":{"old":1},"k":2}"#).0
        let last = clean(#"{"text":"Line 1. Read more","boilerstrip":{"old":1}}"#).0
        for output in [first, second] { #expect(output.hasPrefix(#"{"text":"Line 1.","k":2,"boilerstrip":{"paywalled":false,"truncated":true"#)) }
        #expect(last.hasPrefix(#"{"text":"Line 1.","boilerstrip":{"paywalled":false,"truncated":true"#))
        #expect(![first, second, last].contains { $0.contains("old") })
    }

    @Test func recordsWithoutTextPassThrough() {
        for line in [#"{"id":1}"#, #"{"text":null}"#, #"{"text":["a"]}"#, #"[1]"#, #""str""#] {
            let (output, outcome) = clean(line)
            #expect(output == line)
            if case .skipped = outcome {} else { Issue.record("\(line): \(outcome)") }
        }
    }

    @Test func malformedRecordIsReturnedUnchanged() {
        let (output, outcome) = clean(#"{"text":"abc"#)
        #expect(output == #"{"text":"abc"#)
        if case .malformed = outcome {} else { Issue.record("\(outcome)") }
    }
}

@Suite struct JSONLStreamTests {
    func run(_ input: String, jobs: Int = 1, onError: RecordCleaner.OnError = .fail, batchBytes: Int = 64,
             inputReady: Bool = true) throws -> (String, JSONLStream.Counts) {
        let stream = JSONLStream(records: RecordCleaner(cleaner: Support.cleaner), jobs: jobs, onError: onError, batchBytes: batchBytes)
        var remaining = Array(input.utf8)[...]
        var output: [UInt8] = []
        let counts = try stream.run(read: { buffer in
            let count = min(7, remaining.count)  // tiny reads: records straddle blocks
            for index in 0..<count { buffer[index] = remaining[remaining.startIndex + index] }
            remaining = remaining.dropFirst(count)
            return count
        }, write: { output += $0; return true }, inputReady: { inputReady })
        return (String(decoding: output, as: UTF8.self), counts)
    }

    @Test func oneRecordOutForEachRecordIn() throws {
        let lines = (0..<50).map { #"{"id":\#($0),"text":"Line \#($0). Read more"}"# }
        for jobs in [1, 2, 3] {
            let (output, counts) = try run(lines.joined(separator: "\n") + "\n", jobs: jobs)
            let outLines = output.split(separator: "\n")
            #expect(outLines.count == 50)
            #expect(counts.records == 50 && counts.changed == 50)
            for (index, line) in outLines.enumerated() { #expect(line.hasPrefix(#"{"id":\#(index),"text":"Line \#(index).""#)) }
        }
    }

    /// The batch is read into in place: records cut by reads of seven bytes, cleaned each time the input pauses (no
    /// more ready after a short read) or in whole batches, and a record longer than the batch's buffer (which then
    /// grows), all come out as from one read of everything.
    @Test func recordsReadInPlaceComeOutWhole() throws {
        let lines = (0..<40).map { #"{"id":\#($0),"text":"Line \#($0). Read more"}"# }
        let input = lines.joined(separator: "\n") + "\n"
        let (whole, _) = try run(input, batchBytes: 1 << 22)
        for (batchBytes, inputReady) in [(64, true), (64, false), (1 << 22, false)] {
            let (output, counts) = try run(input, batchBytes: batchBytes, inputReady: inputReady)
            #expect(output == whole && counts.records == 40 && counts.bytesIn == input.utf8.count)
        }
        let long = #"{"text":"\#(String(repeating: "Word ", count: 500_000))Read more"}"#  // 2.5 MB: past the buffer
        let stream = JSONLStream(records: RecordCleaner(cleaner: Support.cleaner), batchBytes: 64)
        var remaining = Array((lines[0] + "\n" + long + "\n" + lines[1]).utf8)[...], output: [UInt8] = []
        let counts = try stream.run(read: { buffer in
            let count = min(buffer.count, remaining.count)
            for index in 0..<count { buffer[index] = remaining[remaining.startIndex + index] }
            remaining = remaining.dropFirst(count)
            return count
        }, write: { output += $0; return true })
        let outLines = output.split(separator: 0x0A)
        #expect(counts.records == 3 && counts.changed == 2 && outLines.count == 3)  // "Read more" 2.5 MB in stays
        #expect(outLines[1].starts(with: Array(long.utf8.dropLast())) && String(decoding: outLines[2], as: UTF8.self).hasPrefix(#"{"id":1,"#))
    }

    @Test func malformedRecordStopsWithItsLineNumber() throws {
        let input = "{\"text\":\"a\"}\n{\"text\":\"b\"}\n{bad\n{\"text\":\"c\"}\n"
        do {
            _ = try run(input)
            Issue.record("expected a stop")
        } catch let stop as JSONLStream.Stop {
            #expect(stop.line == 3)
        }
        let (output, counts) = try run(input, onError: .pass)
        #expect(output.split(separator: "\n").count == 4)
        #expect(output.contains("\n{bad\n"))
        #expect(counts.malformed == 1)
    }

    /// Records in runs taken by the jobs in turn: the output keeps the input's order, and a malformed record stops
    /// the run with its own line number, after every record before it, however the batch was cut.
    @Test(arguments: [1, 2, 3], [64, 20_000, 1 << 20])
    func recordsKeepTheirOrderAndLineNumbersAcrossRuns(jobs: Int, batchBytes: Int) throws {
        let lines = (0..<120).map { index in
            index == 97 ? "{bad" : #"{"id":\#(index),"text":"\#(String(repeating: "Word ", count: index % 7 * 9))Line \#(index). Read more"}"#
        }
        let input = lines.joined(separator: "\n") + "\n"
        let (output, counts) = try run(input, jobs: jobs, onError: .pass, batchBytes: batchBytes)
        let outLines = output.split(separator: "\n")
        #expect(outLines.count == 120 && counts.malformed == 1 && counts.changed == 119)
        for (index, line) in outLines.enumerated() where index != 97 { #expect(line.hasPrefix(#"{"id":\#(index),"text":""#)) }
        #expect(outLines[97] == "{bad")
        let stream = JSONLStream(records: RecordCleaner(cleaner: Support.cleaner), jobs: jobs, onError: .fail, batchBytes: batchBytes)
        var remaining = Array(input.utf8)[...], written: [UInt8] = []
        do {
            _ = try stream.run(read: { buffer in
                let count = min(buffer.count, remaining.count)
                for index in 0..<count { buffer[index] = remaining[remaining.startIndex + index] }
                remaining = remaining.dropFirst(count)
                return count
            }, write: { written += $0; return true })
            Issue.record("expected a stop")
        } catch let stop as JSONLStream.Stop {
            #expect(stop.line == 98)
            #expect(String(decoding: written, as: UTF8.self) == outLines[..<97].joined(separator: "\n") + "\n")
        }
    }

    /// Each item is done once, by a worker numbered below the jobs.
    @Test(arguments: [1, 2, 4])
    func workersDoEachItemOnce(jobs: Int) {
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var done: [Int] = []
            var workers: Set<Int> = []
        }
        let tally = Tally()
        Workers.run(items: 500, jobs: jobs) { item, worker in
            tally.lock.lock()
            tally.done.append(item)
            tally.workers.insert(worker)
            tally.lock.unlock()
        }
        #expect(tally.done.sorted() == Array(0..<500))
        #expect(tally.workers.allSatisfy { (0..<jobs).contains($0) })
    }

    /// Jobs take chunks in turn and write them in their place: an output that closes, or an input that fails, ends
    /// the run for every job, and what was written is the input's first records, whole and in order.
    @Test(arguments: [1, 2, 3])
    func aClosedOutputOrAFailedReadEndsEveryJob(jobs: Int) throws {
        struct ReadFailed: Error {}
        let lines = (0..<300).map { #"{"id":\#($0),"text":"Line \#($0). Read more"}"# }
        let input = Array((lines.joined(separator: "\n") + "\n").utf8)
        let stream = JSONLStream(records: RecordCleaner(cleaner: Support.cleaner), jobs: jobs, batchBytes: 200)
        func reader(failingAfter limit: Int) -> (UnsafeMutableRawBufferPointer) throws -> Int {
            var offset = 0
            return { buffer in
                if offset >= limit { throw ReadFailed() }
                let count = min(buffer.count, 333, input.count - offset)
                buffer.copyBytes(from: input[offset..<(offset + count)])
                offset += count
                return count
            }
        }
        func expectLeadingRecords(_ written: [UInt8], atLeast: Int) {
            let outLines = written.split(separator: 0x0A)
            #expect(outLines.count >= atLeast && written.last == 0x0A)
            for (index, line) in outLines.enumerated() {
                #expect(String(decoding: line, as: UTF8.self).hasPrefix(#"{"id":\#(index),"text":"Line \#(index)."#))
            }
        }
        var written: [UInt8] = [], writes = 0
        _ = try stream.run(read: reader(failingAfter: .max), write: { bytes in
            guard writes < 5 else { return false }
            writes += 1
            written += bytes
            return true
        })
        #expect(writes == 5)
        expectLeadingRecords(written, atLeast: 5)
        written = []
        #expect(throws: ReadFailed.self) {
            _ = try stream.run(read: reader(failingAfter: input.count / 2), write: { written += $0; return true })
        }
        expectLeadingRecords(written, atLeast: 1)
        #expect(written.split(separator: 0x0A).count < lines.count)
    }

    @Test func lastLineWithoutBreakAndCRLFAreKept() throws {
        let (output, _) = try run("{\"text\":\"a\"}\r\n{\"text\":\"b\"}")
        #expect(output.hasSuffix("}"))
        #expect(output.contains("}\r\n{"))
    }
}
