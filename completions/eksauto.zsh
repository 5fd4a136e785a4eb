#compdef eksauto

autoload -U is-at-least

_eksauto() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_eksauto_commands" \
"*::: :->eksauto" \
&& ret=0
    case $state in
    (eksauto)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:eksauto-command-$line[1]:"
        case $line[1] in
            (preflight)
_arguments "${_arguments_options[@]}" : \
'--to=[Target Kubernetes version X.Y (default\: the cluster'\''s version + 1 minor)]:X.Y:_default' \
'*--only=[Run only these checks\: IDs (PDB001), ID prefixes (PDB) or families (iam), comma-separated]:IDS:_default' \
'*--skip=[Skip these checks\: IDs, ID prefixes or families, comma-separated]:IDS:_default' \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--refresh-insights[Start an insights refresh and wait (up to 3 minutes) for it before checking the insights]' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(upgrade)
_arguments "${_arguments_options[@]}" : \
'--to=[Target Kubernetes version X.Y (default\: the cluster'\''s version + 1 minor)]:X.Y:_default' \
'--timeout=[Give up waiting (exit 3) after this long (600, 90s, 45m, 2h); the cluster is left as it is]:DURATION:_default' \
'--stall-after=[Explain what blocks the rotation once nothing has moved for this long]:DURATION:_default' \
'--report=[Also write the report as JSON to FILE]:FILE:_files' \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'-y[Do not ask for confirmation (required without a terminal)]' \
'--yes[Do not ask for confirmation (required without a terminal)]' \
'--dry-run[Show the preflight and the plan, then stop\: nothing is changed]' \
'--ignore-preflight[Upgrade even though a preflight check FAILed]' \
'--force[Pass EKS'\''s force flag (upgrade despite blocking upgrade-readiness insights)]' \
'--no-rotation[Stop once the control plane runs the target (Auto Mode then replaces the nodes on its own)]' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(watch)
_arguments "${_arguments_options[@]}" : \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_eksauto__subcmd__watch_commands" \
"*::: :->watch" \
&& ret=0

    case $state in
    (watch)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:eksauto-watch-command-$line[1]:"
        case $line[1] in
            (nodes)
_arguments "${_arguments_options[@]}" : \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--once[Print one snapshot once everything is listed, then exit]' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(pods)
_arguments "${_arguments_options[@]}" : \
'(-A --all-namespaces)-n+[Only pods in this namespace]:NS:_default' \
'(-A --all-namespaces)--namespace=[Only pods in this namespace]:NS:_default' \
'-l+[Only pods matching this label selector (\`app=myapp,tier!=db\`)]:SELECTOR:_default' \
'--selector=[Only pods matching this label selector (\`app=myapp,tier!=db\`)]:SELECTOR:_default' \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'-A[Pods in every namespace (the default)]' \
'--all-namespaces[Pods in every namespace (the default)]' \
'--once[Print one snapshot once everything is listed, then exit]' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(pdb)
_arguments "${_arguments_options[@]}" : \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--once[Print one snapshot once everything is listed, then exit]' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(rotation)
_arguments "${_arguments_options[@]}" : \
'--to=[Target Kubernetes version X.Y (default\: the control plane'\''s, from the API server'\''s /version)]:X.Y:_default' \
'--stall-after=[Explain what blocks the rotation once nothing has moved for this long (600, 90s, 45m, 2h)]:DURATION:_default' \
'--timeout=[Give up (exit 3) after this long (600, 90s, 45m, 2h)]:DURATION:_default' \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--once[Print one snapshot once everything is listed, then exit]' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_eksauto__subcmd__watch__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:eksauto-watch-help-command-$line[1]:"
        case $line[1] in
            (nodes)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(pods)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(pdb)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rotation)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':shell -- The shell to generate the script for:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(sim)
