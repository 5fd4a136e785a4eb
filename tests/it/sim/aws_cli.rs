//! The emulator's AWS endpoint as the article's reader meets it: the real `aws` CLI (v1) runs each
//! of the article's commands against the `article` scenario and prints what the article shows; the
//! Rust SDK (what eksauto itself uses) calls every operation and parses every answer.

use crate::common::{self, aws_error, aws_json};

use eksauto_sim::SimHandle;
use serde_json::Value;

const CLUSTER: &str = "interesting-funk-otter";
const INSIGHT: &str = "e93f18ce-bb38-43c5-8128-1fb4d9eff704";
const ROLE: &str = "AmazonEKSAutoClusterRole";

/// `aws ARGS...` against the emulator: (exit code, stdout, stderr).
async fn aws(sim: &SimHandle, args: &[&str]) -> (i32, String, String) {
    common::run(common::aws(sim, args)).await
}

/// The arguments of `aws eks update-cluster-version` of `cluster` to `version`.
fn update_args<'a>(cluster: &'a str, version: &'a str) -> [&'a str; 6] {
    [
        "eks",
        "update-cluster-version",
        "--name",
        cluster,
        "--kubernetes-version",
        version,
    ]
}

/// `aws eks describe-update` of the article's cluster.
async fn describe_update(sim: &SimHandle, id: &str) -> Value {
    aws_json(
        sim,
        &[
            "eks",
            "describe-update",
            "--name",
            CLUSTER,
            "--update-id",
            id,
        ],
    )
    .await
}

