/// Picks, in one pass over a document's bytes, the (line, rule) pairs that can match.
///
/// An Aho-Corasick automaton over every rule's literals (ASCII case folded), compiled into a dense table over
/// byte classes. A rule is a candidate for a line when one of its literals occurs in the line; a rule without
/// literals is a candidate for every non-blank line.
///
/// Invariant: the screen may let through pairs that do not match, never hide one that does. The test suite
/// checks it on every rule example and its variants.
public struct Screen: Sendable {
    /// Byte → class (ASCII letters folded); class 0 for bytes in no literal.
    private let classOf: [UInt8]
    private let classCount: Int
    /// Dense transition table, indexed by `state × classCount + class`; see `init`.
    private let next: [Int32]
    /// Rule indices reported on reaching each state (empty for most).
    private let outputs: [[Int32]]
    /// Rules that the screen cannot pre-filter.
    public let unscreened: [Int32]
    /// The number of automaton states.
    public var stateCount: Int { outputs.count }

    public init(rules: [Rule]) {
        var literalRules: [(bytes: [UInt8], rule: Int32)] = []
        var unscreened: [Int32] = []
        for (index, rule) in rules.enumerated() {
            if rule.literals.isEmpty { unscreened.append(Int32(index)); continue }
            for literal in rule.literals { literalRules.append((Array(literal.utf8).map(Screen.fold), Int32(index))) }
        }
        self.unscreened = unscreened

        var classOf = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for (bytes, _) in literalRules {
            for byte in bytes where classOf[Int(byte)] == 0 {
                precondition(classCount < 256)
                classOf[Int(byte)] = UInt8(classCount)
                classCount += 1
            }
        }
        for upper in UInt8(ascii: "A")...UInt8(ascii: "Z") { classOf[Int(upper)] = classOf[Int(upper | 0x20)] }

        // Trie.
        var children: [[Int32]] = [[Int32](repeating: -1, count: classCount)]
        var outputs: [[Int32]] = [[]]
        for (bytes, rule) in literalRules {
            var state = 0
            for byte in bytes {
                let cls = Int(classOf[Int(byte)])
                if children[state][cls] < 0 {
                    children[state][cls] = Int32(children.count)
                    children.append([Int32](repeating: -1, count: classCount))
                    outputs.append([])
                }
                state = Int(children[state][cls])
            }
            if !outputs[state].contains(rule) { outputs[state].append(rule) }
        }
        // Failure links, breadth first, folded into a dense table.
        var dense = [Int32](repeating: 0, count: children.count * classCount)
        var fail = [Int32](repeating: 0, count: children.count)
        var queue: [Int32] = []
        for cls in 0..<classCount {
            let child = children[0][cls]
            if child >= 0 { dense[cls] = child; fail[Int(child)] = 0; queue.append(child) }
        }
        var head = 0
        while head < queue.count {
            let state = Int(queue[head]); head += 1
            for out in outputs[Int(fail[state])] where !outputs[state].contains(out) { outputs[state].append(out) }
            for cls in 0..<classCount {
                let child = children[state][cls]
                if child >= 0 {
                    fail[Int(child)] = dense[Int(fail[state]) * classCount + cls]
                    dense[state * classCount + cls] = child
                    queue.append(child)
                } else {
                    dense[state * classCount + cls] = dense[Int(fail[state]) * classCount + cls]
                }
            }
        }
        // The scan table holds premultiplied targets (state × classCount), negated (minus one) when the target
        // reports rules: one load and one sign test per byte.
        var next = [Int32](repeating: 0, count: dense.count)
        for index in dense.indices {
            let target = Int(dense[index])
            let premultiplied = Int32(target * classCount)
            next[index] = outputs[target].isEmpty ? premultiplied : -premultiplied - 1
        }
        self.classOf = classOf
        self.classCount = classCount
        self.next = next
        self.outputs = outputs
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }

    /// The candidate (segment index, rule index) pairs of a document, sorted and unique.
    public func candidates(in document: Document) -> [Candidate] {
        var found: [Candidate] = []
        let segments = document.segments
        document.bytes.withUnsafeBufferPointer { bytes in
            classOf.withUnsafeBufferPointer { classOf in
                next.withUnsafeBufferPointer { next in
                    var state = 0  // premultiplied
                    var segment = 0
                    let count = bytes.count
                    var index = 0
                    while index < count {
                        let value = next[state &+ Int(classOf[Int(bytes[index])])]
                        if value >= 0 {
                            state = Int(value)
                        } else {
                            state = Int(-(value &+ 1))
                            while segments[segment].end <= index { segment += 1 }
                            for rule in outputs[state / classCount] { found.append(Candidate(segment: Int32(segment), rule: rule)) }
                        }
                        index &+= 1
                    }
                }
            }
        }
        if !unscreened.isEmpty {
            for segment in segments where !segment.content.isEmpty && !document.isBlank(segment) {
                for rule in unscreened { found.append(Candidate(segment: Int32(segment.index), rule: rule)) }
            }
        }
        if found.count > 1 {
            found.sort()
            var unique: [Candidate] = [found[0]]
            for candidate in found.dropFirst() where candidate != unique[unique.count - 1] { unique.append(candidate) }
            found = unique
        }
        return found
    }
}

/// A line that a rule may match.
public struct Candidate: Sendable, Hashable, Comparable {
    public let segment: Int32
    public let rule: Int32
    public static func < (a: Candidate, b: Candidate) -> Bool {
        a.segment != b.segment ? a.segment < b.segment : a.rule < b.rule
    }
}
