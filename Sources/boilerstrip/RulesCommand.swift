import ArgumentParser
import Boilerstrip

/// `boilerstrip rules list|test|lint|export|doc|snapshot`
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Inspect, test and export the rule catalogue.",
        subcommands: [List.self, Test.self, Lint.self, Export.self, Doc.self, Snapshot.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the rules.")
        @Flag(help: "One JSON object per rule (JSON Lines).") var json = false
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let catalogue = try rules.catalogue()
            var out: [UInt8] = []
            for rule in catalogue.rules {
                if json {
                    out.append(contentsOf: RuleListing.json(rule).utf8)
                } else {
                    let pad = { (text: String, width: Int) in text + String(repeating: " ", count: max(1, width - text.count)) }
                    out.append(contentsOf: (pad(rule.id, 40) + pad(rule.family.rawValue, 13) + pad(rule.language, 7)
                        + pad(rule.position.rawValue, 6) + String(rule.weight) + "  " + rule.description).utf8)
                }
                out.append(0x0A)
            }
            var output = Output()
            output.write(out)
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run every rule's examples, as written and in typographic variants.",
            discussion: "Exits 1 naming each rule and example that failed.")
        @Option(help: ArgumentHelp("Only this rule (repeatable).", valueName: "id")) var rule: [String] = []
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let catalogue = try rules.catalogue()
            let cleaner = try Cleaner(catalogue: catalogue)
            var runner = RuleExampleRunner(cleaner: cleaner)
            let failures = runner.run(ruleIDs: rule.isEmpty ? nil : Set(rule))
            for failure in failures { print(failure) }
            let checked = rule.isEmpty ? catalogue.rules.count : rule.count
            if failures.isEmpty {
                print("rules test: \(checked) rules, \(runner.runs) example runs, all passed")
            } else {
                print("rules test: \(failures.count) of \(runner.runs) example runs failed")
                throw ExitCode.failure
            }
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Find patterns prone to catastrophic backtracking, rules that shadow each other, rules the screen cannot pre-filter.",
            discussion: "Exits 1 when a pattern can run away.")
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let catalogue = try rules.catalogue()
            let findings = try RuleLinter(catalogue: catalogue).lint()
            for finding in findings { print(finding) }
            let errors = findings.filter { $0.severity == .error }.count
            print("rules lint: \(catalogue.rules.count) rules, \(errors) errors, \(findings.count - errors) warnings")
            if errors > 0 { throw ExitCode.failure }
        }
    }

    struct Doc: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "doc", abstract: "Print the catalogue as Markdown (what Rules/README.md holds).")
        @OptionGroup var rules: RuleOptions

        func run() throws {
            var output = Output()
            output.write(Array(RuleListing.markdown(try rules.catalogue()).utf8))
        }
    }

    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "snapshot",
            abstract: "Print the built-in catalogue as analysed (what Rules/snapshot.jsonl holds).",
            discussion: "The binary reads its built-in rules from the embedded snapshot when it was written from the embedded rule files; run `make rules-snapshot` after editing a rule.")

        func run() throws {
            let rules: [Rule]
            do {
                rules = try Catalogue.builtinRules(snapshot: false)
            } catch {
                Diagnostics.say(error.description)
                throw ExitCode(Exit.config)
            }
            var output = Output()
            output.write(Array(CatalogueSnapshot.write(rules, fingerprint: CatalogueSnapshot.fingerprint(of: Catalogue.builtinFiles)).utf8))
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print the expanded PCRE2 patterns, one per line (each usable with grep -P).",
            discussion: "grep -P takes one pattern: --alternation joins them into as few alternations as PCRE2's size limit allows (one per line).")
        @Flag(help: "Print every rule's pattern joined into as few alternations as fit PCRE2's size limit.") var alternation = false
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let catalogue = try rules.catalogue()
            var out: [UInt8] = []
            if alternation {
                for pattern in RuleListing.alternations(catalogue.rules) {
                    out.append(contentsOf: pattern.utf8)
                    out.append(0x0A)
                }
            } else {
                for rule in catalogue.rules {
                    out.append(contentsOf: RuleListing.grepPattern(rule).utf8)
                    out.append(0x0A)
                }
            }
            var output = Output()
            output.write(out)
        }
    }
}
