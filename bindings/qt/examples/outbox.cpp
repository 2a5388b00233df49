// Records usage durably with an Outbox, seals the hour at once (as a program does when it
// shuts down), waits for delivery and prints each slot's fate as its signal arrives.
// Usage: outbox ENDPOINT_URL STORE_FILE   (e.g. the http://127.0.0.1:PORT of mpm-emulator)
#include "core/awsbasiccredentials.h"
#include "marketplacemetering/marketplacemeteringclient.h"
#include "marketplacemetering/outbox.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimer>
#include <QUrl>

#include <cstdio>

using namespace QtAws::Core;
using namespace QtAws::MarketplaceMetering;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (app.arguments().size() != 3) {
        std::fprintf(stderr, "usage: outbox ENDPOINT_URL STORE_FILE\n");
        return 2;
    }

    AwsBasicCredentials credentials(QStringLiteral("AKIAIOSFODNN7EXAMPLE"),
                                    QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    MarketplaceMeteringClient client(QUrl(app.arguments().at(1)), &credentials);

    Outbox::Options options;
    options.productCode = QStringLiteral("demo-product");
    Outbox outbox(&client, app.arguments().at(2), options);   // a local file, one process
    if (!outbox.isOpen()) {
        std::fprintf(stderr, "%s\n", qPrintable(outbox.errorString()));
        return 1;
    }

    // One signal per slot reaching a terminal state, on this thread, from the event loop.
    QObject::connect(&outbox, &Outbox::accepted, [](const OutboxSlot &slot) {
        std::printf("accepted: %s %s %s %s\n", qPrintable(slot.customer), qPrintable(slot.dimension),
                    qPrintable(slot.quantity), qPrintable(slot.meteringRecordId));
    });
    QObject::connect(&outbox, &Outbox::rejected, [](const OutboxSlot &slot, const QString &reason) {
        std::printf("rejected: %s %s %s %s\n", qPrintable(slot.customer), qPrintable(slot.dimension),
                    qPrintable(slot.quantity), qPrintable(reason));
    });
    int settled = 0;
    QObject::connect(&outbox, &Outbox::terminal, &app, [&]() {
        if (++settled == 2)
            app.quit();
    });

    // Durable once record() returns; an event id is counted once, however often it comes.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString customer = QStringLiteral("demo-customer-1"), users = QStringLiteral("users");
    const bool recorded =
        outbox.record(customer, users, QStringLiteral("3"), now, QStringLiteral("signup-1"))
        && outbox.record(customer, users, QStringLiteral("3"), now, QStringLiteral("signup-1"))
        && outbox.recordBatch({OutboxEvent{QStringLiteral("unsubscribed-customer"), users,
                                           QStringLiteral("1"), now, QString()}});
    // Send this hour now rather than after it ends, and wait until nothing is pending.
    if (!recorded || !outbox.sealNow() || !outbox.flush(60000)) {
        std::fprintf(stderr, "%s\n", qPrintable(outbox.errorString()));
        return 1;
    }
    const OutboxStats stats = outbox.stats();
    std::printf("accepted %llu, rejected %llu, pending %llu\n", stats.accepted, stats.rejected,
                stats.pending);
    QTimer::singleShot(30000, &app, [&]() { app.exit(1); });   // the signals never came
    return app.exec();
}
