//! End-to-end tests of the AWS endpoint on a hand-built world: the Rust SDK and raw HTTP against
//! the router served on loopback (the `aws` CLI runs against a full emulator in
//! `tests/it/sim/aws_cli.rs`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_eks::types::{Category, InsightStatusValue, InsightsFilter};
use jiff::Timestamp;
use serde_json::json;

use crate::faults::{ErrorFault, ErrorKind, Faults};
use crate::store::Store;
use crate::world::{
    lock, AutoMode, AwsState, Cluster, RequestLog, Rng, Role, Shared, Subnet, Timings,
    UpdateBehaviour, World,
};

const NAME: &str = "interesting-funk-otter";
const INSIGHT: &str = "e93f18ce-bb38-43c5-8128-1fb4d9eff704";

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// The article's AWS side, by hand.
pub(crate) fn article_world() -> World {
    let region = "ap-northeast-1";
    let account = "123456789012";
    let subnets = [
        (
            "subnet-0c1a2b3c4d5e6f701",
            "ap-northeast-1c",
            "apne1-az1",
            "10.0.128.0/20",
        ),
        (
            "subnet-0a9b8c7d6e5f4a302",
            "ap-northeast-1a",
            "apne1-az4",
            "10.0.144.0/20",
        ),
    ];
    let insight = json!({
        "id": INSIGHT,
        "name": "Deprecated APIs removed in Kubernetes v1.32",
        "category": "UPGRADE_READINESS",
        "kubernetesVersion": "1.32",
        "lastRefreshTime": "2024-12-11T07:54:58Z",
        "lastTransitionTime": "2024-12-11T07:54:57Z",
        "description": "Checks for usage of deprecated APIs that are scheduled for removal in Kubernetes v1.32.",
        "insightStatus": {"status": "PASSING", "reason": "No deprecated API usage detected within the last 30 days."},
        "recommendation": "Update manifests and API clients to use newer Kubernetes APIs if applicable before upgrading to Kubernetes v1.32.",
        "additionalInfo": {"EKS update cluster documentation": "https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html"},
        "resources": [],
        "categorySpecificSummary": {"deprecationDetails": [{
            "usage": "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas",
            "replacedWith": "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas",
            "stopServingVersion": "1.32",
            "startServingReplacementVersion": "1.29",
            "clientStats": [{"userAgent": "kubectl/v1.29.0", "numberOfRequestsLast30Days": 3,
                             "lastRequestTime": "2024-12-10T01:02:03Z"}]
        }]}
    });
    let cluster = Cluster {
        name: NAME.into(),
        arn: format!("arn:aws:eks:{region}:{account}:cluster/{NAME}"),
        version: "1.30".into(),
        platform_version: "eks.20".into(),
        status: "ACTIVE".into(),
        created_at: t("2024-12-11T06:00:00Z"),
        role_arn: format!("arn:aws:iam::{account}:role/AmazonEKSAutoClusterRole"),
        vpc_id: "vpc-0f1e2d3c4b5a69788".into(),
        subnet_ids: subnets.iter().map(|s| s.0.to_string()).collect(),
        security_group_ids: vec![],
        endpoint: "http://127.0.0.1:1".into(),
        endpoint_access: Default::default(),
        auto_mode: AutoMode {
            compute: true,
            storage: true,
            elb: true,
            node_pools: vec!["general-purpose".into(), "system".into()],
            node_role_arn: Some(format!("arn:aws:iam::{account}:role/AmazonEKSAutoNodeRole")),
        },
        insights: vec![insight],
        addons: vec![],
        updates: vec![],
        update_behaviour: UpdateBehaviour {
            duration_s: 480,
            fail_with: None,
            enforce_insights: true,
        },
        insights_refresh: None,
        tags: BTreeMap::from([("team".to_string(), "platform".to_string())]),
    };
    let role = Role {
        name: "AmazonEKSAutoClusterRole".into(),
        arn: format!("arn:aws:iam::{account}:role/AmazonEKSAutoClusterRole"),
        role_id: "AROAEXAMPLEROLEID0001".into(),
        path: "/".into(),
        created_at: t("2024-12-11T05:00:00Z"),
        trust_policy: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"]}]}),
        attached_policies: vec![
            "AmazonEKSClusterPolicy".into(),
            "AmazonEKSComputePolicy".into(),
        ],
        description: Some("Cluster role <for> \"Auto Mode\" & friends".into()),
    };
    let aws = AwsState {
        account: account.into(),
        region: region.into(),
        kube_cluster: NAME.into(),
        clusters: BTreeMap::from([(NAME.to_string(), cluster)]),
        subnets: subnets
            .iter()
            .map(|(id, az, az_id, cidr)| {
                (
                    id.to_string(),
                    Subnet {
                        id: id.to_string(),
                        vpc_id: "vpc-0f1e2d3c4b5a69788".into(),
                        cidr: cidr.to_string(),
                        az: az.to_string(),
                        az_id: az_id.to_string(),
                        available_ips: 4090,
                    },
                )
            })
            .collect(),
        roles: BTreeMap::from([(role.name.clone(), role)]),
        addon_catalog: vec![json!({
            "addonName": "vpc-cni", "type": "networking", "publisher": "eks", "owner": "aws",
            "addonVersions": [
                {"addonVersion": "v1.18.0-eksbuild.1", "architecture": ["amd64"],
                 "compatibilities": [{"clusterVersion": "1.30", "platformVersions": ["*"], "defaultVersion": true}],
                 "requiresConfiguration": false},
                {"addonVersion": "v1.19.0-eksbuild.1", "architecture": ["amd64"],
                 "compatibilities": [{"clusterVersion": "1.31", "platformVersions": ["*"], "defaultVersion": true}],
                 "requiresConfiguration": false}]
        })],
        cluster_versions: vec![
            json!({"clusterVersion": "1.29", "clusterType": "eks", "defaultPlatformVersion": "eks.33",
                   "defaultVersion": false, "releaseDate": "2024-01-23T00:00:00Z",
                   "status": "UNSUPPORTED", "versionStatus": "UNSUPPORTED"}),
            json!({"clusterVersion": "1.30", "clusterType": "eks", "defaultPlatformVersion": "eks.29",
                   "defaultVersion": false, "releaseDate": "2024-05-23T00:00:00Z",
                   "endOfStandardSupportDate": "2025-07-23T00:00:00Z",
                   "status": "EXTENDED_SUPPORT", "versionStatus": "EXTENDED_SUPPORT"}),
            json!({"clusterVersion": "1.31", "clusterType": "eks", "defaultPlatformVersion": "eks.25",
                   "defaultVersion": true, "releaseDate": "2024-09-26T00:00:00Z",
                   "status": "STANDARD_SUPPORT", "versionStatus": "STANDARD_SUPPORT"}),
            json!({"clusterVersion": "1.32", "clusterType": "eks", "defaultPlatformVersion": "eks.16",
                   "defaultVersion": false, "releaseDate": "2025-01-23T00:00:00Z",
                   "status": "STANDARD_SUPPORT", "versionStatus": "STANDARD_SUPPORT"}),
        ],
    };
    World {
        now: t("2024-12-12T08:00:00Z"),
        started: t("2024-12-12T08:00:00Z"),
        aws,
        kube: Store::new(1000, 1),
        requests: RequestLog::default(),
        faults: Faults::default(),
        timings: Timings::default(),
        api: Default::default(),
        rng: Rng::new(7),
        engine: Default::default(),
        pace: Default::default(),
    }
}

