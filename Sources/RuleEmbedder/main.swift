// Writes a Swift file that holds every rule file of a folder as a string literal, and the folder's snapshot.jsonl.
// Usage: RuleEmbedder RULES_DIR OUTPUT.swift
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: RuleEmbedder RULES_DIR OUTPUT.swift\n".utf8))
    exit(64)
}
let root = URL(fileURLWithPath: arguments[1])
var files: [(String, String)] = []
if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
    for case let url as URL in walker where url.pathExtension == "yaml" || url.pathExtension == "yml" {
        let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            FileHandle.standardError.write(Data("RuleEmbedder: \(url.path) is not UTF-8\n".utf8))
            exit(65)
        }
        files.append((relative, text))
    }
}
files.sort { $0.0 < $1.0 }

let fence = String(repeating: "#", count: 6)
var out = "// GENERATED FILE. DO NOT EDIT! Written by RuleEmbedder from Rules/ at build time.\n\n"
out += "/// The rule catalogue shipped in the binary: (path under Rules/, YAML text).\n"
out += "let embeddedRuleFiles: [(path: String, text: String)] = [\n"
for (path, text) in files {
    precondition(!text.contains("\"\"\"\(fence)"), "\(path) contains the embedding fence")
    out += "    (\"\(path)\", \(fence)\"\"\"\n\(text)\n\"\"\"\(fence)),\n"
}
out += "]\n\n"
// The catalogue as analysed (`boilerstrip rules snapshot`); empty when there is none.
let snapshotURL = root.appendingPathComponent("snapshot.jsonl")
let snapshot = (try? String(contentsOf: snapshotURL, encoding: .utf8)) ?? ""
precondition(!snapshot.contains("\"\"\"\(fence)"), "snapshot.jsonl contains the embedding fence")
out += "/// Rules/snapshot.jsonl: the built-in rules as analysed (see CatalogueSnapshot); empty when there is none.\n"
out += "let embeddedCatalogueSnapshot = \(fence)\"\"\"\n\(snapshot)\n\"\"\"\(fence)\n"
do {
    try out.write(to: URL(fileURLWithPath: arguments[2]), atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("RuleEmbedder: cannot write \(arguments[2]): \(error)\n".utf8))
    exit(73)
}
