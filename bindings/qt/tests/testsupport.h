// What the Qt binding's test suites share: the emulator per test, a finished()
// probe, and a valid MeterUsage request.
#ifndef MPM_QT_TESTSUPPORT_H
#define MPM_QT_TESTSUPPORT_H

#include "core/awsanonymouscredentials.h"
#include "core/awsbasiccredentials.h"
#include "marketplacemetering/batchmeterusageresponse.h"
#include "marketplacemetering/marketplacemeteringclient.h"
#include "marketplacemetering/meterusageresponse.h"
#include "marketplacemetering/registerusageresponse.h"
#include "marketplacemetering/resolvecustomerresponse.h"

#include "emulator.h"

#include <QCoreApplication>
#include <QScopedPointer>
#include <QThread>
#include <QtTest>

using namespace QtAws::Core;
using namespace QtAws::MarketplaceMetering;

static const QString kKeyId = QStringLiteral("AKIAIOSFODNN7EXAMPLE");
static const QString kSecret = QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

// Counts finished() and remembers whether each came on the main thread.
class FinishedProbe : public QObject {
public:
    explicit FinishedProbe(AwsAbstractResponse * response)
    {
        connect(response, &AwsAbstractResponse::finished, this, [this]() {
            ++count;
            onMainThread = onMainThread && QThread::currentThread() == qApp->thread();
        });
    }
    int count = 0;
    bool onMainThread = true;
};

class EmulatorTest : public QObject {
protected:
    QScopedPointer<Emulator> m_emulator;
    QUrl m_url;
    AwsBasicCredentials m_credentials{kKeyId, kSecret};

    // A fresh emulator per test, so ledgers and faults never leak between tests.
    bool startEmulator(const QStringList &args = QStringList())
    {
        m_emulator.reset(new Emulator);
        QString error;
        if (!m_emulator->start(args, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        m_url = m_emulator->url();
        return true;
    }

    static MeterUsageRequest meterUsageRequest(const QString &dimension, int quantity)
    {
        MeterUsageRequest request;
        request.setProductCode(QStringLiteral("demo-product"));
        request.setTimestamp(QDateTime::currentDateTimeUtc());
        request.setUsageDimension(dimension);
        request.setUsageQuantity(quantity);
        return request;
    }
};

#endif
