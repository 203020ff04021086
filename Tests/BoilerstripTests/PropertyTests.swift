@testable import Boilerstrip
import Foundation
import PCRE2
import SIMDKernels
import Testing

/// Properties on generated documents (a seeded generator, so a failure can be replayed by its seed).
@Suite struct PropertyTests {
    /// Small, fast, reproducible: the library's ``SplitMix64``.
    typealias Generator = SplitMix64

    static let prose = [
        "The minister said the plan would be presented to the cabinet next week.",
        "Le nombre d’abonnés a augmenté de 64,96 % en un an, selon l’entreprise.",
        "Die Regierung will die Maßnahmen bis Ende des Monats verlängern.",
        "It first appeared on the market in 2010 and read more like a manifesto.",
        "日本語の文章もここにあります。", "Ελληνικά κείμενα επίσης.", "Un partenaire soucieux de sa souveraineté",
    ]
    static let boilerplate: [String] = Support.builtin.rules.flatMap { $0.matchExamples.map(\.text) }
    static let glue = ["\n", "\r\n", "\r", "\n\n", " ", "\u{00A0}", "\t", "", "\u{200B}"]

    static func document(seed: UInt64) -> [UInt8] {
        var random = Generator(state: seed)
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 1...12, using: &random) {
            let piece = Int.random(in: 0..<10, using: &random) < 6 ? prose.randomElement(using: &random)! : boilerplate.randomElement(using: &random)!
            bytes += Array(piece.utf8)
            if Int.random(in: 0..<20, using: &random) == 0 { bytes.append(UInt8.random(in: 0x80...0xFF, using: &random)) }  // invalid UTF-8
            bytes += Array(glue.randomElement(using: &random)!.utf8)
        }
        return bytes
    }

    @Test(arguments: 0..<200)
    func cleanedTextAndSpansRebuildTheInputAndCleaningIsIdempotent(seed: UInt64) {
        let bytes = Self.document(seed: seed)
        let cleaner = Support.cleaner
        let decision = cleaner.clean(bytes, in: cleaner.makeWorkspace())
        var rebuilt: [UInt8] = []
        var cursor = 0
        for span in decision.removed {
            #expect(span.span.lowerBound >= cursor, "seed \(seed): spans overlap")
            rebuilt += bytes[cursor..<span.span.lowerBound] + bytes[span.span]
            cursor = span.span.upperBound
        }
        rebuilt += bytes[cursor...]
        #expect(rebuilt == bytes, "seed \(seed)")
        let again = cleaner.clean(decision.cleanedBytes, in: cleaner.makeWorkspace())
        #expect(again.removed.isEmpty, "seed \(seed): cleaning twice removed \(again.removed.count) more")
    }

    @Test(arguments: 0..<100)
    func theScreenNeverHidesAMatch(seed: UInt64) {
        let document = Document(bytes: Self.document(seed: seed))
        let catalogue = Support.builtin
        for hidden in RuleMatcher(catalogue: catalogue).hiddenMatches(in: document, scratch: MatchScratch()) {
            Issue.record("seed \(seed): the screen hides \(catalogue.rules[hidden.rule].id) at \(hidden.match)")
        }
    }

    /// A round after the first looks again only at the lines the earlier one changed (``CleaningRound``): what it
    /// finds is what matching its whole text finds, round after round, and the decision is the one that rounds over
    /// whole texts give. The documents glue rule examples to prose and to each other (so that cuts leave parts of
    /// lines), with a byte order mark at the start of some and at the start of a later line of others; some are longer
    /// than the head and tail windows, so that lines move into the tail window as the end is cut.
    @Test func aLaterRoundFindsWhatMatchingTheWholeTextFinds() {
        let cleaner = Support.cleaner
        let workspace = cleaner.makeWorkspace()
        let examples = cleaner.catalogue.rules.flatMap { $0.matchExamples.map(\.text) }
        let prose = ["Le conseil municipal a voté la fermeture de la piscine, faute de budget.",
                     "The regional court announced the results of the first clinical trial last week.",
                     "Die Regierung hat am Montag einen neuen Haushaltsentwurf vorgelegt.", ""]
        let joints = ["\n", "\n", " ", "", "\n\n", "\r\n"]
        var compared = 0, reused = 0, longer = 0
        for seed in 0..<600 {
            var random = Generator(state: UInt64(seed) &* 104_729 &+ 7)
            var text = seed % 7 == 0 ? "\u{FEFF}" : ""
            let pieces = Int.random(in: 2...7, using: &random)
            for piece in 0..<pieces {
                if piece > 0 { text += joints.randomElement(using: &random)! }
                if seed % 11 == 0 && piece == 2 { text += "\u{FEFF}" }
                text += piece == 0 && seed % 5 == 0 || Bool.random(using: &random) ? examples.randomElement(using: &random)! : prose.randomElement(using: &random)!
                // After the first piece, prose up to about a window's length, so that the first piece is outside the
                // tail window until the end is cut.
                if piece == 0 && seed % 5 == 0 {
                    let length = RuleMatcher.window - 60 + Int.random(in: 0..<400, using: &random)
                    while text.utf8.count < length { text += "\n" + prose[text.utf8.count % 3] }
                }
            }
            let check = cleaner.laterRoundCheck(Document(text), in: workspace)
            #expect(check.difference == nil, "seed \(seed): \(check.difference ?? "") in \(text.debugDescription)")
            compared += check.laterRounds
            reused += check.reused
            if check.longestLaterText > RuleMatcher.window { longer += 1 }
        }
        // Enough later rounds, most of them reusing matches, for the comparison to mean something.
        #expect(compared > 100 && reused > compared / 2, "\(compared) later rounds, \(reused) reusing matches")
        #expect(longer > 10, "\(longer) documents with a later round longer than a window")
    }

    /// The filter's hash seed is the one, of its candidates, under which the common windows of news text open the
    /// fewest one-window buckets; on the built-in catalogue they open one for fewer than 1 % of windows (the first
    /// candidate alone: 1.6 %; the worst: 1.8 %).
    @Test func theFilterHashKeepsCommonWindowsOut() {
        let filter = Support.builtin.screen.filter
        #expect(filter.trigramCost < 10_000, "common windows open a one-window bucket \(filter.trigramCost) times in a million")
        // The same catalogue gives the same filter: the choice is deterministic.
        #expect(Screen(rules: Support.builtin.rules).filter.trigramCost == filter.trigramCost)
        // So are the vector filter's matrices, chosen the same way (``VectorTables``): five hashes of 128 slots let
        // common windows open one-window buckets about as often as one hash of 4,096.
        #expect(filter.vector.trigramCost < 5_000, "common windows open a one-window bucket \(filter.vector.trigramCost) times in a million")
        #expect(Screen(rules: Support.builtin.rules).filter.vector.trigramCost == filter.vector.trigramCost)
    }

    /// A long literal whose last six bytes are common in news text ("lement", "nement": ``CommonRuns``) is looked for
    /// by a rarer run further in, and found where it ends, with its boundaries and spelling checked on all its bytes;
    /// a literal that ends inside it may be reported after it, and the screen's rules see both on their line.
    @Test func aLongLiteralIsFilteredByItsRarestRun() {
        let patterns = [LiteralFilter.Pattern(bytes: Array("abonnement".utf8), boundedBefore: true, boundedAfter: true),
                        LiteralFilter.Pattern(bytes: Array("ement".utf8), boundedBefore: false, boundedAfter: true),
                        LiteralFilter.Pattern(bytes: Array("totalement".utf8), boundedBefore: false, boundedAfter: false,
                                              exact: Array("Totalement".utf8))]
        let filter = LiteralFilter(patterns)
        #expect(filter.anchoredCount == 2)
        let text = Array("Für Abonnement: jetzt Totalement, totalement; xabonnement, Abonnementx. Abonnement".utf8)
        var reported: [String] = []
        text.withUnsafeBufferPointer { bytes in
            filter.occurrences(in: bytes, scratch: LiteralFilter.Scratch()) { hits in
                for hit in hits {
                    let pattern = patterns[Int(hit >> 40)], end = Int(hit & 0xFF_FFFF_FFFF)
                    reported.append(String(decoding: text[(end + 1 - pattern.bytes.count)...end], as: UTF8.self) + "@\(end)")
                }
            }
        }
        #expect(reported.sorted { Int($0.split(separator: "@")[1])! < Int($1.split(separator: "@")[1])! }
                == ["Abonnement@14", "ement@14", "Totalement@32", "ement@32", "ement@44", "ement@57", "Abonnement@82", "ement@82"])
    }

    /// A literal bounded before, one to three bytes into the text, after a word byte or not: the confirmation reads the
    /// byte before it at every level (AVX-512 reads the four bytes ending there, and a byte at a time where fewer stand
    /// before it), with enough occurrences after it that the pairs fill several steps of eight.
    @Test func aBoundedLiteralNearTheStartIsConfirmedAtEveryLevel() {
        // Literals that end alike share their last window's slot: a position there has a list of up to seven entries.
        let patterns = [LiteralFilter.Pattern(bytes: Array("wort".utf8), boundedBefore: true),
                        LiteralFilter.Pattern(bytes: Array("ort".utf8), boundedBefore: false),
                        LiteralFilter.Pattern(bytes: Array("rt, w".utf8), boundedBefore: true)]
            + ["sort", "port", "fort", "kort", "tort"].map { LiteralFilter.Pattern(bytes: Array($0.utf8), boundedBefore: true) }
        let filter = LiteralFilter(patterns)
        let rest = Array(String(repeating: " wort, wort; xwort sort-port fort.kort_tort", count: 6).utf8)
        for prefix in ["", "a", "-", "ab", "a-", "-a", "abc", "ab-", "_", "é", "abcd", "abc-"] {
            let text = Array(prefix.utf8) + Array("wort".utf8) + rest
            // The naive answer: every "wort", "sort"… free in front, every "ort"; never "rt, w" (bounded before, it follows "o").
            var expected: [UInt64] = []
            for end in text.indices {
                for (index, pattern) in patterns.enumerated() {
                    let length = pattern.bytes.count, start = end + 1 - length
                    guard start >= 0, Array(text[start...end]) == pattern.bytes else { continue }
                    if pattern.boundedBefore, start > 0, ScreenLiteral.isWordByte(text[start - 1]) { continue }
                    expected.append(UInt64(index) << 40 | UInt64(end))
                }
            }
            // In order of their end (those that end together in the order of the filter's lists), the same at every level.
            func byEnd(_ hits: [UInt64]) -> [UInt64] { hits.sorted { ($0 & 0xFF_FFFF_FFFF, $0) < ($1 & 0xFF_FFFF_FFFF, $1) } }
            var first: [UInt64]?
            for level: Int32 in [0, 2, 3] {
                for everyPosition in [false, true] {  // every position: the filter's front window does not turn "awort" down
                    var reported: [UInt64] = []
                    text.withUnsafeBufferPointer { bytes in
                        filter.occurrences(in: bytes, scratch: LiteralFilter.Scratch(), confirmLevel: level, everyPosition: everyPosition) {
                            reported += $0
                        }
                    }
                    #expect(byEnd(reported) == byEnd(expected), "\"\(prefix)wort…\" at level \(level)")
                    #expect(reported == (first ?? reported), "\"\(prefix)wort…\": level \(level) differs from level 0")
                    first = first ?? reported
                }
            }
        }
    }

    /// The literal filter against a naive search: every occurrence is reported, in order of its end, and nothing that
    /// is not an occurrence: not one of a pattern bounded before (after) with a word byte before (after) it, nor one
    /// with an exact spelling in another case. A small
    /// alphabet (cases, spaces, punctuation, UTF-8 and stray bytes) makes overlaps, shared windows and blocks
    /// longer than the filter's buffer common; the patterns planted in the text make long ones occur.
    @Test(arguments: 0..<60)
    func theLiteralFilterFindsEveryOccurrence(seed: UInt64) {
        var random = Generator(state: seed &* 7919 &+ 3)
        // With the bytes at the edges of the folded ranges (0x40, 0x5A, 0x5B, 0x7F, 0x80, 0x9F).
        let alphabet: [UInt8] = Array("aAbBcCéÉ .-_(@Z[".utf8) + [0x0A, 0xC3, 0xA9, 0x89, 0x9E, 0x9F, 0x7F, 0x80, 0xFF]
        func draw(_ count: Int) -> [UInt8] { (0..<count).map { _ in alphabet.randomElement(using: &random)! } }
        var patterns = Set<LiteralFilter.Pattern>()
        // A third of them end as news words do ("-ieren", "-tion"), so that the filter anchors them further in.
        let endings = ["ieren", "ation", "ment ", "nten", "tions", "les d", "ent d"].map { Array($0.utf8) }
        for _ in 0..<Int.random(in: 1...60, using: &random) {
            var spelled = draw(Int.random(in: 2...14, using: &random))
            if Int.random(in: 0..<3, using: &random) == 0 { spelled += endings.randomElement(using: &random)! }
            patterns.insert(LiteralFilter.Pattern(bytes: spelled.map(Screen.fold), boundedBefore: Bool.random(using: &random),
                                                  boundedAfter: Bool.random(using: &random),
                                                  exact: Int.random(in: 0..<3, using: &random) == 0 ? spelled : nil))
        }
        let list = Array(patterns)
        let filter = LiteralFilter(list)
        // Random bytes, and the patterns themselves planted among them (in their spelling or in any case, a random byte
        // before and after): long patterns would almost never occur in random bytes alone.
        var text: [UInt8] = []
        let length = Int.random(in: 0...12_000, using: &random)
        while text.count < length {
            if list.isEmpty || Int.random(in: 0..<3, using: &random) > 0 {
                text += draw(Int.random(in: 1...24, using: &random))
            } else {
                let pattern = list.randomElement(using: &random)!
                text += (pattern.exact ?? pattern.bytes).map { byte in
                    Bool.random(using: &random) && (0x61...0x7A).contains(byte) ? byte & ~0x20 : byte
                }
            }
        }
        let folded = text.map(Screen.fold)
        var reported: [(pattern: Int, end: Int)] = []
        text.withUnsafeBufferPointer { bytes in
            filter.occurrences(in: bytes, scratch: LiteralFilter.Scratch()) { hits in
                for hit in hits { reported.append((Int(hit >> 40), Int(hit & 0xFF_FFFF_FFFF))) }
            }
        }
        // In order of their end, but that an anchored pattern's occurrence may come after those that end inside it:
        // each ends at or after the start of every one before it (so on the same line or a later one).
        var latestStart = 0
        for hit in reported {
            #expect(hit.end >= latestStart, "seed \(seed): out of order at \(hit.end)")
            latestStart = max(latestStart, hit.end + 1 - list[hit.pattern].bytes.count)
        }
        let found = Set(reported.map { $0.pattern << 40 | $0.end })
        #expect(found.count == reported.count, "seed \(seed): reported twice")
        // The confirmation at every level (AVX-512 checks eight pairs at a time) reports the same, in the same order, and
        // so it does handed every position with every bucket open: it alone makes sure of each occurrence (the filter's
        // hashes let few wrong ones reach it).
        for level: Int32 in [0, 2, 3] {
            for everyPosition in [false, true] where level != 3 || everyPosition {
                var atLevel: [UInt64] = []
                text.withUnsafeBufferPointer { bytes in
                    filter.occurrences(in: bytes, scratch: LiteralFilter.Scratch(), confirmLevel: level, everyPosition: everyPosition) {
                        atLevel += $0
                    }
                }
                #expect(atLevel == reported.map { UInt64($0.pattern) << 40 | UInt64($0.end) },
                        "seed \(seed): level \(level)\(everyPosition ? ", every position" : "") differs")
            }
        }
        for (index, pattern) in list.enumerated() {
            let length = pattern.bytes.count
            guard folded.count >= length else { continue }
            for start in 0...(folded.count - length) where Array(folded[start..<start + length]) == pattern.bytes {
                let free = start == 0 || !ScreenLiteral.isWordByte(text[start - 1])
                let freeAfter = start + length == text.count || !ScreenLiteral.isWordByte(text[start + length])
                let spelled = pattern.exact.map { Array(text[start..<start + length]) == $0 } ?? true
                let reportedHere = found.contains(index << 40 | (start + length - 1))
                if (!pattern.boundedBefore || free) && (!pattern.boundedAfter || freeAfter) && spelled {
                    #expect(reportedHere, "seed \(seed): missed \(pattern.bytes) at \(start)")
                }
            }
        }
        for hit in reported {
            let pattern = list[hit.pattern], bytes = pattern.bytes, start = hit.end + 1 - bytes.count
            #expect(hit.end + 1 >= bytes.count && Array(folded[start...hit.end]) == bytes,
                    "seed \(seed): reported \(bytes) where it is not")
            #expect(!pattern.boundedBefore || start == 0 || !ScreenLiteral.isWordByte(text[start - 1]),
                    "seed \(seed): reported \(bytes) at \(start) after a word byte")
            #expect(!pattern.boundedAfter || hit.end + 1 == text.count || !ScreenLiteral.isWordByte(text[hit.end + 1]),
                    "seed \(seed): reported \(bytes) at \(start) before a word byte")
            #expect(pattern.exact.map { Array(text[start...hit.end]) == $0 } ?? true,
                    "seed \(seed): reported \(bytes) at \(start) in another spelling")
        }
    }

    /// The vector kernel of the filter (`boilerstrip_shift_or`: AVX-512 with byte permutes and GFNI) writes the
    /// entries, and carries on the state, that a reference written here byte by byte writes and carries, from the
    /// kernel's tables (``VectorTables/reach(_:in:)``), wherever it stops (a whole number of 64-byte runs before the
    /// text's end, whose last bytes are the byte loop's, as they are the loop's alone without the kernel): the built-in
    /// catalogue's filter over prose, its own literals, the alphabet above and random bytes, in blocks of random sizes
    /// (the flagged buffer's, and shorter ones, so that runs start at every offset).
    @Test(.enabled(if: LiteralFilter.vectorFilter, "the processor has no AVX-512 with VBMI and GFNI"), arguments: 0..<40)
    func theVectorFilterWritesWhatItsReferenceWrites(seed: UInt64) {
        var random = Generator(state: seed &* 104_729 &+ 13)
        let filter = Support.builtin.screen.filter
        let alphabet: [UInt8] = Array("aAbBcCéÉ .-_(@Z[".utf8) + [0x0A, 0xC3, 0xA9, 0x89, 0x9E, 0x9F, 0x7F, 0x80, 0xFF]
        let literals = Support.builtin.rules.flatMap { $0.screenLiterals.flatMap { $0.map(\.text) } }
        var text: [UInt8] = []
        let length = Int.random(in: 0...9_000, using: &random)
        while text.count < length {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: text += Array(PropertyTests.prose.randomElement(using: &random)!.utf8) + [0x20]
            case 1: text += Array(literals.randomElement(using: &random)!.utf8)
            case 2: text += (0..<8).map { _ in alphabet.randomElement(using: &random)! }
            default: text += (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
        }
        let sizes = (0..<64).map { _ in Bool.random(using: &random) ? 4096 : Int.random(in: 9...700, using: &random) }
        // The kernel's contract, a byte at a time.
        let reference: LiteralFilter.Kernel = { bytes, start, count, length, tables, state, out in
            guard let bytes, let tables, let state, let out else { return 0 }
            var written = 0, current = state.pointee
            for index in start..<start + count {
                let window = UInt32(tables.pointee.first[Int(bytes[index - 2])]) << 16 | UInt32(bytes[index - 1]) << 8 | UInt32(bytes[index])
                current = current << LiteralFilter.laneShift | VectorTables.reach(window, in: tables.pointee)
                // The buckets of literals no word byte may follow, closed where one does.
                let followed = index + 1 < length && ScreenLiteral.isWordByte(bytes[index + 1])
                let top = current | (followed ? UInt64(tables.pointee.after_buckets) << LiteralFilter.topShift : 0)
                if top < LiteralFilter.openState {
                    out[written] = UInt64(index) | top & LiteralFilter.openState
                    written += 1
                }
            }
            if count > 0 && count % 64 == 0 { state.pointee = current }  // at the text's end, left as it was
            return written
        }
        func run(vector: Bool, kernel: LiteralFilter.Kernel) -> (entries: [UInt64], stops: [Int], states: [UInt64]) {
            var entries: [UInt64] = [], stops: [Int] = [], states: [UInt64] = []
            var carried = LiteralFilter.Carried(state: 0, rolling: filter.startRolling)
            var flagged = [UInt64](repeating: 0, count: 4096)
            var tables = filter.vector.tables
            var index = 0, call = 0
            text.withUnsafeBufferPointer { bytes in
            filter.byteHashes.withUnsafeBufferPointer { byteHashes in
            filter.reach.withUnsafeBufferPointer { reach in
            flagged.withUnsafeMutableBufferPointer { flagged in
                while index < bytes.count {
                    let size = sizes[call % sizes.count]
                    call += 1
                    let written: Int
                    (index, written) = LiteralFilter.filter(bytes, from: index, byteHashes, &tables, reach, &carried,
                                                            into: UnsafeMutableBufferPointer(rebasing: flagged[0..<size]),
                                                            vector: vector, kernel: kernel)
                    entries += flagged[0..<written]
                    stops.append(index)
                    states.append(carried.state)
                }
            }}}}
            withExtendedLifetime(filter.vector) {}
            return (entries, stops, states)
        }
        let byKernel = run(vector: true, kernel: boilerstrip_shift_or), byReference = run(vector: true, kernel: reference)
        let byLoop = run(vector: false, kernel: boilerstrip_shift_or)
        #expect(byKernel.stops == byReference.stops, "seed \(seed)")
        #expect(byKernel.stops.last == byLoop.stops.last, "seed \(seed)")
        #expect(byKernel.states == byReference.states, "seed \(seed)")
        #expect(byKernel.entries.count == byReference.entries.count, "seed \(seed)")
        if let first = byReference.entries.indices.first(where: { $0 < byKernel.entries.count && byKernel.entries[$0] != byReference.entries[$0] }) {
            Issue.record("seed \(seed): entry \(first) is \(byKernel.entries[first]), the reference wrote \(byReference.entries[first])")
        }
        #expect(!byKernel.entries.isEmpty || text.count < 64, "seed \(seed): nothing flagged in \(text.count) bytes")
    }

    /// The filter's confirmation folds eight bytes at once: as ``Screen/fold(_:)`` folds each byte, every value in
    /// every place, between random neighbours.
    @Test func eightBytesFoldAsEachByteDoes() {
        var random = Generator(state: 17)
        for lane in 0..<8 {
            for value in 0..<256 {
                var bytes = (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
                bytes[lane] = UInt8(value)
                let word = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
                let expected = bytes.map(Screen.fold).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
                #expect(boilerstrip_fold8(word) == expected, "byte \(value) in place \(lane) of \(bytes)")
            }
        }
    }

    /// ``CodePointIndex`` (sixteen bytes a step where they are ASCII or whole valid sequences) against a count one
    /// sequence at a time, at every offset, forward and from any earlier cursor: ASCII and accented text, sequences
    /// of every length, and invalid ones (stray continuation bytes, truncated sequences, overlongs, surrogates).
    @Test(arguments: 0..<40)
    func codePointsCountAsAWalkBySequencesDoes(seed: UInt64) {
        var random = Generator(state: seed &* 1_000_003 &+ 11)
        let pieces: [[UInt8]] = [Array("plain text ".utf8), Array("abcdefghijklmnop".utf8), Array("déjà l’été — ça über ".utf8),
                                 Array("é".utf8), Array("’".utf8), Array("😀".utf8), [0x80], [0xC3], [0xC0, 0xAF], [0xE0, 0x80, 0xAF],
                                 [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x80], [0xFF], [0xC3, 0xA9, 0xA9]]
        var text: [UInt8] = []
        let length = Int.random(in: 0...300, using: &random)
        while text.count < length {
            let piece = pieces[Int.random(in: 0..<pieces.count, using: &random)]
            text += Int.random(in: 0..<3, using: &random) == 0 ? piece : pieces[Int.random(in: 0...2, using: &random)]
        }
        // The reference: each valid-looking sequence (a lead and its continuation bytes) counts one, any other byte one.
        var expected = [Int](repeating: 0, count: text.count + 1)
        var index = 0, count = 0
        while index < text.count {
            let step = CodePointIndex.sequenceLength(text, at: index)
            for offset in 1...step where index + offset <= text.count { expected[index + offset] = count + 1 }
            index += step
            count += 1
        }
        var forward = CodePointIndex(bytes: text)
        for offset in 0...text.count {
            #expect(forward.codePoints(before: offset) == expected[offset], "seed \(seed): offset \(offset) of \(text)")
            var fresh = CodePointIndex(bytes: text)
            #expect(fresh.codePoints(before: offset) == expected[offset], "seed \(seed): offset \(offset) from the start")
        }
    }

    /// A record's text decoded with its lines found on the way (``JSONString/decodeDocument(_:)``) is the document
    /// that splitting the decoded bytes gives: line feeds written as `\n` and as `\u000a`, carriage returns (then the
    /// text is split as any document), texts that end with a line break or are empty.
    @Test(arguments: 0..<60)
    func aTextDecodedWithItsLinesIsTheDocumentSplittingGives(seed: UInt64) {
        var random = Generator(state: seed &* 2_147_483_647 &+ 13)
        let pieces = ["plain text ", "déjà", "\\n", "\\n", "\\n\\n", "\\u000a", "\\u000A", "\\r", "\\r\\n", "\\u000d",
                      "\\\"", "\\\\", "\\u00e9", "\\ud83d\\ude00", "\\t", "x"]
        // Mostly without a carriage return, so that the lines found while decoding are what is compared.
        let allowed = seed % 4 == 0 ? pieces : pieces.filter { !$0.contains("r") && !$0.contains("000d") }
        let body = Array((0..<Int.random(in: 0...40, using: &random)).map { _ in allowed.randomElement(using: &random)! }.joined().utf8)
        body.withUnsafeBufferPointer { body in
            let document = JSONString.decodeDocument(body)
            #expect(document.bytes == JSONString.decode(body), "seed \(seed)")
            #expect(document.segments == Document(bytes: document.bytes).segments, "seed \(seed): \(String(decoding: body, as: UTF8.self))")
        }
    }

    /// Pieces of JSON string bodies: plain text (ASCII, and accented letters and punctuation: the first three), then
    /// quotes, backslashes, controls, valid UTF-8 of every length, and invalid sequences (stray continuation bytes,
    /// truncated ones, overlongs, surrogates, bytes above F4).
    static let stringPieces: [[UInt8]] = [Array("plain text ".utf8), Array("abcdefghijklmnop".utf8), Array("déjà l’été — ça über ".utf8),
                                          [0x22], [0x5C], [0x0A], [0x1F], [0x7F],
                                          Array("é".utf8), Array("’".utf8), Array("😀".utf8), [0x80], [0xC3], [0xC0, 0xAF], [0xE0, 0x80, 0xAF],
                                          [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x80], [0xFF]]

    /// Where a JSON string's plain run from `start` ends, a byte at a time: the reference for
    /// ``JSONString/plainEnd(_:from:end:)``.
    static func plainEndByBytes(_ text: [UInt8], from start: Int) -> Int {
        var index = start
        while index < text.count {
            let byte = text[index]
            if byte < 0x80 {
                if byte < 0x20 || byte == 0x22 || byte == 0x5C { return index }
                index += 1
                continue
            }
            let length = UTF8Validation.sequenceLength(text, at: index, end: text.count)
            if length == 0 { return index }
            index += length
        }
        return text.count
    }

    /// ``JSONString/plainEnd(_:from:end:)`` (sixteen bytes a step, then eight) against a walk a byte at a time, from
    /// every start, on short runs of ``stringPieces``.
    @Test(arguments: 0..<60)
    func thePlainRunEndsWhereAWalkByBytesDoes(seed: UInt64) {
        var random = Generator(state: seed &* 6_700_417 &+ 5)
        let pieces = PropertyTests.stringPieces
        var text: [UInt8] = []
        let length = Int.random(in: 0...200, using: &random)
        while text.count < length {
            let piece = pieces[Int.random(in: 0..<pieces.count, using: &random)]
            // Mostly plain text, ASCII or not, so that whole blocks of it occur.
            text += Int.random(in: 0..<3, using: &random) == 0 ? piece : pieces[Int.random(in: 0...2, using: &random)]
        }
        text.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            for start in 0..<bytes.count {
                #expect(JSONString.plainEnd(base, from: start, end: bytes.count) == PropertyTests.plainEndByBytes(text, from: start),
                        "seed \(seed): from \(start)")
            }
        }
    }

    /// The vector kernels ``JSONString/plainEnd(_:from:end:)`` starts long runs with (`boilerstrip_plain_prefix`,
    /// AVX2 and AVX-512, each that the processor has), on texts of up to 3 KB of plain runs (four-byte letters too)
    /// with a rare piece of every other kind: each stops at or before the byte a walk by bytes stops at, at the start
    /// of a sequence (a walk from there gets to the same byte), and no more than a block and a cut sequence short of
    /// it; plainEnd agrees with the walk.
    @Test(.enabled(if: boilerstrip_simd_level() >= 2, "the processor has no AVX2"), arguments: 0..<40)
    func theVectorKernelsNeverStepPastAByteToStopAt(seed: UInt64) {
        var random = Generator(state: seed &* 2_147_483_647 &+ 11)
        let pieces = PropertyTests.stringPieces, plain = PropertyTests.stringPieces[0...2] + [Array("😀 ".utf8), Array("€ ".utf8)]
        var text: [UInt8] = []
        let length = Int.random(in: 64...3000, using: &random), rarity = Int.random(in: 8...120, using: &random)
        while text.count < length {
            text += Int.random(in: 0..<rarity, using: &random) == 0 ? pieces[Int.random(in: 3..<pieces.count, using: &random)]
                : plain.randomElement(using: &random)!
        }
        let levels = (2...3).filter { $0 <= boilerstrip_simd_level() }
        text.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress!
            let starts = Array(0..<min(bytes.count, 80)) + (0..<60).map { _ in Int.random(in: 0..<bytes.count, using: &random) }
            for start in starts {
                let walked = PropertyTests.plainEndByBytes(text, from: start), count = bytes.count - start
                for level in levels {
                    let block = level == 3 ? 64 : 32
                    let kernel = start + boilerstrip_plain_prefix_using(Int32(level), base + start, count)
                    #expect(kernel <= walked, "seed \(seed), level \(level): from \(start)")
                    #expect(kernel == walked || PropertyTests.plainEndByBytes(text, from: kernel) == walked,
                            "seed \(seed), level \(level): from \(start) to \(kernel)")
                    if count >= 64 {
                        #expect(kernel >= min(walked, start + count / block * block) - block - 3,
                                "seed \(seed), level \(level): from \(start): \(kernel) of \(walked)")
                    }
                }
                #expect(JSONString.plainEnd(base, from: start, end: bytes.count) == walked, "seed \(seed): from \(start)")
            }
        }
    }

    /// Where a JSON string body from `start` stops, a byte at a time: at its closing quote, or at the first byte
    /// that breaks it (a control byte, invalid UTF-8, a backslash that begins no valid escape): the reference for
    /// `boilerstrip_string_prefix`.
    static func bodyEndByBytes(_ text: [UInt8], from start: Int) -> Int {
        var index = start
        while true {
            index = plainEndByBytes(text, from: index)
            guard index < text.count, text[index] == 0x5C, index + 1 < text.count else { return index }
            switch text[index + 1] {
            case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: index += 2
            case 0x75 where index + 6 <= text.count && text[(index + 2)..<(index + 6)].allSatisfy { JSONString.hexValue($0) != 0xFF }:
                index += 6
            default: return index
            }
        }
    }

    /// The string kernels the record scanner starts long bodies with (`boilerstrip_string_prefix`, AVX2 and
    /// AVX-512, each that the processor has), on bodies of up to 3 KB: plain runs with escapes of every kind (`\"`,
    /// `\\`, `\u00e9`, runs of backslashes), and rarely a quote, a control byte, invalid UTF-8 or an escape that is
    /// not one (`\x`, `\u12G4`, one the end cuts). Each stops at or before where a walk by bytes stops, where a
    /// sequence or an escape begins (a walk from there stops at the same byte), and no more than a block and a cut
    /// escape or sequence short of it.
    @Test(.enabled(if: boilerstrip_simd_level() >= 2, "the processor has no AVX2"), arguments: 0..<60)
    func theStringKernelsNeverStepPastTheBodysEnd(seed: UInt64) {
        var random = Generator(state: seed &* 1_000_003 &+ 29)
        let plain = PropertyTests.stringPieces[0...2] + [Array("😀 ".utf8), Array("€ ".utf8)]
        let escapes: [[UInt8]] = [Array(#"\n"#.utf8), Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\u00e9"#.utf8),
                                  Array(#"\uD83D\uDE00"#.utf8), Array(#"\/\t\r\b\f"#.utf8), Array(#"\\\\\""#.utf8), Array(#"\\\""#.utf8)]
        let breaking: [[UInt8]] = [[0x22], [0x0A], [0x1F], Array(#"\x"#.utf8), Array(#"\u12G4"#.utf8), [0x5C],
                                   [0x80], [0xC3], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80]]
        var text: [UInt8] = []
        let length = Int.random(in: 64...3000, using: &random), rarity = Int.random(in: 20...400, using: &random)
        while text.count < length {
            let roll = Int.random(in: 0..<rarity, using: &random)
            text += roll == 0 ? breaking.randomElement(using: &random)! : roll < rarity / 5 ? escapes.randomElement(using: &random)!
                : plain.randomElement(using: &random)!
        }
        if Bool.random(using: &random) { text += Array(#"\u00"#.utf8) }  // an escape the end cuts
        let levels = (2...3).filter { $0 <= boilerstrip_simd_level() }
        // Starts a walk can be at (a sequence's or an escape's first byte): from each, a random way on.
        var starts = [0]
        while let last = starts.last, last < text.count, starts.count < 120 {
            let next = PropertyTests.bodyEndByBytes(text, from: last)
            var start = next > last ? last + Int.random(in: 1...(next - last), using: &random) : last + (text[last] == 0x5C ? 2 : 1)
            while start < text.count, text[start] & 0xC0 == 0x80 { start += 1 }
            // Not inside an escape: walk again from the last start to the first stop at or past it.
            var walk = last
            while walk < start {
                let stop = PropertyTests.bodyEndByBytes(text, from: walk)
                if stop >= start { break }
                walk = text[stop] == 0x5C ? stop + 2 : stop + 1
                while walk < text.count, text[walk] & 0xC0 == 0x80 { walk += 1 }
            }
            starts.append(min(text.count, max(start, walk)))
        }
        text.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress!
            for start in starts where start < bytes.count {
                let walked = PropertyTests.bodyEndByBytes(text, from: start), count = bytes.count - start
                for level in levels {
                    let block = level == 3 ? 64 : 32
                    let kernel = start + boilerstrip_string_prefix_using(Int32(level), base + start, count)
                    #expect(kernel <= walked, "seed \(seed), level \(level): from \(start): \(kernel) past \(walked)")
                    #expect(PropertyTests.bodyEndByBytes(text, from: kernel) == walked,
                            "seed \(seed), level \(level): from \(start) to \(kernel), not \(walked)")
                    if count >= 64 {
                        #expect(kernel >= min(walked, start + count / block * block) - block - 6,
                                "seed \(seed), level \(level): from \(start): \(kernel) of \(walked)")
                    }
                }
            }
        }
    }

    /// `boilerstrip_copy_run` (JSON decoding's copy up to the next escape) at every level the processor has, against
    /// a copy up to the first backslash: runs of every length from 0 to 200 bytes, the backslash anywhere or nowhere,
    /// and not a byte written past the run (the bytes after it in the target keep their value).
    @Test func aRunIsCopiedUpToItsFirstBackslashAtEveryLevel() {
        var random = Generator(state: 41)
        let levels = [0] + (2...3).filter { $0 <= boilerstrip_simd_level() }
        for length in 0...200 {
            var source = (0..<length).map { _ in UInt8.random(in: 0x20...0xFF, using: &random) }.map { $0 == 0x5C ? 0x41 : $0 }
            let backslash = Int.random(in: 0...(length + length / 4), using: &random)  // past the end: none
            if backslash < length { source[backslash] = 0x5C }
            let expected = min(backslash, length)
            for level in levels {
                var target = [UInt8](repeating: 0xAA, count: length + 64)
                let copied = source.withUnsafeBufferPointer { source in
                    target.withUnsafeMutableBufferPointer { boilerstrip_copy_run_using(Int32(level), $0.baseAddress!, source.baseAddress ?? UnsafePointer(bitPattern: 1)!, length) }
                }
                #expect(copied == expected, "length \(length), level \(level)")
                #expect(Array(target[0..<expected]) == Array(source[0..<expected]), "length \(length), level \(level)")
                #expect(target[expected...].allSatisfy { $0 == 0xAA }, "length \(length), level \(level): wrote past the run")
            }
        }
    }

    /// ``Document/split(_:)`` (line breaks from `boilerstrip_line_breaks`, in bulk) against a walk a byte at a time:
    /// texts up to 3 KB of words, LF, CR, CR LF and runs of them, so that breaks fall at every place of the kernel's
    /// blocks and a CR LF pair across two of them.
    @Test(arguments: 0..<60)
    func linesAreSplitAsAWalkByBytesSplitsThem(seed: UInt64) {
        var random = Generator(state: seed &* 7_777_777 &+ 1)
        let pieces: [[UInt8]] = [Array("a".utf8), Array("abc def ".utf8), Array("déjà vu ".utf8), [0x0A], [0x0D], [0x0D, 0x0A],
                                 [0x0A, 0x0A], [0x0D, 0x0D, 0x0A], [0x0A, 0x0D]]
        var text: [UInt8] = []
        let length = Int.random(in: 0...3000, using: &random)
        while text.count < length { text += pieces.randomElement(using: &random)! }
        var expected: [Range<Int>] = [], ends: [Int] = []
        var start = 0, index = 0
        while index < text.count {
            if text[index] == 0x0A || text[index] == 0x0D {
                var next = index + 1
                if text[index] == 0x0D, next < text.count, text[next] == 0x0A { next += 1 }
                expected.append(start..<index)
                ends.append(next)
                start = next
                index = next
            } else {
                index += 1
            }
        }
        if start < text.count || expected.isEmpty { expected.append(start..<text.count); ends.append(text.count) }
        let segments = Document.split(text).segments
        #expect(segments.map(\.content) == expected, "seed \(seed)")
        #expect(segments.map(\.end) == ends, "seed \(seed)")
        #expect(segments.map(\.index) == Array(segments.indices), "seed \(seed)")
    }

    /// `boilerstrip_line_breaks` at every level against a walk a byte at a time: the positions of the line feeds, the
    /// carriage returns and the marked bytes ("©"'s lead byte, "&", "/"), in order, among bytes that share a marked
    /// byte's low six bits ("f", "o", 0x82), with room for 64 positions a call, so that calls resume mid-text.
    @Test(arguments: 0..<40)
    func lineBreaksAndMarkedBytesAreFoundAsAWalkFindsThem(seed: UInt64) {
        var random = Generator(state: seed &* 1_000_003 &+ 5)
        let marked: [UInt8] = [0xC2, 0x26, 0x2F]
        let pieces: [[UInt8]] = [Array("abc ".utf8), [0x0A], [0x0D], [0x0D, 0x0A], [0xC2, 0xA9], [0x26], [0x2F], [0x66], [0x6F],
                                 [0xE2, 0x80, 0x82], Array("&copy; ".utf8), Array("a/b//c".utf8)]
        var text: [UInt8] = []
        let length = Int.random(in: 0...2500, using: &random)
        while text.count < length { text += pieces.randomElement(using: &random)! }
        var marks = boilerstrip_marks()
        #expect(boilerstrip_marks_init(&marks, marked, marked.count) == 1)
        let expected = text.indices.filter { text[$0] == 0x0A || text[$0] == 0x0D || marked.contains(text[$0]) }
        for level in [0, 2, 3] {
            var found: [Int] = []
            var positions = [Int](repeating: -1, count: 64)
            var from = 0
            while from < text.count {
                var resume = 0
                let count = text.withUnsafeBufferPointer { bytes in
                    positions.withUnsafeMutableBufferPointer {
                        boilerstrip_line_breaks_using(Int32(level), bytes.baseAddress!, from, bytes.count, &marks, $0.baseAddress!, 64, &resume)
                    }
                }
                found += positions[0..<count]
                #expect(resume > from || resume == text.count, "seed \(seed), level \(level): no progress")
                if resume <= from { break }
                from = resume
            }
            #expect(found == expected, "seed \(seed), level \(level)")
        }
    }

    /// A document split with the screen's marking holds its lines as one split without, and where every marked byte is
    /// (while there are at most eight of them); the screen finds the same candidates in it, reading the marks, as in
    /// the unmarked one, where it searches the whole text: copyright lines ("©", "&copy;"), desk slugs and URLs ("/"),
    /// in any number, among prose with other bytes that begin with 0xC2 ("«", NBSP).
    @Test(arguments: 0..<60)
    func aMarkedDocumentHasTheLinesAndCandidatesOfAnUnmarkedOne(seed: UInt64) {
        var random = Generator(state: seed &* 6_700_417 &+ 3)
        let screen = Support.builtin.screen
        let pieces = PropertyTests.prose + ["© 2025 Agence France-Presse. Tous droits réservés.", "&copy; Le Monde", "Copyright © AFP",
                                            "lxb/ab/jp", "AFP/ab-cd/xyz", "https://example.com/a/b", "« Il a dit » et\u{00A0}puis", "1/2",
                                            "\n", "\n\n", "\r\n"]
        var text = ""
        for _ in 0..<Int.random(in: 0...30, using: &random) { text += pieces.randomElement(using: &random)! + " " }
        let bytes = Array(text.utf8)
        let plain = Document(bytes: bytes), marked = Support.cleaner.document(bytes)
        #expect(marked.segments == plain.segments, "seed \(seed)")
        guard let marking = screen.marking else { Issue.record("the built-in screen marks no bytes"); return }
        let positions = bytes.indices.filter { marking.marks(bytes[$0]) }
        #expect(marked.marks.count == positions.count, "seed \(seed)")
        #expect(marked.marks.hold(screen.marking) == (positions.count <= ByteMarks.capacity), "seed \(seed)")
        if positions.count <= ByteMarks.capacity {
            #expect((0..<positions.count).map { Int(marked.marks.positions[$0]) } == positions, "seed \(seed)")
        }
        #expect(screen.candidates(in: marked) == screen.candidates(in: plain), "seed \(seed): \(text.debugDescription)")
    }

    /// A group whose literals begin with two to four bytes that are not letters is looked for in one search of those
    /// bytes (``Screen/LiteralGroup/firsts``): it finds every start that a pass a first byte finds, on texts of the
    /// built-in groups' literals (in both cases, run together and apart) among prose and their first bytes alone.
    @Test(arguments: 0..<30)
    func oneSearchOfAGroupsFirstBytesFindsWhatAPassEachFinds(seed: UInt64) {
        var random = Generator(state: seed &* 2_654_435_761 &+ 11)
        let groups = Support.builtin.rules.flatMap { rule in rule.screenLiterals.filter { !$0.isEmpty }.enumerated().map { Screen.LiteralGroup($0.element, origin: $0.offset) } }
            .filter { $0.firsts != 0 }
        #expect(!groups.isEmpty)
        for group in groups {
            let literals = group.literals.map { String(decoding: $0.bytes, as: UTF8.self) }
            let firsts = group.byFirstByte.map { String(decoding: [$0.first], as: UTF8.self) }
            var text = ""
            for _ in 0..<Int.random(in: 1...40, using: &random) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0: text += literals.randomElement(using: &random)!.uppercased()
                case 1: text += literals.randomElement(using: &random)!
                case 2: text += firsts.randomElement(using: &random)!
                default: text += PropertyTests.prose.randomElement(using: &random)! + " "
                }
            }
            let bytes = Array(text.utf8)
            func starts(combined: Bool) -> [Int] {
                var found: [Int] = []
                bytes.withUnsafeBufferPointer { buffer in
                    Screen.forEachOccurrence(of: group, in: buffer, 0..<buffer.count, combined: combined) { found.append($0); return $0 + 1 }
                }
                return found.sorted()
            }
            #expect(starts(combined: true) == starts(combined: false), "seed \(seed), group \(literals): \(text.debugDescription)")
        }
    }

    /// A JSON string encoded into a ``ByteWriter`` (the metadata's spans, titles and sites) is the one encoded into an
    /// array, across the writer's move to the heap: quotes, backslashes, controls, surrogates and invalid UTF-8.
    @Test(arguments: 0..<30)
    func aStringEncodedIntoTheWriterIsTheOneEncodedIntoAnArray(seed: UInt64) {
        var random = Generator(state: seed &* 998_244_353 &+ 7)
        let pieces: [[UInt8]] = [Array("plain words ".utf8), [0x22], [0x5C], [0x0A], [0x01], Array("é’😀".utf8), [0xED, 0xA0, 0x80],
                                 [0xC3], [0xFF], [0x7F]]
        let text = (0..<Int.random(in: 0...400, using: &random)).flatMap { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }
        var array: [UInt8] = []
        JSONString.encode(text, to: &array)
        let written = ByteWriter.withStackBuffer(capacity: 16) { writer in
            JSONString.encode(text, into: &writer)
            return writer.withBytes { Array($0) }
        }
        #expect(written == array, "seed \(seed)")
    }

    /// ``CutOff/lastLine(_:end:)`` (sixteen bytes a step) against a walk back a byte at a time: line breaks (LF, CR)
    /// and CJK lead bytes at any distance from the end, from every end.
    @Test(arguments: 0..<40)
    func theLastLineEndsWhereAWalkByBytesDoes(seed: UInt64) {
        var random = Generator(state: seed &* 2_147_483_647 &+ 13)
        let alphabet: [UInt8] = Array("abc de.,".utf8) + [0xC3, 0xA9, 0xE2, 0x80, 0xA6]
        let text: [UInt8] = (0..<Int.random(in: 0...300, using: &random)).map { _ in
            switch Int.random(in: 0..<60, using: &random) {
            case 0: 0x0A
            case 1: 0x0D
            case 2: 0xE3
            case 3: 0xEF
            default: alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
            }
        }
        text.withUnsafeBufferPointer { bytes in
            for end in 0...bytes.count {
                var start = end, leads = false
                while start > 0, bytes[start - 1] != 0x0A, bytes[start - 1] != 0x0D {
                    if bytes[start - 1] == 0xE3 || bytes[start - 1] == 0xEF { leads = true }
                    start -= 1
                }
                let found = CutOff.lastLine(bytes, end: end)
                #expect(found.start == start && found.leads == leads, "seed \(seed): end \(end)")
            }
        }
    }

    /// The match-floor walk (``boilerstrip_cost_floor``), eight bytes a step and 64 (with AVX-512, where the processor
    /// has it), against the same walk a byte at a time: any mix of spacing (spaces, entity letters, UTF-8 spaces),
    /// bytes that continue a character, and other bytes, over several blocks of 64, any budget and lower bound.
    @Test(arguments: 0..<100)
    func theFloorWalkStopsWhereAWalkByBytesDoes(seed: UInt64) {
        var random = Generator(state: seed &* 104_729 &+ 11)
        let alphabet: [UInt8] = Array(" \t&;#0anbsp".utf8) + [0xC2, 0xA0, 0xE2, 0x80, 0xAF] + Array("xyzé.,QRü€".utf8)
        let text = (0..<Int.random(in: 0...600, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
        func byBytes(_ position: Int, _ budget: Int, _ lowerBound: Int) -> Int {
            var at = position, left = budget
            while at > lowerBound {
                if MatchReach.costs[Int(text[at - 1])] == 1 {
                    if left == 0 { break }
                    left -= 1
                }
                at -= 1
            }
            while at > lowerBound, at < text.count, text[at] & 0xC0 == 0x80 { at -= 1 }
            return at
        }
        text.withUnsafeBufferPointer { bytes in
            for _ in 0..<40 {
                let position = Int.random(in: 0...text.count, using: &random)
                let lowerBound = Int.random(in: 0...position, using: &random)
                let budget = Int.random(in: 0...Swift.max(1, position - lowerBound), using: &random)
                let expected = byBytes(position, budget, lowerBound)
                #expect(MatchReach.floor(before: position, budget: budget, in: bytes, lowerBound: lowerBound) == expected,
                        "seed \(seed): floor(before: \(position), budget: \(budget), lowerBound: \(lowerBound))")
                guard let base = bytes.baseAddress else { continue }
                MatchReach.costs.withUnsafeBufferPointer { costs in
                    for level: Int32 in [0, 3] {
                        #expect(boilerstrip_cost_floor_using(level, base, bytes.count, position, budget, lowerBound, costs.baseAddress!) == expected,
                                "seed \(seed), level \(level): floor(before: \(position), budget: \(budget), lowerBound: \(lowerBound))")
                    }
                }
            }
        }
    }

    /// The screen's search for a letter's folded forms (``boilerstrip_first_folded``), eight bytes a step and 64 (with
    /// AVX-512, where the processor has it), against a search a byte at a time: every letter the screen folds to
    /// (ASCII and the continuation bytes after 0xC3), at any offset and length (over several blocks of 64), alone and
    /// followed by one of a few bytes.
    @Test(arguments: 0..<40)
    func theFoldedLetterSearchFindsTheFirstForm(seed: UInt64) {
        var random = Generator(state: seed &* 15_485_863 &+ 5)
        let letters = Array(UInt8(0x61)...0x7A) + Array(UInt8(0xA0)...0xBE)
        let text = (0..<Int.random(in: 1...(seed % 2 == 0 ? 200 : 600), using: &random)).map { _ in
            Int.random(in: 0..<4, using: &random) == 0 ? letters.randomElement(using: &random)! & ~(Bool.random(using: &random) ? 0x20 : 0) : UInt8.random(in: 0...255, using: &random)
        }
        let levels = [0] + (boilerstrip_simd_level() >= 3 ? [3] : [])
        text.withUnsafeBufferPointer { bytes in
            for letter in letters {
                let start = Int.random(in: 0..<text.count, using: &random), last = Int.random(in: start..<text.count, using: &random)
                let expected = (start...last).first { Screen.fold(text[$0]) == letter } ?? last + 1
                for level in levels {
                    #expect(boilerstrip_first_folded_using(Int32(level), bytes.baseAddress!, start, last, letter, nil, 0) == expected,
                            "seed \(seed), level \(level): \(letter) in \(start)...\(last)")
                }
                // With the next byte folding to one of up to four (letters or not); it is read past `last`.
                guard text.count >= 2, start < text.count - 1 else { continue }
                let pairLast = Swift.min(last, text.count - 2)
                let seconds = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                    Bool.random(using: &random) ? letters.randomElement(using: &random)! : Screen.fold(UInt8.random(in: 0...255, using: &random))
                }
                let expectedPair = (start...pairLast).first { Screen.fold(text[$0]) == letter && seconds.contains(Screen.fold(text[$0 + 1])) } ?? pairLast + 1
                for level in levels {
                    let found = seconds.withUnsafeBufferPointer {
                        boilerstrip_first_folded_using(Int32(level), bytes.baseAddress!, start, pairLast, letter, $0.baseAddress, $0.count)
                    }
                    #expect(found == expectedPair, "seed \(seed), level \(level): \(letter) then \(seconds) in \(start)...\(pairLast)")
                }
            }
        }
    }

    /// A set of bytes answers as a `Set<UInt8>` of the same bytes: membership of every byte (the word read at its
    /// offset), union, intersection and inclusion, for sets from empty to full.
    @Test(arguments: 0..<20)
    func byteSetsAgreeWithSets(seed: UInt64) {
        var random = Generator(state: seed &* 104_729 &+ 3)
        func randomSet() -> Set<UInt8> {
            let density = Double(seed % 5) / 4
            return Set((0...255).map(UInt8.init).filter { _ in Double.random(in: 0..<1, using: &random) < density })
        }
        let (a, b) = (randomSet(), randomSet())
        let (x, y) = (ByteSet(a), ByteSet(b))
        for byte in 0...255 { #expect(x.contains(UInt8(byte)) == a.contains(UInt8(byte)), "seed \(seed): \(byte)") }
        #expect(x.union(y).bytes == a.union(b).sorted())
        #expect(x.intersects(y) == !a.isDisjoint(with: b))
        #expect(x.isSubset(of: y) == a.isSubset(of: b))
        #expect(x.isSubset(of: x.union(y)) && ByteSet().isSubset(of: x) && !ByteSet.all.intersects(ByteSet()))
    }

    /// The search for the first of a few bytes, none followed (``boilerstrip_first_of_followed``), eight bytes a step
    /// and 64 (with AVX-512, where the processor has it), against `firstIndex`: one to four bytes, at any offset and
    /// length (empty, under a block, over several), in texts where they are frequent or absent.
    @Test(arguments: 0..<40)
    func theFirstOfAFewBytesIsFound(seed: UInt64) {
        var random = Generator(state: seed &* 7_919 &+ 11)
        let wanted = (0..<Int.random(in: 1...4, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        let text = (0..<Int.random(in: 0...(seed % 2 == 0 ? 150 : 700), using: &random)).map { _ in
            seed % 3 != 0 && Int.random(in: 0..<40, using: &random) == 0 ? wanted.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
        }
        let levels = [0] + (boilerstrip_simd_level() >= 3 ? [3] : [])
        text.withUnsafeBufferPointer { bytes in
            wanted.withUnsafeBufferPointer { wanted in
                for _ in 0..<20 {
                    let start = Int.random(in: 0...text.count, using: &random), end = Int.random(in: start...text.count, using: &random)
                    let expected = text[start..<end].firstIndex { wanted.contains($0) } ?? end
                    for level in levels {
                        let found = boilerstrip_first_of_followed_using(Int32(level), bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, start, end,
                                                                        wanted.baseAddress!, [0, 0, 0, 0], wanted.count)
                        #expect(found == expected, "seed \(seed), level \(level): \(Array(wanted)) in \(start)..<\(end)")
                    }
                }
            }
        }
    }

    /// The same search with a byte that must follow some of them (a group's first bytes, "..." found at its first two
    /// periods), against a walk a byte at a time: texts of those bytes and a few
    /// others, a follower at the range's end counting as none.
    @Test(arguments: 0..<40)
    func theFirstOfAFewBytesFollowedAsGivenIsFound(seed: UInt64) {
        var random = Generator(state: seed &* 104_723 &+ 5)
        let count = Int.random(in: 1...4, using: &random)
        let wanted = (0..<count).map { _ in UInt8.random(in: 1...255, using: &random) }
        let seconds = (0..<count).map { _ in Bool.random(using: &random) ? 0 : UInt8.random(in: 1...255, using: &random) }
        let alphabet = wanted + seconds.filter { $0 != 0 } + [0x20, 0x61, 0x2E]
        let text = (0..<Int.random(in: 0...(seed % 2 == 0 ? 150 : 700), using: &random)).map { _ in alphabet.randomElement(using: &random)! }
        let levels = [0] + (boilerstrip_simd_level() >= 3 ? [3] : [])
        text.withUnsafeBufferPointer { bytes in
            for _ in 0..<20 {
                let start = Int.random(in: 0...text.count, using: &random), end = Int.random(in: start...text.count, using: &random)
                let expected = (start..<end).first { at in
                    (0..<count).contains { wanted[$0] == text[at] && (seconds[$0] == 0 || (at + 1 < end && text[at + 1] == seconds[$0])) }
                } ?? end
                for level in levels {
                    let found = boilerstrip_first_of_followed_using(Int32(level), bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, start, end,
                                                                    wanted, seconds, count)
                    #expect(found == expected, "seed \(seed), level \(level): \(wanted) then \(seconds) in \(start)..<\(end)")
                }
            }
        }
    }

    /// The byte-level helpers of the metadata against their plain versions: the eight-bytes-at-a-time code point
    /// count (any bytes, any length and offset; runs of continuation bytes longer than a block of its byte lanes),
    /// and scalar trimming against Foundation's.
    @Test(arguments: 0..<50)
    func codePointCountsAndTrimmingAgreeWithThePlainVersions(seed: UInt64) {
        var random = Generator(state: seed &+ 101)
        let length = Int.random(in: 0...(seed % 2 == 0 ? 300 : 6000), using: &random)
        let continuations = Double(seed % 5) / 4  // from none to all of them continuation bytes
        let bytes = (0..<length).map { _ in
            Double.random(in: 0..<1, using: &random) < continuations ? UInt8.random(in: 0x80...0xBF, using: &random) : UInt8.random(in: 0...255, using: &random)
        }
        let from = Int.random(in: 0...bytes.count, using: &random)
        let slice = bytes[from...]
        #expect(CutOff.codePointCount(slice) == slice.filter { $0 & 0xC0 != 0x80 }.count, "seed \(seed)")
        let pieces = [" ", "\t", "\u{00A0}", "\u{202F}", "\u{200B}", "a", "é", "😀", ".", "x y"]
        let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        let spaces = " \t\u{00A0}\u{202F}\u{200B}"
        #expect(text.trimmingScalars { spaces.unicodeScalars.contains($0) }
                == text.trimmingCharacters(in: CharacterSet(charactersIn: spaces)), "seed \(seed): \(text.debugDescription)")
    }

    /// Numbers in the metadata are written as Swift's `description` writes the rounded value.
    @Test(arguments: 0..<20)
    func metadataNumbersReadAsSwiftPrintsThem(seed: UInt64) {
        var random = Generator(state: seed &+ 977)
        for _ in 0..<500 {
            let magnitude = [1.0, 10, 100, 1e6, 1e11][Int.random(in: 0..<5, using: &random)]
            let value = Double.random(in: -magnitude...magnitude, using: &random)
            for decimals in [3, 4] {
                var scale = 1.0
                for _ in 0..<decimals { scale *= 10 }
                let rounded = (value * scale).rounded() / scale
                let expected = rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : rounded.description
                let written = ByteWriter.withStackBuffer(capacity: 8) { writer in  // small: the writer grows past it
                    MetadataWriter.number(value, decimals: decimals, to: &writer)
                    return writer.withBytes { String(decoding: $0, as: UTF8.self) }
                }
                #expect(written == expected, "seed \(seed): \(value) to \(decimals) places")
            }
        }
    }

    @Test(arguments: 0..<100)
    func aJSONLRoundTripKeepsEveryOtherFieldByteForByte(seed: UInt64) throws {
        let bytes = Self.document(seed: seed)
        var text: [UInt8] = []
        JSONString.encode(bytes, to: &text)
        let head = Array(#"{"id":"doc-\#(seed)","n":[1,2.5e3,null,{"é":"\u00e9"}],"text":"#.utf8)
        let tail = Array(#","z":"ünï \/ \ud83d\ude00"}"#.utf8)
        let line = head + text + tail
        let records = RecordCleaner(cleaner: Support.cleaner)
        var out: [UInt8] = []
        let outcome = line.withUnsafeBufferPointer { records.cleanRecord($0, in: Support.cleaner.makeWorkspace(), to: &out) }
        guard case .cleaned = outcome else { Issue.record("seed \(seed): \(outcome)"); return }
        #expect(Array(out.prefix(head.count)) == head)
        let output = String(decoding: out, as: UTF8.self)
        #expect(output.contains(String(decoding: tail.dropLast(), as: UTF8.self) + #","boilerstrip":{"#), "seed \(seed)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
        let decision = Support.cleaner.clean(JSONString.decodeToken(text), in: Support.cleaner.makeWorkspace())
        #expect((object["text"] as? String) == String(decoding: decision.cleanedBytes, as: UTF8.self), "seed \(seed)")
    }
}

extension JSONString {
    /// Decodes a whole string token, quotes included (test helper).
    static func decodeToken(_ token: [UInt8]) -> [UInt8] {
        Array(token.dropFirst().dropLast()).withUnsafeBufferPointer { decode($0) }
    }
}

extension SplitMix64 {
    /// A generator seeded with `state` (the tests' spelling).
    init(state: UInt64) { self.init(seed: state) }
}
