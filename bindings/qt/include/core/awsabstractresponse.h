// QtAws::Core::AwsAbstractResponse: the outcome of one call, as a QObject that emits
// finished() once, on the thread it lives in, from the event loop (never from inside
// the call that created it). The caller owns it; deleting it before it finishes
// cancels the call, and finished() is then never emitted.
#ifndef MPM_QT_AWSABSTRACTRESPONSE_H
#define MPM_QT_AWSABSTRACTRESPONSE_H

#include "qtawscoreglobal.h"

#include <QNetworkReply>
#include <QObject>
#include <QXmlStreamReader>

struct mpm_response;

namespace mpmqt {
class CompletionPump;
struct CompletionTicket;
} // namespace mpmqt

namespace QtAws {
namespace Core {

class AwsAbstractRequest;

class QTAWSCORE_EXPORT AwsAbstractResponse : public QObject {
    Q_OBJECT

public:
    /// mpmeter extension: how a finished call failed (QtAws had no such enum).
    enum ErrorCode {
        NoError = 0,
        ServiceError,          ///< The service answered with an error: see errorCode().
        TransportError,        ///< Connecting, sending or receiving failed.
        TimeoutError,
        CancelledError,        ///< abort() was called.
        CredentialsError,      ///< No usable credentials.
        SigningError,
        InvalidResponseError,  ///< The answer could not be read.
        UnknownError
    };
    Q_ENUM(ErrorCode)

    virtual ~AwsAbstractResponse();

    virtual QString errorString() const;    ///< What went wrong, "" when nothing did.
    virtual bool hasError() const;          ///< Finished and failed.
    virtual bool isValid() const;           ///< Finished and succeeded.
    /// The error Qt's network stack would have reported (from the HTTP status).
    virtual QNetworkReply::NetworkError networkError() const;
    /// NotWellFormedError when the answer could not be read (it is JSON, not XML).
    virtual QXmlStreamReader::Error xmlParseError() const;
    virtual QString xmlParseErrorString() const;

    virtual const AwsAbstractRequest * request() const = 0;

    // mpmeter extensions.
    bool isFinished() const;                ///< finished() has been (is being) emitted.
    bool isFailed() const;                  ///< Same as hasError().
    ErrorCode error() const;
    QString errorCode() const;              ///< Raw AWS code ("ExpiredTokenException").
    QString requestId() const;              ///< x-amzn-RequestId of the last answer.
    int httpStatus() const;                 ///< 0 when no answer arrived.
    int attempts() const;                   ///< HTTP attempts, retries included.

public Q_SLOTS:
    void abort();                           ///< Cancels the call; finished() still comes.

Q_SIGNALS:
    void finished();

protected:
    /// Takes ownership of `response` (freed by the destructor).
    AwsAbstractResponse(struct mpm_response * response, QObject * const parent);
    const struct mpm_response * handle() const;
    /// Leaves the creating thread's completion queue on moveToThread (ThreadChange).
    bool event(QEvent * event) override;

private:
    Q_DISABLE_COPY(AwsAbstractResponse)
    friend class mpmqt::CompletionPump;
    static void onFinished(const struct mpm_response * response, void * userdata);
    void completeByCallback();
    void deliverFinished();
    struct mpm_response * const m_response;
    bool m_finished;
    mpmqt::CompletionTicket * m_ticket;     // owned; nullptr on the callback path
};

} // namespace Core
} // namespace QtAws

#endif
