package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.sun.net.httpserver.HttpServer;
import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoCouponLedger;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.SnsCouponPublisher;
import dev.winback.adapters.SnsNotifier;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.DeadlineCheck;
import dev.winback.core.recall.Recaller;
import dev.winback.handlers.DeadlineCheckHandler;
import dev.winback.handlers.DecisionMetrics;
import dev.winback.handlers.IngestHandler;
import dev.winback.handlers.IngestMetrics;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RepoRoot;
import dev.winback.local.LocalContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * No PII in logs (SPEC): the handlers run on the sample events, whose users have names, phone
 * numbers, e-mail addresses and delivery addresses, at every log level, including a path where the
 * SMS provider refuses the message with an error that quotes the phone number. Every captured log
 * event — message, parameters, exception chain, context — is scanned for those values.
 */
class LogPrivacyTest {

    /** The personal data in events/kinesis-batch.json. */
    private static final List<String> PII = List.of("+8613800001001", "8613800001001", "13800001001",
            "u1001@example.com", "Lin Wei", "Room 1203", "88 Example Road");

    private final List<String> captured = new ArrayList<>();
    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final SqsClient sqs = MiniStack.sqs();
    private final SnsClient sns = MiniStack.sns();
    private Capture capture;
    private Level before;

    /** Keeps every log event's rendered text, exception chain and context. */
    private final class Capture extends AbstractAppender {
        Capture() {
            super("privacy-capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder text = new StringBuilder(event.getMessage().getFormattedMessage());
            text.append(' ').append(event.getContextData().toMap());
            for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                text.append(' ').append(t);
            }
            synchronized (captured) {
                captured.add(text.toString());
            }
        }
    }

    @BeforeEach
    void captureEverything() {
        LoggerContext context = (LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        capture = new Capture();
        capture.start();
        LoggerConfig winback = config.getLoggerConfig("dev.winback");
        before = winback.getLevel();
        winback.setLevel(Level.ALL);
        winback.addAppender(capture, Level.ALL, null);
        config.getRootLogger().addAppender(capture, Level.ALL, null);
        context.updateLoggers();
    }

    @AfterEach
    void stopCapturing() {
        LoggerContext context = (LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.getLoggerConfig("dev.winback").removeAppender(capture.getName());
        config.getLoggerConfig("dev.winback").setLevel(before);
        config.getRootLogger().removeAppender(capture.getName());
        context.updateLoggers();
        capture.stop();
    }

    @Test
    void ingestAndRecallLogNoPersonalDataEvenWhenTheSmsProviderQuotesIt() throws IOException {
        Policy policy = Fixtures.policyWithoutHoldout();
        String state = Fixtures.stateTable(dynamo);
        String ledger = Fixtures.ledgerTable(dynamo);
        IngestHandler ingest = new IngestHandler(new StreamIngest(policy, new DynamoStateStore(dynamo, state),
                new SqsQuarantine(sqs, Fixtures.queue(sqs, "quarantine")), Clock.systemUTC(), 4), IngestMetrics.none());
        ingest.handleRequest(Fixtures.kinesisEvent("kinesis-batch.json"), new LocalContext("IngestFunction"));

        AtomicInteger refused = new AtomicInteger();
        HttpServer provider = refusingSns(refused);
        String[] coupons = Fixtures.topicWithQueue(sns, sqs, "coupons");
        try (SnsClient refusing = SnsClient.builder().endpointOverride(URI.create("http://127.0.0.1:"
                        + provider.getAddress().getPort())).region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            SnsNotifier sms = new SnsNotifier(refusing, "arn:aws:sns:us-east-1:000000000000:notifications", null);
            Recaller recaller = new Recaller(policy, phone -> false, new DynamoContactHistory(dynamo, ledger),
                    new DynamoCouponLedger(dynamo, ledger), new DynamoSendLedger(dynamo, ledger), sms,
                    new SnsCouponPublisher(sns, coupons[0]));
            DeadlineCheckHandler deadlines = new DeadlineCheckHandler(new DeadlineCheck(policy,
                    new DynamoStateStore(dynamo, state), recaller, new DynamoDecisionLog(dynamo, ledger)),
                    Fixtures.scenarioCheck(policy, dynamo, state, ledger, (timers, now) -> { }, sms,
                            new SnsCouponPublisher(sns, coupons[0])),
                    Fixtures.journeyCheck(policy, dynamo, state, ledger, (timers, now) -> { }, sms,
                            new SnsCouponPublisher(sns, coupons[0])),
                    Clock.fixed(Instant.parse("2026-11-22T01:05:00Z"), ZoneOffset.UTC), DecisionMetrics.none());

            deadlines.handleRequest(EventLoader.loadSQSEvent(
                    RepoRoot.get().resolve("events/sqs-deadline-timer.json").toString()),
                    new LocalContext("DeadlineCheckFunction"));
        } finally {
            provider.stop(0);
        }

        // Poison records (bad JSON, wrong fields) are quarantined with reasons that must not quote them either.
        ingest.handleRequest(Fixtures.kinesisEvent("kinesis-poison.json"), new LocalContext("IngestFunction"));

        assertThat(refused.get()).as("the provider quoted the phone number at least once").isPositive();
        assertThat(captured).as("log events captured").hasSizeGreaterThan(3);
        System.out.println("log privacy: " + captured.size() + " log events scanned");
        List<String> leaks = captured.stream().filter(line -> PII.stream().anyMatch(line::contains)).toList();
        assertThat(leaks).isEmpty();
    }

    /** An SNS endpoint that refuses every Publish the way SNS refuses a bad number: quoting it. */
    private static HttpServer refusingSns(AtomicInteger refused) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String phone = java.net.URLDecoder.decode(form.replaceAll(".*PhoneNumber=([^&]*).*", "$1"),
                    StandardCharsets.UTF_8);
            refused.incrementAndGet();
            byte[] body = ("<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
                    + "<Code>InvalidParameter</Code><Message>Invalid parameter: PhoneNumber Reason: " + phone
                    + " is not valid to publish to</Message></Error><RequestId>r-1</RequestId></ErrorResponse>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }
}