fn is_iso8601(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 25 && s.ends_with("+00:00") && s.as_bytes()[10] == b'T')
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_articles_read_only_commands_print_what_it_shows() {
    let sim = common::start_sim("article", true).await;

    // aws eks list-insights --region ap-northeast-1 --cluster-name $CLUSTER
    let v = aws_json(
        &sim,
        &[
            "eks",
            "list-insights",
            "--region",
            "ap-northeast-1",
            "--cluster-name",
            CLUSTER,
        ],
    )
    .await;
    let insights = v["insights"].as_array().expect("insights list");
    let i = insights
        .iter()
        .find(|i| i["id"] == INSIGHT)
        .unwrap_or_else(|| panic!("the article's insight is listed: {v}"));
    assert_eq!(i["name"], "Deprecated APIs removed in Kubernetes v1.32");
    assert_eq!(i["category"], "UPGRADE_READINESS");
    assert_eq!(i["kubernetesVersion"], "1.32");
    assert_eq!(i["insightStatus"]["status"], "PASSING");
    assert_eq!(
        i["insightStatus"]["reason"],
        "No deprecated API usage detected within the last 30 days."
    );
    assert!(
        is_iso8601(&i["lastRefreshTime"]),
        "{}",
        i["lastRefreshTime"]
    );
    assert!(
        is_iso8601(&i["lastTransitionTime"]),
        "{}",
        i["lastTransitionTime"]
    );
    assert!(
        i.get("recommendation").is_none(),
        "a summary, not the full insight"
    );

    // aws eks describe-insight --region ap-northeast-1 --id ... --cluster-name $CLUSTER
    let v = aws_json(
        &sim,
        &[
            "eks",
            "describe-insight",
            "--region",
            "ap-northeast-1",
            "--id",
            INSIGHT,
            "--cluster-name",
            CLUSTER,
        ],
    )
    .await;
    let d = &v["insight"];
    assert_eq!(d["id"], INSIGHT);
    assert_eq!(d["insightStatus"]["status"], "PASSING");
    assert!(d["recommendation"].as_str().unwrap().contains("v1.32"));
    assert_eq!(d["resources"], serde_json::json!([]));
    let details = d["categorySpecificSummary"]["deprecationDetails"]
        .as_array()
        .expect("deprecationDetails");
    assert_eq!(details.len(), 2);
    assert_eq!(
        details[0]["usage"],
        "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas"
    );
    assert_eq!(
        details[0]["replacedWith"],
        "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas"
    );
    assert_eq!(details[0]["stopServingVersion"], "1.32");
    assert_eq!(details[0]["startServingReplacementVersion"], "1.29");
    assert_eq!(details[0]["clientStats"], serde_json::json!([]));
    assert_eq!(
        details[1]["replacedWith"],
        "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations"
    );

    // aws ec2 describe-subnets --subnet-ids $(aws eks describe-cluster --name $CLUSTER
    //   --query 'cluster.resourcesVpcConfig.subnetIds' --output text)
    //   --query 'Subnets[*].[SubnetId,AvailabilityZone,AvailableIpAddressCount]' --output table
    let (rc, ids, err) = aws(
        &sim,
        &[
            "eks",
            "describe-cluster",
            "--name",
            CLUSTER,
            "--query",
            "cluster.resourcesVpcConfig.subnetIds",
            "--output",
            "text",
        ],
    )
    .await;
    assert_eq!(rc, 0, "{err}");
    let ids: Vec<&str> = ids.split_whitespace().collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    let mut args = vec!["ec2", "describe-subnets", "--subnet-ids"];
    args.extend(&ids);
    args.extend([
        "--query",
        "Subnets[*].[SubnetId,AvailabilityZone,AvailableIpAddressCount]",
        "--output",
        "table",
    ]);
    let (rc, table, err) = aws(&sim, &args).await;
    assert_eq!(rc, 0, "{err}");
    // The article's table, row for row: 1c then 1a, 4090 free addresses each.
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|l| l.contains("subnet-"))
        .map(|l| {
            l.split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        [
            [ids[0], "ap-northeast-1c", "4090"],
            [ids[1], "ap-northeast-1a", "4090"]
        ],
        "{table}"
    );
    assert!(
        table.lines().nth(1).unwrap().contains("DescribeSubnets"),
        "{table}"
    );

    // aws iam get-role --role-name ${ROLE_ARN##*/} --query 'Role.AssumeRolePolicyDocument'
    let (rc, out, err) = aws(
        &sim,
        &[
            "iam",
            "get-role",
            "--role-name",
            ROLE,
            "--query",
            "Role.AssumeRolePolicyDocument",
        ],
    )
    .await;
    assert_eq!(rc, 0, "{err}");
    // Exactly the article's document, element order included.
    assert_eq!(
        out.split_whitespace().collect::<Vec<_>>().join(" "),
        r#"{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Principal": { "Service": "eks.amazonaws.com" }, "Action": [ "sts:AssumeRole", "sts:TagSession" ] } ] }"#
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["Version"], "2012-10-17");
    let st = &v["Statement"][0];
    assert_eq!(st["Effect"], "Allow");
    assert_eq!(st["Principal"]["Service"], "eks.amazonaws.com");
    assert_eq!(
        st["Action"],
        serde_json::json!(["sts:AssumeRole", "sts:TagSession"])
    );

    // aws eks list-addons --cluster-name $CLUSTER → { "addons": [] }
    let (rc, out, err) = aws(&sim, &["eks", "list-addons", "--cluster-name", CLUSTER]).await;
    assert_eq!(rc, 0, "{err}");
    assert_eq!(out.trim(), "{\n    \"addons\": []\n}");

    // The cluster itself.
    let v = aws_json(&sim, &["eks", "describe-cluster", "--name", CLUSTER]).await;
    let c = &v["cluster"];
    assert_eq!(c["name"], CLUSTER);
    assert_eq!(
        c["arn"],
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/interesting-funk-otter"
    );
    assert_eq!(c["version"], "1.30");
    assert_eq!(c["status"], "ACTIVE");
    assert!(is_iso8601(&c["createdAt"]), "{}", c["createdAt"]);
    assert_eq!(
        c["roleArn"],
        "arn:aws:iam::123456789012:role/AmazonEKSAutoClusterRole"
    );
    assert_eq!(c["computeConfig"]["enabled"], true);
    assert_eq!(
        c["computeConfig"]["nodePools"],
        serde_json::json!(["general-purpose", "system"])
    );
    assert_eq!(c["storageConfig"]["blockStorage"]["enabled"], true);
    assert_eq!(
        c["kubernetesNetworkConfig"]["elasticLoadBalancing"]["enabled"],
        true
    );
    assert!(c["platformVersion"].as_str().unwrap().starts_with("eks."));

    // Reading changed nothing.
    let log = common::request_log(&sim).await;
    let calls: Vec<String> = log
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r["service"].as_str().unwrap(),
                r["operation"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            "eks:ListInsights",
            "eks:DescribeInsight",
            "eks:DescribeCluster",
            "ec2:DescribeSubnets",
            "iam:GetRole",
            "eks:ListAddons",
            "eks:DescribeCluster",
        ]
    );
    assert!(log.iter().all(|r| r["mutating"] == false), "{log:?}");
    assert!(common::mutating_requests(&sim).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_sees_aws_errors() {
    let sim = common::start_sim("article", true).await;

    let err = aws_error(
        &sim,
        &["eks", "describe-cluster", "--name", "no-such-cluster"],
        "ResourceNotFoundException",
    )
    .await;
    assert!(
        err.contains("No cluster found for name: no-such-cluster."),
        "{err}"
    );

    aws_error(
        &sim,
        &update_args(CLUSTER, "1.32"),
        "InvalidParameterException",
    )
    .await;
    aws_error(
        &sim,
        &[
            "ec2",
            "describe-subnets",
            "--subnet-ids",
            "subnet-00000000000000000",
        ],
        "InvalidSubnetID.NotFound",
    )
    .await;
    aws_error(
        &sim,
        &["iam", "get-role", "--role-name", "NoSuchRole"],
        "NoSuchEntity",
    )
    .await;
    aws_error(
        &sim,
        &[
            "eks",
            "describe-insight",
            "--cluster-name",
            CLUSTER,
            "--id",
            "nope",
        ],
        "ResourceNotFoundException",
    )
    .await;

    // The refused update changed nothing.
    let v = aws_json(&sim, &["eks", "describe-cluster", "--name", CLUSTER]).await;
    assert_eq!(v["cluster"]["status"], "ACTIVE");
    assert_eq!(v["cluster"]["version"], "1.30");
}

/// What tools that inventory any EKS cluster ask (node groups, Fargate profiles, Auto Scaling
/// groups, the EC2 instances behind the nodes), answered as an Auto Mode cluster answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_sees_an_auto_mode_clusters_compute() {
    let sim = common::start_sim("article", true).await;

    let v = aws_json(&sim, &["eks", "list-nodegroups", "--cluster-name", CLUSTER]).await;
    assert_eq!(v, serde_json::json!({"nodegroups": []}));
    let v = aws_json(
        &sim,
        &["eks", "list-fargate-profiles", "--cluster-name", CLUSTER],
    )
    .await;
    assert_eq!(v, serde_json::json!({"fargateProfileNames": []}));
    let v = aws_json(&sim, &["autoscaling", "describe-auto-scaling-groups"]).await;
    assert_eq!(v, serde_json::json!({"AutoScalingGroups": []}));
    let v = aws_json(
        &sim,
        &[
            "autoscaling",
            "describe-auto-scaling-groups",
            "--filters",
            &format!("Name=tag:eks:cluster-name,Values={CLUSTER}"),
        ],
    )
    .await;
    assert_eq!(v["AutoScalingGroups"], serde_json::json!([]));

    // the article's one c5a.4xlarge node, as an instance
    let nodes = common::kubectl_ok(&sim, &["get", "nodes", "-o", "json"]).await;
    let nodes: Value = serde_json::from_str(&nodes).unwrap();
    let node = &nodes["items"][0];
    let node_name = node["metadata"]["name"].as_str().unwrap();
    let zone = node["metadata"]["labels"]["topology.kubernetes.io/zone"]
        .as_str()
        .unwrap();
    let v = aws_json(
        &sim,
        &[
            "ec2",
            "describe-instances",
            "--filters",
            &format!("Name=tag:eks:eks-cluster-name,Values={CLUSTER}"),
            "Name=instance-state-name,Values=running",
            "--query",
            "Reservations[].Instances[].{id: InstanceId, type: InstanceType, az: Placement.AvailabilityZone, state: State.Name, pool: Tags[?Key=='eks:kubernetes-node-pool-name'] | [0].Value, launched: LaunchTime}",
        ],
    )
    .await;
    let instances = v.as_array().expect("a list");
    assert_eq!(instances.len(), 1, "{v}");
    let i = &instances[0];
    assert_eq!(i["id"], node_name);
    assert_eq!(i["type"], "c5a.4xlarge");
    assert_eq!(i["az"], zone);
    assert_eq!(i["state"], "running");
    assert_eq!(i["pool"], "general-purpose");
    assert!(is_iso8601(&i["launched"]), "{i}");
    let created = node["metadata"]["creationTimestamp"].as_str().unwrap();
    assert_eq!(
        i["launched"].as_str().unwrap().trim_end_matches("+00:00"),
        created.trim_end_matches('Z')
    );

    // the whole instance: tags Auto Mode sets, network placement in the cluster's VPC
    let v = aws_json(
        &sim,
        &["ec2", "describe-instances", "--instance-ids", node_name],
    )
    .await;
    let inst = &v["Reservations"][0]["Instances"][0];
    let tags: std::collections::BTreeMap<&str, &str> = inst["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["Key"].as_str().unwrap(), t["Value"].as_str().unwrap()))
        .collect();
    for (k, want) in [
        ("eks:eks-cluster-name", CLUSTER),
        ("aws:eks:cluster-name", CLUSTER),
        ("eks:kubernetes-node-pool-name", "general-purpose"),
        ("eks:kubernetes-node-class-name", "default"),
        ("karpenter.sh/nodepool", "general-purpose"),
        ("Name", node_name),
    ] {
        assert_eq!(tags.get(k).copied(), Some(want), "{k} in {tags:?}");
    }
    assert_eq!(
        tags.get(format!("kubernetes.io/cluster/{CLUSTER}").as_str())
            .copied(),
        Some("owned")
    );
    let internal_ip = node["status"]["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"] == "InternalIP")
        .unwrap()["address"]
        .clone();
    assert_eq!(inst["PrivateIpAddress"], internal_ip);
    let subnets = aws_json(
        &sim,
        &[
            "ec2",
            "describe-subnets",
            "--filters",
            &format!("Name=availability-zone,Values={zone}"),
        ],
    )
    .await;
    assert_eq!(inst["SubnetId"], subnets["Subnets"][0]["SubnetId"]);
    assert_eq!(inst["VpcId"], subnets["Subnets"][0]["VpcId"]);

    let v = aws_json(&sim, &["ec2", "describe-volumes"]).await;
    assert_eq!(v["Volumes"], serde_json::json!([]));
    let v = aws_json(&sim, &["ec2", "describe-launch-templates"]).await;
    assert_eq!(v["LaunchTemplates"], serde_json::json!([]));

    // what there is not
    let err = aws_error(
        &sim,
        &[
            "eks",
            "describe-nodegroup",
            "--cluster-name",
            CLUSTER,
            "--nodegroup-name",
            "ng-1",
        ],
        "ResourceNotFoundException",
    )
    .await;
    assert!(err.contains("No node group found for name: ng-1."), "{err}");
    let err = aws_error(
        &sim,
        &[
            "eks",
            "describe-fargate-profile",
            "--cluster-name",
            CLUSTER,
            "--fargate-profile-name",
            "fp-default",
        ],
        "ResourceNotFoundException",
    )
    .await;
    assert!(
        err.contains("No Fargate Profile found with name: fp-default."),
        "{err}"
    );
    let err = aws_error(
        &sim,
        &[
            "eks",
            "list-nodegroups",
            "--cluster-name",
            "no-such-cluster",
        ],
        "ResourceNotFoundException",
    )
    .await;
    assert!(
        err.contains("No cluster found for name: no-such-cluster."),
        "{err}"
    );
    aws_error(
        &sim,
        &[
            "ec2",
            "describe-instances",
            "--instance-ids",
            "i-0000000000000000f",
        ],
        "InvalidInstanceID.NotFound",
    )
    .await;
    aws_error(
        &sim,
        &[
            "autoscaling",
            "describe-auto-scaling-groups",
            "--max-records",
            "101",
        ],
        "ValidationError",
    )
    .await;

    let log = common::request_log(&sim).await;
    assert!(log
        .iter()
        .any(|r| r["service"] == "autoscaling" && r["operation"] == "DescribeAutoScalingGroups"));
    assert!(log
        .iter()
        .any(|r| r["service"] == "ec2" && r["operation"] == "DescribeInstances"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_cluster_version_starts_one_update_at_a_time() {
    let sim = common::start_sim("article", true).await;

    let v = common::cli_update_cluster_version(&sim, "1.31", false).await;
    let u = &v["update"];
    assert_eq!(u["status"], "InProgress");
    assert_eq!(u["type"], "VersionUpdate");
    assert_eq!(
        u["params"][0],
        serde_json::json!({"type": "Version", "value": "1.31"})
    );
    assert_eq!(u["params"][1]["type"], "PlatformVersion");
    assert!(is_iso8601(&u["createdAt"]));
    let id = u["id"].as_str().expect("update id").to_string();

    let mutating = common::mutating_requests(&sim).await;
    assert_eq!(mutating.len(), 1, "{mutating:?}");
    assert_eq!(mutating[0]["operation"], "UpdateClusterVersion");

    let v = aws_json(&sim, &["eks", "describe-cluster", "--name", CLUSTER]).await;
    assert_eq!(v["cluster"]["status"], "UPDATING");

    let err = aws_error(
        &sim,
        &update_args(CLUSTER, "1.31"),
        "ResourceInUseException",
    )
    .await;
    assert!(err.contains(&id), "{err}");

    let v = describe_update(&sim, &id).await;
    assert_eq!(v["update"]["id"], id.as_str());
    assert_eq!(v["update"]["status"], "InProgress");

    let v = aws_json(&sim, &["eks", "list-updates", "--name", CLUSTER]).await;
    assert_eq!(v["updateIds"], serde_json::json!([id]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_update_completes_on_the_clock() {
    let sim = common::start_sim("article", true).await;
    let v = common::cli_update_cluster_version(&sim, "1.31", false).await;
    let id = v["update"]["id"].as_str().unwrap().to_string();
    common::advance(&sim, 600);
    let v = describe_update(&sim, &id).await;
    assert_eq!(v["update"]["status"], "Successful", "{v}");
    let v = aws_json(&sim, &["eks", "describe-cluster", "--name", CLUSTER]).await;
    assert_eq!(v["cluster"]["version"], "1.31");
    assert_eq!(v["cluster"]["status"], "ACTIVE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_sdk_calls_every_operation() {
    let sim = common::start_sim("article", true).await;
    let conf = common::sdk_config(&sim).await;
    let eks = aws_sdk_eks::Client::new(&conf);
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let iam = aws_sdk_iam::Client::new(&conf);

    let clusters = eks.list_clusters().send().await.unwrap();
    assert!(clusters.clusters().contains(&CLUSTER.to_string()));

    let c = eks.describe_cluster().name(CLUSTER).send().await.unwrap();
    let c = c.cluster().unwrap();
    assert_eq!(c.version(), Some("1.30"));
    assert!(c.created_at().is_some());
    assert_eq!(c.compute_config().unwrap().enabled(), Some(true));
    let subnet_ids = c.resources_vpc_config().unwrap().subnet_ids().to_vec();
    assert_eq!(subnet_ids.len(), 2);

    let insights = eks
        .list_insights()
        .cluster_name(CLUSTER)
        .send()
        .await
        .unwrap();
    assert!(insights
        .insights()
        .iter()
        .any(|i| i.id() == Some(INSIGHT) && i.last_refresh_time().is_some()));
    let insight = eks
        .describe_insight()
        .cluster_name(CLUSTER)
        .id(INSIGHT)
        .send()
        .await
        .unwrap();
    let details = insight
        .insight()
        .and_then(|i| i.category_specific_summary())
        .map(|s| s.deprecation_details().len());
    assert_eq!(details, Some(2));

    let started = eks
        .start_insights_refresh()
        .cluster_name(CLUSTER)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status().unwrap().as_str(), "IN_PROGRESS");
    let refresh = eks
        .describe_insights_refresh()
        .cluster_name(CLUSTER)
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status().unwrap().as_str(), "IN_PROGRESS");
    common::advance(&sim, 120);
    let refresh = eks
        .describe_insights_refresh()
        .cluster_name(CLUSTER)
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status().unwrap().as_str(), "COMPLETED");
    assert!(refresh.ended_at().is_some());

    let addons = eks
        .list_addons()
        .cluster_name(CLUSTER)
        .send()
        .await
        .unwrap();
    assert!(addons.addons().is_empty());
    let missing = eks
        .describe_addon()
        .cluster_name(CLUSTER)
        .addon_name("vpc-cni")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing.is_resource_not_found_exception());
    let catalog = eks
        .describe_addon_versions()
        .kubernetes_version("1.31")
        .send()
        .await
        .unwrap();
    assert!(catalog
        .addons()
        .iter()
        .all(|a| !a.addon_versions().is_empty()));
    let versions = eks.describe_cluster_versions().send().await.unwrap();
    assert!(versions
        .cluster_versions()
        .iter()
        .any(|v| v.cluster_version() == Some("1.31")));

    let subnets = ec2
        .describe_subnets()
        .set_subnet_ids(Some(subnet_ids))
        .send()
        .await
        .unwrap();
    assert_eq!(subnets.subnets().len(), 2);
    assert!(subnets
        .subnets()
        .iter()
        .all(|s| s.available_ip_address_count() == Some(4090)));

    let role = iam.get_role().role_name(ROLE).send().await.unwrap();
    let doc = role.role().unwrap().assume_role_policy_document().unwrap();
    let doc = percent_encoding::percent_decode_str(doc)
        .decode_utf8()
        .unwrap();
    assert!(doc.contains("sts:TagSession"), "{doc}");
    let policies = iam
        .list_attached_role_policies()
        .role_name(ROLE)
        .send()
        .await
        .unwrap();
    assert!(policies
        .attached_policies()
        .iter()
        .any(|p| p.policy_arn() == Some("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")));
    let inline = iam
        .list_role_policies()
        .role_name(ROLE)
        .send()
        .await
        .unwrap();
    assert!(inline.policy_names().is_empty());

    let update = eks
        .update_cluster_version()
        .name(CLUSTER)
        .version("1.31")
        .send()
        .await
        .unwrap();
    let id = update.update().unwrap().id().unwrap().to_string();
    let described = eks
        .describe_update()
        .name(CLUSTER)
        .update_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.update().unwrap().status().unwrap().as_str(),
        "InProgress"
    );
    let listed = eks.list_updates().name(CLUSTER).send().await.unwrap();
    assert_eq!(listed.update_ids(), [id]);

    assert_eq!(
        common::mutating_operations(&sim).await,
        ["StartInsightsRefresh", "UpdateClusterVersion"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planned_faults_are_errors_the_clients_retry() {
    use common::fault;
    use eksauto_sim::faults::ErrorKind;
    let sim = common::start_sim("article", true).await;
    common::plan_faults(
        &sim,
        [
            fault("eks:ListAddons", ErrorKind::Throttling, Some(1)),
            fault("DescribeCluster", ErrorKind::Internal, Some(2)),
            fault("iam:GetRole", ErrorKind::AccessDenied, Some(1)),
        ],
    );
    // The CLI retries a throttled call and prints the answer as if nothing happened.
    let (rc, out, err) = aws(&sim, &["eks", "list-addons", "--cluster-name", CLUSTER]).await;
    assert_eq!(rc, 0, "{err}");
    assert_eq!(out.trim(), "{\n    \"addons\": []\n}");

    // The SDK's standard retry absorbs two 500s.
    let eks = common::eks_client(&sim).await;
    let c = eks.describe_cluster().name(CLUSTER).send().await.unwrap();
    assert_eq!(c.cluster().unwrap().name(), Some(CLUSTER));

    // Access denied is not retried.
    aws_error(
        &sim,
        &["iam", "get-role", "--role-name", ROLE],
        "AccessDenied",
    )
    .await;

    let log = common::request_log(&sim).await;
    let count = |op: &str| log.iter().filter(|r| r["operation"] == op).count();
    assert_eq!(count("ListAddons"), 2);
    assert_eq!(count("DescribeCluster"), 3);
    assert_eq!(count("GetRole"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_insight_blocks_the_update_unless_forced() {
    let sim = common::start_sim("blocked", true).await;
    let cluster = sim.cluster_name.clone();
    let err = aws_error(
        &sim,
        &update_args(&cluster, "1.32"),
        "InvalidStateException",
    )
    .await;
    assert!(
        err.contains("Deprecated APIs removed in Kubernetes v1.32"),
        "{err}"
    );
    assert!(common::request_log(&sim)
        .await
        .iter()
        .any(|r| r["operation"] == "UpdateClusterVersion" && r["mutating"] == true));
    let v = aws_json(&sim, &["eks", "describe-cluster", "--name", &cluster]).await;
    assert_eq!(v["cluster"]["status"], "ACTIVE");

    let v = common::cli_update_cluster_version(&sim, "1.32", true).await;
    assert_eq!(v["update"]["status"], "InProgress");

    // The degraded addon is described as EKS describes it.
    let v = aws_json(&sim, &["eks", "list-addons", "--cluster-name", &cluster]).await;
    let name = v["addons"][0].as_str().expect("an addon").to_string();
    let v = aws_json(
        &sim,
        &[
            "eks",
            "describe-addon",
            "--cluster-name",
            &cluster,
            "--addon-name",
            &name,
        ],
    )
    .await;
    assert_eq!(v["addon"]["status"], "DEGRADED");
    assert_eq!(v["addon"]["clusterName"], cluster.as_str());
    assert!(
        is_iso8601(&v["addon"]["createdAt"]),
        "{}",
        v["addon"]["createdAt"]
    );
}
