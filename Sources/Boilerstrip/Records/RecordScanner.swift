#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIMDKernels

/// A strict JSON scanner for one JSONL record: validates the whole record (RFC 8259, UTF-8, nesting limit) and
/// finds, in the top-level object, the text field and the metadata field, by byte offsets.
///
/// Nothing is decoded but what is asked for: the rest of the record is only validated, so it can be written
/// back byte for byte.
public struct RecordScanner: Sendable {
    /// Where the fields of interest sit in a record.
    public struct Layout: Sendable, Equatable {
        /// Whether the record is a JSON object.
        public var isObject = false
        /// The text field's value token (quotes included), if the field exists.
        public var textValue: Range<Int>?
        /// Whether that value is a string.
        public var textIsString = false
        /// The bytes to cut to drop an existing metadata member (with its comma), if there is one.
        public var metaMember: Range<Int>?
        /// The offset of the object's closing brace.
        public var closingBrace = 0
        /// The number of top-level members.
        public var memberCount = 0
    }

    /// A malformed record: the byte offset (0-based, in the line) and what is wrong.
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let offset: Int
        public let message: String
        public var description: String { "\(message) at column \(offset + 1)" }
    }

    public static let maximumDepth = 512

    let textField: [UInt8]
    let metaField: [UInt8]

    public init(textField: String, metaField: String) {
        self.textField = Array(textField.utf8)
        self.metaField = Array(metaField.utf8)
    }

    /// Scans one record (a line without its `\n`).
    public func scan(_ line: UnsafeBufferPointer<UInt8>) throws(Malformed) -> Layout {
        var parser = Parser(bytes: line)
        var layout = Layout()
        parser.skipSpace()
        guard parser.index < line.count else { throw Malformed(offset: 0, message: "empty record") }
        if line[parser.index] == UInt8(ascii: "{") {
            layout.isObject = true
            try scanTopObject(&parser, &layout)
        } else {
            try parser.value(depth: 0)
        }
        parser.skipSpace()
        if parser.index < line.count {
            throw Malformed(offset: parser.index, message: "unexpected \(Parser.describe(line[parser.index])) after the record")
        }
        return layout
    }

    private func scanTopObject(_ parser: inout Parser, _ layout: inout Layout) throws(Malformed) {
        parser.index += 1
        parser.skipSpace()
        // What the metadata member's cut needs: where the first two members start, where the first value ends, and
        // where the value before the metadata member and its own value end (no list of members: two arrays a record
        // were two allocations).
        var firstStarts = (-1, -1), firstValueEnd = -1, previousValueEnd = -1
        var meta: (index: Int, previousValueEnd: Int, valueEnd: Int)? = nil
        var members = 0
        if parser.peek == UInt8(ascii: "}") {
            layout.closingBrace = parser.index
            parser.index += 1
            return
        }
        while true {
            parser.skipSpace()
            guard parser.peek == UInt8(ascii: "\"") else { throw parser.error("expected a member name in quotes") }
            let keyStart = parser.index
            let key = try parser.string()
            parser.skipSpace()
            guard parser.peek == UInt8(ascii: ":") else { throw parser.error("expected ':' after a member name") }
            parser.index += 1
            parser.skipSpace()
            let valueStart = parser.index
            try parser.value(depth: 1)
            let valueEnd = parser.index
            if members == 0 { (firstStarts.0, firstValueEnd) = (keyStart, valueEnd) } else if members == 1 { firstStarts.1 = keyStart }
            let body = UnsafeBufferPointer(rebasing: parser.bytes[(key.lowerBound + 1)..<(key.upperBound - 1)])
            if Self.keyEquals(body, textField) {
                layout.textValue = valueStart..<valueEnd
                layout.textIsString = parser.bytes[valueStart] == UInt8(ascii: "\"")
            } else if Self.keyEquals(body, metaField) {
                meta = (members, previousValueEnd, valueEnd)
            }
            members += 1
            previousValueEnd = valueEnd
            parser.skipSpace()
            if parser.peek == UInt8(ascii: ",") { parser.index += 1; continue }
            if parser.peek == UInt8(ascii: "}") { layout.closingBrace = parser.index; parser.index += 1; break }
            throw parser.error("expected ',' or '}' in an object")
        }
        layout.memberCount = members
        if let meta {
            if meta.index > 0 {
                layout.metaMember = meta.previousValueEnd..<meta.valueEnd
            } else if members > 1 {
                layout.metaMember = firstStarts.0..<firstStarts.1
            } else {
                layout.metaMember = firstStarts.0..<firstValueEnd
            }
        }
    }

    /// Whether a member name (the bytes between its quotes) is `name`: compared as they are, or decoded when they
    /// hold an escape.
    static func keyEquals(_ body: UnsafeBufferPointer<UInt8>, _ name: [UInt8]) -> Bool {
        guard let base = body.baseAddress, !body.isEmpty else { return name.isEmpty }
        // An escape is longer than what it stands for: a body shorter than the name never decodes to it, and one as long
        // only without escapes (most keys are told apart by their length, without a search for a backslash).
        if body.count < name.count { return false }
        if body.count == name.count {
            return name.withUnsafeBufferPointer { memcmp(base, $0.baseAddress!, name.count) == 0 }
                && memchr(base, Int32(UInt8(ascii: "\\")), body.count) == nil
        }
        return memchr(base, Int32(UInt8(ascii: "\\")), body.count) != nil && JSONString.decode(body) == name
    }

    /// The validating parser.
    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        func error(_ message: String) -> Malformed {
            if index >= bytes.count { return Malformed(offset: index, message: "\(message), found the end of the line") }
            return Malformed(offset: index, message: "\(message), found \(Parser.describe(bytes[index]))")
        }

        static func describe(_ byte: UInt8) -> String {
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }

        @inline(__always)
        mutating func skipSpace() {
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
                index += 1
            }
        }

        mutating func value(depth: Int) throws(Malformed) {
            guard let byte = peek else { throw error("expected a value") }
            switch byte {
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "{"): try object(depth: depth + 1)
            case UInt8(ascii: "["): try array(depth: depth + 1)
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw error("expected a value")
            }
        }

        mutating func literal(_ word: StaticString) throws(Malformed) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("invalid literal") }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
                throw Malformed(offset: index, message: "invalid literal (expected \(word))")
            }
            index += count
        }

        mutating func number() throws(Malformed) {
            let start = index
            if peek == UInt8(ascii: "-") { index += 1 }
            guard let first = peek, (0x30...0x39).contains(first) else { throw error("invalid number") }
            index += 1
            if first != 0x30 { while let digit = peek, (0x30...0x39).contains(digit) { index += 1 } }
            if peek == UInt8(ascii: ".") {
                index += 1
                guard let digit = peek, (0x30...0x39).contains(digit) else { throw error("invalid number: digits must follow '.'") }
                while let digit = peek, (0x30...0x39).contains(digit) { index += 1 }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                index += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
                guard let digit = peek, (0x30...0x39).contains(digit) else { throw error("invalid number: digits must follow the exponent") }
                while let digit = peek, (0x30...0x39).contains(digit) { index += 1 }
            }
            if let next = peek, (0x30...0x39).contains(next) { throw Malformed(offset: start, message: "invalid number: leading zero") }
        }

        /// Scans a string token; returns its range, quotes included.
        mutating func string() throws(Malformed) -> Range<Int> {
            let start = index
            index += 1
            let count = bytes.count
            // A long body: its plain runs and escapes 32 or 64 bytes a step (AVX2, AVX-512), up to its end or a byte
            // that needs a closer look.
            if count - index >= 64 { index += boilerstrip_string_prefix(bytes.baseAddress! + index, count - index) }
            while index < count {
                // Straight to the first byte that is not plain text (valid UTF-8 but a quote, backslash or control).
                index = JSONString.plainEnd(bytes.baseAddress!, from: index, end: count)
                guard index < count else { break }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") { index += 1; return start..<index }
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < bytes.count else { break }
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        guard index + 6 <= bytes.count,
                              (2..<6).allSatisfy({ JSONString.hexValue(bytes[index + $0]) != 0xFF })
                        else { throw Malformed(offset: index, message: "invalid \\u escape in a string") }
                        index += 6
                    default:
                        throw Malformed(offset: index, message: "invalid escape \\\(Parser.describe(bytes[index + 1])) in a string")
                    }
                    continue
                }
                if byte < 0x20 { throw Malformed(offset: index, message: "unescaped control character \(Parser.describe(byte)) in a string") }
                throw Malformed(offset: index, message: "invalid UTF-8 (\(Parser.describe(byte))) in a string")
            }
            throw Malformed(offset: start, message: "unterminated string")
        }

        mutating func object(depth: Int) throws(Malformed) {
            guard depth <= RecordScanner.maximumDepth else { throw error("nesting deeper than \(RecordScanner.maximumDepth)") }
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
                _ = try string()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
                index += 1
                skipSpace()
                try value(depth: depth)
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                if peek == UInt8(ascii: "}") { index += 1; return }
                throw error("expected ',' or '}' in an object")
            }
        }

        mutating func array(depth: Int) throws(Malformed) {
            guard depth <= RecordScanner.maximumDepth else { throw error("nesting deeper than \(RecordScanner.maximumDepth)") }
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipSpace()
                try value(depth: depth)
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                if peek == UInt8(ascii: "]") { index += 1; return }
                throw error("expected ',' or ']' in an array")
            }
        }
    }
}
