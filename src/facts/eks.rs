//! EKS calls of the preflight: DescribeCluster, ListClusters, DescribeClusterVersions, updates,
//! insights (with an optional refresh) and add-ons, converted into the facts model. Reads only,
//! except StartInsightsRefresh when the user asks for `--refresh-insights`.

use std::time::{Duration, Instant};

use aws_sdk_eks::primitives::DateTime;
use aws_sdk_eks::types::{
    Category, Cluster, Insight, InsightStatus, InsightStatusValue, InsightSummary,
    InsightsRefreshStatus,
};
use futures::stream::{self, StreamExt, TryStreamExt};

use super::model::{
    AddonFacts, AutoModeFacts, ClientStat, ClusterFacts, ClusterVersionFacts, Deprecation,
    EndpointAccessFacts, Gathered, InsightFacts, UpdateFacts,
};
use super::{soft, timed, timestamp};
use crate::clients::Aws;
use crate::error::{classify, AwsFailure, Error};

/// How many describe calls run at once.
const FAN_OUT: usize = 16;
/// At most this many updates are described (the newest ones the API lists first).
const MAX_UPDATES: usize = 50;
/// How long `--refresh-insights` waits for the refresh to complete.
pub const REFRESH_TIMEOUT: Duration = Duration::from_secs(180);

/// DescribeCluster, reduced. A failure is returned unclassified so the caller can turn "not found"
/// into a list of the clusters that exist.
pub async fn describe_cluster(aws: &Aws, name: &str) -> Result<ClusterFacts, AwsFailure> {
    let out = timed(
        "DescribeCluster",
        aws.eks.describe_cluster().name(name).send(),
    )
    .await
    .map_err(|e| classify("DescribeCluster", &aws.eks_endpoint, e))?;
    let Some(c) = out.cluster() else {
        return Err(AwsFailure::Service {
            code: "EmptyResponse".into(),
            message: "DescribeCluster returned no cluster".into(),
            operation: "DescribeCluster".into(),
        });
    };
    Ok(cluster_facts(c, &aws.region))
}

fn cluster_facts(c: &Cluster, region: &str) -> ClusterFacts {
    let compute = c.compute_config();
    ClusterFacts {
        name: c.name().unwrap_or_default().into(),
        arn: c.arn().unwrap_or_default().into(),
        region: region.into(),
        version: c.version().unwrap_or_default().into(),
        platform_version: c.platform_version().unwrap_or_default().into(),
        status: c
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        role_arn: c.role_arn().unwrap_or_default().into(),
        subnet_ids: c
            .resources_vpc_config()
            .map(|v| v.subnet_ids().to_vec())
            .unwrap_or_default(),
        endpoint_access: c
            .resources_vpc_config()
            .map(|v| EndpointAccessFacts {
                public: v.endpoint_public_access(),
                private: v.endpoint_private_access(),
                public_cidrs: v.public_access_cidrs().to_vec(),
            })
            .unwrap_or_default(),
        auto_mode: AutoModeFacts {
            compute: compute.and_then(|c| c.enabled()).unwrap_or(false),
            storage: c
                .storage_config()
                .and_then(|s| s.block_storage())
                .and_then(|b| b.enabled())
                .unwrap_or(false),
            elb: c
                .kubernetes_network_config()
                .and_then(|k| k.elastic_load_balancing())
                .and_then(|e| e.enabled())
                .unwrap_or(false),
            node_pools: compute.map(|c| c.node_pools().to_vec()).unwrap_or_default(),
            node_role_arn: compute
                .and_then(|c| c.node_role_arn())
                .filter(|a| !a.is_empty())
                .map(str::to_string),
        },
    }
}

/// ListClusters: every cluster name in the region (for "which cluster?" errors). An endpoint that
/// does not answer is an error; any other failure is returned as the reason for the message.
pub async fn list_clusters(aws: &Aws) -> Result<Result<Vec<String>, String>, Error> {
    let res = timed(
        "ListClusters",
        aws.eks
            .list_clusters()
            .into_paginator()
            .items()
            .send()
            .try_collect(),
    )
    .await;
    match res {
        Ok(mut names) => {
            names.sort();
            Ok(Ok(names))
        }
        Err(e) => match classify("ListClusters", &aws.eks_endpoint, e) {
            AwsFailure::Fatal(e) => Err(e),
            other => Ok(Err(other.reason())),
        },
    }
}

