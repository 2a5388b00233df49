// Runs target/debug/mpm-emulator (path from $MPM_EMULATOR) for one test.
#ifndef MPM_QT_TEST_EMULATOR_H
#define MPM_QT_TEST_EMULATOR_H

#include <QProcess>
#include <QStringList>
#include <QUrl>

class Emulator {
public:
    Emulator() = default;
    ~Emulator();

    // Starts it on a free port with `extraArgs` (e.g. a --fault); false with `error` set
    // when it does not print its "listening on URL" line.
    bool start(const QStringList &extraArgs, QString * error);
    QUrl url() const { return m_url; }

private:
    Q_DISABLE_COPY(Emulator)
    QProcess m_process;
    QUrl m_url;
};

#endif
