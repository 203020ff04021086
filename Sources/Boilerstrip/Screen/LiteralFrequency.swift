/// How often a screen literal occurs in news text, estimated from ``CommonWords``: what `rules lint` warns about
/// when a group the filter looks for is common (every occurrence is confirmed and handed to its rules).
enum LiteralFrequency {
    /// Occurrences per million bytes of news text of `literal` as the filter reports them (folded, after a non-word
    /// byte when it is bounded before; the boundary after it is checked only once an occurrence is reported, so
    /// " su" costs as much as every "sur"), summed over the common words that hold it; 0 for a literal with a byte
    /// no word holds (punctuation: "(mit", ".com"), which the table cannot tell, and an underestimate for a literal
    /// whose words are not among the common ones.
    static func perMillion(_ literal: ScreenLiteral) -> Int {
        let needle = Array(literal.text.utf8).map(Screen.fold)
        guard !needle.isEmpty, needle.allSatisfy(inWord) else { return 0 }
        var total = 0
        for (word, count) in words where word.count >= needle.count {
            for start in 0...(word.count - needle.count) where word[start..<(start + needle.count)].elementsEqual(needle) {
                // Inside a word, only a non-ASCII byte (a letter's UTF-8 byte, which the screen counts as non-word)
                // can stand before a bounded literal.
                if literal.boundedBefore, start > 0, word[start - 1] < 0x80 { continue }
                total += count
            }
        }
        return total
    }

    /// A byte a word can hold: an ASCII letter, digit or `_`, or a non-ASCII byte.
    private static func inWord(_ byte: UInt8) -> Bool { byte >= 0x80 || ScreenLiteral.isWordByte(byte) }

    private static let words: [(bytes: [UInt8], perMillion: Int)] = CommonWords.words.map { (Array($0.word.utf8), Int($0.perMillion)) }
}
