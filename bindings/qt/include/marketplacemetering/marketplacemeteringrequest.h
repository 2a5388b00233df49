// QtAws::MarketplaceMetering::MarketplaceMeteringRequest: the base of the four requests.
#ifndef MPM_QT_MARKETPLACEMETERINGREQUEST_H
#define MPM_QT_MARKETPLACEMETERINGREQUEST_H

#include "core/awsabstractrequest.h"

#include "qtawsmarketplacemeteringglobal.h"

#include <QFlags>

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT MarketplaceMeteringRequest
    : public QtAws::Core::AwsAbstractRequest {
public:
    /// Actions supported by MarketplaceMetering.
    enum Action {
        BatchMeterUsageAction,
        MeterUsageAction,
        RegisterUsageAction,
        ResolveCustomerAction,
    };
    Q_DECLARE_FLAGS(Actions, Action)

    MarketplaceMeteringRequest(const Action action);
    MarketplaceMeteringRequest(const MarketplaceMeteringRequest &other);
    MarketplaceMeteringRequest &operator=(const MarketplaceMeteringRequest &other);

    Action action() const;
    QString actionString() const;           ///< "MeterUsage", ...
    QString apiVersion() const;             ///< "2016-01-14"

private:
    Action m_action;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
