@testable import Boilerstrip
import Testing

@Suite struct DocumentTests {
    /// A marking takes at most four bytes, neither a line feed nor a carriage return, no two with the same low six
    /// bits (the kernel finds them by one 64-byte table); it marks those bytes and no other.
    @Test func aMarkingTakesFewBytesThatItCanTellApart() {
        #expect(Marking([0x0A]) == nil)
        #expect(Marking([0x2F, 0x0D]) == nil)
        #expect(Marking([0x26, 0x66]) == nil)  // "&" and "f": 0x26 and 0x66
        #expect(Marking([0x21, 0x22, 0x23, 0x24, 0x25]) == nil)
        let marking = Marking([0x26, 0x2F, 0xC2])
        #expect(marking.map { m in (0...255).filter { m.marks(UInt8($0)) } } == [0x26, 0x2F, 0xC2])
        #expect(Marking([]).map { m in (0...255).filter { m.marks(UInt8($0)) } } == [])
        // The built-in screen marks the bytes that its rules looked for in the whole text begin with.
        #expect(Support.builtin.screen.marking != nil)
    }

    /// A split with a marking notes where its bytes are, at most eight of them; past eight, it holds none, and the
    /// screen searches the text.
    @Test func aMarkedSplitNotesWhereTheBytesAre() {
        let marking = Marking([0x26, 0x2F, 0xC2])!
        let text = Array("a/b\r\n© x & y\n/".utf8)
        let document = Document(bytes: text, marking: marking)
        #expect(document.segments == Document(bytes: text).segments)
        #expect(document.marks.hold(marking) && !document.marks.hold(Marking([0x26])))
        #expect((0..<document.marks.count).map { document.marks.positions[$0] } == [1, 5, 10, 14])
        #expect(!Document(bytes: text).marks.hold(marking))
        let many = Document(bytes: Array(String(repeating: "a/", count: 9).utf8), marking: marking)
        #expect(many.marks.count == 9 && !many.marks.hold(marking))
    }

    @Test func splitsOnEveryKindOfLineBreak() {
        let document = Document("a\nbb\r\nc\rd")
        #expect(document.segments.map(\.content) == [0..<1, 2..<4, 6..<7, 8..<9])
        #expect(document.segments.map(\.end) == [2, 6, 8, 9])
    }

    @Test func segmentsTileTheBytes() {
        for text in ["", "\n", "\n\n", "x", "x\n", "a\r\n\r\nb\n", "é\u{2028}f"] {
            let document = Document(text)
            var cursor = 0
            for segment in document.segments {
                #expect(segment.content.lowerBound == cursor)
                cursor = segment.end
            }
            #expect(cursor == document.bytes.count, "\(text.debugDescription)")
        }
    }

    @Test func emptyDocumentHasOneEmptySegment() {
        #expect(Document("").segments.count == 1)
        #expect(Document("").segments[0].content.isEmpty)
    }

    @Test func blankLinesIncludeNBSPAndZeroWidthSpaces() {
        let document = Document("  \u{00A0}\u{200B}\t\ntext")
        #expect(document.isBlank(document.segments[0]))
        #expect(!document.isBlank(document.segments[1]))
    }

    @Test func codePointOffsetsCountLikePython() {
        // "é" is 2 bytes, "日" 3, "🇫" 4; an invalid byte counts as one.
        let bytes = Array("é日🇫x".utf8) + [0xFF, 0x61]
        var index = CodePointIndex(bytes: bytes)
        #expect(index.codePoints(before: 2) == 1)
        #expect(index.codePoints(before: 5) == 2)
        #expect(index.codePoints(before: 9) == 3)
        #expect(index.codePoints(before: 10) == 4)
        #expect(index.codePoints(before: 11) == 5)
        #expect(index.codePoints(before: 0) == 0)  // going back works too
    }
}

@Suite struct InputEdgeTests {
    @Test func emptyInputGivesEmptyOutput() {
        let decision = Support.clean("")
        #expect(decision.cleanedBytes.isEmpty)
        #expect(decision.removed.isEmpty && !decision.metadata.truncated)
    }

    @Test func aBOMIsKeptAndDoesNotHideALine() {
        let text = "\u{FEFF}Body text of the article.\nThe post A appeared first on B.\n"
        let decision = Support.clean(text)
        #expect(Support.string(decision.cleanedBytes) == "\u{FEFF}Body text of the article.\n")
        #expect(Support.clean("\u{FEFF}The post A appeared first on B.").removed.count == 1)
    }

    @Test func nulAndControlBytesPassThrough() {
        let bytes: [UInt8] = Array("Text\u{0}with NUL\u{1}\u{7F}.\nRead more".utf8)
        let decision = Support.cleaner.clean(bytes, in: Support.cleaner.makeWorkspace())
        #expect(decision.cleanedBytes == Array("Text\u{0}with NUL\u{1}\u{7F}.\n".utf8))
    }

    @Test func aFiftyMegabyteLine() {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 50_000_000)
        for index in stride(from: 99, to: bytes.count, by: 100) { bytes[index] = 0x20 }
        bytes += Array(". Il vous reste 40% de cet article à lire.".utf8)
        let decision = Support.cleaner.clean(bytes, in: Support.cleaner.makeWorkspace())
        #expect(decision.failure == nil)
        #expect(decision.cleanedBytes.count == 50_000_001)
        #expect(decision.metadata.remainingPercent == 40)
    }
}
