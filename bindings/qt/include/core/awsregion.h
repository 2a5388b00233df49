// QtAws::Core::AwsRegion: AWS regions under QtAws's enum names and numeric codes
// (the same codes as the C API's mpm_region), plus every region QtAws lacked.
#ifndef MPM_QT_AWSREGION_H
#define MPM_QT_AWSREGION_H

#include "qtawscoreglobal.h"

#include <QFlags>
#include <QString>

namespace QtAws {
namespace Core {

class QTAWSCORE_EXPORT AwsRegion {
public:
    /// Cardinal directions within a macro-region (QtAws's bit layout).
    enum CardinalDirection {
        North = 0x00, NorthNorthEast = 0x10, NorthEast = 0x20, EastNorthEast = 0x30,
        East = 0x40, EastSouthEast = 0x50, SouthEast = 0x60, SouthSouthEast = 0x70,
        South = 0x80, SouthSouthWest = 0x90, SouthWest = 0xA0, WestSouthWest = 0xB0,
        West = 0xC0, WestNorthWest = 0xD0, NorthWest = 0xE0, NortNorthWest = 0xF0
    };

    /// QtAws's macro-regions.
    enum MacroRegion {
        AsiaPacific = 0x100, Europe = 0x300, SouthAmerica = 0xA00,
        UnitedStates = 0xB00, UnitedStatesGov = 0xC00
    };

    /// Regions: the first ten are QtAws's, the rest carry mpm_region's codes.
    enum Region {
        InvalidRegion  = 0,
        AP_Northeast_1 = 0x121, AP_Southeast_1 = 0x161, AP_Southeast_2 = 0x162,
        EU_West_1 = 0x3C1, SA_East_1 = 0xA41, US_East_1 = 0xB41,
        US_Gov_West_1 = 0xCC1, US_West_1 = 0xBC1, US_West_2 = 0xBC2,
        // Regions newer than QtAws.
        AF_South_1 = 3457, AP_East_1 = 321, AP_East_2 = 322,
        AP_Northeast_2 = 290, AP_Northeast_3 = 291, AP_South_1 = 385, AP_South_2 = 386,
        AP_Southeast_3 = 355, AP_Southeast_4 = 356, AP_Southeast_5 = 357,
        AP_Southeast_6 = 358, AP_Southeast_7 = 359,
        CA_Central_1 = 69121, CA_West_1 = 3777,
        EU_Central_1 = 66305, EU_Central_2 = 66306, EU_North_1 = 769,
        EU_South_1 = 897, EU_South_2 = 898, EU_West_2 = 962, EU_West_3 = 963,
        IL_Central_1 = 69633, ME_Central_1 = 69889, ME_South_1 = 4481, MX_Central_1 = 70145,
        US_East_2 = 2882, CN_North_1 = 3841, CN_Northwest_1 = 4065, US_Gov_East_1 = 3137,
        EUSC_DE_East_1 = 4929, US_ISO_East_1 = 5185, US_ISO_West_1 = 5313,
        US_ISOB_East_1 = 5441, US_ISOB_West_1 = 5569, US_ISOF_East_1 = 5697,
        US_ISOF_South_1 = 5761, EU_ISOE_West_1 = 6081
    };
    Q_DECLARE_FLAGS(Regions, Region)

    AwsRegion(const Region region);
    AwsRegion(const QString &regionName);
    ~AwsRegion();

    bool isValid() const;
    Region region() const;

    QString name() const;
    static QString name(const Region &region);

    QString fullName() const;
    static QString fullName(const Region &region);

    static Region fromName(const QString &regionName);

private:
    Q_DISABLE_COPY(AwsRegion)
    Region m_region;
};

Q_DECLARE_OPERATORS_FOR_FLAGS(AwsRegion::Regions)

} // namespace Core
} // namespace QtAws

#endif
