//! The C API's region enum, numbered like QtAws's `QtAws::Core::AwsRegion::Region`.
//!
//! C code written against QtAws (pcolby/aws-sdk-qt, `src/core/awsregion.h`)
//! can pass the same numbers. QtAws composes each code from three fields,
//! kept here and extended for the regions it never listed:
//!
//! ```text
//!   bit 16      CENTRAL: set for "...-central-N" (mpmeter extension; QtAws's
//!               sixteen compass points fill bits 4-7, none of them "central")
//!   bits 8-15   macro-region: QtAws's AsiaPacific 0x01, Europe 0x03,
//!               SouthAmerica 0x0A, UnitedStates 0x0B, UnitedStatesGov 0x0C;
//!               mpmeter numbers new ones upward from 0x0D in the order added,
//!               leaving QtAws's unused 0x02 and 0x04-0x09 alone:
//!               Africa 0x0D, Canada 0x0E, China 0x0F, Israel 0x10,
//!               MiddleEast 0x11, Mexico 0x12, EuropeanSovereignCloud-Germany
//!               ("eusc-de") 0x13, US ISO ("us-iso") 0x14, US ISOB 0x15,
//!               US ISOF 0x16, EU ISOE ("eu-isoe") 0x17
//!   bits 4-7    direction (QtAws's CardinalDirection): North 0x0, NorthEast 0x2,
//!               East 0x4, SouthEast 0x6, South 0x8, SouthWest 0xA, West 0xC,
//!               NorthWest 0xE (odd values: NNE, ENE, ... unused by AWS)
//!   bits 0-3    the region's number, 1-15
//! ```
//!
//! So us-east-1 = 0xB00 + 0x40 + 1 = 0xB41 and eu-central-2 = 0x10000 + 0x300 + 2.
//! Distinct names give distinct fields, so codes cannot collide (a test checks).
//! A newly opened region gets its code by the same rule; a new prefix gets the
//! next macro-region number (0x18, ...). Codes, once published, never change.

use once_cell::sync::Lazy;

use super::c_enum::CEnum;

/// An AWS region, as passed through the C API.
///
/// The values follow QtAws's `AwsRegion::Region` (e.g. `MPM_REGION_US_EAST_1 =
/// 0xB41`), extended to every current region. Functions of the C API take and
/// return it as `uint32_t`, so that an unknown number from C is an error the
/// library reports (never undefined behaviour); `MPM_REGION_INVALID` (0,
/// QtAws's `InvalidRegion`) names no region. QtAws has no "any region" value,
/// and neither has this enum.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, CEnum)]
pub enum mpm_region {
    /// Not a region (QtAws `InvalidRegion`): maps to no name, and suits a
    /// getter whose client region has no code.
    MPM_REGION_INVALID = 0,

    // The nine regions QtAws defines, with its codes.
    MPM_REGION_AP_NORTHEAST_1 = 0x121,
    MPM_REGION_AP_SOUTHEAST_1 = 0x161,
    MPM_REGION_AP_SOUTHEAST_2 = 0x162,
    MPM_REGION_EU_WEST_1 = 0x3C1,
    MPM_REGION_SA_EAST_1 = 0xA41,
    MPM_REGION_US_EAST_1 = 0xB41,
    MPM_REGION_US_GOV_WEST_1 = 0xCC1,
    MPM_REGION_US_WEST_1 = 0xBC1,
    MPM_REGION_US_WEST_2 = 0xBC2,

