#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIMDKernels

/// JSON string escapes, decoded to and encoded from UTF-8 bytes, without Foundation.
///
/// A lone surrogate escape (`\ud800`) decodes to its three-byte WTF-8 form, and encodes back to the same
/// escape, so a record round-trips even when its text is not valid Unicode, and code point offsets agree with
/// Python's.
public enum JSONString {
    /// Decodes the body of a JSON string token (the bytes between the quotes). The body must be valid: the
    /// scanner checks it first.
    public static func decode(_ body: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: body.count) { buffer, count in count = decode(body, into: buffer) }
    }

    /// Decodes the body of a valid JSON string token into a document, its lines found while decoding: a JSON string
    /// holds no raw line break, so each one in the text is an escape the decoding meets (a text with a carriage return
    /// is split as any document is, for its `\r\n` pairs).
    public static func decodeDocument(_ body: UnsafeBufferPointer<UInt8>) -> Document {
        var breaks = LineBreaks(lines: Document.Lines(forBytes: body.count))
        let bytes = [UInt8](unsafeUninitializedCapacity: body.count) { buffer, count in count = decode(body, into: buffer, lines: &breaks) }
        if breaks.carriageReturn { return Document(bytes: bytes) }
        return Document(bytes: bytes, segments: breaks.lines!.finish(count: bytes.count))  // in place: no copy of the lines
    }

    /// The line breaks a decoding writes: the lines of the text (when they are wanted), a line feed (from `\n` or
    /// `\u000a`) at a time; whether it wrote a carriage return.
    struct LineBreaks {
        var lines: Document.Lines?
        var carriageReturn = false

        @inline(__always)
        mutating func wrote(_ byte: UInt32, at position: Int) {
            if byte == 0x0A {
                lines?.lineBreak(at: position, next: position + 1)
            } else if byte == 0x0D {
                carriageReturn = true
            }
        }
    }

    /// Decodes a valid body into `out`, which has room for `body.count` bytes (no escape decodes to more bytes than
    /// it takes); returns how many it wrote. Runs between escapes are copied whole.
    static func decode(_ body: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var breaks = LineBreaks()
        return decode(body, into: out, lines: &breaks)
    }

    /// The same, with the line breaks it writes told to `lines`.
    @inline(__always)
    static func decode(_ body: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>, lines: inout LineBreaks) -> Int {
        guard let source = body.baseAddress, let target = out.baseAddress else { return 0 }
        var index = 0, written = 0
        while index < body.count {
            // Copy the run up to the next backslash (one pass, a vector at a time where the processor has them).
            let run = boilerstrip_copy_run(target + written, source + index, body.count - index)
            written += run
            index += run
            guard index < body.count else { break }
            let escape = body[index + 1]
            index += 2
            let byte: UInt8
            switch escape {
            case UInt8(ascii: "n"): byte = 0x0A
            case UInt8(ascii: "t"): byte = 0x09
            case UInt8(ascii: "r"): byte = 0x0D
            case UInt8(ascii: "b"): byte = 0x08
            case UInt8(ascii: "f"): byte = 0x0C
            case UInt8(ascii: "u"):
                var scalar = hex4(body, at: index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 5 < body.count,
                   body[index] == UInt8(ascii: "\\"), body[index + 1] == UInt8(ascii: "u") {
                    let low = hex4(body, at: index + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                lines.wrote(scalar, at: written)
                written += writeUTF8(scalar, to: target + written)
                continue
            default: byte = escape  // \" \\ \/
            }
            lines.wrote(UInt32(byte), at: written)
            target[written] = byte
            written += 1
        }
        return written
    }

    static func hex4(_ body: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 4 | UInt32(hexValue(body[index + offset])) }
        return value
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: 0xFF
        }
    }

    /// Writes the UTF-8 (or, for a surrogate, WTF-8) bytes of a scalar value; returns how many.
    static func writeUTF8(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case 0..<0x80:
            out[0] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | scalar >> 6); out[1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | scalar >> 12); out[1] = UInt8(0x80 | scalar >> 6 & 0x3F); out[2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            out[0] = UInt8(0xF0 | scalar >> 18); out[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            out[2] = UInt8(0x80 | scalar >> 6 & 0x3F); out[3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `bytes` as a JSON string token, quotes included. Invalid UTF-8 becomes U+FFFD; WTF-8 surrogates
    /// become `\uXXXX` escapes.
    public static func encode<C: Collection<UInt8>>(_ bytes: C, to out: inout [UInt8]) where C.Index == Int {
        encode(bytes, into: &out)
    }

    /// The same into any output (a ``ByteWriter`` for the metadata).
    static func encode<C: Collection<UInt8>, Out: ByteOutput & ~Copyable>(_ bytes: C, into out: inout Out) where C.Index == Int {
        if bytes.withContiguousStorageIfAvailable({ encode(contiguous: $0, to: &out) }) == nil {
            Array(bytes).withUnsafeBufferPointer { encode(contiguous: $0, to: &out) }
        }
    }

    /// Runs of bytes that need no escape (``plainEnd(_:from:end:)``) are copied whole.
    static func encode<Out: ByteOutput & ~Copyable>(contiguous bytes: UnsafeBufferPointer<UInt8>, to out: inout Out) {
        out.append(UInt8(ascii: "\""))
        encodeBody(bytes, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// The body of a string token, without its quotes: pieces of text whose cuts fall between UTF-8 sequences encode
    /// one after the other as their concatenation does.
    static func encodeBody<Out: ByteOutput & ~Copyable>(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout Out) {
        guard !bytes.isEmpty else { return }
        var run = 0, index = 0
        let end = bytes.count
        while index < end {
            index = plainEnd(bytes.baseAddress!, from: index, end: end)
            guard index < end else { break }
            let byte = bytes[index]
            out.append(UnsafeBufferPointer(rebasing: bytes[run..<index]))
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte); index += 1
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte); index += 1
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n")); index += 1
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r")); index += 1
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t")); index += 1
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b")); index += 1
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f")); index += 1
            case 0..<0x20:
                appendEscape(UInt32(byte), to: &out); index += 1
            default:
                if let surrogate = UTF8Validation.surrogate(bytes, at: index, end: end) {
                    appendEscape(surrogate, to: &out)
                    index += 3
                } else {
                    out.append(0xEF); out.append(0xBF); out.append(0xBD)  // U+FFFD
                    index += 1
                }
            }
            run = index
        }
        out.append(UnsafeBufferPointer(rebasing: bytes[run..<end]))
    }

    /// The first index from `index` on whose byte a JSON string cannot hold as it is: a quote, a backslash, a
    /// control byte, or the start of an invalid UTF-8 sequence; `end` when there is none. Plain ASCII goes sixteen
    /// bytes a step (SIMD), then eight (SWAR); valid UTF-8 sequences are stepped over.
    @inline(__always)
    static func plainEnd(_ base: UnsafePointer<UInt8>, from index: Int, end: Int) -> Int {
        let quote = SIMD16<UInt8>(repeating: UInt8(ascii: "\"")), backslash = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
        let space = SIMD16<UInt8>(repeating: 0x20), high = SIMD16<UInt8>(repeating: 0x80)
        var index = index
        // Long runs: 32 or 64 bytes a step (AVX2, AVX-512) where the processor has them, up to a block that needs a
        // closer look.
        if end - index >= 64 { index += boilerstrip_plain_prefix(base + index, end - index) }
        while true {
            while index + 16 <= end {
                let block = ByteBlock.load(base + index)
                let stop = (block .== quote) .| (block .== backslash) .| (block .< space)
                if !ByteBlock.any(stop .| (block .>= high)) { index += 16; continue }
                // Letters with accents, typographic quotes and dashes: a block of valid two- and three-byte
                // sequences is stepped over whole, up to a sequence its end cuts.
                guard !ByteBlock.any(stop), let valid = UTF8Validation.validPrefix(block) else { break }
                index += valid
            }
            if index + 8 <= end {
                let special = specialBytes(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                if special == 0 { index += 8; continue }
                index += special.trailingZeroBitCount >> 3  // the first byte that is not plain ASCII
            }
            guard index < end else { return end }
            let byte = base[index]
            if byte < 0x80 {
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") { index += 1; continue }
                return index
            }
            let length = UTF8Validation.sequenceLength(UnsafeBufferPointer(start: base, count: end), at: index, end: end)
            if length == 0 { return index }
            index += length
        }
    }

    /// The high bit of each of the eight bytes (little-endian) that is `"`, `\\`, a control byte or a non-ASCII
    /// byte (SWAR); bytes above the first such byte may be marked too (a borrow), never the bytes below it.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
        // A zero byte in x shows as (x - ones) & ~x & highs; bytes below 0x20 as (word - 0x20…) & ~word & highs.
        let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word) | word
        return special & highs
    }

    static func appendEscape<Out: ByteOutput & ~Copyable>(_ value: UInt32, to out: inout Out) {
        out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) { out.append(hexDigits[Int(value >> UInt32(shift) & 0xF)]) }
    }
}

