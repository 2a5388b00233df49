// finished() through the thread's completion queue (src/completionpump.h): 64 calls in flight,
// proof that the queue and not the callback delivers, a call already finished when attached,
// deletion while queued, a worker thread's own pump, a thread that ends with calls attached,
// moveToThread (with the creator's loop blocked, and with ThreadChange filtered away), and a
// thread without an event dispatcher (the callback path).
#include "testsupport.h"

#include "completionpump.h"   // private: the test hooks
#include "mpmeter.h"

#include <QAtomicInt>
#include <QAtomicPointer>
#include <QDeadlineTimer>

#include <memory>
#include <thread>
#include <vector>

#include <poll.h>

using namespace mpmqt::testing;

namespace {

// Whether `fd` is readable within `timeoutMs`, without running any event loop.
bool readable(int fd, int timeoutMs)
{
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) == 1 && (p.revents & POLLIN);
}

// Waits, running no event loop, until this thread's queue holds `n` finished responses.
bool waitQueued(std::size_t n, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (currentThreadQueueLength() < n && !deadline.hasExpired())
        QThread::msleep(2);
    return currentThreadQueueLength() == n;
}

// A response over a C call the test makes itself, so that it can be attached already finished.
class RawResponse : public AwsAbstractResponse {
public:
    explicit RawResponse(mpm_response * response) : AwsAbstractResponse(response, nullptr) {}
    const AwsAbstractRequest * request() const override { return nullptr; }
};

// Records the thread finished() ran on and how often, called directly wherever it is emitted
// (the response may live on another thread than the test's).
class ThreadProbe {
public:
    explicit ThreadProbe(AwsAbstractResponse * response)
    {
        QObject::connect(response, &AwsAbstractResponse::finished, response, [this]() {
            seen.storeRelease(QThread::currentThread());
            count.ref();
        }, Qt::DirectConnection);
    }
    QAtomicPointer<QThread> seen;
    QAtomicInt count;
};

// MeterUsage calls in flight from this thread, each response with a FinishedProbe.
struct Calls {
    std::vector<std::unique_ptr<MeterUsageResponse>> responses;
    std::vector<std::unique_ptr<FinishedProbe>> probes;

    bool start(MarketplaceMeteringClient & client, int n, const MeterUsageRequest & request)
    {
        for (int i = 0; i < n; ++i) {
            responses.emplace_back(client.meterUsage(request));
            if (!responses.back())
                return false;
            probes.emplace_back(new FinishedProbe(responses.back().get()));
        }
        return true;
    }

    // Every response not deleted has finished.
    bool finished() const
    {
        for (const auto & r : responses)
            if (r && !r->isFinished())
                return false;
        return true;
    }
};

// A started QThread that is stopped when the test leaves, also by a failed QVERIFY (a running
// QThread's destructor is fatal, and would hide the failure).
class Worker : public QThread {
public:
    Worker() { start(); }
    ~Worker() override
    {
        quit();
        wait();
    }
};

// Swallows the next ThreadChange, so a moved response never hears of its move, and then lets
// go (a filter must live on its object's thread).
class ThreadChangeEater : public QObject {
protected:
    bool eventFilter(QObject * watched, QEvent * event) override
    {
        if (event->type() != QEvent::ThreadChange)
            return false;
        watched->removeEventFilter(this);
        return true;
    }
};

} // namespace

class TestCompletion : public EmulatorTest {
    Q_OBJECT

    // A MeterUsage call through the C API, for RawResponse.
    mpm_response * startRawCall()
    {
        mpm_credentials * const credentials = mpm_credentials_new_basic(
            kKeyId.toUtf8().constData(), kSecret.toUtf8().constData(), nullptr);
        mpm_client * const client =
            mpm_client_new_with_endpoint(m_url.toString().toUtf8().constData(), credentials);
        mpm_credentials_free(credentials);
        mpm_meter_usage_request * const request = mpm_meter_usage_request_new();
        mpm_response * response = nullptr;
        if (client && request && mpm_meter_usage_request_set_product_code(request, "demo-product") == MPM_OK
            && mpm_meter_usage_request_set_timestamp(request, QDateTime::currentSecsSinceEpoch()) == MPM_OK
            && mpm_meter_usage_request_set_usage_dimension(request, "users") == MPM_OK
            && mpm_meter_usage_request_set_usage_quantity(request, 1) == MPM_OK)
            response = mpm_client_meter_usage(client, request);
        mpm_meter_usage_request_free(request);
        mpm_client_free(client);   // the response stays valid
        return response;
    }

private Q_SLOTS:
    void init() { QVERIFY(startEmulator()); }