/// Serves the AWS router alone on a free loopback port.
async fn serve(world: World) -> (String, Shared) {
    let shared: Shared = Arc::new(Mutex::new(world));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = crate::control::router(shared.clone(), Default::default())
        .merge(super::router(shared.clone()));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, shared)
}

async fn sdk(url: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(Region::new("ap-northeast-1"))
        .credentials_provider(aws_sdk_eks::config::Credentials::new(
            "AKIDTEST", "secret", None, None, "test",
        ))
        .retry_config(
            aws_config::retry::RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(5)),
        )
        .load()
        .await
}

/// A raw HTTP/1.1 exchange; returns (status, headers+body text).
async fn raw(url: &str, request: String) -> (u16, String) {
    let host = url.strip_prefix("http://").unwrap().to_string();
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&host).unwrap();
        s.write_all(request.replace("HOST", &host).as_bytes())
            .unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).unwrap();
        let status = buf[9..12].parse().unwrap();
        (status, buf)
    })
    .await
    .unwrap()
}

const SIGNED: &str = "Authorization: AWS4-HMAC-SHA256 Credential=AK/20241212/ap-northeast-1/SERVICE/aws4_request, SignedHeaders=host, Signature=00\r\n";

fn post(path: &str, service: Option<&str>, content_type: &str, body: &str) -> String {
    let auth = service
        .map(|s| SIGNED.replace("SERVICE", s))
        .unwrap_or_default();
    format!(
        "POST {path} HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n{auth}Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn get(path: &str, service: Option<&str>) -> String {
    let auth = service
        .map(|s| SIGNED.replace("SERVICE", s))
        .unwrap_or_default();
    format!("GET {path} HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n{auth}\r\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_reads_every_eks_operation() {
    let (url, _shared) = serve(article_world()).await;
    let eks = aws_sdk_eks::Client::new(&sdk(&url).await);

    let c = eks.describe_cluster().name(NAME).send().await.unwrap();
    let c = c.cluster().unwrap();
    assert_eq!(c.version(), Some("1.30"));
    assert_eq!(c.status().map(|s| s.as_str()), Some("ACTIVE"));
    assert_eq!(c.created_at().unwrap().secs(), 1733896800);
    assert_eq!(c.resources_vpc_config().unwrap().subnet_ids().len(), 2);
    assert_eq!(c.compute_config().unwrap().enabled(), Some(true));
    assert_eq!(
        c.compute_config().unwrap().node_pools(),
        ["general-purpose", "system"]
    );
    assert_eq!(
        c.storage_config()
            .unwrap()
            .block_storage()
            .unwrap()
            .enabled(),
        Some(true)
    );
    let knc = c.kubernetes_network_config().unwrap();
    assert_eq!(knc.elastic_load_balancing().unwrap().enabled(), Some(true));
    assert_eq!(
        c.upgrade_policy().unwrap().support_type().unwrap().as_str(),
        "EXTENDED"
    );
    assert_eq!(c.tags().unwrap()["team"], "platform");

    let l = eks.list_clusters().send().await.unwrap();
    assert_eq!(l.clusters(), [NAME]);

    let i = eks.list_insights().cluster_name(NAME).send().await.unwrap();
    assert_eq!(i.insights().len(), 1);
    assert_eq!(i.insights()[0].id(), Some(INSIGHT));
    assert_eq!(
        i.insights()[0].last_refresh_time().unwrap().secs(),
        1733903698
    );
    assert!(i.next_token().is_none());

    let filtered = eks
        .list_insights()
        .cluster_name(NAME)
        .filter(
            InsightsFilter::builder()
                .categories(Category::UpgradeReadiness)
                .statuses(InsightStatusValue::Error)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(filtered.insights().is_empty());

    let d = eks
        .describe_insight()
        .cluster_name(NAME)
        .id(INSIGHT)
        .send()
        .await
        .unwrap();
    let d = d.insight().unwrap();
    let dep = &d.category_specific_summary().unwrap().deprecation_details()[0];
    assert_eq!(
        dep.replaced_with(),
        Some("/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas")
    );
    assert_eq!(dep.client_stats()[0].number_of_requests_last30_days(), 3);
    assert!(dep.client_stats()[0].last_request_time().is_some());

    let a = eks.list_addons().cluster_name(NAME).send().await.unwrap();
    assert!(a.addons().is_empty());
    let err = eks
        .describe_addon()
        .cluster_name(NAME)
        .addon_name("vpc-cni")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_resource_not_found_exception());

    let v = eks
        .describe_addon_versions()
        .kubernetes_version("1.31")
        .addon_name("vpc-cni")
        .send()
        .await
        .unwrap();
    let versions = v.addons()[0].addon_versions();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].addon_version(), Some("v1.19.0-eksbuild.1"));

    let cv = eks.describe_cluster_versions().send().await.unwrap();
    let listed: Vec<_> = cv
        .cluster_versions()
        .iter()
        .filter_map(|v| v.cluster_version())
        .collect();
    assert_eq!(listed, ["1.30", "1.31", "1.32"]);
    assert_eq!(
        cv.cluster_versions()[0].status().unwrap().as_str(),
        "extended-support"
    );
    assert!(cv.cluster_versions()[0]
        .end_of_standard_support_date()
        .is_some());
    let only = eks
        .describe_cluster_versions()
        .cluster_versions("1.31")
        .send()
        .await
        .unwrap();
    assert_eq!(only.cluster_versions().len(), 1);
    let all = eks
        .describe_cluster_versions()
        .include_all(true)
        .send()
        .await
        .unwrap();
    assert_eq!(all.cluster_versions().len(), 4);

    let u = eks.list_updates().name(NAME).send().await.unwrap();
    assert!(u.update_ids().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_updates_the_version_as_eks_validates_it() {
    let (url, shared) = serve(article_world()).await;
    let eks = aws_sdk_eks::Client::new(&sdk(&url).await);

    let e = eks
        .describe_cluster()
        .name("nope")
        .send()
        .await
        .unwrap_err();
    let e = e.into_service_error();
    assert!(e.is_resource_not_found_exception(), "{e:?}");
    assert_eq!(e.meta().message(), Some("No cluster found for name: nope."));

    let e = eks
        .update_cluster_version()
        .name(NAME)
        .version("1.32")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_parameter_exception(), "{e:?}");

    // An ERROR insight for 1.31 blocks the update unless forced.
    {
        let mut w = lock(&shared);
        let c = w.aws.clusters.get_mut(NAME).unwrap();
        c.insights
            .push(json!({"id": "blocker", "name": "Kubelet version skew",
            "category": "UPGRADE_READINESS", "kubernetesVersion": "1.31",
            "insightStatus": {"status": "ERROR", "reason": "skew"}}));
    }
    let e = eks
        .update_cluster_version()
        .name(NAME)
        .version("1.31")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_state_exception(), "{e:?}");
    assert!(e.meta().message().unwrap().contains("Kubelet version skew"));

    let up = eks
        .update_cluster_version()
        .name(NAME)
        .version("1.31")
        .force(true)
        .client_request_token("token-1")
        .send()
        .await
        .unwrap();
    let up = up.update().unwrap();
    assert_eq!(up.status().unwrap().as_str(), "InProgress");
    assert_eq!(up.r#type().unwrap().as_str(), "VersionUpdate");
    let params: Vec<_> = up
        .params()
        .iter()
        .map(|p| {
            (
                p.r#type().unwrap().as_str().to_string(),
                p.value().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        params,
        [
            ("Version".to_string(), "1.31".to_string()),
            ("PlatformVersion".to_string(), "eks.25".to_string())
        ]
    );
    let id = up.id().unwrap().to_string();
    {
        let w = lock(&shared);
        let c = &w.aws.clusters[NAME];
        assert_eq!(c.status, "UPDATING");
        assert_eq!(c.updates[0].finish_at, t("2024-12-12T08:08:00Z"));
    }

    // The same token again: the same update back.
    let again = eks
        .update_cluster_version()
        .name(NAME)
        .version("1.31")
        .client_request_token("token-1")
        .send()
        .await
        .unwrap();
    assert_eq!(again.update().unwrap().id(), Some(id.as_str()));

    let e = eks
        .update_cluster_version()
        .name(NAME)
        .version("1.31")
        .force(true)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_in_use_exception(), "{e:?}");

    let d = eks
        .describe_update()
        .name(NAME)
        .update_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(d.update().unwrap().status().unwrap().as_str(), "InProgress");
    let l = eks.list_updates().name(NAME).send().await.unwrap();
    assert_eq!(l.update_ids(), std::slice::from_ref(&id));
    let e = eks
        .describe_update()
        .name(NAME)
        .update_id("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_not_found_exception());

    let log = lock(&shared).requests.entries.clone();
    let mutating: Vec<_> = log
        .iter()
        .filter(|r| r.mutating)
        .map(|r| r.operation.as_str())
        .collect();
    assert_eq!(mutating.len(), 5);
    assert!(mutating.iter().all(|op| *op == "UpdateClusterVersion"));
    assert!(log
        .iter()
        .any(|r| r.operation == "DescribeUpdate" && !r.mutating));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_refresh_completes_after_its_time() {
    let (url, shared) = serve(article_world()).await;
    let eks = aws_sdk_eks::Client::new(&sdk(&url).await);
    let e = eks
        .describe_insights_refresh()
        .cluster_name(NAME)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_not_found_exception());

    let s = eks
        .start_insights_refresh()
        .cluster_name(NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(s.status().unwrap().as_str(), "IN_PROGRESS");
    let d = eks
        .describe_insights_refresh()
        .cluster_name(NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(d.status().unwrap().as_str(), "IN_PROGRESS");
    assert!(d.ended_at().is_none());

    let done_at = t("2024-12-12T08:00:20Z");
    lock(&shared).now = t("2024-12-12T08:00:30Z");
    let d = eks
        .describe_insights_refresh()
        .cluster_name(NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(d.status().unwrap().as_str(), "COMPLETED");
    assert_eq!(d.ended_at().unwrap().secs(), done_at.as_second());
    let i = eks.list_insights().cluster_name(NAME).send().await.unwrap();
    assert_eq!(
        i.insights()[0].last_refresh_time().unwrap().secs(),
        done_at.as_second()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_reads_ec2_and_iam() {
    let (url, _shared) = serve(article_world()).await;
    let conf = sdk(&url).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let iam = aws_sdk_iam::Client::new(&conf);

    let s = ec2
        .describe_subnets()
        .subnet_ids("subnet-0c1a2b3c4d5e6f701")
        .subnet_ids("subnet-0a9b8c7d6e5f4a302")
        .send()
        .await
        .unwrap();
    let mut got: Vec<_> = s
        .subnets()
        .iter()
        .map(|s| {
            (
                s.availability_zone().unwrap(),
                s.available_ip_address_count().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, [("ap-northeast-1a", 4090), ("ap-northeast-1c", 4090)]);

    let s = ec2
        .describe_subnets()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("availability-zone")
                .values("ap-northeast-1c")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(s.subnets().len(), 1);
    assert_eq!(s.subnets()[0].subnet_id(), Some("subnet-0c1a2b3c4d5e6f701"));

    let e = ec2
        .describe_subnets()
        .subnet_ids("subnet-missing")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("InvalidSubnetID.NotFound"));

    let r = iam
        .get_role()
        .role_name("AmazonEKSAutoClusterRole")
        .send()
        .await
        .unwrap();
    let role = r.role().unwrap();
    assert_eq!(
        role.description(),
        Some("Cluster role <for> \"Auto Mode\" & friends")
    );
    let doc = role.assume_role_policy_document().unwrap();
    assert!(doc.starts_with("%7B"), "{doc}");
    let decoded = percent_encoding::percent_decode_str(doc)
        .decode_utf8()
        .unwrap();
    let policy: serde_json::Value = serde_json::from_str(&decoded).unwrap();
    assert_eq!(policy["Statement"][0]["Action"][1], "sts:TagSession");

    let p = iam
        .list_attached_role_policies()
        .role_name("AmazonEKSAutoClusterRole")
        .send()
        .await
        .unwrap();
    let arns: Vec<_> = p
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn())
        .collect();
    assert_eq!(
        arns,
        [
            "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
            "arn:aws:iam::aws:policy/AmazonEKSComputePolicy"
        ]
    );
    assert!(!p.is_truncated());
    let page = iam
        .list_attached_role_policies()
        .role_name("AmazonEKSAutoClusterRole")
        .max_items(1)
        .send()
        .await
        .unwrap();
    assert!(page.is_truncated());
    let rest = iam
        .list_attached_role_policies()
        .role_name("AmazonEKSAutoClusterRole")
        .marker(page.marker().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        rest.attached_policies()[0].policy_name(),
        Some("AmazonEKSComputePolicy")
    );

    let inline = iam
        .list_role_policies()
        .role_name("AmazonEKSAutoClusterRole")
        .send()
        .await
        .unwrap();
    assert!(inline.policy_names().is_empty());

    let e = iam
        .get_role()
        .role_name("Nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_no_such_entity_exception(), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_retryable_errors_and_latency() {
    let (url, shared) = serve(article_world()).await;
    let conf = sdk(&url).await;
    {
        let mut w = lock(&shared);
        w.faults.errors = vec![
            ErrorFault {
                operation: "eks:ListInsights".into(),
                kind: ErrorKind::Throttling,
                count: Some(2),
            },
            ErrorFault {
                operation: "GetRole".into(),
                kind: ErrorKind::Internal,
                count: Some(1),
            },
            ErrorFault {
                operation: "DescribeSubnets".into(),
                kind: ErrorKind::Throttling,
                count: Some(1),
            },
            ErrorFault {
                operation: "DescribeCluster".into(),
                kind: ErrorKind::AccessDenied,
                count: Some(1),
            },
        ];
        w.faults
            .operation_latency_ms
            .insert("ListAddons".into(), 300);
    }
    let eks = aws_sdk_eks::Client::new(&conf);
    // Two throttles then success: the SDK's standard retry absorbs them.
    let i = eks.list_insights().cluster_name(NAME).send().await.unwrap();
    assert_eq!(i.insights().len(), 1);
    aws_sdk_iam::Client::new(&conf)
        .get_role()
        .role_name("AmazonEKSAutoClusterRole")
        .send()
        .await
        .unwrap();
    aws_sdk_ec2::Client::new(&conf)
        .describe_subnets()
        .send()
        .await
        .unwrap();
    let e = eks
        .describe_cluster()
        .name(NAME)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("AccessDeniedException"));

    let started = std::time::Instant::now();
    eks.list_addons().cluster_name(NAME).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));

    let w = lock(&shared);
    let count = |op: &str| {
        w.requests
            .entries
            .iter()
            .filter(|r| r.operation == op)
            .count()
    };
    assert_eq!(count("ListInsights"), 3);
    assert_eq!(count("GetRole"), 2);
    assert_eq!(count("DescribeSubnets"), 2);
    assert_eq!(count("DescribeCluster"), 1);
    assert!(w.faults.errors.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocol_errors_for_unsigned_unknown_and_malformed_requests() {
    let (url, shared) = serve(article_world()).await;

    let (status, text) = raw(&url, get(&format!("/clusters/{NAME}"), None)).await;
    assert_eq!(status, 403);
    assert!(
        text.contains("x-amzn-errortype: MissingAuthenticationTokenException"),
        "{text}"
    );

    let form = "application/x-www-form-urlencoded; charset=utf-8";
    let (status, text) = raw(
        &url,
        post(
            "/",
            None,
            form,
            "Action=GetRole&Version=2010-05-08&RoleName=x",
        ),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        text.contains("<Code>MissingAuthenticationToken</Code>"),
        "{text}"
    );

    let (status, text) = raw(&url, get("/clusters/x/widgets", Some("eks"))).await;
    assert_eq!(status, 404);
    assert!(text.contains("UnknownOperationException"), "{text}");

    let (status, text) = raw(
        &url,
        post(
            "/",
            Some("ec2"),
            form,
            "Action=RunInstances&Version=2016-11-15",
        ),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        text.contains("<Response><Errors><Error><Code>InvalidAction</Code>"),
        "{text}"
    );
    assert!(text.contains("<RequestID>"), "{text}");

    let (status, text) = raw(
        &url,
        post(
            "/",
            Some("iam"),
            form,
            "Action=DeleteRole&Version=2010-05-08&RoleName=x",
        ),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        text.contains("<Type>Sender</Type><Code>InvalidAction</Code>"),
        "{text}"
    );

    // No scope, but the shape says IAM.
    let body = "Action=GetRole&Version=2010-05-08&RoleName=nobody%20here";
    let (status, text) = raw(
        &url,
        format!(
            "POST / HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\nAuthorization: Bearer x\r\nContent-Type: {form}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    assert_eq!(status, 404);
    assert!(text.contains("<Code>NoSuchEntity</Code>"), "{text}");
    assert!(text.contains("nobody here"), "{text}");

    let (status, text) = raw(
        &url,
        post(
            &format!("/clusters/{NAME}/insights"),
            Some("eks"),
            "application/json",
            "{nope",
        ),
    )
    .await;
    assert_eq!(status, 400);
    assert!(text.contains("SerializationException"), "{text}");

    let (status, _) = raw(
        &url,
        get(
            &format!("/clusters/{NAME}/addons?maxResults=0"),
            Some("eks"),
        ),
    )
    .await;
    assert_eq!(status, 400);

    // The control routes still answer beside the fallback.
    let (status, text) = raw(&url, get("/_sim/requests", None)).await;
    assert_eq!(status, 200, "{text}");

    let w = lock(&shared);
    let ops: Vec<_> = w
        .requests
        .entries
        .iter()
        .map(|r| r.operation.as_str())
        .collect();
    assert!(ops.contains(&"RunInstances"));
    assert!(w
        .requests
        .entries
        .iter()
        .any(|r| r.operation == "RunInstances" && r.mutating));
}

/// The real `aws` CLI against the endpoint, with nothing of the developer's own set-up.
fn aws_cli(url: &str, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new("aws");
    for var in ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_REGION", "ap-northeast-1")
        .env("AWS_DEFAULT_REGION", "ap-northeast-1")
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("TZ", "UTC")
        .args(args);
    cmd
}

/// aws CLI v1 prints timestamps as they come over the wire unless told otherwise; v2 (which the
/// article used) prints ISO 8601.
async fn run_cli(url: &str, args: &[&str]) -> (i32, String, String) {
    let mut cmd = aws_cli(url, args);
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(config.path(), "[default]\ncli_timestamp_format = iso8601\n").unwrap();
    cmd.env("AWS_CONFIG_FILE", config.path());
    tokio::task::spawn_blocking(move || {
        let out = cmd.output().expect("aws runs");
        drop(config);
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_reads_the_hand_built_world() {
    let (url, _shared) = serve(article_world()).await;
    let (rc, out, err) = run_cli(&url, &["eks", "list-insights", "--cluster-name", NAME]).await;
    assert_eq!(rc, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["insights"][0]["lastRefreshTime"],
        "2024-12-11T07:54:58+00:00"
    );
    assert_eq!(v["insights"][0]["insightStatus"]["status"], "PASSING");

    let (rc, out, err) = run_cli(
        &url,
        &[
            "ec2",
            "describe-subnets",
            "--subnet-ids",
            "subnet-0c1a2b3c4d5e6f701",
            "subnet-0a9b8c7d6e5f4a302",
            "--query",
            "Subnets[*].[SubnetId,AvailabilityZone,AvailableIpAddressCount]",
            "--output",
            "table",
        ],
    )
    .await;
    assert_eq!(rc, 0, "{err}");
    assert!(out.contains("DescribeSubnets"), "{out}");
    assert_eq!(out.matches("4090").count(), 2, "{out}");

    let (rc, out, err) = run_cli(
        &url,
        &[
            "iam",
            "get-role",
            "--role-name",
            "AmazonEKSAutoClusterRole",
            "--query",
            "Role.AssumeRolePolicyDocument",
        ],
    )
    .await;
    assert_eq!(rc, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["Statement"][0]["Action"][1], "sts:TagSession");

    let (rc, out, err) = run_cli(&url, &["eks", "list-addons", "--cluster-name", NAME]).await;
    assert_eq!(rc, 0, "{err}");
    assert_eq!(out.trim(), "{\n    \"addons\": []\n}");

    let (rc, _, err) = run_cli(&url, &["eks", "describe-cluster", "--name", "nope"]).await;
    assert!(rc == 254 || rc == 255, "{rc} {err}");
    assert!(err.contains("ResourceNotFoundException"), "{err}");
    assert!(err.contains("No cluster found for name: nope."), "{err}");
}

/// The article's engine world with `n` seeded c5a.large nodes, one of whose NodeClaims is being
/// deleted, and one more claim just launched (its Node not registered yet).
fn world_with_nodes(n: u32) -> World {
    use crate::engine::testworld;
    let mut w = testworld::world();
    testworld::seed(&mut w, "c5a.large", n, 3600);
    let claim = w.kube.list(Res::NodeClaims, None)[0].clone();
    let claim_name = claim["metadata"]["name"].as_str().unwrap().to_string();
    let now = w.now;
    w.kube.update(Res::NodeClaims, "", &claim_name, |c| {
        c["metadata"]["deletionTimestamp"] = json!(crate::world::rfc3339(now));
    });
    let pools = crate::engine::claims::pools(&w);
    let pool = pools["general-purpose"].clone();
    let it = crate::engine::catalog::lookup("c5a.xlarge").unwrap();
    crate::engine::claims::launch(
        &mut w,
        &pool,
        &it,
        &("ap-northeast-1c".into(), "apne1-az1".into()),
        "1.30",
        now,
    )
    .unwrap();
    w
}

use crate::store::Res;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_describes_the_nodes_as_instances() {
    use aws_sdk_ec2::types::{Filter, InstanceStateName};
    let world = world_with_nodes(6);
    let nodes: Vec<serde_json::Value> = world
        .kube
        .list(Res::Nodes, None)
        .iter()
        .map(|n| (**n).clone())
        .collect();
    let deleting = world.kube.list(Res::NodeClaims, None)[0]["status"]["providerID"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let (url, _shared) = serve(world).await;
    let conf = sdk(&url).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);

    // every page, five reservations at a time, as the SDK's paginator walks them
    let pages: Vec<_> = ec2
        .describe_instances()
        .max_results(5)
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(pages.len(), 2, "7 instances in pages of 5");
    let instances: Vec<aws_sdk_ec2::types::Instance> = pages
        .into_iter()
        .flat_map(|p| p.unwrap().reservations.unwrap_or_default())
        .flat_map(|r| r.instances.unwrap_or_default())
        .collect();
    assert_eq!(instances.len(), 7);
    for node in &nodes {
        let name = node["metadata"]["name"].as_str().unwrap();
        let i = instances
            .iter()
            .find(|i| i.instance_id() == Some(name))
            .unwrap_or_else(|| panic!("node {name} is an instance"));
        let labels = &node["metadata"]["labels"];
        assert_eq!(
            i.instance_type().map(|t| t.as_str()),
            labels["node.kubernetes.io/instance-type"].as_str()
        );
        assert_eq!(
            i.placement().and_then(|p| p.availability_zone()),
            labels["topology.kubernetes.io/zone"].as_str()
        );
        let ip = node["status"]["addresses"][0]["address"].as_str();
        assert_eq!(i.private_ip_address(), ip);
        assert_eq!(i.vpc_id(), Some("vpc-1"));
        assert!(i.subnet_id().is_some_and(|s| s.starts_with("subnet-0")));
        let want_state = if name == deleting {
            InstanceStateName::ShuttingDown
        } else {
            InstanceStateName::Running
        };
        assert_eq!(
            i.state().and_then(|s| s.name()),
            Some(&want_state),
            "{name}"
        );
        let tag = |k: &str| {
            i.tags()
                .iter()
                .find(|t| t.key() == Some(k))
                .and_then(|t| t.value())
                .map(str::to_string)
        };
        assert_eq!(tag("eks:eks-cluster-name").as_deref(), Some(NAME));
        assert_eq!(tag("aws:eks:cluster-name").as_deref(), Some(NAME));
        assert_eq!(
            tag(&format!("kubernetes.io/cluster/{NAME}")).as_deref(),
            Some("owned")
        );
        assert_eq!(
            tag("eks:kubernetes-node-pool-name").as_deref(),
            Some("general-purpose")
        );
        assert_eq!(
            tag("karpenter.sh/nodepool").as_deref(),
            Some("general-purpose")
        );
        assert_eq!(
            tag("eks:kubernetes-node-class-name").as_deref(),
            Some("default")
        );
        assert_eq!(tag("Name").as_deref(), Some(name));
        let launched = i.launch_time().unwrap().secs();
        let created: jiff::Timestamp = node["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(launched, created.as_second());
        assert_eq!(
            i.security_groups()[0].group_id(),
            Some("sg-0123456789abcdef0")
        );
    }
    let pending: Vec<_> = instances
        .iter()
        .filter(|i| i.state().and_then(|s| s.name()) == Some(&InstanceStateName::Pending))
        .collect();
    assert_eq!(pending.len(), 1, "the claim without a Node yet");
    assert_eq!(
        pending[0].instance_type().map(|t| t.as_str()),
        Some("c5a.xlarge")
    );
    assert!(pending[0].private_ip_address().is_none());

    // filters: state, tag with a wildcard, instance id
    let running = ec2
        .describe_instances()
        .filters(
            Filter::builder()
                .name("instance-state-name")
                .values("running")
                .build(),
        )
        .filters(
            Filter::builder()
                .name("tag:eks:eks-cluster-name")
                .values("interesting-*")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let n: usize = running
        .reservations()
        .iter()
        .map(|r| r.instances().len())
        .sum();
    assert_eq!(n, 5);
    let one = ec2
        .describe_instances()
        .filters(
            Filter::builder()
                .name("instance-id")
                .values(&deleting)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(one.reservations().len(), 1);
    let by_id = ec2
        .describe_instances()
        .instance_ids(&deleting)
        .send()
        .await
        .unwrap();
    assert_eq!(
        by_id.reservations()[0].instances()[0].instance_id(),
        Some(deleting.as_str())
    );
    let none = ec2
        .describe_instances()
        .filters(Filter::builder().name("tag:team").values("x").build())
        .send()
        .await
        .unwrap();
    assert!(none.reservations().is_empty());

    // EC2's errors
    let code = |e: aws_sdk_ec2::error::SdkError<_, _>| {
        let e: aws_sdk_ec2::operation::describe_instances::DescribeInstancesError =
            e.into_service_error();
        e.meta().code().unwrap_or_default().to_string()
    };
    let e = ec2
        .describe_instances()
        .instance_ids("i-0000000000000000f")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(e), "InvalidInstanceID.NotFound");
    let e = ec2
        .describe_instances()
        .instance_ids("web-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(e), "InvalidInstanceID.Malformed");
    let e = ec2
        .describe_instances()
        .instance_ids(&deleting)
        .max_results(5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(e), "InvalidParameterCombination");
    let e = ec2
        .describe_instances()
        .filters(Filter::builder().name("colour").values("x").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(e), "InvalidParameterValue");

    let v = ec2.describe_volumes().send().await.unwrap();
    assert!(v.volumes().is_empty());
    let lt = ec2.describe_launch_templates().send().await.unwrap();
    assert!(lt.launch_templates().is_empty());
}
