import SIMDKernels

/// Totals over a run, for `--stats`: documents, spans removed by family and by rule, verdict counts.
/// Each thread fills its own (through its ``Cleaner/Workspace``); ``merge(_:)`` adds them up.
public final class RunStats: @unchecked Sendable {
    public private(set) var documents = 0
    public private(set) var changed = 0
    public private(set) var truncated = 0
    public private(set) var paywalled = 0
    public private(set) var flagged = 0
    public private(set) var bytes = 0
    public private(set) var removedByRule: [Int]

    public init(ruleCount: Int) { removedByRule = [Int](repeating: 0, count: ruleCount) }

    /// Which vector kernels this processor runs (``boilerstrip_simd_level``; the screen's filter also needs GFNI), for
    /// comparing rates across machines.
    public static var vectorKernels: String {
        switch boilerstrip_simd_level() {
        case 3...: boilerstrip_vector_filter_available() != 0 ? "AVX-512" : "AVX-512 (no GFNI: the filter's loop in Swift)"
        case 2: "AVX2"
        default: "none"
        }
    }

    func add(_ decision: Decision) {
        documents += 1
        bytes += decision.document.bytes.count
        if !decision.removed.isEmpty { changed += 1 }
        if decision.metadata.truncated { truncated += 1 }
        if decision.metadata.paywalled { paywalled += 1 }
        flagged += decision.flagged.count
        for span in decision.removed { removedByRule[span.evidence.rule] += 1 }
    }

    public func merge(_ other: RunStats) {
        documents += other.documents
        changed += other.changed
        truncated += other.truncated
        paywalled += other.paywalled
        flagged += other.flagged
        bytes += other.bytes
        for index in removedByRule.indices { removedByRule[index] += other.removedByRule[index] }
    }

    /// The summary printed on stderr.
    public func report(_ catalogue: Catalogue, seconds: Double, inputBytes: Int? = nil, topRules: Int = 15) -> String {
        let megabytes = Double(inputBytes ?? bytes) / 1e6
        let rate = seconds > 0 ? megabytes / seconds : 0
        func percent(_ count: Int) -> String { documents == 0 ? "0%" : String(format: "%.2f%%", 100 * Double(count) / Double(documents)) }
        var lines = [
            "documents \(documents), changed \(changed) (\(percent(changed))), truncated \(truncated) (\(percent(truncated))), paywalled \(paywalled) (\(percent(paywalled))), flagged spans \(flagged)",
            String(format: "%.2f MB in %.2f s: %.1f MB/s", megabytes, seconds, rate) + " (vector kernels: \(RunStats.vectorKernels))",
        ]
        var byFamily: [Family: Int] = [:]
        for (index, count) in removedByRule.enumerated() where count > 0 { byFamily[catalogue.rules[index].family, default: 0] += count }
        let total = removedByRule.reduce(0, +)
        lines.append("spans removed \(total): " + Family.allCases.compactMap { family in byFamily[family].map { "\(family.rawValue) \($0)" } }.joined(separator: ", "))
        let top = removedByRule.indices.filter { removedByRule[$0] > 0 }.sorted { removedByRule[$0] > removedByRule[$1] }.prefix(topRules)
        for index in top { lines.append("  \(catalogue.rules[index].id): \(removedByRule[index])") }
        return lines.joined(separator: "\n")
    }
}
