// Runs target/debug/mpm-emulator (path from $MPM_EMULATOR) for one test: the Qt tests' own
// harness, on the contract every harness shares (scripts/lib/emulator.sh): with
// `--listen 127.0.0.1:0` the emulator prints its URL as its first stdout line, exactly
// "listening on http://127.0.0.1:PORT".
#ifndef MPM_QT_TEST_EMULATOR_H
#define MPM_QT_TEST_EMULATOR_H

#include <QJsonArray>
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
    // GET /__mpm/ledger: the records the emulator accepted (empty, with a warning, when the
    // admin API does not answer within 10 s).
    QJsonArray ledger() const;

private:
    Q_DISABLE_COPY(Emulator)
    QProcess m_process;
    QUrl m_url;
};

#endif
