import Foundation
import PackagePlugin

/// Embeds the rule catalogue (`Rules/**/*.yaml`) and its analysis (`Rules/snapshot.jsonl`) into the Boilerstrip
/// library at build time, so one copied executable carries its rules.
@main
struct EmbedRules: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let rules = context.package.directoryURL.appending(path: "Rules")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedCatalogue.swift")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: rules, includingPropertiesForKeys: nil) {
            for case let url as URL in walker where url.pathExtension == "yaml" || url.pathExtension == "yml" || url.lastPathComponent == "snapshot.jsonl" {
                inputs.append(url)
            }
        }
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) rule files",
                executable: try context.tool(named: "RuleEmbedder").url,
                arguments: [rules.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
