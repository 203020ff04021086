/// Document-level verdicts and the facts read from the boilerplate.
public struct Metadata: Sendable, Equatable {
    /// A paywall or subscriber notice removed where the text stops.
    public var paywalled = false
    /// The text is not the whole article: a paywall, a truncation notice, or a cut-off.
    public var truncated = false
    /// Confidence in the pair of verdicts, 0…1.
    public var confidence = 0.9
    /// Why `truncated` is set, when it is (a rule id, or `cut-off:ellipsis`).
    public var truncatedBy: String?
    /// The share of the article still to read, as stated (64.96 for "64.96%").
    public var remainingPercent: Double?
    /// Characters still to read, as stated (Nikkei's 残りN文字).
    public var remainingChars: Int?
    /// The full article's length in characters, estimated from the visible text and the stated remainder.
    public var estimatedFullChars: Int?
    /// Where a syndicated item was first published.
    public var syndication = Syndication()

    /// The original publication of a syndicated item.
    public struct Syndication: Sendable, Equatable {
        public var originalTitle: String?
        public var originalSite: String?
        public var originalURL: String?
        /// A wire or agency credit (Reuters, AFP, dpa, AP).
        public var credit: String?
    }

    public init() {}

    /// Whether nothing was found: what ``init()`` holds (most documents), told without comparing every field.
    var isNothingFound: Bool {
        !paywalled && !truncated && confidence == 0.9 && truncatedBy == nil && remainingPercent == nil && remainingChars == nil
            && estimatedFullChars == nil && syndication.originalTitle == nil && syndication.originalSite == nil
            && syndication.originalURL == nil && syndication.credit == nil
    }

    /// Wire names as their sign-offs spell them (`REUTER`, `afp`), in their usual form.
    static let wires: [String: String] = [
        "reuter": "Reuters", "reuters": "Reuters", "afp": "AFP", "dpa": "dpa", "ap": "AP", "associated press": "AP",
        "efe": "EFE", "ansa": "ANSA", "apa": "APA", "pti": "PTI", "ians": "IANS", "anp": "ANP", "kyodo": "Kyodo",
        "bloomberg": "Bloomberg", "belga": "Belga", "sda": "SDA", "epd": "epd", "kna": "KNA", "ritzau": "Ritzau",
    ]

    static func canonicalCredit(_ credit: String) -> String {
        wires[credit.lowercased().trimmingScalars {
            switch $0 { case " ", ".", "^", "M": true; default: false }
        }] ?? credit
    }

    /// Inlined where it is called: as a call, the catalogue it is passed was retained and released around it, its rules
    /// and its screen, objects every job shares (two counts a document on cache lines both cores write).
    @inline(__always)
    init(removed: [ScoredSpan], flagged: [ScoredSpan], document: Document, catalogue: Catalogue) {
        let bytes = document.bytes
        func text(_ range: Range<Int>) -> String {
            HTMLEntities.decode(String(decoding: bytes[range], as: UTF8.self))
                .trimmingScalars {
                    switch $0 { case " ", "\t", "\u{00A0}", "\u{202F}", "\u{200B}": true; default: false }
                }
        }
        var strongest = 0.0
        var headBadge: ScoredSpan? = nil
        for span in removed {
            let ruleIndex = span.evidence.rule  // fields read one by one: a copy of the rule retains all of them
            let captures = span.evidence.captures
            switch catalogue.rules[ruleIndex].family {
            case .paywall where catalogue.rules[ruleIndex].position == .head:
                // A subscriber badge at the top: paywalled only if the text is also cut (below).
                headBadge = headBadge ?? span
            case .paywall where span.atTextEdge:
                // A notice where the text stops.
                paywalled = true
                truncated = true
                truncatedBy = truncatedBy ?? catalogue.rules[ruleIndex].id
                strongest = max(strongest, span.score)
            case .truncation where span.atTextEdge:
                truncated = true
                truncatedBy = truncatedBy ?? catalogue.rules[ruleIndex].id
                strongest = max(strongest, span.score)
            default:
                break
            }
            if remainingPercent == nil, let range = captures[.percent] {
                remainingPercent = Double(text(range).replacingOccurrences(of: ",", with: "."))
            }
            if remainingChars == nil, let range = captures[.chars] {
                remainingChars = Int(text(range).filter { $0.isNumber && $0.isASCII })
            }
            if syndication.originalTitle == nil, let range = captures[.title] { syndication.originalTitle = text(range) }
            if syndication.originalSite == nil, let range = captures[.site] {
                // A site name does not end a sentence: drop a final period the pattern let in.
                var site = text(range)
                if site.hasSuffix("."), !site.dropLast().hasSuffix(".") { site.removeLast() }
                syndication.originalSite = site
            }
            if syndication.originalURL == nil, let range = captures[.url] { syndication.originalURL = text(range) }
            if syndication.credit == nil, let range = captures[.credit] { syndication.credit = Metadata.canonicalCredit(text(range)) }
        }
        // Cut-off cues: the last line of text ends on an ellipsis, or stops in mid-sentence.
        if !truncated, let ending = CutOff.ending(of: document, removed: removed) {
            truncated = true
            truncatedBy = ending.reason
            strongest = ending.confidence
        }
        if let badge = headBadge, truncated, !paywalled {
            paywalled = true
            strongest = max(strongest, min(badge.score, 0.9))
        }
        if truncated || paywalled {
            confidence = strongest
        } else {
            // Evidence in the flagged band lowers the confidence that the text is complete.
            let doubt = flagged.filter { [.paywall, .truncation].contains(catalogue.rules[$0.evidence.rule].family) }
                .map(\.score).max() ?? 0
            confidence = min(0.9, 1 - doubt)
        }
        // Estimated full length from the visible text.
        if remainingPercent != nil || remainingChars != nil {
            var visible = 0
            var cursor = 0
            for span in removed {
                visible += CutOff.codePointCount(bytes[cursor..<span.span.lowerBound])
                cursor = span.span.upperBound
            }
            visible += CutOff.codePointCount(bytes[cursor...])
            if let chars = remainingChars {
                estimatedFullChars = visible + chars
            } else if let percent = remainingPercent, percent < 100 {
                estimatedFullChars = Int((Double(visible) / (1 - percent / 100)).rounded())
            }
        }
    }
}

