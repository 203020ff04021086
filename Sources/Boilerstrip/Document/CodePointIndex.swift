/// Converts byte offsets of a UTF-8 text into code point offsets, as Python's `str` counts them.
///
/// Each invalid byte counts as one code point (what a lenient decoder turns into U+FFFD). A surrogate
/// encoded as three bytes (WTF-8, from a lone `\ud800` in JSON) counts as one, as it does in Python.
public struct CodePointIndex {
    private let bytes: [UInt8]
    private var cursorByte = 0
    private var cursorCount = 0

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The number of code points before byte `offset`. Cheapest when called with increasing offsets.
    public mutating func codePoints(before offset: Int) -> Int {
        if offset < cursorByte { cursorByte = 0; cursorCount = 0 }
        var index = cursorByte, count = cursorCount
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let high = SIMD16<UInt8>(repeating: 0x80)
            while index < offset {
                // Sixteen bytes a step: ASCII, or whole valid sequences of up to three bytes (each counts one, so the
                // count is the bytes less their continuation bytes); anything else one sequence at a time.
                if index + 16 <= offset {
                    let block = ByteBlock.load(base + index)
                    if !ByteBlock.any(block .>= high) {
                        index += 16
                        count += 16
                        continue
                    }
                    if let valid = UTF8Validation.validPrefix(block) {
                        let (low, upper) = ByteBlock.words((block & SIMD16(repeating: 0xC0)) .== high)
                        // Lanes at or past `valid` (a sequence the block's end cuts) are left for the next step.
                        let kept = valid == 16 ? upper : upper & ((1 << UInt64(8 * (valid - 8))) - 1)
                        index += valid
                        count += valid - (low.nonzeroBitCount + kept.nonzeroBitCount) / 8
                        continue
                    }
                }
                // ASCII eight bytes at a time.
                if index + 8 <= offset, UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    count += 8
                    continue
                }
                index += CodePointIndex.sequenceLength(bytes, at: index)
                count += 1
            }
        }
        cursorByte = index
        cursorCount = count
        return count
    }

    /// Length of the UTF-8 sequence (or lone invalid byte) at `index`.
    @inline(__always)
    static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let expected: Int
        switch lead {
        case 0x00..<0x80: return 1
        case 0xC2..<0xE0: expected = 2
        case 0xE0..<0xF0: expected = 3
        case 0xF0..<0xF5: expected = 4
        default: return 1
        }
        guard index + expected <= bytes.count else { return 1 }
        for next in 1..<expected where bytes[index + next] & 0xC0 != 0x80 { return 1 }
        return expected
    }
}
