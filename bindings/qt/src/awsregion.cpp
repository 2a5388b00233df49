// Region names for AwsRegion. The numeric codes are the C API's, checked below.
#include "core/awsregion.h"

#include "cglue.h"

namespace QtAws {
namespace Core {

// The codes are a contract with code written for QtAws and with mpm_region.
#define MPM_QT_SAME_CODE(qt, c) static_assert(uint32_t(AwsRegion::qt) == uint32_t(MPM_REGION_##c), #qt)
MPM_QT_SAME_CODE(AP_Northeast_1, AP_NORTHEAST_1);
MPM_QT_SAME_CODE(AP_Southeast_1, AP_SOUTHEAST_1);
MPM_QT_SAME_CODE(AP_Southeast_2, AP_SOUTHEAST_2);
MPM_QT_SAME_CODE(EU_West_1, EU_WEST_1);
MPM_QT_SAME_CODE(SA_East_1, SA_EAST_1);
MPM_QT_SAME_CODE(US_East_1, US_EAST_1);
MPM_QT_SAME_CODE(US_Gov_West_1, US_GOV_WEST_1);
MPM_QT_SAME_CODE(US_West_1, US_WEST_1);
MPM_QT_SAME_CODE(US_West_2, US_WEST_2);
MPM_QT_SAME_CODE(AF_South_1, AF_SOUTH_1);
MPM_QT_SAME_CODE(AP_East_1, AP_EAST_1);
MPM_QT_SAME_CODE(AP_East_2, AP_EAST_2);
MPM_QT_SAME_CODE(AP_Northeast_2, AP_NORTHEAST_2);
MPM_QT_SAME_CODE(AP_Northeast_3, AP_NORTHEAST_3);
MPM_QT_SAME_CODE(AP_South_1, AP_SOUTH_1);
MPM_QT_SAME_CODE(AP_South_2, AP_SOUTH_2);
MPM_QT_SAME_CODE(AP_Southeast_3, AP_SOUTHEAST_3);
MPM_QT_SAME_CODE(AP_Southeast_4, AP_SOUTHEAST_4);
MPM_QT_SAME_CODE(AP_Southeast_5, AP_SOUTHEAST_5);
MPM_QT_SAME_CODE(AP_Southeast_6, AP_SOUTHEAST_6);
MPM_QT_SAME_CODE(AP_Southeast_7, AP_SOUTHEAST_7);
MPM_QT_SAME_CODE(CA_Central_1, CA_CENTRAL_1);
MPM_QT_SAME_CODE(CA_West_1, CA_WEST_1);
MPM_QT_SAME_CODE(EU_Central_1, EU_CENTRAL_1);
MPM_QT_SAME_CODE(EU_Central_2, EU_CENTRAL_2);
MPM_QT_SAME_CODE(EU_North_1, EU_NORTH_1);
MPM_QT_SAME_CODE(EU_South_1, EU_SOUTH_1);
MPM_QT_SAME_CODE(EU_South_2, EU_SOUTH_2);
MPM_QT_SAME_CODE(EU_West_2, EU_WEST_2);
MPM_QT_SAME_CODE(EU_West_3, EU_WEST_3);
MPM_QT_SAME_CODE(IL_Central_1, IL_CENTRAL_1);
MPM_QT_SAME_CODE(ME_Central_1, ME_CENTRAL_1);
MPM_QT_SAME_CODE(ME_South_1, ME_SOUTH_1);
MPM_QT_SAME_CODE(MX_Central_1, MX_CENTRAL_1);
MPM_QT_SAME_CODE(US_East_2, US_EAST_2);
MPM_QT_SAME_CODE(CN_North_1, CN_NORTH_1);
MPM_QT_SAME_CODE(CN_Northwest_1, CN_NORTHWEST_1);
MPM_QT_SAME_CODE(US_Gov_East_1, US_GOV_EAST_1);
MPM_QT_SAME_CODE(EUSC_DE_East_1, EUSC_DE_EAST_1);
MPM_QT_SAME_CODE(US_ISO_East_1, US_ISO_EAST_1);
MPM_QT_SAME_CODE(US_ISO_West_1, US_ISO_WEST_1);
MPM_QT_SAME_CODE(US_ISOB_East_1, US_ISOB_EAST_1);
MPM_QT_SAME_CODE(US_ISOB_West_1, US_ISOB_WEST_1);
MPM_QT_SAME_CODE(US_ISOF_East_1, US_ISOF_EAST_1);
MPM_QT_SAME_CODE(US_ISOF_South_1, US_ISOF_SOUTH_1);
MPM_QT_SAME_CODE(EU_ISOE_West_1, EU_ISOE_WEST_1);
#undef MPM_QT_SAME_CODE

namespace {

struct RegionInfo {
    AwsRegion::Region region;
    const char *name;
    const char *fullName;
};

const RegionInfo regions[] = {
    {AwsRegion::AP_Northeast_1, "ap-northeast-1", "Asia Pacific (Tokyo)"},
    {AwsRegion::AP_Southeast_1, "ap-southeast-1", "Asia Pacific (Singapore)"},
    {AwsRegion::AP_Southeast_2, "ap-southeast-2", "Asia Pacific (Sydney)"},
    {AwsRegion::EU_West_1, "eu-west-1", "EU (Ireland)"},
    {AwsRegion::SA_East_1, "sa-east-1", "South America (Sao Paulo)"},
    {AwsRegion::US_East_1, "us-east-1", "US East (N. Virginia)"},
    {AwsRegion::US_Gov_West_1, "us-gov-west-1", "AWS GovCloud (US-West)"},
    {AwsRegion::US_West_1, "us-west-1", "US West (N. California)"},
    {AwsRegion::US_West_2, "us-west-2", "US West (Oregon)"},
    {AwsRegion::AF_South_1, "af-south-1", "Africa (Cape Town)"},
    {AwsRegion::AP_East_1, "ap-east-1", "Asia Pacific (Hong Kong)"},
    {AwsRegion::AP_East_2, "ap-east-2", "Asia Pacific (Taipei)"},
    {AwsRegion::AP_Northeast_2, "ap-northeast-2", "Asia Pacific (Seoul)"},
    {AwsRegion::AP_Northeast_3, "ap-northeast-3", "Asia Pacific (Osaka)"},
    {AwsRegion::AP_South_1, "ap-south-1", "Asia Pacific (Mumbai)"},
    {AwsRegion::AP_South_2, "ap-south-2", "Asia Pacific (Hyderabad)"},
    {AwsRegion::AP_Southeast_3, "ap-southeast-3", "Asia Pacific (Jakarta)"},
    {AwsRegion::AP_Southeast_4, "ap-southeast-4", "Asia Pacific (Melbourne)"},
    {AwsRegion::AP_Southeast_5, "ap-southeast-5", "Asia Pacific (Malaysia)"},
    {AwsRegion::AP_Southeast_6, "ap-southeast-6", "Asia Pacific (New Zealand)"},
    {AwsRegion::AP_Southeast_7, "ap-southeast-7", "Asia Pacific (Thailand)"},
    {AwsRegion::CA_Central_1, "ca-central-1", "Canada (Central)"},
    {AwsRegion::CA_West_1, "ca-west-1", "Canada West (Calgary)"},
    {AwsRegion::EU_Central_1, "eu-central-1", "Europe (Frankfurt)"},
    {AwsRegion::EU_Central_2, "eu-central-2", "Europe (Zurich)"},
    {AwsRegion::EU_North_1, "eu-north-1", "Europe (Stockholm)"},
    {AwsRegion::EU_South_1, "eu-south-1", "Europe (Milan)"},
    {AwsRegion::EU_South_2, "eu-south-2", "Europe (Spain)"},
    {AwsRegion::EU_West_2, "eu-west-2", "Europe (London)"},
    {AwsRegion::EU_West_3, "eu-west-3", "Europe (Paris)"},
    {AwsRegion::IL_Central_1, "il-central-1", "Israel (Tel Aviv)"},
    {AwsRegion::ME_Central_1, "me-central-1", "Middle East (UAE)"},
    {AwsRegion::ME_South_1, "me-south-1", "Middle East (Bahrain)"},
    {AwsRegion::MX_Central_1, "mx-central-1", "Mexico (Central)"},
    {AwsRegion::US_East_2, "us-east-2", "US East (Ohio)"},
    {AwsRegion::CN_North_1, "cn-north-1", "China (Beijing)"},
    {AwsRegion::CN_Northwest_1, "cn-northwest-1", "China (Ningxia)"},
    {AwsRegion::US_Gov_East_1, "us-gov-east-1", "AWS GovCloud (US-East)"},
    {AwsRegion::EUSC_DE_East_1, "eusc-de-east-1", "AWS European Sovereign Cloud (Germany)"},
    {AwsRegion::US_ISO_East_1, "us-iso-east-1", "US ISO East"},
    {AwsRegion::US_ISO_West_1, "us-iso-west-1", "US ISO WEST"},
    {AwsRegion::US_ISOB_East_1, "us-isob-east-1", "US ISOB East (Ohio)"},
    {AwsRegion::US_ISOB_West_1, "us-isob-west-1", "US ISOB West"},
    {AwsRegion::US_ISOF_East_1, "us-isof-east-1", "US ISOF EAST"},
    {AwsRegion::US_ISOF_South_1, "us-isof-south-1", "US ISOF SOUTH"},
    {AwsRegion::EU_ISOE_West_1, "eu-isoe-west-1", "EU ISOE West"},
};

const RegionInfo *find(AwsRegion::Region region)
{
    for (const RegionInfo &info : regions)
        if (info.region == region)
            return &info;
    return nullptr;
}

} // namespace

AwsRegion::AwsRegion(const Region region) : m_region(find(region) ? region : InvalidRegion) {}
AwsRegion::AwsRegion(const QString &regionName) : m_region(fromName(regionName)) {}
AwsRegion::~AwsRegion() {}

bool AwsRegion::isValid() const { return m_region != InvalidRegion; }
AwsRegion::Region AwsRegion::region() const { return m_region; }
QString AwsRegion::name() const { return name(m_region); }
QString AwsRegion::fullName() const { return fullName(m_region); }

QString AwsRegion::name(const Region &region)
{
    const RegionInfo *info = find(region);
    return info ? QString::fromLatin1(info->name) : QString();
}

QString AwsRegion::fullName(const Region &region)
{
    const RegionInfo *info = find(region);
    return info ? QString::fromLatin1(info->fullName) : QString();
}

AwsRegion::Region AwsRegion::fromName(const QString &regionName)
{
    for (const RegionInfo &info : regions)
        if (regionName == QLatin1String(info.name))
            return info.region;
    return InvalidRegion;
}

} // namespace Core
} // namespace QtAws
