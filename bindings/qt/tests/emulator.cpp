#include "emulator.h"

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
