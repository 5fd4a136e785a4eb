# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_eksauto_global_optspecs
    string join \n cluster= region= profile= endpoint-url= kubeconfig= context= o/output= no-color v/verbose h/help V/version
end

function __fish_eksauto_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_eksauto_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_eksauto_using_subcommand
    set -l cmd (__fish_eksauto_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c eksauto -n "__fish_eksauto_needs_command" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_needs_command" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_needs_command" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_needs_command" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_needs_command" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_needs_command" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_needs_command" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_needs_command" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_needs_command" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_needs_command" -f -a "preflight" -d 'Check that the cluster is ready for a Kubernetes version upgrade (changes nothing)'
complete -c eksauto -n "__fish_eksauto_needs_command" -f -a "upgrade" -d 'Upgrade the control plane one minor version and follow the node rotation'
complete -c eksauto -n "__fish_eksauto_needs_command" -f -a "watch" -d 'Watch the cluster live'
complete -c eksauto -n "__fish_eksauto_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c eksauto -n "__fish_eksauto_needs_command" -f -a "sim" -d 'Run the built-in EKS Auto Mode emulator on loopback and print the variables to use it'
complete -c eksauto -n "__fish_eksauto_needs_command" -f -a "demo" -d 'Start the built-in emulator and run the preflight against it'
complete -c eksauto -n "__fish_eksauto_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l to -d 'Target Kubernetes version X.Y (default: the cluster\'s version + 1 minor)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l only -d 'Run only these checks: IDs (PDB001), ID prefixes (PDB) or families (iam), comma-separated' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l skip -d 'Skip these checks: IDs, ID prefixes or families, comma-separated' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l refresh-insights -d 'Start an insights refresh and wait (up to 3 minutes) for it before checking the insights'
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_using_subcommand preflight" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l to -d 'Target Kubernetes version X.Y (default: the cluster\'s version + 1 minor)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l timeout -d 'Give up waiting (exit 3) after this long (600, 90s, 45m, 2h); the cluster is left as it is' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l stall-after -d 'Explain what blocks the rotation once nothing has moved for this long' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l report -d 'Also write the report as JSON to FILE' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -s y -l yes -d 'Do not ask for confirmation (required without a terminal)'
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l dry-run -d 'Show the preflight and the plan, then stop: nothing is changed'
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l ignore-preflight -d 'Upgrade even though a preflight check FAILed'
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l force -d 'Pass EKS\'s force flag (upgrade despite blocking upgrade-readiness insights)'
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l no-rotation -d 'Stop once the control plane runs the target (Auto Mode then replaces the nodes on its own)'
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_using_subcommand upgrade" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -f -a "nodes" -d 'Nodes: status, version, type, NodePool, zone, pods, requests, age, expiry; NodePool budgets'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -f -a "pods" -d 'Pods: phase, readiness, node and its version, age, restarts'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -f -a "pdb" -d 'PodDisruptionBudgets: required, healthy, allowed, lowest healthy seen, violations'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -f -a "rotation" -d 'Node rotation to a version: progress, PDB compliance, what blocks it; exits 0 when every node runs the target, 1 if a PDB was violated on the way, 3 on --timeout, 4 when left with q'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and not __fish_seen_subcommand_from nodes pods pdb rotation help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -l once -d 'Print one snapshot once everything is listed, then exit'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from nodes" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -s n -l namespace -d 'Only pods in this namespace' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -s l -l selector -d 'Only pods matching this label selector (`app=myapp,tier!=db`)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -s A -l all-namespaces -d 'Pods in every namespace (the default)'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -l once -d 'Print one snapshot once everything is listed, then exit'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pods" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -l once -d 'Print one snapshot once everything is listed, then exit'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from pdb" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l to -d 'Target Kubernetes version X.Y (default: the control plane\'s, from the API server\'s /version)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l stall-after -d 'Explain what blocks the rotation once nothing has moved for this long (600, 90s, 45m, 2h)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l timeout -d 'Give up (exit 3) after this long (600, 90s, 45m, 2h)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l once -d 'Print one snapshot once everything is listed, then exit'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from rotation" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from help" -f -a "nodes" -d 'Nodes: status, version, type, NodePool, zone, pods, requests, age, expiry; NodePool budgets'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from help" -f -a "pods" -d 'Pods: phase, readiness, node and its version, age, restarts'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from help" -f -a "pdb" -d 'PodDisruptionBudgets: required, healthy, allowed, lowest healthy seen, violations'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from help" -f -a "rotation" -d 'Node rotation to a version: progress, PDB compliance, what blocks it; exits 0 when every node runs the target, 1 if a PDB was violated on the way, 3 on --timeout, 4 when left with q'
complete -c eksauto -n "__fish_eksauto_using_subcommand watch; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_using_subcommand completions" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l scenario -d 'Built-in scenario (article, blocked, large) or a path to a YAML file' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l aws-port -d 'Port of the AWS endpoint (0 picks a free one)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l kube-port -d 'Port of the Kubernetes API server (0 picks a free one)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l speed -d 'Virtual time runs X times as fast as real time' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l latency -d 'Latency added to every AWS call, in milliseconds' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l kubeconfig-out -d 'Where to write the kubeconfig (default: a temporary file)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l bookmark-interval -d 'Seconds between watch bookmarks (default: the scenario\'s, 60)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l min-request-timeout -d 'Watches without timeoutSeconds end after S to 2×S seconds (default: the scenario\'s, 1800)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l token-lifetime -d 'Virtual seconds an `aws eks get-token` token is accepted (default: the scenario\'s, 900)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l manual-clock -d 'Virtual time moves only on POST /_sim/clock/advance'
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l require-aws-tokens -d 'Accept only `aws eks get-token` tokens, as EKS does (the kubeconfig then runs that plugin)'
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_using_subcommand sim" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l scenario -d 'Built-in scenario or a path to a YAML file' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l speed -d 'Virtual time runs X times as fast as real time' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l to -d 'Target Kubernetes version X.Y (default: the cluster\'s version + 1 minor)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l only -d 'Run only these checks: IDs (PDB001), ID prefixes (PDB) or families (iam), comma-separated' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l skip -d 'Skip these checks: IDs, ID prefixes or families, comma-separated' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l cluster -d 'EKS cluster name (default: the current kube context, when it is named by the cluster ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l region -d 'AWS region (default: AWS_REGION, the profile\'s region, or the kube context\'s ARN)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l profile -d 'AWS profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l endpoint-url -d 'Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l kubeconfig -d 'Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)' -r -F
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l context -d 'Kube context to use (default: the kubeconfig\'s current context)' -r
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable tables'
json\t'One JSON document (stable schema)'"
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l refresh-insights -d 'Start an insights refresh and wait (up to 3 minutes) for it before checking the insights'
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -l no-color -d 'Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)'
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -s v -l verbose -d 'More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged'
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksauto -n "__fish_eksauto_using_subcommand demo" -s V -l version -d 'Print version'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and not __fish_seen_subcommand_from preflight upgrade watch completions sim demo help" -f -a "preflight" -d 'Check that the cluster is ready for a Kubernetes version upgrade (changes nothing)'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and not __fish_seen_subcommand_from preflight upgrade watch completions sim demo help" -f -a "upgrade" -d 'Upgrade the control plane one minor version and follow the node rotation'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and not __fish_seen_subcommand_from preflight upgrade watch completions sim demo help" -f -a "watch" -d 'Watch the cluster live'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and not __fish_seen_subcommand_from preflight upgrade watch completions sim demo help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and not __fish_seen_subcommand_from preflight upgrade watch completions sim demo help" -f -a "sim" -d 'Run the built-in EKS Auto Mode emulator on loopback and print the variables to use it'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and not __fish_seen_subcommand_from preflight upgrade watch completions sim demo help" -f -a "demo" -d 'Start the built-in emulator and run the preflight against it'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and not __fish_seen_subcommand_from preflight upgrade watch completions sim demo help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and __fish_seen_subcommand_from watch" -f -a "nodes" -d 'Nodes: status, version, type, NodePool, zone, pods, requests, age, expiry; NodePool budgets'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and __fish_seen_subcommand_from watch" -f -a "pods" -d 'Pods: phase, readiness, node and its version, age, restarts'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and __fish_seen_subcommand_from watch" -f -a "pdb" -d 'PodDisruptionBudgets: required, healthy, allowed, lowest healthy seen, violations'
complete -c eksauto -n "__fish_eksauto_using_subcommand help; and __fish_seen_subcommand_from watch" -f -a "rotation" -d 'Node rotation to a version: progress, PDB compliance, what blocks it; exits 0 when every node runs the target, 1 if a PDB was violated on the way, 3 on --timeout, 4 when left with q'
