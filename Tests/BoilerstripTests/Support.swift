import Boilerstrip
import Foundation

/// Helpers shared by the unit tests.
enum Support {
    /// The embedded catalogue, loaded once.
    nonisolated(unsafe) static let builtin: Catalogue = try! Catalogue.builtin()
    static let cleaner = try! Cleaner(catalogue: builtin)

    /// A catalogue made of one YAML rule file.
    static func catalogue(_ yaml: String, path: String = "test.yaml") throws -> Catalogue {
        try Catalogue(rules: RuleLoader.load(yaml: yaml, path: path))
    }

    static func clean(_ text: String, with cleaner: Cleaner = Support.cleaner) -> Decision {
        cleaner.clean(Array(text.utf8), in: cleaner.makeWorkspace())
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The text of the bundled example.
    static var example: String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/lemonde-zimo.txt")
        return try! String(contentsOf: url, encoding: .utf8)
    }

    /// The shared corpus, if present beside the repository.
    static var corpusPath: String? {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/corpus/news.jsonl.gz").standardizedFileURL
        return FileManager.default.fileExists(atPath: url.path) ? url.path : nil
    }

    /// A rule file with one rule, for loader and scorer tests.
    static func ruleFile(id: String = "t-rule", family: String = "paywall", pattern: String, position: String = "tail",
                         weight: Double = 0.9, match: [String], keep: [String], extra: String = "") -> String {
        """
        family: \(family)
        language: en
        rules:
          - id: \(id)
            description: test rule
            pattern: '\(pattern.replacingOccurrences(of: "'", with: "''"))'
            position: \(position)
            weight: \(weight)
        \(extra)
            examples:
              match:
        \(match.map { "        - '\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: "\n"))
              keep:
        \(keep.map { "        - '\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: "\n"))
        """
    }
}
