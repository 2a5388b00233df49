#include "emulator.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

Emulator::~Emulator()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool Emulator::start(const QStringList &extraArgs, QString * error)
{
    const QString program = qEnvironmentVariable("MPM_EMULATOR");
    if (program.isEmpty()) {
        *error = QStringLiteral("MPM_EMULATOR is not set");
        return false;
    }
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(program, QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")}
                                 + extraArgs);
    if (!m_process.waitForStarted(10000)) {
        *error = program + QStringLiteral(": ") + m_process.errorString();
        return false;
    }
    // The first line is exactly "listening on http://127.0.0.1:PORT".
    while (!m_process.canReadLine()) {
        if (!m_process.waitForReadyRead(10000)) {
            *error = QStringLiteral("no 'listening on' line from the emulator");
            return false;
        }
    }
    const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
    const QString prefix = QStringLiteral("listening on ");
    if (!line.startsWith(prefix + QStringLiteral("http://127.0.0.1:"))) {
        *error = QStringLiteral("unexpected first line: ") + line;
        return false;
    }
    m_url = QUrl(line.mid(prefix.size()));
    return m_url.isValid();
}

QJsonArray Emulator::ledger() const
{
    QNetworkAccessManager manager;
    manager.setProxy(QNetworkProxy::NoProxy);   // 127.0.0.1 only, whatever the environment says
    QNetworkReply * const reply = manager.get(QNetworkRequest(m_url.resolved(QUrl(QStringLiteral("/__mpm/ledger")))));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    QJsonArray rows;
    if (reply->isFinished() && reply->error() == QNetworkReply::NoError)
        rows = QJsonDocument::fromJson(reply->readAll()).array();
    else
        qWarning("the emulator's ledger: %s", qPrintable(reply->errorString()));
    delete reply;
    return rows;
}