/// DescribeClusterVersions: the versions EKS offers, with support status and dates.
pub async fn cluster_versions(aws: &Aws) -> Result<Gathered<Vec<ClusterVersionFacts>>, Error> {
    let res = timed(
        "DescribeClusterVersions",
        aws.eks
            .describe_cluster_versions()
            .into_paginator()
            .items()
            .send()
            .try_collect(),
    )
    .await;
    let versions = match res {
        Ok(v) => v,
        Err(e) => return soft(classify("DescribeClusterVersions", &aws.eks_endpoint, e)),
    };
    Ok(Gathered::Ok(
        versions
            .iter()
            .map(|v| ClusterVersionFacts {
                version: v.cluster_version().unwrap_or_default().into(),
                status: v
                    .version_status()
                    .map(|s| s.as_str().to_string())
                    .or_else(|| v.status().map(|s| s.as_str().to_string()))
                    .unwrap_or_default(),
                default: v.default_version(),
                end_of_standard_support: timestamp(v.end_of_standard_support_date()),
                end_of_extended_support: timestamp(v.end_of_extended_support_date()),
            })
            .collect(),
    ))
}

/// ListUpdates, then DescribeUpdate of each (concurrently).
pub async fn updates(aws: &Aws, cluster: &str) -> Result<Gathered<Vec<UpdateFacts>>, Error> {
    let ids: Vec<String> = match timed(
        "ListUpdates",
        aws.eks
            .list_updates()
            .name(cluster)
            .into_paginator()
            .items()
            .send()
            .try_collect(),
    )
    .await
    {
        Ok(ids) => ids,
        Err(e) => return soft(classify("ListUpdates", &aws.eks_endpoint, e)),
    };
    let described = stream::iter(ids.into_iter().take(MAX_UPDATES))
        .map(|id| async move {
            aws.eks
                .describe_update()
                .name(cluster)
                .update_id(id)
                .send()
                .await
        })
        .buffered(FAN_OUT)
        .try_collect::<Vec<_>>();
    let outs = match timed("DescribeUpdate (each)", described).await {
        Ok(o) => o,
        Err(e) => return soft(classify("DescribeUpdate", &aws.eks_endpoint, e)),
    };
    Ok(Gathered::Ok(
        outs.iter()
            .filter_map(|o| o.update())
            .map(update_facts)
            .collect(),
    ))
}