_arguments "${_arguments_options[@]}" : \
'--scenario=[Built-in scenario (article, blocked, large) or a path to a YAML file]:NAME|FILE:_default' \
'--aws-port=[Port of the AWS endpoint (0 picks a free one)]:N:_default' \
'--kube-port=[Port of the Kubernetes API server (0 picks a free one)]:N:_default' \
'(--manual-clock)--speed=[Virtual time runs X times as fast as real time]:X:_default' \
'--latency=[Latency added to every AWS call, in milliseconds]:MS:_default' \
'--kubeconfig-out=[Where to write the kubeconfig (default\: a temporary file)]:PATH:_files' \
'--bookmark-interval=[Seconds between watch bookmarks (default\: the scenario'\''s, 60)]:S:_default' \
'--min-request-timeout=[Watches without timeoutSeconds end after S to 2×S seconds (default\: the scenario'\''s, 1800)]:S:_default' \
'--token-lifetime=[Virtual seconds an \`aws eks get-token\` token is accepted (default\: the scenario'\''s, 900)]:S:_default' \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--manual-clock[Virtual time moves only on POST /_sim/clock/advance]' \
'--require-aws-tokens[Accept only \`aws eks get-token\` tokens, as EKS does (the kubeconfig then runs that plugin)]' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(demo)
_arguments "${_arguments_options[@]}" : \
'--scenario=[Built-in scenario or a path to a YAML file]:NAME|FILE:_default' \
'--speed=[Virtual time runs X times as fast as real time]:X:_default' \
'--to=[Target Kubernetes version X.Y (default\: the cluster'\''s version + 1 minor)]:X.Y:_default' \
'*--only=[Run only these checks\: IDs (PDB001), ID prefixes (PDB) or families (iam), comma-separated]:IDS:_default' \
'*--skip=[Skip these checks\: IDs, ID prefixes or families, comma-separated]:IDS:_default' \
'--cluster=[EKS cluster name (default\: the current kube context, when it is named by the cluster ARN)]:NAME:_default' \
'--region=[AWS region (default\: AWS_REGION, the profile'\''s region, or the kube context'\''s ARN)]:REGION:_default' \
'--profile=[AWS profile from ~/.aws/config (default\: AWS_PROFILE)]:NAME:_default' \
'--endpoint-url=[Endpoint for every AWS service (default\: AWS_ENDPOINT_URL, else the public AWS endpoints)]:URL:_default' \
'--kubeconfig=[Path to the kubeconfig (default\: KUBECONFIG, else ~/.kube/config)]:PATH:_files' \
'--context=[Kube context to use (default\: the kubeconfig'\''s current context)]:NAME:_default' \
'-o+[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--output=[Output format]:OUTPUT:((table\:"Human-readable tables"
json\:"One JSON document (stable schema)"))' \
'--refresh-insights[Start an insights refresh and wait (up to 3 minutes) for it before checking the insights]' \
'--no-color[Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)]' \
'*-v[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'*--verbose[More log lines on stderr (-v\: debug, -vv\: trace); credentials and tokens are never logged]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_eksauto__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:eksauto-help-command-$line[1]:"
        case $line[1] in
            (preflight)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(upgrade)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(watch)
_arguments "${_arguments_options[@]}" : \
":: :_eksauto__subcmd__help__subcmd__watch_commands" \
"*::: :->watch" \
&& ret=0

    case $state in
    (watch)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:eksauto-help-watch-command-$line[1]:"
        case $line[1] in
            (nodes)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(pods)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(pdb)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rotation)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(sim)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(demo)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_eksauto_commands] )) ||
_eksauto_commands() {
    local commands; commands=(
'preflight:Check that the cluster is ready for a Kubernetes version upgrade (changes nothing)' \
'upgrade:Upgrade the control plane one minor version and follow the node rotation' \
'watch:Watch the cluster live' \
'completions:Print a shell completion script to stdout' \
'sim:Run the built-in EKS Auto Mode emulator on loopback and print the variables to use it' \
'demo:Start the built-in emulator and run the preflight against it' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'eksauto commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__completions_commands] )) ||
_eksauto__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto completions commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__demo_commands] )) ||
_eksauto__subcmd__demo_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto demo commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help_commands] )) ||
_eksauto__subcmd__help_commands() {
    local commands; commands=(
'preflight:Check that the cluster is ready for a Kubernetes version upgrade (changes nothing)' \
'upgrade:Upgrade the control plane one minor version and follow the node rotation' \
'watch:Watch the cluster live' \
'completions:Print a shell completion script to stdout' \
'sim:Run the built-in EKS Auto Mode emulator on loopback and print the variables to use it' \
'demo:Start the built-in emulator and run the preflight against it' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'eksauto help commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__completions_commands] )) ||
_eksauto__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto help completions commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__demo_commands] )) ||
_eksauto__subcmd__help__subcmd__demo_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto help demo commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__help_commands] )) ||
_eksauto__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto help help commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__preflight_commands] )) ||
_eksauto__subcmd__help__subcmd__preflight_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto help preflight commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__sim_commands] )) ||
_eksauto__subcmd__help__subcmd__sim_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto help sim commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__upgrade_commands] )) ||
_eksauto__subcmd__help__subcmd__upgrade_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto help upgrade commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__watch_commands] )) ||
_eksauto__subcmd__help__subcmd__watch_commands() {
    local commands; commands=(
'nodes:Nodes\: status, version, type, NodePool, zone, pods, requests, age, expiry; NodePool budgets' \
'pods:Pods\: phase, readiness, node and its version, age, restarts' \
'pdb:PodDisruptionBudgets\: required, healthy, allowed, lowest healthy seen, violations' \
'rotation:Node rotation to a version\: progress, PDB compliance, what blocks it; exits 0 when every node runs the target, 1 if a PDB was violated on the way, 3 on --timeout, 4 when left with q' \
    )
    _describe -t commands 'eksauto help watch commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__watch__subcmd__nodes_commands] )) ||
_eksauto__subcmd__help__subcmd__watch__subcmd__nodes_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto help watch nodes commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__watch__subcmd__pdb_commands] )) ||
_eksauto__subcmd__help__subcmd__watch__subcmd__pdb_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto help watch pdb commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__watch__subcmd__pods_commands] )) ||
_eksauto__subcmd__help__subcmd__watch__subcmd__pods_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto help watch pods commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__help__subcmd__watch__subcmd__rotation_commands] )) ||
_eksauto__subcmd__help__subcmd__watch__subcmd__rotation_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto help watch rotation commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__preflight_commands] )) ||
_eksauto__subcmd__preflight_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto preflight commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__sim_commands] )) ||
_eksauto__subcmd__sim_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto sim commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__upgrade_commands] )) ||
_eksauto__subcmd__upgrade_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto upgrade commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch_commands] )) ||
_eksauto__subcmd__watch_commands() {
    local commands; commands=(
'nodes:Nodes\: status, version, type, NodePool, zone, pods, requests, age, expiry; NodePool budgets' \
'pods:Pods\: phase, readiness, node and its version, age, restarts' \
'pdb:PodDisruptionBudgets\: required, healthy, allowed, lowest healthy seen, violations' \
'rotation:Node rotation to a version\: progress, PDB compliance, what blocks it; exits 0 when every node runs the target, 1 if a PDB was violated on the way, 3 on --timeout, 4 when left with q' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'eksauto watch commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch__subcmd__help_commands] )) ||
_eksauto__subcmd__watch__subcmd__help_commands() {
    local commands; commands=(
'nodes:Nodes\: status, version, type, NodePool, zone, pods, requests, age, expiry; NodePool budgets' \
'pods:Pods\: phase, readiness, node and its version, age, restarts' \
'pdb:PodDisruptionBudgets\: required, healthy, allowed, lowest healthy seen, violations' \
'rotation:Node rotation to a version\: progress, PDB compliance, what blocks it; exits 0 when every node runs the target, 1 if a PDB was violated on the way, 3 on --timeout, 4 when left with q' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'eksauto watch help commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch__subcmd__help__subcmd__help_commands] )) ||
_eksauto__subcmd__watch__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto watch help help commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch__subcmd__help__subcmd__nodes_commands] )) ||
_eksauto__subcmd__watch__subcmd__help__subcmd__nodes_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto watch help nodes commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch__subcmd__help__subcmd__pdb_commands] )) ||
_eksauto__subcmd__watch__subcmd__help__subcmd__pdb_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto watch help pdb commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch__subcmd__help__subcmd__pods_commands] )) ||
_eksauto__subcmd__watch__subcmd__help__subcmd__pods_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto watch help pods commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch__subcmd__help__subcmd__rotation_commands] )) ||
_eksauto__subcmd__watch__subcmd__help__subcmd__rotation_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto watch help rotation commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch__subcmd__nodes_commands] )) ||
_eksauto__subcmd__watch__subcmd__nodes_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto watch nodes commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch__subcmd__pdb_commands] )) ||
_eksauto__subcmd__watch__subcmd__pdb_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto watch pdb commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch__subcmd__pods_commands] )) ||
_eksauto__subcmd__watch__subcmd__pods_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto watch pods commands' commands "$@"
}
(( $+functions[_eksauto__subcmd__watch__subcmd__rotation_commands] )) ||
_eksauto__subcmd__watch__subcmd__rotation_commands() {
    local commands; commands=()
    _describe -t commands 'eksauto watch rotation commands' commands "$@"
}

if [ "$funcstack[1]" = "_eksauto" ]; then
    _eksauto "$@"
else
    compdef _eksauto eksauto
fi
