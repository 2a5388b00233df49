// Meters 3 "users" of "demo-product" for the current hour with QtAws's
// MarketplaceMetering API, then prints the MeteringRecordId.
// Usage: meterusage ENDPOINT_URL   (e.g. the http://127.0.0.1:PORT of mpm-emulator)
#include "core/awsbasiccredentials.h"
#include "marketplacemetering/marketplacemeteringclient.h"
#include "marketplacemetering/meterusagerequest.h"
#include "marketplacemetering/meterusageresponse.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QUrl>

#include <cstdio>

using namespace QtAws::Core;
using namespace QtAws::MarketplaceMetering;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (app.arguments().size() != 2) {
        std::fprintf(stderr, "usage: meterusage ENDPOINT_URL\n");
        return 2;
    }

    AwsBasicCredentials credentials(QStringLiteral("AKIAIOSFODNN7EXAMPLE"),
                                    QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    // Against AWS: MarketplaceMeteringClient client(AwsRegion::US_East_1, &credentials);
    MarketplaceMeteringClient client(QUrl(app.arguments().at(1)), &credentials);

    MeterUsageRequest request;
    request.setProductCode(QStringLiteral("demo-product"));
    request.setTimestamp(QDateTime::currentDateTimeUtc());
    request.setUsageDimension(QStringLiteral("users"));
    request.setUsageQuantity(3);

    // The caller owns the response; NULL means the call could not start (logged).
    MeterUsageResponse * const response = client.meterUsage(request);
    if (!response)
        return 1;
    QObject::connect(response, &MeterUsageResponse::finished, &app, [&]() {
        if (response->hasError()) {
            std::fprintf(stderr, "MeterUsage failed: %s: %s\n",
                         qPrintable(response->errorCode()), qPrintable(response->errorString()));
            app.exit(1);
        } else {
            std::printf("MeteringRecordId: %s\n", qPrintable(response->meteringRecordId()));
            app.exit(0);
        }
    });
    const int status = app.exec();
    delete response;
    return status;
}
