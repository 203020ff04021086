/// A set of byte values: 256 bits, kept inline (no allocation).
public struct ByteSet: Sendable, Hashable {
    /// Bit `b & 63` of word `b >> 6` is set when byte `b` is in the set.
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    public init() {}

    public init(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { insert(byte) }
    }

    /// Every byte value.
    public static let all = ByteSet(words: (~0, ~0, ~0, ~0))

    /// The bytes that begin or continue a non-ASCII character (0x80–0xFF).
    public static let nonASCII = ByteSet(words: (0, 0, ~0, ~0))

    private init(words: (UInt64, UInt64, UInt64, UInt64)) { (w0, w1, w2, w3) = words }
    /// The set whose ``words`` these are; nil unless there are four.
    init?(words: [UInt64]) {
        guard words.count == 4 else { return nil }
        self.init(words: (words[0], words[1], words[2], words[3]))
    }

    /// The four words, bytes 0–63 first.
    public var words: [UInt64] { [w0, w1, w2, w3] }

    /// Whether `byte` is in the set: its word read at its offset, without a branch on the byte (the walk back over a
    /// run of a rule's bytes, ``MatchReach/runStart(before:of:in:lowerBound:)``, tests one a byte).
    @inline(__always)
    public func contains(_ byte: UInt8) -> Bool {
        var words = (w0, w1, w2, w3)
        let word = withUnsafeBytes(of: &words) { $0.load(fromByteOffset: Int(byte >> 6) &<< 3, as: UInt64.self) }
        return word >> UInt64(byte & 63) & 1 != 0
    }

    public mutating func insert(_ byte: UInt8) {
        let bit: UInt64 = 1 << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    public mutating func formUnion(_ other: ByteSet) {
        w0 |= other.w0
        w1 |= other.w1
        w2 |= other.w2
        w3 |= other.w3
    }

    public func union(_ other: ByteSet) -> ByteSet {
        var result = self
        result.formUnion(other)
        return result
    }

    /// Whether a byte is in both sets.
    public func intersects(_ other: ByteSet) -> Bool {
        w0 & other.w0 | w1 & other.w1 | w2 & other.w2 | w3 & other.w3 != 0
    }

    /// Whether every byte of the set is in `other`.
    public func isSubset(of other: ByteSet) -> Bool {
        w0 & ~other.w0 | w1 & ~other.w1 | w2 & ~other.w2 | w3 & ~other.w3 == 0
    }

    /// The byte values in the set, in order.
    public var bytes: [UInt8] { (0...255).map { UInt8($0) }.filter(contains) }
}
