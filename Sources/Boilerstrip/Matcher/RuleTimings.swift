import Dispatch
import PCRE2

/// Per-rule cost of matching, collected when asked for (`--rule-timings`): how often PCRE2 ran a rule, on how
/// many bytes, and for how long; and apart from that, how long compiling its pattern took (at its first use, and
/// JIT-compiling it once its interpreted matches have taken long enough: once per run, however long the input). Slow rules
/// and weak screen literals show up here.
public final class RuleTimings: @unchecked Sendable {
    public private(set) var calls: [Int]
    public private(set) var bytes: [Int]
    public private(set) var nanoseconds: [UInt64]
    public private(set) var compileNanoseconds: [UInt64]

    public init(ruleCount: Int) {
        calls = [Int](repeating: 0, count: ruleCount)
        bytes = calls
        nanoseconds = [UInt64](repeating: 0, count: ruleCount)
        compileNanoseconds = nanoseconds
    }

    /// One search: `compiling` of its nanoseconds went to compiling the pattern, the rest to matching.
    @inline(__always)
    func record(rule: Int, bytes count: Int, since start: UInt64, compiling: UInt64) {
        calls[rule] += 1
        bytes[rule] += count
        let elapsed = DispatchTime.now().uptimeNanoseconds &- start
        nanoseconds[rule] += elapsed &- min(compiling, elapsed)
        compileNanoseconds[rule] += compiling
    }

    /// Adds another thread's timings.
    public func merge(_ other: RuleTimings) {
        for index in calls.indices {
            calls[index] += other.calls[index]
            bytes[index] += other.bytes[index]
            nanoseconds[index] += other.nanoseconds[index]
            compileNanoseconds[index] += other.compileNanoseconds[index]
        }
    }

    /// The `limit` rules that took the longest to match, one line each, after the total compiling time.
    public func report(_ catalogue: Catalogue, limit: Int = 25) -> String {
        let order = calls.indices.sorted { nanoseconds[$0] > nanoseconds[$1] }.prefix(limit)
        let compiled = compileNanoseconds.filter { $0 > 0 }
        var lines = [
            "compiling \(compiled.count) patterns at their first use (and JIT-compiling those used enough): \(String(format: "%.1f", Double(compiled.reduce(0, +)) / 1e6)) ms",
            "matching in all: \(String(format: "%.1f", Double(nanoseconds.reduce(0, +)) / 1e6)) ms, \(calls.reduce(0, +)) calls, "
                + "\(String(format: "%.2f", Double(bytes.reduce(0, +)) / 1e6)) MB",
            "rule timings (PCRE2 matching time, calls, MB from the first start tried to the end of the line, literals, \\b where the screen checks a word boundary; compiling apart):",
        ]
        for index in order where calls[index] > 0 {
            let rule = catalogue.rules[index]
            let ms = Double(nanoseconds[index]) / 1e6, compileMS = Double(compileNanoseconds[index]) / 1e6
            lines.append("  \(rule.id): \(String(format: "%.1f", ms)) ms, \(calls[index]) calls, \(String(format: "%.2f", Double(bytes[index]) / 1e6)) MB, "
                         + "\(rule.screenLiterals.map { $0.map(\.description) }); compiling \(String(format: "%.1f", compileMS)) ms")
        }
        return lines.joined(separator: "\n")
    }
}