import Foundation

/// Cut-off cues read from the text itself.
enum CutOff {
    /// A cut-off read from the end of the kept text: `cut-off:ellipsis` when it ends on an ellipsis,
    /// `cut-off:mid-sentence` when its last line is long prose that stops without closing punctuation.
    static func ending(of document: Document, removed: [ScoredSpan]) -> (reason: String, confidence: Double)? {
        let bytes = document.bytes
        // The end of the kept text: walk back over removed spans and spaces.
        var end = bytes.count
        var spans = removed[...]
        while true {
            while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || Spacing.widthBefore(end, in: bytes, limit: 0) != nil {
                end -= Spacing.widthBefore(end, in: bytes, limit: 0) ?? 1
            }
            if let last = spans.last, last.span.upperBound >= end, last.span.lowerBound < end {
                end = last.span.lowerBound
                spans = spans.dropLast()
                continue
            }
            if let last = spans.last, last.span.lowerBound >= end { spans = spans.dropLast(); continue }
            break
        }
        guard end >= 3 else { return nil }
        // Cues count in excerpts and teasers only (feed excerpts, descriptions, a teaser paragraph): a whole
        // article that ends on a stylistic "…" or lacks its last period is not cut.
        // Bytes bound the characters (one to four each): only a text in between needs counting, and only when it ends
        // on a cue (most texts end on a period; counting first took 1.8 % of a run over the corpus).
        let keptBytes = end - removed.reduce(0) { $0 + max(0, min($1.span.upperBound, end) - $1.span.lowerBound) }
        guard keptBytes <= 4 * excerptMaximumCharacters, let cue = cue(bytes, end: end) else { return nil }
        if keptBytes > excerptMaximumCharacters {
            var kept = 0
            var cursor = 0
            for span in removed where span.span.lowerBound < end {
                kept += codePointCount(bytes[cursor..<max(cursor, span.span.lowerBound)])
                cursor = max(cursor, span.span.upperBound)
            }
            if cursor < end { kept += codePointCount(bytes[cursor..<end]) }
            guard kept <= excerptMaximumCharacters else { return nil }
        }
        return cue
    }

