function __boilerstrip_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __boilerstrip_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __boilerstrip_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __boilerstrip_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __boilerstrip_parse_tokens -S
    set -l unparsed_tokens (__boilerstrip_tokens -pc)
    switch $unparsed_tokens[1]
    case 'boilerstrip'
        __boilerstrip_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'clean'
            __boilerstrip_parse_subcommand -r 1 'json' 'jsonl' 'text-field=' 'meta-field=' 'threshold=' 'flag-threshold=' 'keep-credits' 'on-error=' 'jobs=' 'verbose' 'explain' 'stats' 'rule-timings' 'rules=+' 'no-builtin' 'version' 'h/help'
        case 'rules'
            __boilerstrip_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __boilerstrip_parse_subcommand 0 'json' 'rules=+' 'no-builtin' 'version' 'h/help'
            case 'test'
                __boilerstrip_parse_subcommand 0 'rule=+' 'rules=+' 'no-builtin' 'version' 'h/help'
            case 'lint'
                __boilerstrip_parse_subcommand 0 'rules=+' 'no-builtin' 'version' 'h/help'
            case 'export'
                __boilerstrip_parse_subcommand 0 'alternation' 'rules=+' 'no-builtin' 'version' 'h/help'
            case 'doc'
                __boilerstrip_parse_subcommand 0 'rules=+' 'no-builtin' 'version' 'h/help'
            end
        case 'eval'
            __boilerstrip_parse_subcommand -r 1 'json' 'verbose' 'calibrate' 'threshold=' 'rules=+' 'no-builtin' 'version' 'h/help'
        case 'help'
            __boilerstrip_parse_subcommand -r 1 'version'
        end
    end
end

function __boilerstrip_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __boilerstrip_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __boilerstrip_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __boilerstrip_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__boilerstrip_tokens -p)
    if test -z "$(__boilerstrip_tokens -t)"
        set -l index (count (__boilerstrip_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'boilerstrip' -f
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip" version' -l 'version' -d 'Show the version.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_positional "boilerstrip" -eq 1' -fa 'clean' -d 'Clean documents (the default command).'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_positional "boilerstrip" -eq 1' -fa 'rules' -d 'Inspect, test and export the rule catalogue.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_positional "boilerstrip" -eq 1' -fa 'eval' -d 'Measure the cleaner against labelled documents (JSON Lines).'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_positional "boilerstrip" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" json' -l 'json' -d 'Write a JSON object with the cleaned text and the metadata for each document.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" jsonl' -l 'jsonl' -d 'Read and write JSON Lines records.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" text-field' -l 'text-field' -d 'The record field that holds the text (--jsonl).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" meta-field' -l 'meta-field' -d 'The field the metadata is written to (--json, --jsonl).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" threshold' -l 'threshold' -d 'Remove spans scoring at or above this (0…1).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" flag-threshold' -l 'flag-threshold' -d 'Flag (and keep) spans scoring at or above this and below --threshold.' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" keep-credits' -l 'keep-credits' -d 'Leave wire credits and sign-offs ("(dpa)", "Reuter") in the text; they are still reported as the credit.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" on-error' -l 'on-error' -d 'What to do with a malformed record: fail (exit 65) or pass (write it through, warn).' -rfka 'fail pass'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" jobs' -l 'jobs' -d 'Worker threads for --jsonl and for several files (default: the number of cores).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" verbose' -l 'verbose' -d 'Add each span\'s score factors to the metadata.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" explain' -l 'explain' -d 'Show each document for a person: removed spans struck, flagged spans marked, each with its rule, score and factors (colour on a terminal unless NO_COLOR is set).'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" stats' -l 'stats' -d 'Print a summary on stderr at the end: documents, spans removed by family and rule, truncated and paywalled counts, MB/s.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" rule-timings' -l 'rule-timings' -d 'Print the rules that cost the most matching time to stderr at the end (--jsonl).'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean"' -l 'rules' -d 'A folder of rule files to add to the catalogue (repeatable).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" no-builtin' -l 'no-builtin' -d 'Leave out the catalogue embedded in the binary.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" version' -l 'version' -d 'Show the version.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip clean" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules" version' -l 'version' -d 'Show the version.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_positional "boilerstrip rules" -eq 1' -fa 'list' -d 'List the rules.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_positional "boilerstrip rules" -eq 1' -fa 'test' -d 'Run every rule\'s examples, as written and in typographic variants.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_positional "boilerstrip rules" -eq 1' -fa 'lint' -d 'Find patterns prone to catastrophic backtracking, rules that shadow each other, rules the screen cannot pre-filter.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_positional "boilerstrip rules" -eq 1' -fa 'export' -d 'Print the expanded PCRE2 patterns, one per line (each usable with grep -P).'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_positional "boilerstrip rules" -eq 1' -fa 'doc' -d 'Print the catalogue as Markdown (what Rules/README.md holds).'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules list" json' -l 'json' -d 'One JSON object per rule (JSON Lines).'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules list"' -l 'rules' -d 'A folder of rule files to add to the catalogue (repeatable).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules list" no-builtin' -l 'no-builtin' -d 'Leave out the catalogue embedded in the binary.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules list" version' -l 'version' -d 'Show the version.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules test"' -l 'rule' -d 'Only this rule (repeatable).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules test"' -l 'rules' -d 'A folder of rule files to add to the catalogue (repeatable).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules test" no-builtin' -l 'no-builtin' -d 'Leave out the catalogue embedded in the binary.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules test" version' -l 'version' -d 'Show the version.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules test" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules lint"' -l 'rules' -d 'A folder of rule files to add to the catalogue (repeatable).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules lint" no-builtin' -l 'no-builtin' -d 'Leave out the catalogue embedded in the binary.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules lint" version' -l 'version' -d 'Show the version.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules lint" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules export" alternation' -l 'alternation' -d 'Print every rule\'s pattern joined into as few alternations as fit PCRE2\'s size limit.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules export"' -l 'rules' -d 'A folder of rule files to add to the catalogue (repeatable).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules export" no-builtin' -l 'no-builtin' -d 'Leave out the catalogue embedded in the binary.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules export" version' -l 'version' -d 'Show the version.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules doc"' -l 'rules' -d 'A folder of rule files to add to the catalogue (repeatable).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules doc" no-builtin' -l 'no-builtin' -d 'Leave out the catalogue embedded in the binary.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules doc" version' -l 'version' -d 'Show the version.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip rules doc" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip eval" json' -l 'json' -d 'Print the report as one JSON object.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip eval" verbose' -l 'verbose' -d 'List every document that is not perfect.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip eval" calibrate' -l 'calibrate' -d 'Fit the threshold and position constants on half the documents and check them on the other half.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip eval" threshold' -l 'threshold' -d 'Removal threshold.' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip eval"' -l 'rules' -d 'A folder of rule files to add to the catalogue (repeatable).' -rfka ''
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip eval" no-builtin' -l 'no-builtin' -d 'Leave out the catalogue embedded in the binary.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip eval" version' -l 'version' -d 'Show the version.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip eval" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'boilerstrip' -n '__boilerstrip_should_offer_completions_for_flags_or_options "boilerstrip help" version' -l 'version' -d 'Show the version.'
