// The out-of-tree consumer: a client entirely from the environment (AWS_ENDPOINT_URL,
// AWS_REGION, the default credential chain), one MeterUsage; exit status 0 when it was
// metered. Includes spelled as QtAws programs spell them.
#include <QCoreApplication>
#include <QDateTime>
#include <QScopedPointer>
#include <QTimer>

#include "core/awsclientconfiguration.h"
#include "core/awslibrarycredentials.h"
#include "marketplacemetering/marketplacemeteringclient.h"
#include "marketplacemetering/meterusagerequest.h"
#include "marketplacemetering/meterusageresponse.h"
#include <meterusageresponse.h>

#include <cstdio>

using namespace QtAws::Core;
using namespace QtAws::MarketplaceMetering;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QScopedPointer<MarketplaceMeteringClient> client(MarketplaceMeteringClient::fromEnvironment());
    AwsClientConfiguration config = client->configuration();
    config.setAttemptTimeout(10000);
    client->setConfiguration(config);

    MeterUsageRequest request;
    request.setProductCode(QStringLiteral("demo-product"));
    request.setTimestamp(QDateTime::currentDateTimeUtc());
    request.setUsageDimension(QStringLiteral("users"));
    request.setUsageQuantity(1);
    QScopedPointer<MeterUsageResponse> response(client->meterUsage(request));
    if (!response)
        return 2;
    QObject::connect(response.data(), &AwsAbstractResponse::finished, &app, &QCoreApplication::quit);
    QTimer::singleShot(30000, &app, &QCoreApplication::quit);
    if (!response->isFinished())
        app.exec();
    if (!response->isFinished() || response->hasError()) {
        std::fprintf(stderr, "failed: %s\n", qPrintable(response->errorString()));
        return 1;
    }
    std::printf("metering record %s\n", qPrintable(response->meteringRecordId()));
    return 0;
}
