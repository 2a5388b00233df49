// The Outbox QObject against the emulator: recorded usage billed exactly the sums recorded,
// once; one signal per terminal state the emulator can produce (accepted, acceptedEarlier
// after a lost answer, conflict, rejected with its reason, expired on a clock the test
// moves), each on the Outbox's own thread; event ids counted once; every bad input a false
// return with the C library's code and message; close twice, use after close; the README's
// example program run as is.
#include "marketplacemetering/outbox.h"

#include "testsupport.h"

#include "mpmeter.h"

#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <atomic>

static const qint64 kHour = 3600;

class TestOutbox : public EmulatorTest {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString store(const char * name) const { return m_dir.filePath(QString::fromUtf8(name)); }

    // A minute into the hour before this one: its slot stays open (seal delay 7200 s) until
    // a flush, and a few minutes later is still the same hour.
    static QDateTime pastHour()
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        return QDateTime::fromSecsSinceEpoch(now / kHour * kHour - kHour + 60, Qt::UTC);
    }

    static Outbox::Options options(qint64 sealDelay = 7200)
    {
        Outbox::Options o;
        o.productCode = QStringLiteral("demo-product");
        o.sealDelaySeconds = sealDelay;
        return o;
    }

    // The ledger's quantity per "customer/dimension" for the hour of `t`.
    QMap<QString, QString> billed(const QDateTime &t) const
    {
        QMap<QString, QString> out;
        const qint64 hour = t.toSecsSinceEpoch() / kHour * kHour;
        for (const QJsonValue &v : m_emulator->ledger()) {
            const QJsonObject e = v.toObject();
            if (qint64(e.value(QStringLiteral("hour")).toDouble()) == hour)
                out.insert(e.value(QStringLiteral("customer_identifier")).toString() + QLatin1Char('/')
                               + e.value(QStringLiteral("dimension")).toString(),
                           e.value(QStringLiteral("quantity")).toString());
        }
        return out;
    }

    static OutboxSlot slotAt(const QSignalSpy &spy, int i) { return spy.at(i).at(0).value<OutboxSlot>(); }

    static void setOneAttempt(MarketplaceMeteringClient &client)
    {
        AwsClientConfiguration config = client.configuration();
        config.setMaxAttempts(1);   // a lost answer or an outage reaches the outbox at once
        client.setConfiguration(config);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void everyFateIsASignalOnTheOutboxThread()
    {
        QVERIFY(startEmulator());
        MarketplaceMeteringClient client(m_url, &m_credentials);
        const QDateTime t = pastHour();
        // AWS already holds 7 hosts for demo-customer-2 this hour (another store sent them).
        {
            Outbox earlier(&client, store("earlier.db"), options());
            QVERIFY2(earlier.isOpen(), qPrintable(earlier.errorString()));
            QVERIFY(earlier.record(QStringLiteral("demo-customer-2"), QStringLiteral("hosts"),
                                   QStringLiteral("7"), t));
            QVERIFY2(earlier.flush(30000), qPrintable(earlier.errorString()));
        }

        Outbox outbox(&client, store("fates.db"), options());
        QVERIFY2(outbox.isOpen(), qPrintable(outbox.errorString()));
        QSignalSpy accepted(&outbox, &Outbox::accepted), conflict(&outbox, &Outbox::conflict),
            rejected(&outbox, &Outbox::rejected), earlierSpy(&outbox, &Outbox::acceptedEarlier),
            expired(&outbox, &Outbox::expired), terminal(&outbox, &Outbox::terminal);
        bool onOutboxThread = true;
        connect(&outbox, &Outbox::terminal, this, [&]() {
            onOutboxThread = onOutboxThread && QThread::currentThread() == outbox.thread();
        });
        const QString c1 = QStringLiteral("demo-customer-1"), users = QStringLiteral("users");
        QVERIFY(outbox.record(c1, users, QStringLiteral("2.5"), t, QStringLiteral("e1")));
        QVERIFY(outbox.record(c1, users, QStringLiteral("2.5"), t, QStringLiteral("e1")));   // once
        QVERIFY(outbox.record(c1, users, QStringLiteral("0.5"), t.addSecs(60), QStringLiteral("e2")));
        QVERIFY2(outbox.recordBatch({
                     {QStringLiteral("demo-customer-2"), QStringLiteral("hosts"), QStringLiteral("3"), t, QString()},
                     {QStringLiteral("unsubscribed-customer"), QStringLiteral("hosts"), QStringLiteral("1"), t, QString()},
                     {c1, QStringLiteral("data_gb"), QStringLiteral("0.000001"), t, QStringLiteral("e3")},
                     {c1, QStringLiteral("data_gb"), QStringLiteral("0.000001"), t, QStringLiteral("e3")},
                 }),
                 qPrintable(outbox.errorString()));
        QCOMPARE(outbox.stats().open, quint64(4));
        QVERIFY2(outbox.flush(30000), qPrintable(outbox.errorString()));

        const OutboxStats s = outbox.stats();
        QCOMPARE(s.accepted, quint64(2));
        QCOMPARE(s.conflict, quint64(1));
        QCOMPARE(s.rejected, quint64(1));
        QCOMPARE(s.pending + s.open, quint64(0));
        QCOMPARE(s.secondsToFirstExpiry, qint64(-1));
        QVERIFY(!s.oldestPendingHour.isValid());

        // Signals come from the event loop, after the library's thread posted them.
        QTRY_COMPARE(terminal.count(), 4);
        QCOMPARE(accepted.count(), 2);
        QCOMPARE(conflict.count(), 1);
        QCOMPARE(rejected.count(), 1);
        QCOMPARE(earlierSpy.count() + expired.count(), 0);
        QVERIFY(onOutboxThread);
        QCOMPARE(slotAt(rejected, 0).customer, QStringLiteral("unsubscribed-customer"));
        QCOMPARE(rejected.at(0).at(1).toString(), QStringLiteral("CustomerNotSubscribed"));
        QCOMPARE(slotAt(conflict, 0).customer, QStringLiteral("demo-customer-2"));
        QVERIFY(slotAt(conflict, 0).reason.contains(QStringLiteral("DuplicateRecord")));

        // Billed exactly the sums recorded, once; the conflict kept AWS's quantity.
        const QMap<QString, QString> ledger = billed(t);
        QCOMPARE(ledger.value(QStringLiteral("demo-customer-1/users")), QStringLiteral("3"));
        QCOMPARE(ledger.value(QStringLiteral("demo-customer-1/data_gb")), QStringLiteral("0.000001"));
        QCOMPARE(ledger.value(QStringLiteral("demo-customer-2/hosts")), QStringLiteral("7"));
        QVERIFY(!ledger.contains(QStringLiteral("unsubscribed-customer/hosts")));

        // Reconciliation: the slots of the hour carry AWS's MeteringRecordIds.
        const QList<OutboxSlot> hourSlots = outbox.slotsOfHour(t);
        QCOMPARE(hourSlots.size(), 4);
        for (const OutboxSlot &slot : hourSlots) {
            QCOMPARE(slot.hour.toSecsSinceEpoch(), t.toSecsSinceEpoch() / kHour * kHour);
            QCOMPARE(slot.productCode, QStringLiteral("demo-product"));
            if (slot.customer == c1 && slot.dimension == users) {
                QCOMPARE(slot.state, int(Outbox::Accepted));
                QCOMPARE(slot.quantity, QStringLiteral("3"));
                QCOMPARE(slot.attempts, 1);
                QVERIFY(!slot.meteringRecordId.isEmpty());
                bool found = false;
                for (int i = 0; i < accepted.count(); ++i)
                    found = found || slotAt(accepted, i).meteringRecordId == slot.meteringRecordId;
                QVERIFY(found);
            }
        }
        // Reopened (after close): the event ids are still known, so nothing new counts.
        QVERIFY(outbox.close());
        Outbox again(&client, store("fates.db"), options());
        QVERIFY2(again.isOpen(), qPrintable(again.errorString()));
        QVERIFY(again.record(c1, users, QStringLiteral("2.5"), t, QStringLiteral("e1")));
        QVERIFY(again.recordBatch({{c1, QStringLiteral("data_gb"), QStringLiteral("0.000001"), t,
                                    QStringLiteral("e3")}}));
        QCOMPARE(again.stats().open, quint64(0));
    }

    void aLostAnswerIsAcceptedEarlier()
    {
        // Metered, then the connection drops: the client never hears; the outbox sends again.
        QVERIFY(startEmulator({QStringLiteral("--fault"),
                               QStringLiteral("drop_after_commit:count=1,operation=BatchMeterUsage")}));
        MarketplaceMeteringClient client(m_url, &m_credentials);
        setOneAttempt(client);
        Outbox outbox(&client, store("lost.db"), options());
        QVERIFY2(outbox.isOpen(), qPrintable(outbox.errorString()));
        QSignalSpy earlier(&outbox, &Outbox::acceptedEarlier), accepted(&outbox, &Outbox::accepted);
        const QDateTime t = pastHour();
        QVERIFY(outbox.record(QStringLiteral("demo-customer-1"), QStringLiteral("users"), QStringLiteral("5"), t));
        QVERIFY2(outbox.flush(30000), qPrintable(outbox.errorString()));
        QTRY_COMPARE(earlier.count(), 1);
        QCOMPARE(accepted.count(), 0);
        const OutboxSlot slot = slotAt(earlier, 0);
        QCOMPARE(slot.state, int(Outbox::Duplicate));
        QCOMPARE(slot.attempts, 2);
        QCOMPARE(outbox.stats().duplicate, quint64(1));
        const QJsonArray ledger = m_emulator->ledger();   // billed once
        QCOMPARE(ledger.size(), 1);
        QCOMPARE(ledger.at(0).toObject().value(QStringLiteral("quantity")).toString(), QStringLiteral("5"));
        QCOMPARE(ledger.at(0).toObject().value(QStringLiteral("metering_record_id")).toString(),
                 slot.meteringRecordId);
    }

    void aSlotExpiresWhenTheWindowClosesFirst()
    {
        // An outage: every BatchMeterUsage fails; the test's clock then passes AWS's 24 hours.
        QVERIFY(startEmulator({QStringLiteral("--fault"),
                               QStringLiteral("internal:count=1000,operation=BatchMeterUsage")}));
        MarketplaceMeteringClient client(m_url, &m_credentials);
        setOneAttempt(client);
        std::atomic<qint64> nowMs{QDateTime::currentMSecsSinceEpoch()};
        Outbox::Options o = options(-1);
        o.nowUnixMs = [&nowMs]() { return nowMs.load(); };
        Outbox outbox(&client, store("expired.db"), o);
        QVERIFY2(outbox.isOpen(), qPrintable(outbox.errorString()));
        QSignalSpy expired(&outbox, &Outbox::expired), terminal(&outbox, &Outbox::terminal);
        QVERIFY(outbox.record(QStringLiteral("demo-customer-1"), QStringLiteral("users"), QStringLiteral("2")));
        QVERIFY(outbox.sealNow(QStringLiteral("demo-customer-1")));
        QVERIFY(!outbox.flush(1500));   // the outage outlasts it
        QCOMPARE(outbox.errorCode(), int(MPM_ERR_WAIT_TIMEOUT));
        OutboxStats s = outbox.stats();
        QCOMPARE(s.pending, quint64(1));
        QVERIFY2(s.secondsToFirstExpiry > 0 && s.secondsToFirstExpiry <= 24 * kHour,
                 qPrintable(QString::number(s.secondsToFirstExpiry)));
        QCOMPARE(s.oldestPendingHour.toSecsSinceEpoch(), nowMs.load() / 1000 / kHour * kHour);
        nowMs += 25 * kHour * 1000;
        QVERIFY2(outbox.flush(30000), qPrintable(outbox.errorString()));
        s = outbox.stats();
        QCOMPARE(s.expired, quint64(1));
        QCOMPARE(s.secondsToFirstExpiry, qint64(-1));
        QTRY_COMPARE(expired.count(), 1);
        QCOMPARE(terminal.count(), 1);
        QVERIFY(!slotAt(expired, 0).reason.isEmpty());
        QCOMPARE(m_emulator->ledger().size(), 0);
        QVERIFY(outbox.close());   // before nowMs goes out of scope
    }

    void badInputsFailWithTheCodeAndMessage()
    {
        QVERIFY(startEmulator());
        MarketplaceMeteringClient client(m_url, &m_credentials);
        struct Case {
            Outbox::Options options;
            int code;
            const char * fragment;
        };
        Outbox::Options noProduct = options(), badMode = options(), badDelay = options(86401),
                        badRate = options(), badPolicy = options();
        noProduct.productCode = QString();
        badMode.mode = 7;
        badRate.maxRequestsPerSecond = 1001;
        badPolicy.latePolicy = 9;
        const QList<Case> cases = {
            {noProduct, MPM_ERR_INVALID_ARGUMENT, "product code"},
            {badMode, MPM_ERR_UNKNOWN_ENUM, "7"},
            {badDelay, MPM_ERR_INVALID_ARGUMENT, "86401"},
            {badRate, MPM_ERR_INVALID_ARGUMENT, "1001"},
            {badPolicy, MPM_ERR_UNKNOWN_ENUM, "9"},
        };
        for (const Case &c : cases) {
            Outbox bad(&client, store("bad.db"), c.options);
            QVERIFY(!bad.isOpen());
            QCOMPARE(bad.errorCode(), c.code);
            QVERIFY2(bad.errorString().contains(QString::fromUtf8(c.fragment)), qPrintable(bad.errorString()));
            // Every later call says why it cannot run.
            QVERIFY(!bad.record(QStringLiteral("demo-customer-1"), QStringLiteral("users"), QStringLiteral("1")));
            QCOMPARE(bad.errorCode(), c.code);
            QVERIFY(bad.errorString().startsWith(QStringLiteral("the outbox did not open: ")));
            QVERIFY(bad.close());
        }
        Outbox noClient(nullptr, store("bad.db"), options());
        QCOMPARE(noClient.errorCode(), int(MPM_ERR_NULL_ARGUMENT));
        Outbox noPath(&client, QString(), options());
        QCOMPARE(noPath.errorCode(), int(MPM_ERR_INVALID_ARGUMENT));
        QVERIFY2(noPath.errorString().contains(QStringLiteral("store")), qPrintable(noPath.errorString()));
        Outbox noDirectory(&client, store("no-such-directory/o.db"), options());
        QCOMPARE(noDirectory.errorCode(), int(MPM_ERR_STORE));

        Outbox::Options refuse = options();
        refuse.latePolicy = Outbox::RefuseLateUsage;
        Outbox outbox(&client, store("bad.db"), refuse);
        QVERIFY2(outbox.isOpen(), qPrintable(outbox.errorString()));
        Outbox second(&client, store("bad.db"), options());   // one process per file
        QCOMPARE(second.errorCode(), int(MPM_ERR_STORE_LOCKED));
        QVERIFY2(second.errorString().contains(QStringLiteral("in use")), qPrintable(second.errorString()));

        const QDateTime t = pastHour();
        const QString c1 = QStringLiteral("demo-customer-1"), users = QStringLiteral("users");
        struct RecordCase {
            QString customer, quantity, eventId;
            QDateTime when;
            int code;
            const char * fragment;
        };
        const QList<RecordCase> records = {
            {c1, QStringLiteral("1.0000001"), QString(), t, MPM_ERR_INVALID_ARGUMENT, "6 fraction digits"},
            {c1, QStringLiteral("1e3"), QString(), t, MPM_ERR_INVALID_ARGUMENT, "quantity"},
            {c1, QStringLiteral("-1"), QString(), t, MPM_ERR_INVALID_ARGUMENT, "quantity"},
            {c1, QString(), QString(), t, MPM_ERR_NULL_ARGUMENT, "quantity"},
            {QString(), QStringLiteral("1"), QString(), t, MPM_ERR_INVALID_ARGUMENT, "customer"},
            {c1, QStringLiteral("1"), QStringLiteral(""), t, MPM_ERR_INVALID_ARGUMENT, "event"},
            {c1, QStringLiteral("1"), QString(), QDateTime::currentDateTimeUtc().addSecs(2 * kHour),
             MPM_ERR_INVALID_ARGUMENT, "future"},
        };
        for (const RecordCase &r : records) {
            QVERIFY(!outbox.record(r.customer, users, r.quantity, r.when, r.eventId));
            QCOMPARE(outbox.errorCode(), r.code);
            QVERIFY2(outbox.errorString().startsWith(QStringLiteral("record: "))
                         && outbox.errorString().contains(QString::fromUtf8(r.fragment)),
                     qPrintable(outbox.errorString()));
        }
        QVERIFY(!outbox.recordBatch({{c1, users, QStringLiteral("1"), t, QString()},
                                     {c1, users, QStringLiteral("1.0000001"), t, QString()}}));
        QCOMPARE(outbox.errorCode(), int(MPM_ERR_INVALID_ARGUMENT));
        QVERIFY2(outbox.errorString().contains(QStringLiteral("event 1")), qPrintable(outbox.errorString()));
        QVERIFY(!outbox.flush(-2));
        QCOMPARE(outbox.errorCode(), int(MPM_ERR_INVALID_ARGUMENT));
        QVERIFY(outbox.slotsOfHour(QDateTime()).isEmpty());
        QCOMPARE(outbox.errorCode(), int(MPM_ERR_INVALID_ARGUMENT));
        OutboxStats s = outbox.stats();
        QCOMPARE(s.open + s.pending, quint64(0));   // nothing bad was recorded

        // Late usage, refused by policy.
        QVERIFY(outbox.record(c1, users, QStringLiteral("1"), t));
        QVERIFY(outbox.sealNow(c1));
        QVERIFY(!outbox.record(c1, users, QStringLiteral("1"), t));
        QCOMPARE(outbox.errorCode(), int(MPM_ERR_LATE_USAGE));
    }

    void closeTwiceAndUseAfterClose()
    {
        QVERIFY(startEmulator());
        MarketplaceMeteringClient client(m_url, &m_credentials);
        {
            Outbox outbox(&client, store("closed.db"), options());
            QVERIFY2(outbox.isOpen(), qPrintable(outbox.errorString()));
            QVERIFY(outbox.record(QStringLiteral("demo-customer-1"), QStringLiteral("users"),
                                  QStringLiteral("1"), pastHour()));
            QVERIFY(outbox.close());
            QVERIFY(outbox.close());   // harmless
            QVERIFY(!outbox.record(QStringLiteral("demo-customer-1"), QStringLiteral("users"), QStringLiteral("1")));
            QCOMPARE(outbox.errorCode(), int(MPM_ERR_OUTBOX_CLOSED));
            QVERIFY(!outbox.flush(0));
            QCOMPARE(outbox.errorCode(), int(MPM_ERR_OUTBOX_CLOSED));
            outbox.stats();
            QCOMPARE(outbox.errorCode(), int(MPM_ERR_OUTBOX_CLOSED));
            QVERIFY(!outbox.sealNow());
            QCOMPARE(outbox.errorCode(), int(MPM_ERR_OUTBOX_CLOSED));
            // Closed means released: another open takes the store and finds the usage.
            Outbox next(&client, store("closed.db"), options());
            QVERIFY2(next.isOpen(), qPrintable(next.errorString()));
            QCOMPARE(next.stats().open, quint64(1));
        }
        // Deleted without close(): closed at once, nothing lost.
        {
            Outbox outbox(&client, store("deleted.db"), options());
            QVERIFY(outbox.record(QStringLiteral("demo-customer-1"), QStringLiteral("users"),
                                  QStringLiteral("2"), pastHour()));
        }
        Outbox reopened(&client, store("deleted.db"), options());
        QVERIFY2(reopened.isOpen(), qPrintable(reopened.errorString()));
        QCOMPARE(reopened.stats().open, quint64(1));
    }

    void closeFromASlotOfItsOwnSignal()
    {
        // The signals run from the event loop, not on the library's thread, so closing there
        // (which waits for that thread) is safe.
        QVERIFY(startEmulator());
        MarketplaceMeteringClient client(m_url, &m_credentials);
        Outbox outbox(&client, store("slot-close.db"), options());
        QVERIFY2(outbox.isOpen(), qPrintable(outbox.errorString()));
        bool closed = false;
        connect(&outbox, &Outbox::accepted, this, [&]() { closed = outbox.close(); });
        QVERIFY(outbox.record(QStringLiteral("demo-customer-1"), QStringLiteral("users"),
                              QStringLiteral("1"), pastHour()));
        QVERIFY2(outbox.flush(30000), qPrintable(outbox.errorString()));
        QTRY_VERIFY(closed);
        QVERIFY(!outbox.record(QStringLiteral("demo-customer-1"), QStringLiteral("users"), QStringLiteral("1")));
        QCOMPARE(outbox.errorCode(), int(MPM_ERR_OUTBOX_CLOSED));
    }

    void signalsComeOnTheThreadTheOutboxLivesIn()
    {
        QVERIFY(startEmulator());
        MarketplaceMeteringClient client(m_url, &m_credentials);
        QThread worker;
        Outbox * const outbox = new Outbox(&client, store("thread.db"), options());
        QVERIFY2(outbox->isOpen(), qPrintable(outbox->errorString()));
        std::atomic<QThread *> seen{nullptr};
        connect(outbox, &Outbox::accepted, outbox, [&seen]() { seen = QThread::currentThread(); });
        outbox->moveToThread(&worker);
        worker.start();
        // Called from this thread: every function may be.
        QVERIFY(outbox->record(QStringLiteral("demo-customer-1"), QStringLiteral("users"),
                               QStringLiteral("1"), pastHour()));
        QVERIFY2(outbox->flush(30000), qPrintable(outbox->errorString()));
        QTRY_VERIFY(seen.load() != nullptr);
        QCOMPARE(seen.load(), &worker);
        connect(outbox, &QObject::destroyed, &worker, &QThread::quit, Qt::DirectConnection);
        outbox->deleteLater();   // destroyed on its own thread
        QVERIFY(worker.wait(10000));
    }

    void theReadmeExampleRuns()
    {
        QVERIFY(startEmulator());
        QProcess example;
        example.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        example.start(QStringLiteral(MPM_QT_OUTBOX_EXAMPLE), {m_url.toString(), store("example.db")});
        QVERIFY(example.waitForFinished(90000));
        QCOMPARE(example.exitCode(), 0);
        const QString out = QString::fromUtf8(example.readAllStandardOutput());
        QVERIFY2(out.contains(QRegularExpression(
                     QStringLiteral("^accepted: demo-customer-1 users 3 [0-9a-f-]{36}$"),
                     QRegularExpression::MultilineOption)),
                 qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("rejected: unsubscribed-customer users 1 CustomerNotSubscribed\n")),
                 qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("accepted 1, rejected 1, pending 0\n")), qPrintable(out));
        const QJsonArray ledger = m_emulator->ledger();   // the repeated event billed once
        QCOMPARE(ledger.size(), 1);
        QCOMPARE(ledger.at(0).toObject().value(QStringLiteral("quantity")).toString(), QStringLiteral("3"));
    }
};

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
