//! The AWS partitions table behind the rule-set function `aws.partition`.
//!
//! Transcribed from the `partitions.json` that the AWS SDKs ship (taken from
//! aws/aws-sdk-js-v3, `packages-internal/util-endpoints/src/lib/aws/partitions.json`,
//! commit 301814b2, "version": "1.1"; botocore, aws-sdk-go-v2 and smithy-rs ship
//! the same file, older copies lack aws-eusc and the ISO dual-stack suffixes).
//! Partition order and region order follow that file: lookups try every
//! explicit region list first, then every `regionRegex` in this order.
//!
//! When AWS opens a region, append it here (and give it a code in
//! `src/ffi/region.rs`; a test there fails until it has one).

/// What `aws.partition` returns: the partition's `outputs` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionOutputs {
    pub name: &'static str,
    pub dns_suffix: &'static str,
    pub dual_stack_dns_suffix: &'static str,
    pub supports_fips: bool,
    pub supports_dual_stack: bool,
    pub implicit_global_region: &'static str,
}

/// One explicitly listed region of a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionInfo {
    /// The region's code, `eu-west-1`.
    pub name: &'static str,
    /// Its human name from the partition table, `Europe (Ireland)`.
    pub description: &'static str,
}

impl RegionInfo {
    /// `aws-global`, `aws-cn-global`, ...: names the SDKs use for a
    /// partition's global endpoints, not regions one deploys to.
    pub fn is_global_pseudo_region(&self) -> bool {
        self.name.ends_with("-global")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub id: &'static str,
    /// Regex (regex-lite syntax, same as the JSON) for regions not listed.
    pub region_regex: &'static str,
    pub regions: &'static [RegionInfo],
    pub outputs: PartitionOutputs,
}

/// `aws.partition` falls back to this partition for names that match
/// neither a listed region nor any regex.
pub const DEFAULT_PARTITION_ID: &str = "aws";

const fn r(name: &'static str, description: &'static str) -> RegionInfo {
    RegionInfo { name, description }
}

pub static PARTITIONS: &[Partition] = &[
    Partition {
        id: "aws",
        region_regex: r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        regions: &[
            r("af-south-1", "Africa (Cape Town)"),
            r("ap-east-1", "Asia Pacific (Hong Kong)"),
            r("ap-east-2", "Asia Pacific (Taipei)"),
            r("ap-northeast-1", "Asia Pacific (Tokyo)"),
            r("ap-northeast-2", "Asia Pacific (Seoul)"),
            r("ap-northeast-3", "Asia Pacific (Osaka)"),
            r("ap-south-1", "Asia Pacific (Mumbai)"),
            r("ap-south-2", "Asia Pacific (Hyderabad)"),
            r("ap-southeast-1", "Asia Pacific (Singapore)"),
            r("ap-southeast-2", "Asia Pacific (Sydney)"),
            r("ap-southeast-3", "Asia Pacific (Jakarta)"),
            r("ap-southeast-4", "Asia Pacific (Melbourne)"),
            r("ap-southeast-5", "Asia Pacific (Malaysia)"),
            r("ap-southeast-6", "Asia Pacific (New Zealand)"),
            r("ap-southeast-7", "Asia Pacific (Thailand)"),
            r("aws-global", "aws global region"),
            r("ca-central-1", "Canada (Central)"),
            r("ca-west-1", "Canada West (Calgary)"),
            r("eu-central-1", "Europe (Frankfurt)"),
            r("eu-central-2", "Europe (Zurich)"),
            r("eu-north-1", "Europe (Stockholm)"),
            r("eu-south-1", "Europe (Milan)"),
            r("eu-south-2", "Europe (Spain)"),
            r("eu-west-1", "Europe (Ireland)"),
            r("eu-west-2", "Europe (London)"),
            r("eu-west-3", "Europe (Paris)"),
            r("il-central-1", "Israel (Tel Aviv)"),
            r("me-central-1", "Middle East (UAE)"),
            r("me-south-1", "Middle East (Bahrain)"),
            r("mx-central-1", "Mexico (Central)"),
            r("sa-east-1", "South America (Sao Paulo)"),
            r("us-east-1", "US East (N. Virginia)"),
            r("us-east-2", "US East (Ohio)"),
            r("us-west-1", "US West (N. California)"),
            r("us-west-2", "US West (Oregon)"),
        ],
        outputs: PartitionOutputs {
            name: "aws",
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-east-1",
        },
    },
    Partition {
        id: "aws-cn",
        region_regex: r"^cn\-\w+\-\d+$",
        regions: &[
            r("aws-cn-global", "aws-cn global region"),
            r("cn-north-1", "China (Beijing)"),
            r("cn-northwest-1", "China (Ningxia)"),
        ],
        outputs: PartitionOutputs {
            name: "aws-cn",
            dns_suffix: "amazonaws.com.cn",
            dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "cn-northwest-1",
        },
    },
    Partition {
        id: "aws-eusc",
        region_regex: r"^eusc\-(de)\-\w+\-\d+$",
        regions: &[r(
            "eusc-de-east-1",
            "AWS European Sovereign Cloud (Germany)",
        )],
        outputs: PartitionOutputs {
            name: "aws-eusc",
            dns_suffix: "amazonaws.eu",
            dual_stack_dns_suffix: "api.amazonwebservices.eu",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "eusc-de-east-1",
        },
    },
    Partition {
        id: "aws-iso",
        region_regex: r"^us\-iso\-\w+\-\d+$",
        regions: &[
            r("aws-iso-global", "aws-iso global region"),
            r("us-iso-east-1", "US ISO East"),
            r("us-iso-west-1", "US ISO WEST"),
        ],
        outputs: PartitionOutputs {
            name: "aws-iso",
            dns_suffix: "c2s.ic.gov",
            dual_stack_dns_suffix: "api.aws.ic.gov",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-iso-east-1",
        },
    },
    Partition {
        id: "aws-iso-b",
        region_regex: r"^us\-isob\-\w+\-\d+$",
        regions: &[
            r("aws-iso-b-global", "aws-iso-b global region"),
            r("us-isob-east-1", "US ISOB East (Ohio)"),
            r("us-isob-west-1", "US ISOB West"),
        ],
        outputs: PartitionOutputs {
            name: "aws-iso-b",
            dns_suffix: "sc2s.sgov.gov",
            dual_stack_dns_suffix: "api.aws.scloud",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-isob-east-1",
        },
    },
    Partition {
        id: "aws-iso-e",
        region_regex: r"^eu\-isoe\-\w+\-\d+$",
        regions: &[
            r("aws-iso-e-global", "aws-iso-e global region"),
            r("eu-isoe-west-1", "EU ISOE West"),
        ],
        outputs: PartitionOutputs {
            name: "aws-iso-e",
            dns_suffix: "cloud.adc-e.uk",
            dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "eu-isoe-west-1",
        },
    },
    Partition {
        id: "aws-iso-f",
        region_regex: r"^us\-isof\-\w+\-\d+$",
        regions: &[
            r("aws-iso-f-global", "aws-iso-f global region"),
            r("us-isof-east-1", "US ISOF EAST"),
            r("us-isof-south-1", "US ISOF SOUTH"),
        ],
        outputs: PartitionOutputs {
            name: "aws-iso-f",
            dns_suffix: "csp.hci.ic.gov",
            dual_stack_dns_suffix: "api.aws.hci.ic.gov",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-isof-south-1",
        },
    },
    Partition {
        id: "aws-us-gov",
        region_regex: r"^us\-gov\-\w+\-\d+$",
        regions: &[
            r("aws-us-gov-global", "aws-us-gov global region"),
            r("us-gov-east-1", "AWS GovCloud (US-East)"),
            r("us-gov-west-1", "AWS GovCloud (US-West)"),
        ],
        outputs: PartitionOutputs {
            name: "aws-us-gov",
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-gov-west-1",
        },
    },
];

/// Every region a partition lists, pseudo-regions (`aws-global`, ...) left out.
pub fn all_regions() -> impl Iterator<Item = (&'static Partition, &'static RegionInfo)> {
    PARTITIONS.iter().flat_map(|p| {
        p.regions
            .iter()
            .filter(|r| !r.is_global_pseudo_region())
            .map(move |r| (p, r))
    })
}