    void sixtyFourInFlightFinishOnceOnTheOwningThread()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        const quint64 before = deliveredFromQueues();
        Calls calls;
        QVERIFY(calls.start(client, 64, meterUsageRequest(QStringLiteral("users"), 1)));
        QTRY_VERIFY_WITH_TIMEOUT(calls.finished(), 30000);
        QCoreApplication::processEvents();   // room for a second finished(), which must not come
        for (int i = 0; i < 64; ++i) {
            QCOMPARE(calls.probes[i]->count, 1);
            QVERIFY(calls.probes[i]->onMainThread);
            QVERIFY2(calls.responses[i]->isValid(), qPrintable(calls.responses[i]->errorString()));
        }
        QCOMPARE(deliveredFromQueues() - before, quint64(64));
        QCOMPARE(currentThreadQueueLength(), std::size_t(0));
    }

    // Fails on the callback path: there the fd does not exist, and the finished event is a
    // posted one, which sendPostedEvents() delivers.
    void theQueueDeliversNotACallback()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        QScopedPointer<MeterUsageResponse> response(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(response);
        FinishedProbe probe(response.data());
        const int fd = currentThreadQueueFd();
        QVERIFY(fd >= 0);
        QVERIFY(readable(fd, 15000));   // finished and queued while this thread ran no event loop
        QCOMPARE(currentThreadQueueLength(), std::size_t(1));
        QCoreApplication::sendPostedEvents();
        QCOMPARE(probe.count, 0);
        QVERIFY(!response->isFinished());
        const quint64 before = deliveredFromQueues();
        QTRY_COMPARE_WITH_TIMEOUT(probe.count, 1, 5000);   // the notifier fires in the event loop
        QVERIFY(probe.onMainThread);
        QCOMPARE(deliveredFromQueues() - before, quint64(1));
        QVERIFY(!readable(fd, 0));
        QCOMPARE(currentThreadQueueLength(), std::size_t(0));
    }

    // A call that finished before its response was attached is queued, not emitted in the
    // constructor: finished() comes from the event loop, after the caller connected.
    void alreadyFinishedWhenAttachedComesFromTheLoop()
    {
        mpm_response * const raw = startRawCall();
        QVERIFY(raw);
        QCOMPARE(mpm_response_wait(raw, 15000), MPM_OK);
        QScopedPointer<RawResponse> response(new RawResponse(raw));
        FinishedProbe probe(response.data());
        QVERIFY(!response->isFinished());
        QCOMPARE(currentThreadQueueLength(), std::size_t(1));
        QVERIFY(readable(currentThreadQueueFd(), 0));
        QCoreApplication::sendPostedEvents();
        QCOMPARE(probe.count, 0);
        QTRY_COMPARE_WITH_TIMEOUT(probe.count, 1, 5000);
        QVERIFY(response->isValid());
    }

    // Finished, queued, not popped yet, then deleted: mpm_response_free takes it off the queue;
    // it is never emitted and nothing dangles. The others still come, once each.
    void deletedWhileQueuedNeitherCrashesNorEmits()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        const MeterUsageRequest request = meterUsageRequest(QStringLiteral("users"), 1);
        Calls calls;
        QVERIFY(calls.start(client, 8, request));
        QVERIFY(waitQueued(8, 15000));
        for (int i = 1; i < 8; i += 2)
            calls.responses[i].reset();
        QCOMPARE(currentThreadQueueLength(), std::size_t(4));
        const quint64 before = deliveredFromQueues();
        QTRY_VERIFY_WITH_TIMEOUT(calls.finished(), 5000);
        QCoreApplication::processEvents();
        for (int i = 0; i < 8; ++i)
            QCOMPARE(calls.probes[i]->count, i % 2 ? 0 : 1);
        QCOMPARE(deliveredFromQueues() - before, quint64(4));
        // All of them deleted while queued: the queue empties and its fd is no longer readable.
        Calls deleted;
        QVERIFY(deleted.start(client, 3, request));
        QVERIFY(waitQueued(3, 15000));
        QVERIFY(readable(currentThreadQueueFd(), 0));
        deleted.responses.clear();
        QCOMPARE(currentThreadQueueLength(), std::size_t(0));
        QVERIFY(!readable(currentThreadQueueFd(), 0));
        QCoreApplication::processEvents();
        for (const auto & probe : deleted.probes)
            QCOMPARE(probe->count, 0);
    }

    // A worker QThread with its own event loop gets a pump of its own (destroyed with the
    // thread); its responses finish there.
    void workerThreadHasItsOwnPump()
    {
        const int pumpsBefore = livePumps();
        const quint64 before = deliveredFromQueues();
        QObject context;   // declared first: destroyed once the worker has stopped
        Worker worker;
        context.moveToThread(&worker);
        QAtomicInt finished, offThread, withoutPump;
        bool started = false;
        QMetaObject::invokeMethod(&context, [&]() {
            MarketplaceMeteringClient client(m_url, &m_credentials);
            for (int i = 0; i < 8; ++i) {
                MeterUsageResponse * const r = client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1));
                if (!r)
                    return;
                r->setParent(&context);
                connect(r, &AwsAbstractResponse::finished, &context, [&, r]() {
                    if (QThread::currentThread() != &worker || !r->isValid())
                        offThread.ref();
                    if (currentThreadQueueFd() < 0)
                        withoutPump.ref();
                    finished.ref();
                });
            }
            started = true;
        }, Qt::BlockingQueuedConnection);
        QVERIFY(started);
        QCOMPARE(livePumps(), pumpsBefore + 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.loadAcquire(), 8, 15000);
        QCOMPARE(offThread.loadAcquire(), 0);
        QCOMPARE(withoutPump.loadAcquire(), 0);
        QCOMPARE(deliveredFromQueues() - before, quint64(8));
        QMetaObject::invokeMethod(&context, [&]() { qDeleteAll(context.children()); },
                                  Qt::BlockingQueuedConnection);
        worker.quit();
        QVERIFY(worker.wait(5000));
        QCOMPARE(livePumps(), pumpsBefore);
    }

    // The thread that made the responses ends while their calls run: its pump goes with it and
    // hands them to the callback path; once its QThread is deleted, another thread takes them
    // over and gets finished() once each.
    void threadEndsWithResponsesAttached()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("delay:count=4,delay_ms=300")}));
        const int pumpsBefore = livePumps();
        std::vector<std::unique_ptr<MeterUsageResponse>> responses;
        QThread * const worker = new QThread;
        worker->start();
        QObject * const context = new QObject;
        context->moveToThread(worker);
        QMetaObject::invokeMethod(context, [&]() {
            MarketplaceMeteringClient client(m_url, &m_credentials);
            for (int i = 0; i < 4; ++i)
                responses.emplace_back(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        }, Qt::BlockingQueuedConnection);
        worker->quit();
        QVERIFY(worker->wait(5000));
        QCOMPARE(livePumps(), pumpsBefore);
        delete worker;   // its objects are left with no thread, so this one may take them
        delete context;
        std::vector<std::unique_ptr<FinishedProbe>> probes;
        for (const auto & r : responses) {
            QVERIFY(r);
            QCOMPARE(r->thread(), static_cast<QThread *>(nullptr));
            r->moveToThread(QThread::currentThread());
            probes.emplace_back(new FinishedProbe(r.get()));
        }
        QTRY_VERIFY_WITH_TIMEOUT(responses[0]->isFinished() && responses[1]->isFinished()
                                     && responses[2]->isFinished() && responses[3]->isFinished(), 15000);
        QCoreApplication::processEvents();
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(probes[i]->count, 1);
            QVERIFY(probes[i]->onMainThread);
            QVERIFY2(responses[i]->isValid(), qPrintable(responses[i]->errorString()));
        }
    }

    // moveToThread takes the response off its creator's pump (ThreadChange): finished() comes
    // from the new thread's loop while the creator runs no event loop at all. If an event filter
    // eats ThreadChange, the creator's pump delivers it and posts it to the object's thread.
    void movedToAnotherThread_data()
    {
        QTest::addColumn<bool>("threadChangeFiltered");
        QTest::newRow("creator blocked") << false;
        QTest::newRow("ThreadChange filtered") << true;
    }

    void movedToAnotherThread()
    {
        QFETCH(bool, threadChangeFiltered);
        MarketplaceMeteringClient client(m_url, &m_credentials);
        Worker worker;
        MeterUsageResponse * const response = client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1));
        QVERIFY(response);
        ThreadProbe probe(response);
        ThreadChangeEater eater;
        if (threadChangeFiltered)
            response->installEventFilter(&eater);
        const quint64 before = deliveredFromQueues();
        response->moveToThread(&worker);
        if (threadChangeFiltered) {
            QTRY_VERIFY_WITH_TIMEOUT(probe.seen.loadAcquire() != nullptr, 15000);
        } else {
            const QDeadlineTimer deadline(15000);
            while (!probe.seen.loadAcquire() && !deadline.hasExpired())
                QThread::msleep(5);   // this thread's loop stays blocked
        }
        QCOMPARE(probe.seen.loadAcquire(), &worker);
        // Filtered: the pump delivered it; else the callback path did.
        QCOMPARE(deliveredFromQueues() - before, quint64(threadChangeFiltered ? 1 : 0));
        QCoreApplication::processEvents();
        QCOMPARE(probe.count.loadAcquire(), 1);
        response->deleteLater();   // on the worker, which deletes it as it finishes
        worker.quit();
        QVERIFY(worker.wait(5000));
    }

    // A thread without an event dispatcher cannot have a QSocketNotifier: the response
    // completes through the callback, whose event moves with it to a thread that has a loop.
    void threadWithoutDispatcherUsesTheCallback()
    {
        const quint64 before = deliveredFromQueues();
        MeterUsageResponse * response = nullptr;
        int fdThere = 0;
        std::thread plain([&]() {
            MarketplaceMeteringClient client(m_url, &m_credentials);
            response = client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1));
            fdThere = currentThreadQueueFd();
            if (response)
                response->moveToThread(qApp->thread());
        });
        plain.join();
        QVERIFY(response);
        QScopedPointer<MeterUsageResponse> owned(response);
        QCOMPARE(fdThere, -1);
        FinishedProbe probe(response);
        QTRY_COMPARE_WITH_TIMEOUT(probe.count, 1, 15000);
        QVERIFY(probe.onMainThread);
        QVERIFY2(response->isValid(), qPrintable(response->errorString()));
        QCOMPARE(deliveredFromQueues(), before);
    }
};

QTEST_GUILESS_MAIN(TestCompletion)
#include "tst_completion.moc"