/// One EKS update as the facts keep it.
pub fn update_facts(u: &aws_sdk_eks::types::Update) -> UpdateFacts {
    UpdateFacts {
        id: u.id().unwrap_or_default().into(),
        kind: u
            .r#type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        status: u
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        created_at: timestamp(u.created_at()),
        // `errorCode: errorMessage (resourceIds)`, as EKS gives them.
        errors: u
            .errors()
            .iter()
            .map(|e| {
                let text = match (e.error_code(), e.error_message()) {
                    (Some(c), Some(m)) => format!("{}: {m}", c.as_str()),
                    (Some(c), None) => c.as_str().to_string(),
                    (None, m) => m.unwrap_or_default().to_string(),
                };
                match e.resource_ids() {
                    [] => text,
                    ids => format!("{text} ({})", ids.join(", ")),
                }
            })
            .collect(),
        version: u
            .params()
            .iter()
            .find(|p| p.r#type().is_some_and(|t| t.as_str() == "Version"))
            .and_then(|p| p.value())
            .map(str::to_string),
    }
}

/// StartInsightsRefresh, then DescribeInsightsRefresh until it completes (bounded).
async fn refresh_insights(aws: &Aws, cluster: &str) -> Result<Option<String>, Error> {
    let started = timed(
        "StartInsightsRefresh",
        aws.eks
            .start_insights_refresh()
            .cluster_name(cluster)
            .send(),
    )
    .await;
    if let Err(e) = started {
        let f = classify("StartInsightsRefresh", &aws.eks_endpoint, e);
        return match f {
            AwsFailure::Fatal(e) => Err(e),
            f => Ok(Some(format!(
                "insights refresh not started: {}",
                f.reason()
            ))),
        };
    }
    let deadline = Instant::now() + REFRESH_TIMEOUT;
    let mut pause = Duration::from_millis(250);
    loop {
        let out = aws
            .eks
            .describe_insights_refresh()
            .cluster_name(cluster)
            .send()
            .await
            .map_err(|e| classify("DescribeInsightsRefresh", &aws.eks_endpoint, e));
        match out {
            Ok(o) => match o.status() {
                Some(InsightsRefreshStatus::Completed) => return Ok(None),
                Some(InsightsRefreshStatus::Failed) => {
                    return Ok(Some(format!(
                        "insights refresh failed: {}",
                        o.message().unwrap_or("no reason given")
                    )))
                }
                _ => {}
            },
            Err(AwsFailure::Fatal(e)) => return Err(e),
            Err(f) => return Ok(Some(format!("insights refresh: {}", f.reason()))),
        }
        if Instant::now() + pause > deadline {
            return Err(Error::Timeout(format!(
                "the insights refresh of {cluster} did not complete within {} s — run again later, or without --refresh-insights",
                REFRESH_TIMEOUT.as_secs()
            )));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

/// ListInsights, then DescribeInsight of each (concurrently); refreshes first when asked.
pub async fn insights(
    aws: &Aws,
    cluster: &str,
    refresh: bool,
) -> Result<Gathered<Vec<InsightFacts>>, Error> {
    if refresh {
        if let Some(reason) = refresh_insights(aws, cluster).await? {
            tracing::warn!("{reason}");
        }
    }
    let summaries = match timed(
        "ListInsights",
        aws.eks
            .list_insights()
            .cluster_name(cluster)
            .into_paginator()
            .items()
            .send()
            .try_collect(),
    )
    .await
    {
        Ok(s) => s,
        Err(e) => return soft(classify("ListInsights", &aws.eks_endpoint, e)),
    };
    // A PASSING insight has nothing more to say: only the others are described (deprecation
    // details, client user agents, recommendation).
    let (passing, others): (Vec<_>, Vec<_>) = summaries.iter().partition(|s| {
        s.insight_status().and_then(|st| st.status()) == Some(&InsightStatusValue::Passing)
    });
    let described = stream::iter(others.iter().filter_map(|s| s.id()))
        .map(|id| async move {
            aws.eks
                .describe_insight()
                .cluster_name(cluster)
                .id(id)
                .send()
                .await
        })
        .buffered(FAN_OUT)
        .try_collect::<Vec<_>>();
    let outs = match timed("DescribeInsight (each not passing)", described).await {
        Ok(o) => o,
        Err(e) => return soft(classify("DescribeInsight", &aws.eks_endpoint, e)),
    };
    let mut facts: Vec<InsightFacts> = passing.iter().map(|s| summary_facts(s)).collect();
    facts.extend(outs.iter().filter_map(|o| o.insight()).map(insight_facts));
    Ok(Gathered::Ok(facts))
}

fn summary_facts(s: &InsightSummary) -> InsightFacts {
    insight_head(
        s.id(),
        s.name(),
        s.category(),
        s.kubernetes_version(),
        s.insight_status(),
        s.last_refresh_time(),
    )
}

/// The fields a ListInsights summary and a full DescribeInsight answer share.
fn insight_head(
    id: Option<&str>,
    name: Option<&str>,
    category: Option<&Category>,
    kubernetes_version: Option<&str>,
    status: Option<&InsightStatus>,
    last_refresh: Option<&DateTime>,
) -> InsightFacts {
    InsightFacts {
        id: id.unwrap_or_default().into(),
        name: name.unwrap_or_default().into(),
        category: category.map(|c| c.as_str().to_string()).unwrap_or_default(),
        kubernetes_version: kubernetes_version.unwrap_or_default().into(),
        status: status
            .and_then(|s| s.status())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        reason: status.and_then(|s| s.reason()).unwrap_or_default().into(),
        last_refresh: timestamp(last_refresh),
        recommendation: String::new(),
        deprecations: Vec::new(),
    }
}

fn insight_facts(i: &Insight) -> InsightFacts {
    InsightFacts {
        recommendation: i.recommendation().unwrap_or_default().into(),
        deprecations: i
            .category_specific_summary()
            .map(|s| s.deprecation_details())
            .unwrap_or_default()
            .iter()
            .map(|d| Deprecation {
                usage: d.usage().unwrap_or_default().into(),
                replaced_with: d.replaced_with().unwrap_or_default().into(),
                stop_serving_version: d.stop_serving_version().unwrap_or_default().into(),
                start_serving_replacement_version: d
                    .start_serving_replacement_version()
                    .unwrap_or_default()
                    .into(),
                clients: d
                    .client_stats()
                    .iter()
                    .map(|c| ClientStat {
                        user_agent: c.user_agent().unwrap_or_default().into(),
                        requests_last_30_days: c.number_of_requests_last30_days().max(0) as u64,
                        last_request: timestamp(c.last_request_time()),
                    })
                    .collect(),
            })
            .collect(),
        ..insight_head(
            i.id(),
            i.name(),
            i.category(),
            i.kubernetes_version(),
            i.insight_status(),
            i.last_refresh_time(),
        )
    }
}

/// ListAddons (starts without waiting for DescribeCluster).
pub async fn addon_names(aws: &Aws, cluster: &str) -> Result<Gathered<Vec<String>>, Error> {
    match timed(
        "ListAddons",
        aws.eks
            .list_addons()
            .cluster_name(cluster)
            .into_paginator()
            .items()
            .send()
            .try_collect(),
    )
    .await
    {
        Ok(names) => Ok(Gathered::Ok(names)),
        Err(e) => soft(classify("ListAddons", &aws.eks_endpoint, e)),
    }
}

/// DescribeAddon + DescribeAddonVersions (for `target`) of each add-on, concurrently.
pub async fn addons(
    aws: &Aws,
    cluster: &str,
    names: Gathered<Vec<String>>,
    target: &str,
) -> Result<Gathered<Vec<AddonFacts>>, Error> {
    let names = match names {
        Gathered::Ok(n) => n,
        Gathered::Unavailable(why) => return Ok(Gathered::Unavailable(why)),
    };
    let described = stream::iter(names)
        .map(|name| async move { addon(aws, cluster, name, target).await })
        .buffered(FAN_OUT)
        .try_collect::<Vec<_>>();
    match timed("DescribeAddon + DescribeAddonVersions (each)", described).await {
        Ok(a) => Ok(Gathered::Ok(a)),
        Err(f) => soft(f),
    }
}

async fn addon(
    aws: &Aws,
    cluster: &str,
    name: String,
    target: &str,
) -> Result<AddonFacts, AwsFailure> {
    let describe = aws
        .eks
        .describe_addon()
        .cluster_name(cluster)
        .addon_name(&name)
        .send();
    let versions = aws
        .eks
        .describe_addon_versions()
        .addon_name(&name)
        .kubernetes_version(target)
        .into_paginator()
        .items()
        .send()
        .try_collect();
    let (described, versions) = tokio::join!(describe, versions);
    let described = described.map_err(|e| classify("DescribeAddon", &aws.eks_endpoint, e))?;
    let versions = versions.map_err(|e| classify("DescribeAddonVersions", &aws.eks_endpoint, e))?;
    let a = described.addon();
    let mut facts = AddonFacts {
        name: name.clone(),
        version: a.and_then(|a| a.addon_version()).unwrap_or_default().into(),
        status: a
            .and_then(|a| a.status())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        health_issues: a
            .and_then(|a| a.health())
            .map(|h| h.issues())
            .unwrap_or_default()
            .iter()
            .map(|i| {
                let code = i.code().map(|c| c.as_str()).unwrap_or("Issue");
                format!("{code}: {}", i.message().unwrap_or_default())
            })
            .collect(),
        versions_for_target: Vec::new(),
        default_for_target: None,
    };
    for info in versions
        .iter()
        .filter(|i| i.addon_name() == Some(name.as_str()))
    {
        for v in info.addon_versions() {
            let Some(version) = v.addon_version() else {
                continue;
            };
            let compatible: Vec<_> = v
                .compatibilities()
                .iter()
                .filter(|c| c.cluster_version() == Some(target))
                .collect();
            if compatible.is_empty() && !v.compatibilities().is_empty() {
                continue;
            }
            facts.versions_for_target.push(version.to_string());
            if compatible.iter().any(|c| c.default_version()) {
                facts.default_for_target = Some(version.to_string());
            }
        }
    }
    Ok(facts)
}