/// UTF-8 validation on bytes.
enum UTF8Validation {
    /// How many of the sixteen bytes of a block without control bytes are whole, valid UTF-8 sequences of one to
    /// three bytes, when the block holds only such sequences and up to two bytes of one its end cuts (then 14 or
    /// 15); nil when it holds anything else (a four-byte sequence, a lead E0 or ED, whose second byte has a
    /// narrower range, or an invalid byte), or when its first byte continues a sequence: the caller then checks
    /// sequence by sequence. The lanes are read as two words, so that a lane's bit moves to the next lane by a shift.
    @inline(__always)
    static func validPrefix(_ block: SIMD16<UInt8>) -> Int? {
        // Vector operands throughout: the overloads with a scalar operand compile to loops over the lanes.
        func all(_ byte: UInt8) -> SIMD16<UInt8> { SIMD16(repeating: byte) }
        let continuation = (block & all(0xC0)) .== all(0x80)
        let lead2 = (block .>= all(0xC2)) .& (block .< all(0xE0))
        let lead3 = (block .>= all(0xE1)) .& (block .< all(0xF0)) .& (block .!= all(0xED))
        let other = (block .>= all(0x80)) .& .!(continuation .| lead2 .| lead3)
        let (c0, c1) = ByteBlock.words(continuation), (l0, l1) = ByteBlock.words(lead2 .| lead3), (t0, t1) = ByteBlock.words(lead3)
        let (o0, o1) = ByteBlock.words(other)
        // Each lead wants a continuation in the next lane, a three-byte lead in the one after too.
        let wanted0 = l0 << 8 | t0 << 16, wanted1 = l1 << 8 | l0 >> 56 | t1 << 16 | t0 >> 48
        guard o0 | o1 == 0, c0 == wanted0, c1 == wanted1 else { return nil }
        return l1 >> 56 != 0 ? 15 : (t1 >> 48) & 0xFF != 0 ? 14 : 16
    }

