#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIMDKernels

/// A document: its UTF-8 bytes, kept as they are, and its segments (lines) as byte ranges.
///
/// Invariant: the segments tile `bytes` exactly, in order; each segment's `content` excludes its line
/// break, which is `\n`, `\r\n` or a lone `\r`.
public struct Document: Sendable {
    /// The input bytes, unchanged.
    public let bytes: [UInt8]
    /// The lines of the document, in order.
    public let segments: [Segment]

    /// Where the bytes of a ``Marking`` occur, noted while splitting (``init(bytes:marking:)``); ``ByteMarks/none``
    /// otherwise.
    let marks: ByteMarks

    /// Splits `bytes` into lines.
    public init(bytes: [UInt8]) {
        self.init(bytes: bytes, marking: nil)
    }

    /// Splits `bytes` into lines, noting where `marking`'s bytes occur in the same pass (for the screen).
    init(bytes: [UInt8], marking: Marking?) {
        self.bytes = bytes
        (segments, marks) = Document.split(bytes, marking: marking)
    }

    /// Splits a text into lines.
    public init(_ text: String) { self.init(bytes: Array(text.utf8)) }

    /// A text whose lines are known: `segments` must be what ``split(_:marking:)`` gives
    /// (``JSONString/decodeDocument(_:)`` finds them while decoding). It notes no bytes.
    init(bytes: [UInt8], segments: [Segment]) {
        self.bytes = bytes
        self.segments = segments
        marks = .none
    }

    /// The lines of a text, and where `marking`'s bytes are: every LF and CR, and every marked byte, comes from
    /// `boilerstrip_line_breaks` in bulk (64 bytes a step with AVX-512), a CR LF pair is one break. (`memchr` once a
    /// line, then a byte loop for a text with a CR, spent more on its calls than on scanning: news text's lines,
    /// paragraphs and the blank lines between them, are short.)
    static func split(_ bytes: [UInt8], marking: Marking? = nil) -> (segments: [Segment], marks: ByteMarks) {
        var lines = Lines(forBytes: bytes.count)
        var marks = SIMD8<Int32>(), markCount = 0
        // Positions are kept in 32 bits: a text of 2 GiB or more notes none.
        let marking = bytes.count < Int(Int32.max) ? marking : nil
        withUnsafePointer(to: marking?.kernel ?? Marking.nothing) { kernel in
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
            let count = buffer.count
            // 768 bytes: on the stack (at 4 KB the standard library took them from the heap, a malloc a document).
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 96) { positions in
                var from = 0
                var taken = -1  // the LF of a CR LF pair, broken at its CR
                while from < count {
                    var resume = 0
                    let found = boilerstrip_line_breaks(base, from, count, kernel, positions.baseAddress!, positions.count, &resume)
                    for index in positions[0..<found] where index != taken {
                        let byte = base[index]
                        guard byte == 0x0A || byte == 0x0D else {  // a marked byte
                            if markCount < ByteMarks.capacity { marks[markCount] = Int32(truncatingIfNeeded: index) }
                            markCount += 1
                            continue
                        }
                        var next = index + 1
                        if byte == 0x0D && next < count && base[next] == 0x0A {
                            taken = next
                            next += 1
                        }
                        lines.lineBreak(at: index, next: next)
                    }
                    from = resume
                }
            }
        }}
        let noted = marking.map { ByteMarks(key: $0.key, count: markCount, positions: markCount <= ByteMarks.capacity ? marks : SIMD8()) }
        return (lines.finish(count: bytes.count), noted ?? .none)
    }

    /// Segments built one line break at a time: by ``split(_:marking:)``, and by the JSON decoding, which meets every
    /// line feed of a record's text as an escape (``JSONString/decodeDocument(_:)``).
    struct Lines {
        private(set) var segments: [Segment] = []
        /// Where the line after the last break starts.
        private(set) var lineStart = 0

        /// Room for a line every 32 bytes of a text of `count`: no document of the corpus's first 20 MB grows the array
        /// (with a line every 128 bytes, a quarter of them did: the blank lines between paragraphs are lines too).
        init(forBytes count: Int) { segments.reserveCapacity(min(count / 32, 16_384) + 4) }

        /// A line that ends at `index`, its break at `next`.
        @inline(__always)
        mutating func lineBreak(at index: Int, next: Int) {
            segments.append(Segment(index: segments.count, content: lineStart..<index, end: next))
            lineStart = next
        }

        /// The segments of a text of `count` bytes: with its last line when no break ends it, one empty segment for an
        /// empty text.
        mutating func finish(count: Int) -> [Segment] {
            if lineStart < count || segments.isEmpty { segments.append(Segment(index: segments.count, content: lineStart..<count, end: count)) }
            return segments
        }
    }
}

/// One line of a document.
public struct Segment: Sendable, Equatable {
    /// Position among the document's segments.
    public let index: Int
    /// The line's bytes, without the line break.
    public let content: Range<Int>
    /// The byte after the line break (equal to `content.upperBound` for a last line with none).
    public let end: Int

    /// The line with its line break.
    public var whole: Range<Int> { content.lowerBound..<end }
}

extension Document {
    /// Whether the segment holds only spaces (ASCII, NBSP, zero-width) or nothing.
    public func isBlank(_ segment: Segment) -> Bool {
        trimmed(segment.content).isEmpty
    }

    /// `range` without leading and trailing spacing: ASCII spaces and tabs, NBSP, narrow NBSP, the
    /// zero-width space and the BOM.
    public func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, let width = Spacing.width(at: lower, in: bytes, limit: upper) { lower += width }
        while lower < upper, let width = Spacing.widthBefore(upper, in: bytes, limit: lower) { upper -= width }
        return lower..<upper
    }
}

/// Recognises the spacing characters that trimming and span extension skip, on UTF-8 bytes.
enum Spacing {
    /// The byte length of a spacing character starting at `index`, or nil.
    @inline(__always)
    static func width(at index: Int, in bytes: [UInt8], limit: Int) -> Int? {
        let byte = bytes[index]
        if byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C { return 1 }
        if byte == 0xC2, index + 1 < limit, bytes[index + 1] == 0xA0 { return 2 }
        if byte == 0xE2, index + 2 < limit, bytes[index + 1] == 0x80,
           bytes[index + 2] == 0xAF || bytes[index + 2] == 0x8B || bytes[index + 2] == 0x89 { return 3 }
        if byte == 0xEF, index + 2 < limit, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF { return 3 }
        return nil
    }

    /// The byte length of a spacing character ending right before `index`, or nil.
    @inline(__always)
    static func widthBefore(_ index: Int, in bytes: [UInt8], limit: Int) -> Int? {
        let byte = bytes[index - 1]
        if byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C { return 1 }
        if byte == 0xA0, index - 2 >= limit, bytes[index - 2] == 0xC2 { return 2 }
        if index - 3 >= limit {
            let a = bytes[index - 3], b = bytes[index - 2]
            if a == 0xE2, b == 0x80, byte == 0xAF || byte == 0x8B || byte == 0x89 { return 3 }
            if a == 0xEF, b == 0xBB, byte == 0xBF { return 3 }
        }
        return nil
    }
}
