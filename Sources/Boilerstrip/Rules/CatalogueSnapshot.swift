#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PCRE2

/// The built-in catalogue as loaded and analysed: `Rules/snapshot.jsonl`, written by `boilerstrip rules snapshot`
/// and embedded in the binary with the rule files.
///
/// A start reads the built-in rules from it instead of parsing every YAML file and analysing every expanded
/// pattern (their literals, reach and line starts), which took most of the start. The snapshot begins with a
/// fingerprint of the rule files it was written from; one that does not match the embedded files (a rule was
/// edited and the snapshot not written again) or does not read is ignored, and the rules load from YAML as before.
/// `make test` fails while the snapshot differs from a fresh analysis, so a change to the analysis itself is caught
/// too.
///
/// Format: a header line, then one JSON array per rule (JSON Lines), every field of ``Rule`` but its compiled
/// patterns, in the order ``write(_:fingerprint:)`` gives. Readable in a diff: a rule edit shows what it changed in
/// the screen's literals and bounds.
public enum CatalogueSnapshot {
    static let header = "{\"boilerstrip_catalogue_snapshot\":4,\"fingerprint\":\""

    /// A 64-bit fingerprint of rule files (paths and texts, in order), eight bytes a step.
    public static func fingerprint(of files: [(path: String, text: String)]) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
        func mix(_ word: UInt64) {
            hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
        }
        func add(_ string: String) {
            var copy = string
            copy.withUTF8 { bytes in
                var index = 0
                while index + 8 <= bytes.count {
                    mix(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
                    index += 8
                }
                var tail: UInt64 = 0
                for (offset, byte) in bytes[index...].enumerated() { tail |= UInt64(byte) << UInt64(8 * offset) }
                mix(tail)
                mix(UInt64(bytes.count))
            }
        }
        for file in files {
            add(file.path)
            add(file.text)
        }
        return hash
    }

    /// The snapshot of `rules`, loaded from files whose ``fingerprint(of:)`` is `fingerprint`.
    public static func write(_ rules: [Rule], fingerprint: UInt64) -> String {
        var out = Array(header.utf8)
        out += Array(String(fingerprint, radix: 16).utf8)
        out += Array("\",\"rules\":\(rules.count)}\n".utf8)
        let writer = Writer()
        for rule in rules {
            writer.record(rule)
            writer.out.append(0x0A)
        }
        return String(decoding: out + writer.out, as: UTF8.self)
    }

    /// The rules of `snapshot`, if it was written from files with this fingerprint and reads whole; nil otherwise.
    public static func read(_ snapshot: String, fingerprint: UInt64) -> [Rule]? {
        var copy = snapshot
        return copy.withUTF8 { bytes -> [Rule]? in
            let expected = Array((header + String(fingerprint, radix: 16) + "\",\"rules\":").utf8)
            guard bytes.count > expected.count, bytes.starts(with: expected) else { return nil }
            var reader = Reader(bytes: bytes, index: expected.count)
            guard let count = reader.int(), reader.take(UInt8(ascii: "}")), reader.take(0x0A) else { return nil }
            var rules: [Rule] = []
            rules.reserveCapacity(count)
            while reader.index < bytes.count {
                guard let rule = reader.rule(), reader.take(0x0A) else { return nil }
                rules.append(rule)
            }
            return rules.count == count ? rules : nil
        }
    }

    /// Appends a rule's fields as a JSON array (a class: its nested closures append to the same bytes).
    final class Writer {
        var out: [UInt8] = []

        func record(_ rule: Rule) {
            array {
                string(rule.id); comma(); string(rule.family.rawValue); comma(); string(rule.language); comma()
                string(rule.description); comma(); optional(rule.source) { string($0) }; comma()
                string(rule.pattern); comma(); string(rule.expandedPattern); comma()
                // The plain form only where it differs (most rules): null for the same.
                optional(rule.plainPattern == rule.expandedPattern ? nil : rule.plainPattern) { string($0) }; comma()
                string(rule.position.rawValue); comma()
                raw("\(rule.weight)"); comma(); bool(rule.isCredit); comma(); bool(rule.extendsToEnd); comma()
                list(rule.screenLiterals) { group in
                    list(group) { literal in
                        array {
                            string(literal.text); comma(); bool(literal.boundedBefore); comma(); bool(literal.boundedAfter); comma()
                            optional(literal.exactCase) { string($0) }
                        }
                    }
                }
                comma(); bool(rule.literalsDeclared); comma(); optional(rule.matchReach) { int($0) }; comma()
                list(rule.literalReach) { reach in optional(reach) { int($0) } }
                comma(); list(rule.literalTail) { tail in optional(tail) { int($0) } }
                comma(); bool(rule.literalsBoundStart); comma(); bool(rule.matchEndsLine); comma()
                optional(rule.lineStart) { set in list(set.words) { raw(String($0)) } }
                comma()
                optional(rule.matchBytes) { set in list(set.words) { raw(String($0)) } }
                comma()
                list(rule.matchExamples) { example in
                    array {
                        string(example.text); comma(); optional(example.span?.lowerBound) { int($0) }; comma()
                        optional(example.span?.upperBound) { int($0) }; comma(); int(example.line)
                    }
                }
                comma()
                list(rule.keepExamples) { example in array { string(example.text); comma(); int(example.line) } }
                comma()
                list(rule.skipVariants.sorted { $0.key < $1.key }) { pair in array { string(pair.key); comma(); string(pair.value) } }
                comma(); string(rule.location.file); comma(); int(rule.location.line)
            }
        }