    /// The length of the valid UTF-8 sequence (≥ 2 bytes) at `index`, or 0 when it is not valid.
    @inline(__always)
    static func sequenceLength<C: Collection<UInt8>>(_ bytes: C, at index: Int, end: Int) -> Int where C.Index == Int {
        let lead = bytes[index]
        switch lead {
        case 0xC2...0xDF:
            return index + 1 < end && bytes[index + 1] & 0xC0 == 0x80 ? 2 : 0
        case 0xE0...0xEF:
            guard index + 2 < end else { return 0 }
            let b1 = bytes[index + 1], b2 = bytes[index + 2]
            guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return 0 }
            if lead == 0xE0 && b1 < 0xA0 { return 0 }
            if lead == 0xED && b1 >= 0xA0 { return 0 }  // surrogates
            return 3
        case 0xF0...0xF4:
            guard index + 3 < end else { return 0 }
            let b1 = bytes[index + 1]
            guard b1 & 0xC0 == 0x80, bytes[index + 2] & 0xC0 == 0x80, bytes[index + 3] & 0xC0 == 0x80 else { return 0 }
            if lead == 0xF0 && b1 < 0x90 { return 0 }
            if lead == 0xF4 && b1 >= 0x90 { return 0 }
            return 4
        default:
            return 0
        }
    }

    /// The surrogate value of a WTF-8 surrogate sequence at `index`, or nil.
    static func surrogate<C: Collection<UInt8>>(_ bytes: C, at index: Int, end: Int) -> UInt32? where C.Index == Int {
        guard index + 2 < end, bytes[index] == 0xED else { return nil }
        let b1 = bytes[index + 1], b2 = bytes[index + 2]
        guard b1 >= 0xA0, b1 <= 0xBF, b2 & 0xC0 == 0x80 else { return nil }
        return 0xD000 | UInt32(b1 & 0x3F) << 6 | UInt32(b2 & 0x3F)
    }
}