    // aws partition, regions QtAws lacks.
    MPM_REGION_AF_SOUTH_1 = 0xD81,
    MPM_REGION_AP_EAST_1 = 0x141,
    MPM_REGION_AP_EAST_2 = 0x142,
    MPM_REGION_AP_NORTHEAST_2 = 0x122,
    MPM_REGION_AP_NORTHEAST_3 = 0x123,
    MPM_REGION_AP_SOUTH_1 = 0x181,
    MPM_REGION_AP_SOUTH_2 = 0x182,
    MPM_REGION_AP_SOUTHEAST_3 = 0x163,
    MPM_REGION_AP_SOUTHEAST_4 = 0x164,
    MPM_REGION_AP_SOUTHEAST_5 = 0x165,
    MPM_REGION_AP_SOUTHEAST_6 = 0x166,
    MPM_REGION_AP_SOUTHEAST_7 = 0x167,
    MPM_REGION_CA_CENTRAL_1 = 0x10E01,
    MPM_REGION_CA_WEST_1 = 0xEC1,
    MPM_REGION_EU_CENTRAL_1 = 0x10301,
    MPM_REGION_EU_CENTRAL_2 = 0x10302,
    MPM_REGION_EU_NORTH_1 = 0x301,
    MPM_REGION_EU_SOUTH_1 = 0x381,
    MPM_REGION_EU_SOUTH_2 = 0x382,
    MPM_REGION_EU_WEST_2 = 0x3C2,
    MPM_REGION_EU_WEST_3 = 0x3C3,
    MPM_REGION_IL_CENTRAL_1 = 0x11001,
    MPM_REGION_ME_CENTRAL_1 = 0x11101,
    MPM_REGION_ME_SOUTH_1 = 0x1181,
    MPM_REGION_MX_CENTRAL_1 = 0x11201,
    MPM_REGION_US_EAST_2 = 0xB42,

    // aws-cn
    MPM_REGION_CN_NORTH_1 = 0xF01,
    MPM_REGION_CN_NORTHWEST_1 = 0xFE1,

    // aws-us-gov (us-gov-west-1 is QtAws's, above)
    MPM_REGION_US_GOV_EAST_1 = 0xC41,

    // aws-eusc
    MPM_REGION_EUSC_DE_EAST_1 = 0x1341,

    // aws-iso, aws-iso-b, aws-iso-f, aws-iso-e
    MPM_REGION_US_ISO_EAST_1 = 0x1441,
    MPM_REGION_US_ISO_WEST_1 = 0x14C1,
    MPM_REGION_US_ISOB_EAST_1 = 0x1541,
    MPM_REGION_US_ISOB_WEST_1 = 0x15C1,
    MPM_REGION_US_ISOF_EAST_1 = 0x1641,
    MPM_REGION_US_ISOF_SOUTH_1 = 0x1681,
    MPM_REGION_EU_ISOE_WEST_1 = 0x17C1,
}

/// Every named region with its AWS name, which is the value's name spelled as AWS spells it
/// (MPM_REGION_US_GOV_WEST_1 is "us-gov-west-1"), so no second list of regions is written.
static REGIONS: Lazy<Vec<(mpm_region, String)>> = Lazy::new(|| {
    mpm_region::ALL
        .iter()
        .filter(|r| **r != mpm_region::MPM_REGION_INVALID)
        .map(|r| (*r, r.short_name().to_ascii_lowercase().replace('_', "-")))
        .collect()
});

impl mpm_region {
    /// The AWS name ("us-east-1"); None for MPM_REGION_INVALID.
    pub fn aws_name(self) -> Option<&'static str> {
        REGIONS
            .iter()
            .find(|(r, _)| *r == self)
            .map(|(_, name)| name.as_str())
    }

    /// The value for an AWS name, MPM_REGION_INVALID when the region has none. Exact match:
    /// the name is the one the client signs and builds URLs with, and "US-EAST-1" would not
    /// resolve like "us-east-1" does.
    pub fn from_aws_name(name: &str) -> Self {
        REGIONS
            .iter()
            .find(|(_, n)| n == name)
            .map_or(mpm_region::MPM_REGION_INVALID, |(r, _)| *r)
    }
}

#[cfg(test)]
mod tests {
    use super::mpm_region::*;
    use super::*;
    use mpmeter_core::endpoint_rules::{
        all_regions, partition_of, resolve_endpoint, EndpointParams,
    };
    use std::collections::HashSet;

    /// The code the documented scheme gives a name, computed independently
    /// of the table.
    fn scheme_code(name: &str) -> u32 {
        let (rest, number) = name.rsplit_once('-').unwrap();
        let (prefix, direction) = rest.rsplit_once('-').unwrap();
        let macro_region = match prefix {
            "ap" => 0x01,
            "eu" => 0x03,
            "sa" => 0x0A,
            "us" => 0x0B,
            "us-gov" => 0x0C,
            "af" => 0x0D,
            "ca" => 0x0E,
            "cn" => 0x0F,
            "il" => 0x10,
            "me" => 0x11,
            "mx" => 0x12,
            "eusc-de" => 0x13,
            "us-iso" => 0x14,
            "us-isob" => 0x15,
            "us-isof" => 0x16,
            "eu-isoe" => 0x17,
            other => panic!("no macro-region for {other}"),
        };
        let direction = match direction {
            "central" => 0x1_0000,
            "north" => 0x00,
            "northeast" => 0x20,
            "east" => 0x40,
            "southeast" => 0x60,
            "south" => 0x80,
            "southwest" => 0xA0,
            "west" => 0xC0,
            "northwest" => 0xE0,
            other => panic!("no direction for {other}"),
        };
        let number: u32 = number.parse().unwrap();
        assert!((1..=15).contains(&number), "{name}");
        (macro_region << 8) | direction | number
    }