    /// The cut-off cue of a text that ends at `end` (at least three bytes in), if any: an ellipsis, or a last line that
    /// stops in mid-sentence.
    static func cue(_ bytes: [UInt8], end: Int) -> (reason: String, confidence: Double)? {
        if bytes[end - 3] == 0xE2, bytes[end - 2] == 0x80, bytes[end - 1] == 0xA6 { return ("cut-off:ellipsis", 0.7) }
        if bytes[end - 1] == UInt8(ascii: "."), bytes[end - 2] == UInt8(ascii: "."), bytes[end - 3] == UInt8(ascii: ".") {
            return ("cut-off:ellipsis", 0.7)
        }
        // A text that ends on closing punctuation (most do) stops in no sentence, CJK (``cjkClosing``) or other.
        switch bytes[end - 1] {
        case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ")"), UInt8(ascii: "\""), UInt8(ascii: "]"): return nil
        default: break
        }
        if let cut = cjkCut(bytes, end: end) { return cut }
        // The last line: long, several words, ending on a lowercase letter or a comma.
        let last = bytes[end - 1]
        guard (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(last) || last == UInt8(ascii: ",") else { return nil }
        return bytes.withUnsafeBufferPointer { bytes -> (reason: String, confidence: Double)? in
            // Walk back from the end: the unfinished sentence (to the last . ! ?), then enough of the line.
            var index = end - 1
            var fragmentWords = 0, words = 0
            var fragmentEnd: Int? = nil  // where the last sentence end sits
            var lineStart: Int? = nil
            var previousSpace = false  // the byte after `index` was a space
            while index >= 0 {
                let byte = bytes[index]
                if byte == 0x0A || byte == 0x0D { lineStart = index + 1; break }
                let space = byte == 0x20
                if fragmentEnd == nil {
                    if byte == UInt8(ascii: ":") { return nil }  // "Video: …", "Lesen Sie: …"
                    if index < end - 1, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?") {
                        fragmentEnd = index
                    } else if space {
                        fragmentWords += 1
                    }
                }
                // A word starts where a non-space follows a space (counted at the space, and at the line start).
                if space && !previousSpace && index < end - 1 { words += 1 }
                previousSpace = space
                if fragmentEnd != nil, words >= 12, end - index >= midSentenceMinimumBytes { lineStart = nil; break }
                index -= 1
            }
            if index < 0 { lineStart = 0 }
            if let lineStart {
                // The whole line was read: count its first word.
                if lineStart < end, bytes[lineStart] != 0x20 { words += 1 }
                // A paragraph of its own that stops mid-sentence after one that ended properly: the feed cut
                // at a length, not at a paragraph.
                if fragmentEnd == nil, words >= 8, end - lineStart >= 50, previousLineEndsSentence(bytes, before: lineStart) {
                    return ("cut-off:mid-sentence", 0.6)
                }
                guard end - lineStart >= midSentenceMinimumBytes else { return nil }
            }
            guard words >= 12, let fragmentEnd else { return nil }
            // Not a heading, a label or a credit: the line holds a sentence end, and what follows it is a long
            // unfinished sentence (eight words or more, no colon).
            guard end - (fragmentEnd + 1) >= 50, fragmentWords >= 8 else { return nil }
            return ("cut-off:mid-sentence", 0.6)
        }
    }

    /// Whether the last non-blank line before `lineStart` ends a sentence (. ! ? or a closing quote after one).
    static func previousLineEndsSentence(_ bytes: UnsafeBufferPointer<UInt8>, before lineStart: Int) -> Bool {
        var index = lineStart - 1
        while index >= 0, bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x20 || bytes[index] == 0x09 { index -= 1 }
        guard index >= 0 else { return false }
        var byte = bytes[index]
        if byte == UInt8(ascii: "\""), index > 0 { byte = bytes[index - 1] }
        return byte == UInt8(ascii: ".") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?")
    }

    /// Full stops (。！？．) and what may close a sentence after them (brackets, quotes, …, ASCII . ! ? ) " ]).
    static let cjkStops: Set<UInt32> = [0x3002, 0xFF01, 0xFF1F, 0xFF0E]
    static let cjkClosing = cjkStops.union([0x300D, 0x300F, 0xFF09, 0x3011, 0x201D, 0x2019, 0x2026, 0x2E, 0x21, 0x3F, 0x29, 0x22, 0x5D])

    /// A Chinese or Japanese excerpt cut mid-sentence: its last line holds a full stop (。！？), and after the last
    /// one comes a clause of 15 characters or more that ends on no closing punctuation (「AirP, 大会の).
    static func cjkCut(_ bytes: [UInt8], end: Int) -> (reason: String, confidence: Double)? {
        // The text from the end back to the line start, as scalars (short: excerpts only get here).
        let (start, leads) = bytes.withUnsafeBufferPointer { lastLine($0, end: end) }
        guard leads else { return nil }
        let scalars = Array(String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars)
        guard let last = scalars.last else { return nil }
        guard let stop = scalars.lastIndex(where: { cjkStops.contains($0.value) }) else { return nil }
        guard !cjkClosing.contains(last.value), scalars.count - stop - 1 >= 15 else { return nil }
        // The clause is written in the script: most of it is CJK (not a Latin sentence after a quoted title).
        let clause = scalars[(stop + 1)...]
        let cjk = clause.filter { (0x3040...0x30FF).contains($0.value) || (0x4E00...0x9FFF).contains($0.value) || (0xFF00...0xFFEF).contains($0.value) }.count
        guard cjk * 2 >= clause.count else { return nil }
        return ("cut-off:mid-sentence", 0.6)
    }

    /// Where the line that ends at `end` starts (after its CR or LF), and whether it holds a lead byte of the CJK full
    /// stops (E3 80 82, EF BC 81/8E/9F): one pass back for both, sixteen bytes a step while no line break is among
    /// them (an excerpt's line is up to 4 KB).
    static func lastLine(_ bytes: UnsafeBufferPointer<UInt8>, end: Int) -> (start: Int, leads: Bool) {
        var start = end, leads = false
        if let base = bytes.baseAddress {
            let newline = SIMD16<UInt8>(repeating: 0x0A), returnByte = SIMD16<UInt8>(repeating: 0x0D)
            let e3 = SIMD16<UInt8>(repeating: 0xE3), ef = SIMD16<UInt8>(repeating: 0xEF)
            while start >= 16 {
                let block = ByteBlock.load(base + start - 16)
                if ByteBlock.any((block .== newline) .| (block .== returnByte)) { break }
                if ByteBlock.any((block .== e3) .| (block .== ef)) { leads = true }
                start -= 16
            }
        }
        while start > 0 {
            let byte = bytes[start - 1]
            if byte == 0x0A || byte == 0x0D { break }
            if byte == 0xE3 || byte == 0xEF { leads = true }
            start -= 1
        }
        return (start, leads)
    }

    /// The longest kept text (in characters) whose ending is read as a cut: excerpt and teaser sizes. WordPress
    /// excerpts are 55 words, meta descriptions up to about 300 characters, teaser paragraphs a few hundred more.
    static let excerptMaximumCharacters = 1000

    /// The shortest last line that can count as stopping in mid-sentence.
    static let midSentenceMinimumBytes = 120

    static func codePointCount(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.withUnsafeBytes { raw in
            // Every byte but the continuation bytes (top bit set, the next one clear), counted eight at a time in
            // byte lanes (bit 0 of each lane: bit 7 and not bit 6), which are summed every 255 words, before one
            // can overflow. No population count: the default x86-64 target has no instruction for it.
            let ones: UInt64 = 0x0101_0101_0101_0101, evenLanes: UInt64 = 0x00FF_00FF_00FF_00FF
            var count = raw.count, index = 0
            while index + 8 <= raw.count {
                let stop = min(raw.count, index + 8 * 255)
                var lanes: UInt64 = 0
                while index + 8 <= stop {
                    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    lanes &+= (word >> 7) & ~(word >> 6) & ones
                    index += 8
                }
                let pairs = (lanes & evenLanes) &+ ((lanes >> 8) & evenLanes)  // four 16-bit lanes, each at most 510
                count -= Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
            }
            while index < raw.count { count -= raw[index] & 0xC0 == 0x80 ? 1 : 0; index += 1 }
            return count
        }
    }
}

extension String {
    /// The string without the leading and trailing scalars `trimmed` accepts (Foundation's
    /// `trimmingCharacters(in:)` without the bridging, which costs more than the rest of a document's metadata).
    func trimmingScalars(_ trimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !trimmed($0) }),
              let last = scalars.lastIndex(where: { !trimmed($0) }) else { return "" }
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }  // no copy
        return String(scalars[first...last])
    }
}

/// Decodes the HTML entities that feeds leave in text, for metadata values (never for the text itself).
enum HTMLEntities {
    static let named: [String: String] = [
        "nbsp": "\u{00A0}", "amp": "&", "quot": "\"", "apos": "'", "lt": "<", "gt": ">", "rsquo": "’", "lsquo": "‘",
        "rdquo": "”", "ldquo": "“", "hellip": "…", "ndash": "–", "mdash": "—", "laquo": "«", "raquo": "»",
    ]

    static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(10).firstIndex(of: ";") {
                let name = String(after[..<semicolon])
                var replacement: String? = named[name]
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                }
                if let replacement {
                    out += replacement
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }
}
