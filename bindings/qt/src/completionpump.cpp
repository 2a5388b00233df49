// The per-thread completion pump (completionpump.h).
//
// Why it is safe, whatever goes first:
// - The queue's userdata is an id, never a pointer: the pump looks the id up in the registry
//   under its lock and never uses the popped mpm_response handle, so a response freed at any
//   moment (on any thread) is at worst an id that is no longer there.
// - A response detaches (erases its id under the lock) at the start of its destructor, before
//   mpm_response_free, which takes it off the queue if it waits there (the C contract). Once
//   detached, no pump hands it over; one that took it a moment earlier did so under the same lock.
// - A pump destroyed with responses still attached (its thread ends) passes them to the callback
//   path under the lock, then frees its queue; the responses' tickets keep the registry alive, and
//   mpm_response_free after mpm_completion_queue_free is a no-op for the queue.
// - Responses are attached on the pump's thread and, as QObjects, live there until moveToThread,
//   whose ThreadChange detaches them first (AwsAbstractResponse::event); so the pump delivers on
//   the object's own thread, and posts to it in the one case it does not (ThreadChange filtered).
#include "completionpump.h"

#include "core/awsabstractresponse.h"

#include <QAbstractEventDispatcher>
#include <QAtomicInteger>
#include <QCoreApplication>
#include <QMetaObject>
#include <QSocketNotifier>
#include <QThread>
#include <QThreadStorage>

#include <utility>

namespace mpmqt {

using QtAws::Core::AwsAbstractResponse;

namespace {
QAtomicInteger<quint64> g_delivered;
QAtomicInt g_livePumps;

// Deletes the thread's pump when the thread finishes, before its event dispatcher goes.
QThreadStorage<CompletionPump *> & pumps()
{
    static QThreadStorage<CompletionPump *> storage;
    return storage;
}

// The main thread does not finish before exit: its pump goes with the QCoreApplication, whose
// destructor runs post routines while the event dispatcher still exists.
void destroyMainThreadPump()
{
    if (pumps().hasLocalData())
        pumps().setLocalData(nullptr);
}
} // namespace

bool CompletionTicket::detach()
{
    QMutexLocker lock(&registry->mutex);
    return registry->live.remove(id) > 0;
}

CompletionPump::CompletionPump(mpm_completion_queue * queue)
    : m_queue(queue),
      m_notifier(new QSocketNotifier(mpm_completion_queue_fd(queue), QSocketNotifier::Read)),
      m_registry(std::make_shared<PumpRegistry>())
{
    QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(),
                     [this]() { drain(); });
    g_livePumps.ref();
}

CompletionPump::~CompletionPump()
{
    m_notifier.reset();   // off the event loop before the queue closes its fd
    {
        // Calls still attached finish through the callback path, whose event waits for the
        // object (and moves with it if another thread takes it over once this one is gone).
        QMutexLocker lock(&m_registry->mutex);
        for (AwsAbstractResponse * const response : std::as_const(m_registry->live))
            response->completeByCallback();
        m_registry->live.clear();
    }
    mpm_completion_queue_free(m_queue);
    g_livePumps.deref();
}

CompletionPump * CompletionPump::existing()
{
    return pumps().hasLocalData() ? pumps().localData() : nullptr;
}

CompletionPump * CompletionPump::forCurrentThread()
{
    if (CompletionPump * const pump = existing())
        return pump;
    // Not remembered when missing: the thread may get a dispatcher later (a QCoreApplication).
    if (!QAbstractEventDispatcher::instance())
        return nullptr;
    mpm_completion_queue * const queue = mpm_completion_queue_new();
    if (!queue) {
        qWarning("mpmeter: no completion queue, completing by callback: %s", mpm_last_error_message());
        return nullptr;
    }
    CompletionPump * const pump = new CompletionPump(queue);
    pumps().setLocalData(pump);
    const QCoreApplication * const app = QCoreApplication::instance();
    if (app && app->thread() == QThread::currentThread())
        qAddPostRoutine(destroyMainThreadPump);   // one-shot: a later QCoreApplication adds it again
    return pump;
}

CompletionTicket * CompletionPump::attach(AwsAbstractResponse * response, mpm_response * handle)
{
    CompletionPump * const pump = forCurrentThread();
    if (!pump)
        return nullptr;
    // Ids are never reused while a response might hold one (64 bits; on 32 bits, 4 billion
    // attaches on one thread before a wrap).
    const quintptr id = ++pump->m_lastId;
    {
        QMutexLocker lock(&pump->m_registry->mutex);
        pump->m_registry->live.insert(id, response);
    }
    // Already finished: queued at once, the fd readable; delivered from the event loop, never here.
    if (mpm_completion_queue_attach(pump->m_queue, handle, reinterpret_cast<void *>(id)) != MPM_OK) {
        qWarning("mpmeter: cannot attach the response to the completion queue: %s",
                 mpm_last_error_message());
        QMutexLocker lock(&pump->m_registry->mutex);
        pump->m_registry->live.remove(id);
        return nullptr;
    }
    return new CompletionTicket{pump->m_registry, id};
}

void CompletionPump::drain()
{
    // Only what is queued now: calls finishing meanwhile make the fd readable again for the next
    // round, so a busy queue cannot starve the rest of the event loop. Nested event loops in a
    // slot may drain too: every round takes one entry at a time and keeps nothing across emits.
    for (std::size_t n = mpm_completion_queue_len(m_queue); n > 0; --n) {
        void * userdata = nullptr;
        if (!mpm_completion_queue_pop(m_queue, &userdata))
            break;
        AwsAbstractResponse * response;
        {
            QMutexLocker lock(&m_registry->mutex);
            response = m_registry->live.take(reinterpret_cast<quintptr>(userdata));
            if (!response)
                continue;   // detached after it was queued: deleted, moved, or its thread's pump went
            g_delivered.fetchAndAddRelaxed(1);
            if (response->thread() != QThread::currentThread()) {
                // Moved while an event filter ate its ThreadChange: posted to its thread, under
                // the lock, so its destructor (which detaches under this lock) cannot have reached
                // ~QObject, which drops the event if it dies first.
                QMetaObject::invokeMethod(response, [response]() { response->deliverFinished(); },
                                          Qt::QueuedConnection);
                continue;
            }
        }
        // Same thread, no hop. The slots may delete this response or any other one.
        response->deliverFinished();
    }
}

namespace testing {

int currentThreadQueueFd()
{
    const CompletionPump * const pump = CompletionPump::existing();
    return pump ? mpm_completion_queue_fd(pump->queue()) : -1;
}

std::size_t currentThreadQueueLength()
{
    const CompletionPump * const pump = CompletionPump::existing();
    return pump ? mpm_completion_queue_len(pump->queue()) : 0;
}

quint64 deliveredFromQueues() { return g_delivered.loadRelaxed(); }

int livePumps() { return g_livePumps.loadRelaxed(); }

} // namespace testing

} // namespace mpmqt
