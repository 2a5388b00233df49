// The out-of-tree consumer: a client entirely from the environment (AWS_ENDPOINT_URL,
// AWS_REGION, the default credential chain), one MeterUsage, then one record through an
// Outbox in a temporary store, sealed and flushed; exit status 0 when both were metered.
// Includes spelled as QtAws programs spell them.
#include <QCoreApplication>
#include <QDateTime>
#include <QScopedPointer>
#include <QTimer>

#include "core/awsclientconfiguration.h"
#include "core/awslibrarycredentials.h"
#include "marketplacemetering/marketplacemeteringclient.h"
#include "marketplacemetering/meterusagerequest.h"
#include "marketplacemetering/meterusageresponse.h"
#include "marketplacemetering/outbox.h"
#include <meterusageresponse.h>

#include <QTemporaryDir>

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

    QTemporaryDir dir;
    Outbox::Options options;
    options.productCode = QStringLiteral("demo-product");
    Outbox outbox(client.data(), dir.filePath(QStringLiteral("outbox.db")), options);
    if (!outbox.isOpen()
        || !outbox.record(QStringLiteral("demo-customer-1"), QStringLiteral("users"), QStringLiteral("2"))
        || !outbox.sealNow() || !outbox.flush(30000) || outbox.stats().accepted != 1) {
        std::fprintf(stderr, "outbox failed: %s\n", qPrintable(outbox.errorString()));
        return 1;
    }
    std::printf("outbox: accepted 1\n");
    return 0;
}
