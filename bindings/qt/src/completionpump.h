// Private to the binding (not installed): finished() for the responses a thread makes, through
// one mpm_completion_queue per thread, watched by a QSocketNotifier owned by that thread. The
// library worker that finishes a call queues it and makes the queue's fd readable; the thread's
// event loop wakes on the fd and the pump emits finished() right there: no library thread runs
// Qt code and no event is posted.
#ifndef MPM_QT_COMPLETIONPUMP_H
#define MPM_QT_COMPLETIONPUMP_H

#include "mpmeter.h"

#include <QHash>
#include <QMutex>
#include <QtGlobal>

#include <cstddef>
#include <memory>

class QSocketNotifier;

namespace QtAws {
namespace Core {
class AwsAbstractResponse;
}
} // namespace QtAws

namespace mpmqt {

// The responses a pump may still hand over, by the id each was attached with (its queue
// userdata). Shared by the pump and the tickets of its responses, so it outlives whichever goes
// first: a response may outlive its thread's pump, and a pump may die with responses attached.
struct PumpRegistry {
    QMutex mutex;
    QHash<quintptr, QtAws::Core::AwsAbstractResponse *> live;
};

// What a response attached to a pump holds (owned by the response).
struct CompletionTicket {
    std::shared_ptr<PumpRegistry> registry;
    quintptr id;

    // Takes the response off its pump, under the registry's lock: true when the pump had not
    // handed it over (nor passed it to the callback path) and now never will; false when it had.
    bool detach();
};

class CompletionPump {
public:
    // Attaches `response` (which owns `handle`) to the current thread's pump, made on first use.
    // nullptr when the thread has no event dispatcher (no QSocketNotifier is possible) or the
    // queue could not be made or attached (warned): the caller then uses the callback path.
    static CompletionTicket * attach(QtAws::Core::AwsAbstractResponse * response, mpm_response * handle);

    // Runs on the pump's thread (thread storage at the thread's end; the QCoreApplication's
    // post routine for the main thread).
    ~CompletionPump();

    // The current thread's pump, or nullptr if it has none yet (never makes one).
    static CompletionPump * existing();
    const mpm_completion_queue * queue() const { return m_queue; }

private:
    explicit CompletionPump(mpm_completion_queue * queue);
    Q_DISABLE_COPY(CompletionPump)
    static CompletionPump * forCurrentThread();
    void drain();

    mpm_completion_queue * const m_queue;
    std::unique_ptr<QSocketNotifier> m_notifier;
    const std::shared_ptr<PumpRegistry> m_registry;
    quintptr m_lastId = 0;
};

// Hooks for tests/tst_completion.cpp, which must be able to tell the queue from the callback.
namespace testing {
int currentThreadQueueFd();                // -1 when this thread has no pump
std::size_t currentThreadQueueLength();    // finished responses waiting to be popped here
quint64 deliveredFromQueues();             // responses handed over by any pump since start
int livePumps();                           // pumps in the process now
} // namespace testing

} // namespace mpmqt

#endif
