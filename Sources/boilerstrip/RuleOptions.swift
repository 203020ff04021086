import ArgumentParser
import Boilerstrip

/// Options that choose the rules, shared by every command.
struct RuleOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp("A folder of rule files to add to the catalogue (repeatable).", valueName: "dir"))
    var directories: [String] = []

    @Flag(name: .customLong("no-builtin"), help: "Leave out the catalogue embedded in the binary.")
    var noBuiltin = false

    /// Loads the catalogue, or exits 78 naming the file, line and rule.
    func catalogue() throws -> Catalogue {
        do {
            return try Catalogue.load(includeBuiltin: !noBuiltin, directories: directories)
        } catch {
            Diagnostics.say(error.description)
            throw ExitCode(Exit.config)
        }
    }
}
