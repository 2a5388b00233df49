// Credentials the library resolves (default chain, strict platform), clients from the
// environment, timeouts and retries (AwsClientConfiguration), and proxies, against the
// emulator. Only 127.0.0.1 is contacted: IMDS is pointed at a closed port, container
// credentials and the proxy are small servers in this process.
#include "testsupport.h"

#include "core/awsclientconfiguration.h"
#include "core/awslibrarycredentials.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QNetworkProxy>
#include <QTcpServer>
#include <QTcpSocket>

// A one-answer-per-request HTTP server on 127.0.0.1: records each request's head and answers
// `reply` (a complete HTTP response).
class TinyHttpServer : public QObject {
public:
    explicit TinyHttpServer(const QByteArray &reply) : m_reply(reply)
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
        connect(&m_server, &QTcpServer::newConnection, this, [this]() {
            while (QTcpSocket * s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s]() {
                    m_buffers[s] += s->readAll();
                    if (!m_buffers[s].contains("\r\n\r\n"))
                        return;
                    heads << m_buffers[s].left(m_buffers[s].indexOf("\r\n\r\n"));
                    m_buffers.remove(s);
                    s->write(m_reply);
                    s->disconnectFromHost();
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    QList<QByteArray> heads;

private:
    QTcpServer m_server;
    QByteArray m_reply;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

static QByteArray httpReply(int status, const QByteArray &body)
{
    return "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

class TestConfiguration : public EmulatorTest {
    Q_OBJECT

    // Variables the tests set; cleared before each, so the machine's own never leak in.
    const QList<QByteArray> m_vars = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
        "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_MARKETPLACE_METERING",
        "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy",
        "NO_PROXY", "no_proxy"};

    template <typename R> static bool finish(R * response)
    {
        QElapsedTimer t;
        t.start();
        while (!response->isFinished() && t.elapsed() < 30000)
            QTest::qWait(10);
        return response->isFinished();
    }

private Q_SLOTS:
    void init()
    {
        for (const QByteArray &v : m_vars)
            qunsetenv(v.constData());
        qputenv("AWS_CONFIG_FILE", "/nonexistent");
        qputenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        // IMDS: a closed port, one quick attempt.
        qputenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1");
        qputenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1");
        qputenv("AWS_METADATA_SERVICE_TIMEOUT", "1");
        QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    }

    void cleanup() { QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::NoProxy)); }

    void awsMaxAttemptsOneMeansOneAttempt()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("throttle:2")}));
        qputenv("AWS_MAX_ATTEMPTS", "1");
        MarketplaceMeteringClient one(m_url, &m_credentials);
        QScopedPointer<MeterUsageResponse> r(one.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QCOMPARE(r->errorCode(), QStringLiteral("ThrottlingException"));
        QCOMPARE(r->attempts(), 1);
        // Without it: the default 3 attempts, the second throttle retried away.
        qunsetenv("AWS_MAX_ATTEMPTS");
        MarketplaceMeteringClient three(m_url, &m_credentials);
        r.reset(three.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QVERIFY2(!r->hasError(), qPrintable(r->errorString()));
        QCOMPARE(r->attempts(), 2);
    }

    void configurationSetsAttemptsAndWinsOverTheEnvironment()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("throttle:1")}));
        qputenv("AWS_MAX_ATTEMPTS", "5");
        MarketplaceMeteringClient client(m_url, &m_credentials);
        AwsClientConfiguration config;
        config.setMaxAttempts(1);
        client.setConfiguration(config);
        QCOMPARE(client.configuration().maxAttempts(), 1);
        QScopedPointer<MeterUsageResponse> r(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QCOMPARE(r->errorCode(), QStringLiteral("ThrottlingException"));
        QCOMPARE(r->attempts(), 1);
    }

    void defaultsIgnoreTheEnvironment()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("throttle:1")}));
        qputenv("AWS_MAX_ATTEMPTS", "1");
        MarketplaceMeteringClient client(m_url, &m_credentials);
        client.setConfiguration(AwsClientConfiguration::defaults());
        QScopedPointer<MeterUsageResponse> r(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QVERIFY2(!r->hasError(), qPrintable(r->errorString()));
        QCOMPARE(r->attempts(), 2);
    }

    void attemptTimeout()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("delay:count=1,delay_ms=5000")}));
        MarketplaceMeteringClient client(m_url, &m_credentials);
        AwsClientConfiguration config;
        config.setAttemptTimeout(300);
        config.setMaxAttempts(1);
        client.setConfiguration(config);
        QElapsedTimer t;
        t.start();
        QScopedPointer<MeterUsageResponse> r(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QCOMPARE(r->error(), AwsAbstractResponse::TimeoutError);
        QVERIFY2(t.elapsed() < 4000, qPrintable(QString::number(t.elapsed())));
    }

    void invalidConfigurationIsRefusedAtSend()
    {
        QVERIFY(startEmulator());
        MarketplaceMeteringClient client(m_url, &m_credentials);
        AwsClientConfiguration config;
        config.setAppId(QStringLiteral("bad app id with spaces and \n"));
        client.setConfiguration(config);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("app")));
        QScopedPointer<MeterUsageResponse> r(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(!r);
    }

    void defaultChainCredentials()
    {
        QVERIFY(startEmulator());
        qputenv("AWS_ACCESS_KEY_ID", kKeyId.toUtf8());
        qputenv("AWS_SECRET_ACCESS_KEY", kSecret.toUtf8());
        AwsDefaultCredentials credentials;
        QVERIFY(credentials.isValid());
        QVERIFY(credentials.accessKeyId().isNull());   // The keys stay in the library.
        MarketplaceMeteringClient client(m_url, &credentials);
        QScopedPointer<MeterUsageResponse> r(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QVERIFY2(!r->hasError(), qPrintable(r->errorString()));
        QVERIFY2(credentials.providerName().contains(QStringLiteral("environment")),
                 qPrintable(credentials.providerName()));
    }

    void platformCredentialsAreStrict()
    {
        QVERIFY(startEmulator());
        // Environment keys are there, but EC2's strict mode takes only IMDS (unreachable).
        qputenv("AWS_ACCESS_KEY_ID", kKeyId.toUtf8());
        qputenv("AWS_SECRET_ACCESS_KEY", kSecret.toUtf8());
        AwsPlatformCredentials credentials(AwsPlatformCredentials::Ec2);
        QCOMPARE(credentials.platform(), AwsPlatformCredentials::Ec2);
        MarketplaceMeteringClient client(m_url, &credentials);
        QScopedPointer<MeterUsageResponse> r(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QCOMPARE(r->error(), AwsAbstractResponse::CredentialsError);
        QVERIFY(r->errorCode().isEmpty());   // Never sent with the environment's keys.
        QString why;
        QVERIFY(!credentials.resolve(10000, &why));
        QVERIFY(!why.isEmpty());
    }

    void ecsTaskRoleCredentials()
    {
        // The task role from the container credentials endpoint, as on ECS.
        QVERIFY(startEmulator({QStringLiteral("--credentials"),
                               kKeyId + QStringLiteral(":") + kSecret + QStringLiteral(":task-token")}));
        TinyHttpServer ecs(httpReply(200, "{\"AccessKeyId\":\"" + kKeyId.toUtf8() + "\",\"SecretAccessKey\":\""
                                              + kSecret.toUtf8() + "\",\"Token\":\"task-token\","
                                              "\"Expiration\":\"2099-01-01T00:00:00Z\"}"));
        qputenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://127.0.0.1:" + QByteArray::number(ecs.port()) + "/creds");
        AwsPlatformCredentials credentials(AwsPlatformCredentials::Ecs);
        MarketplaceMeteringClient client(m_url, &credentials);
        QScopedPointer<MeterUsageResponse> r(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QVERIFY2(!r->hasError(), qPrintable(r->errorString()));
        QVERIFY(!ecs.heads.isEmpty());
        QVERIFY(ecs.heads.first().startsWith("GET /creds "));
        QCOMPARE(credentials.expiration(), QDateTime(QDate(2099, 1, 1), QTime(0, 0), Qt::UTC));
    }

    void clientFromTheEnvironment()
    {
        QVERIFY(startEmulator());
        qputenv("AWS_ACCESS_KEY_ID", kKeyId.toUtf8());
        qputenv("AWS_SECRET_ACCESS_KEY", kSecret.toUtf8());
        qputenv("AWS_ENDPOINT_URL", m_url.toString().toUtf8());
        qputenv("AWS_REGION", "us-west-2");
        QScopedPointer<MarketplaceMeteringClient> client(MarketplaceMeteringClient::fromEnvironment());
        QScopedPointer<MeterUsageResponse> r(client->meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QVERIFY2(!r->hasError(), qPrintable(r->errorString()));
    }

    void applicationProxyIsHonoured()
    {
        QVERIFY(startEmulator());
        TinyHttpServer proxy(httpReply(502, "{}"));
        QNetworkProxy::setApplicationProxy(
            QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), proxy.port()));
        MarketplaceMeteringClient client(m_url, &m_credentials);
        AwsClientConfiguration config;
        config.setMaxAttempts(1);
        client.setConfiguration(config);
        QCOMPARE(config.effectiveProxyUrl(nullptr),
                 QStringLiteral("http://127.0.0.1:%1").arg(proxy.port()));
        QScopedPointer<MeterUsageResponse> r(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QVERIFY(r->hasError());
        QCOMPARE(proxy.heads.size(), 1);
        // A plain-HTTP request through a proxy names the whole URL.
        const QByteArray want = "POST " + m_url.toString().toUtf8();
        QVERIFY2(proxy.heads.first().startsWith(want), proxy.heads.first().constData());

        // NoProxy in the configuration wins: straight to the emulator.
        config.setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
        client.setConfiguration(config);
        r.reset(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QVERIFY2(!r->hasError(), qPrintable(r->errorString()));
        QCOMPARE(proxy.heads.size(), 1);
    }

    void managerProxyIsHonoured()
    {
        QVERIFY(startEmulator());
        TinyHttpServer proxy(httpReply(502, "{}"));
        QNetworkAccessManager manager;
        manager.setProxy(QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), proxy.port()));
        MarketplaceMeteringClient client(m_url, &m_credentials, &manager);
        AwsClientConfiguration config;
        config.setMaxAttempts(1);
        client.setConfiguration(config);
        QScopedPointer<MeterUsageResponse> r(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(r && finish(r.data()));
        QCOMPARE(proxy.heads.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestConfiguration)
#include "tst_configuration.moc"