    #[test]
    fn qtaws_codes_are_kept() {
        // From QtAws src/core/awsregion.h: MacroRegion + CardinalDirection + n.
        assert_eq!(MPM_REGION_INVALID as u32, 0);
        assert_eq!(MPM_REGION_AP_NORTHEAST_1 as u32, 0x100 + 0x20 + 1);
        assert_eq!(MPM_REGION_AP_SOUTHEAST_1 as u32, 0x100 + 0x60 + 1);
        assert_eq!(MPM_REGION_AP_SOUTHEAST_2 as u32, 0x100 + 0x60 + 2);
        assert_eq!(MPM_REGION_EU_WEST_1 as u32, 0x300 + 0xC0 + 1);
        assert_eq!(MPM_REGION_SA_EAST_1 as u32, 0xA00 + 0x40 + 1);
        assert_eq!(MPM_REGION_US_EAST_1 as u32, 0xB41);
        assert_eq!(MPM_REGION_US_GOV_WEST_1 as u32, 0xC00 + 0xC0 + 1);
        assert_eq!(MPM_REGION_US_WEST_1 as u32, 0xB00 + 0xC0 + 1);
        assert_eq!(MPM_REGION_US_WEST_2 as u32, 0xB00 + 0xC0 + 2);
    }

    #[test]
    fn every_code_follows_the_scheme() {
        for (region, name) in REGIONS.iter() {
            assert_eq!(*region as u32, scheme_code(name), "{name}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for (region, name) in REGIONS.iter() {
            assert_eq!(mpm_region::from_aws_name(name), *region, "{name}");
            assert_eq!(region.aws_name(), Some(name.as_str()), "{region:?}");
            assert_eq!(mpm_region::from_u32(*region as u32), Some(*region));
        }
    }

    #[test]
    fn no_duplicate_codes_or_names() {
        let codes: HashSet<u32> = REGIONS.iter().map(|(r, _)| *r as u32).collect();
        let names: HashSet<&str> = REGIONS.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(codes.len(), REGIONS.len());
        assert_eq!(names.len(), REGIONS.len());
        assert!(!codes.contains(&(MPM_REGION_INVALID as u32)));
    }

    #[test]
    fn invalid_and_unknown_map_to_none() {
        assert_eq!(MPM_REGION_INVALID.aws_name(), None);
        assert_eq!(mpm_region::from_u32(0xB43), None);
        assert_eq!(mpm_region::from_u32(u32::MAX), None);
        for name in ["", "US-EAST-1", "aws-global", "us-east-9"] {
            assert_eq!(
                mpm_region::from_aws_name(name),
                MPM_REGION_INVALID,
                "{name}"
            );
        }
    }

    #[test]
    fn every_region_has_a_known_partition_and_an_endpoint() {
        for (_, name) in REGIONS.iter() {
            assert!(partition_of(name).is_some(), "{name}");
            let params = EndpointParams {
                region: Some(name.to_string()),
                use_fips: false,
                use_dual_stack: false,
                endpoint: None,
            };
            let url = resolve_endpoint(&params).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(url.starts_with("https://") && url.contains(name), "{url}");
        }
    }

    #[test]
    fn every_partition_region_has_a_code() {
        // Fails when partitions.rs gains a region this enum lacks.
        for (partition, region) in all_regions() {
            assert!(
                mpm_region::from_aws_name(region.name) != MPM_REGION_INVALID,
                "{} ({}) has no mpm_region code",
                region.name,
                partition.id
            );
            assert_eq!(partition_of(region.name), Some(partition.id));
        }
        assert_eq!(all_regions().count(), REGIONS.len());
    }
}