        func raw(_ text: String) { out += Array(text.utf8) }
        func comma() { out.append(UInt8(ascii: ",")) }
        func string(_ text: String) { JSONString.encode(Array(text.utf8), to: &out) }
        func int(_ value: Int) { raw(String(value)) }
        func bool(_ value: Bool) { raw(value ? "true" : "false") }
        func optional<T>(_ value: T?, _ body: (T) -> Void) {
            if let value { body(value) } else { raw("null") }
        }
        func array(_ body: () -> Void) {
            out.append(UInt8(ascii: "["))
            body()
            out.append(UInt8(ascii: "]"))
        }
        func list<S: Sequence>(_ items: S, _ item: (S.Element) -> Void) {
            out.append(UInt8(ascii: "["))
            for (index, element) in items.enumerated() {
                if index > 0 { comma() }
                item(element)
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    /// Reads what ``Writer`` wrote: its own compact JSON (no spaces), strictly; nil at anything else.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// `true`, `false`, `null`: compared byte by byte (a generic comparison with a `String`'s bytes took 450
        /// instructions a call, 3 M of the start).
        mutating func take(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount, text = word.utf8Start
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != text[offset] { return false }
            index += count
            return true
        }

        /// A JSON string: its end found with `memchr` (the first quote after an even number of backslashes), its
        /// escapes decoded straight into the string. The snapshot is the binary's own text, valid UTF-8, which the
        /// `String` validates again: walking it with the records' string scan, which validates too, took 6 M
        /// instructions of every start (the patterns are a megabyte).
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")), let base = bytes.baseAddress else { return nil }
            let start = index
            var end = start
            while true {
                guard let quote = memchr(base + end, Int32(UInt8(ascii: "\"")), bytes.count - end) else { return nil }
                end = base.distance(to: quote.assumingMemoryBound(to: UInt8.self))
                var backslashes = 0
                while end - backslashes > start, base[end - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
                if backslashes % 2 == 0 { break }
                end += 1
            }
            let body = UnsafeBufferPointer(rebasing: bytes[start..<end])
            index = end + 1
            guard memchr(base + start, Int32(UInt8(ascii: "\\")), end - start) != nil else { return String(decoding: body, as: UTF8.self) }
            return String(unsafeUninitializedCapacity: body.count) { JSONString.decode(body, into: $0) }
        }

        /// A number's text: digits, sign, point, exponent.
        mutating func number() -> Substring? {
            let start = index
            while index < bytes.count, [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index])
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
            return Substring(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        mutating func int() -> Int? { number().flatMap { Int($0) } }
        mutating func bool() -> Bool? { take("true") ? true : take("false") ? false : nil }

        /// `null` (as .some(nil)), a value, or nil when neither reads.
        mutating func optional<T>(_ value: (inout Reader) -> T?) -> T?? {
            if take("null") { return .some(nil) }
            return value(&self).map { .some($0) }
        }

        mutating func list<T>(_ item: (inout Reader) -> T?) -> [T]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var items: [T] = []
            if take(UInt8(ascii: "]")) { return items }
            repeat {
                guard let element = item(&self) else { return nil }
                items.append(element)
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) ? items : nil
        }

        /// `[` then each field read by `body`, separated by commas, then `]`.
        mutating func fields(_ body: (inout Reader) -> Bool) -> Bool {
            take(UInt8(ascii: "[")) && body(&self) && take(UInt8(ascii: "]"))
        }

        mutating func rule() -> Rule? {
            var rule: Rule?
            _ = fields { r in
                guard let id = r.string(), r.take(UInt8(ascii: ",")),
                      let family = r.string().flatMap(Family.init(rawValue:)), r.take(UInt8(ascii: ",")),
                      let language = r.string(), r.take(UInt8(ascii: ",")),
                      let description = r.string(), r.take(UInt8(ascii: ",")),
                      let source = r.optional({ $0.string() }), r.take(UInt8(ascii: ",")),
                      let pattern = r.string(), r.take(UInt8(ascii: ",")),
                      let expanded = r.string(), r.take(UInt8(ascii: ",")),
                      let plain = r.optional({ $0.string() }), r.take(UInt8(ascii: ",")),
                      let position = r.string().flatMap(Position.init(rawValue:)), r.take(UInt8(ascii: ",")),
                      let weight = r.number().flatMap({ Double($0) }), r.take(UInt8(ascii: ",")),
                      let isCredit = r.bool(), r.take(UInt8(ascii: ",")),
                      let extendsToEnd = r.bool(), r.take(UInt8(ascii: ",")),
                      let literals = r.list({ $0.list { $0.literal() } }), r.take(UInt8(ascii: ",")),
                      let declared = r.bool(), r.take(UInt8(ascii: ",")),
                      let matchReach = r.optional({ $0.int() }), r.take(UInt8(ascii: ",")),
                      let literalReach = r.list({ $0.optional { $0.int() } }), r.take(UInt8(ascii: ",")),
                      let literalTail = r.list({ $0.optional { $0.int() } }), r.take(UInt8(ascii: ",")),
                      let startBound = r.bool(), r.take(UInt8(ascii: ",")),
                      let endsLine = r.bool(), r.take(UInt8(ascii: ",")),
                      let lineStart = r.optional({ r in r.list { $0.number().flatMap { UInt64($0) } }.flatMap { ByteSet(words: $0) } }),
                      r.take(UInt8(ascii: ",")),
                      let matchBytes = r.optional({ r in r.list { $0.number().flatMap { UInt64($0) } }.flatMap { ByteSet(words: $0) } }),
                      r.take(UInt8(ascii: ",")),
                      let matches = r.list({ $0.matchExample() }), r.take(UInt8(ascii: ",")),
                      let keeps = r.list({ $0.keepExample() }), r.take(UInt8(ascii: ",")),
                      let skips = r.list({ r -> (String, String)? in
                          var pair: (String, String)?
                          _ = r.fields { r in
                              guard let key = r.string(), r.take(UInt8(ascii: ",")), let value = r.string() else { return false }
                              pair = (key, value)
                              return true
                          }
                          return pair
                      }), r.take(UInt8(ascii: ",")),
                      let file = r.string(), r.take(UInt8(ascii: ",")),
                      let line = r.int()
                else { return false }
                let regex = Regex(deferred: expanded)
                rule = Rule(
                    id: id, family: family, language: language, description: description, source: source, pattern: pattern,
                    expandedPattern: expanded, plainPattern: plain ?? expanded, position: position, weight: weight, isCredit: isCredit, extendsToEnd: extendsToEnd,
                    screenLiterals: literals, literalsDeclared: declared, matchReach: matchReach, literalReach: literalReach,
                    literalTail: literalTail, literalsBoundStart: startBound, matchEndsLine: endsLine, lineStart: lineStart, matchBytes: matchBytes, matchExamples: matches,
                    keepExamples: keeps, skipVariants: Dictionary(skips, uniquingKeysWith: { first, _ in first }),
                    location: RuleLocation(file: file, line: line), regex: regex, plainRegex: plain.map { Regex(deferred: $0) } ?? regex
                )
                return true
            }
            return rule
        }

        mutating func literal() -> ScreenLiteral? {
            var literal: ScreenLiteral?
            _ = fields { r in
                guard let text = r.string(), r.take(UInt8(ascii: ",")), let before = r.bool(), r.take(UInt8(ascii: ",")),
                      let after = r.bool(), r.take(UInt8(ascii: ",")), let exact = r.optional({ $0.string() })
                else { return false }
                literal = ScreenLiteral(text: text, boundedBefore: before, boundedAfter: after, exactCase: exact)
                return true
            }
            return literal
        }

        mutating func matchExample() -> RuleExample? {
            var example: RuleExample?
            _ = fields { r in
                guard let text = r.string(), r.take(UInt8(ascii: ",")), let lower = r.optional({ $0.int() }), r.take(UInt8(ascii: ",")),
                      let upper = r.optional({ $0.int() }), r.take(UInt8(ascii: ",")), let line = r.int()
                else { return false }
                let span: Range<Int>?
                switch (lower, upper) {
                case (nil, nil): span = nil
                case let (lower?, upper?) where lower <= upper: span = lower..<upper
                default: return false
                }
                example = RuleExample(text: text, span: span, line: line)
                return true
            }
            return example
        }

        mutating func keepExample() -> RuleExample? {
            var example: RuleExample?
            _ = fields { r in
                guard let text = r.string(), r.take(UInt8(ascii: ",")), let line = r.int() else { return false }
                example = RuleExample(text: text, line: line)
                return true
            }
            return example
        }
    }
}
