package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.winback.adapters.SecretsManagerWeComCredentials;
import dev.winback.adapters.WeComClient;
import dev.winback.adapters.WeComCredentials;
import dev.winback.adapters.WeComNotifier;
import dev.winback.core.recall.Notifier;
import dev.winback.it.support.MiniStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The WeCom adapter against a local server on 127.0.0.1 that follows WeCom's documented contract
 * (gettoken and message/send, global return codes of developer.work.weixin.qq.com/document/path/90455):
 * it issues access tokens, answers 42001 for a token it expired and 40014 for one it revoked,
 * 40001 for a wrong secret, can be told to answer 45009 / -1 / 81013, and records every call.
 * The credentials come from Secrets Manager on MiniStack.
 */
class WeComNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CORP_ID = "ww0123456789abcdef";
    private static final String SECRET = "s3cret-" + UUID.randomUUID();
    private static final long AGENT_ID = 1000002;
    private static final WeComCredentials CREDENTIALS =
            () -> new WeComCredentials.Credentials(CORP_ID, SECRET, AGENT_ID);

    private FakeWeCom wecom;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        wecom = new FakeWeCom(CORP_ID, SECRET);
    }

    @AfterEach
    void stop() {
        wecom.close();
    }

    private WeComClient.Builder client(WeComCredentials credentials) {
        return WeComClient.builder(credentials).baseUrl(wecom.baseUrl())
                .backoff(Duration.ofMillis(10), Duration.ofMillis(40))
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
                .sleeper(d -> {
                    sleeps.add(d);
                    Thread.sleep(d);
                });
    }

    private static Notifier.Message message(String decisionId, String wecomId, String text) {
        return new Notifier.Message(decisionId, "u-" + decisionId, "wecom", wecomId, text, Map.of());
    }

    @Test
    void fetchesATokenAndSendsTheDocumentedTextMessage() {
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).build());

        notifier.send(message("dl-1", "ZhangSan", "好久不见！您的 5.00 元优惠券还在等您"));

        assertThat(wecom.tokenRequests).hasSize(1);
        assertThat(wecom.tokenRequests.get(0)).containsEntry("corpid", CORP_ID).containsEntry("corpsecret", SECRET);
        assertThat(wecom.sends).hasSize(1);
        Send send = wecom.sends.get(0);
        assertThat(send.accessToken).isEqualTo("token-1");
        assertThat(send.body.path("touser").asText()).isEqualTo("ZhangSan");
        assertThat(send.body.path("msgtype").asText()).isEqualTo("text");
        assertThat(send.body.path("agentid").isIntegralNumber()).isTrue();
        assertThat(send.body.path("agentid").asLong()).isEqualTo(AGENT_ID);
        assertThat(send.body.path("text").path("content").asText()).isEqualTo("好久不见！您的 5.00 元优惠券还在等您");
        assertThat(send.body.path("safe").asInt()).isZero();
        assertThat(send.body.path("enable_duplicate_check").asInt()).isEqualTo(1);
        assertThat(send.body.path("duplicate_check_interval").asInt()).isEqualTo(1800);
    }

    @Test
    void theTokenIsCachedAcrossSends() {
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).build());

        for (int i = 0; i < 5; i++) {
            notifier.send(message("dl-c" + i, "user" + i, "hello " + i));
        }

        assertThat(wecom.tokenRequests).hasSize(1);
        assertThat(wecom.sends).hasSize(5).allSatisfy(s -> assertThat(s.accessToken).isEqualTo("token-1"));
    }

    @Test
    void anExpiredTokenOnASendIsRenewedOnceAndTheSendRetried() {
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).build());
        notifier.send(message("dl-e0", "LiSi", "first"));

        wecom.expireToken(); // WeCom may end a token early: the next send answers 42001
        notifier.send(message("dl-e1", "LiSi", "second"));

        assertThat(wecom.tokenRequests).hasSize(2);
        assertThat(wecom.sends).extracting(s -> s.accessToken).containsExactly("token-1", "token-1", "token-2");
        assertThat(wecom.sends).extracting(s -> s.errcode).containsExactly(0, 42001, 0);
        assertThat(sleeps).as("a token renewal is not a backoff").isEmpty();
    }

    @Test
    void anInvalidTokenOnASendIsRenewedOnceAndTheSendRetried() {
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).build());
        notifier.send(message("dl-i0", "WangWu", "first"));

        wecom.revokeToken(); // 40014
        notifier.send(message("dl-i1", "WangWu", "second"));

        assertThat(wecom.tokenRequests).hasSize(2);
        assertThat(wecom.sends).extracting(s -> s.errcode).containsExactly(0, 40014, 0);
        assertThat(wecom.sends.get(2).accessToken).isEqualTo("token-2");
    }

    @Test
    void aTokenRefusedTwiceInARowIsADeliveryExceptionNotALoop() {
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).build());
        wecom.rejectEveryToken = true;

        assertThatThrownBy(() -> notifier.send(message("dl-loop", "ZhaoLiu", "text")))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("dl-loop").hasMessageContaining("40014");
        assertThat(wecom.tokenRequests).hasSize(2);
        assertThat(wecom.sends).hasSize(2);
    }

    @Test
    void rateLimitedTwiceThenSentAfterBackingOff() {
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).build());
        wecom.nextSendCodes(45009, 45009);

        notifier.send(message("dl-r", "SunQi", "after the limit"));

        assertThat(wecom.sends).extracting(s -> s.errcode).containsExactly(45009, 45009, 0);
        assertThat(wecom.tokenRequests).hasSize(1);
        assertThat(sleeps).hasSize(2);
        // exponential with equal jitter: [base/2, base], then [base, 2 base]
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(5), Duration.ofMillis(10));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void systemBusyIsRetriedToo() {
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).build());
        wecom.nextSendCodes(-1);

        notifier.send(message("dl-busy", "ZhouBa", "busy then fine"));

        assertThat(wecom.sends).extracting(s -> s.errcode).containsExactly(-1, 0);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void alwaysRateLimitedIsADeliveryExceptionAfterBoundedAttempts() {
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).maxAttempts(3).build());
        wecom.nextSendCodes(45009, 45009, 45009, 45009, 45009, 45009);

        assertThatThrownBy(() -> notifier.send(message("dl-limit", "WuJiu", "never goes")))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("dl-limit").hasMessageContaining("45009").hasMessageContaining("3 attempts")
                .hasMessageNotContaining("WuJiu").hasMessageNotContaining("never goes");
        assertThat(wecom.sends).hasSize(3);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void anInvalidUserIsADeliveryExceptionWithoutRetry() {
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).build());
        wecom.unknownUsers.add("NoSuchUser");

        assertThatThrownBy(() -> notifier.send(message("dl-nobody", "NoSuchUser", "secret text")))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("dl-nobody").hasMessageContaining("81013")
                .hasMessageNotContaining("NoSuchUser").hasMessageNotContaining("secret text");
        assertThat(wecom.sends).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void anInvaliduserInASuccessfulAnswerIsADeliveryExceptionToo() {
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).build());
        wecom.partiallyInvalidUsers.add("OutOfScope"); // errcode 0 with "invaliduser": "outofscope"

        assertThatThrownBy(() -> notifier.send(message("dl-scope", "OutOfScope", "t")))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("invaliduser").hasMessageNotContaining("OutOfScope");
        assertThat(wecom.sends).hasSize(1);
    }

    @Test
    void theTokenIsRenewedWhenItsLifetimeMinusTheMarginIsOver() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T02:00:00Z"));
        Notifier notifier = new WeComNotifier(client(CREDENTIALS).clock(clock)
                .tokenSafetyMargin(Duration.ofMinutes(5)).build());

        notifier.send(message("dl-t0", "QianShi", "a"));
        clock.now = clock.now.plusSeconds(7200 - 300 - 1);
        notifier.send(message("dl-t1", "QianShi", "b"));
        assertThat(wecom.tokenRequests).as("still within expires_in minus the margin").hasSize(1);

        clock.now = clock.now.plusSeconds(2);
        notifier.send(message("dl-t2", "QianShi", "c"));
        assertThat(wecom.tokenRequests).as("renewed before WeCom's expiry").hasSize(2);
        assertThat(wecom.sends).hasSize(3).allSatisfy(s -> assertThat(s.errcode).isZero());
    }

    @Test
    void concurrentSendsFetchTheTokenOnce() throws Exception {
        WeComClient client = client(CREDENTIALS).build();
        Notifier notifier = new WeComNotifier(client);
        wecom.tokenDelay = Duration.ofMillis(300); // a slow gettoken: every sender arrives while it runs
        int senders = 16;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    go.await();
                    notifier.send(message("dl-p" + n, "user" + n, "parallel " + n));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> result : results) {
                result.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(wecom.tokenRequests).hasSize(1);
        assertThat(wecom.sends).hasSize(senders).allSatisfy(s -> assertThat(s.errcode).isZero());
    }

    @Test
    void aRejectedSecretIsReReadOnceFromTheCredentials() {
        AtomicInteger reads = new AtomicInteger();
        WeComCredentials rotating = new WeComCredentials() {
            private volatile boolean stale = true;

            @Override
            public Credentials current() {
                reads.incrementAndGet();
                return new Credentials(CORP_ID, stale ? "old-secret" : SECRET, AGENT_ID);
            }

            @Override
            public void refresh() {
                stale = false; // the secret was rotated in the store
            }
        };
        Notifier notifier = new WeComNotifier(client(rotating).build());

        notifier.send(message("dl-rot", "ZhengShiyi", "after rotation"));

        assertThat(wecom.tokenRequests).extracting(q -> q.get("corpsecret")).containsExactly("old-secret", SECRET);
        assertThat(wecom.sends).hasSize(1);
    }

    @Test
    void aWrongSecretIsADeliveryExceptionThatDoesNotShowTheSecret() {
        WeComCredentials wrong = () -> new WeComCredentials.Credentials(CORP_ID, "wrong-secret-value", AGENT_ID);
        Notifier notifier = new WeComNotifier(client(wrong).build());

        assertThatThrownBy(() -> notifier.send(message("dl-wrong", "A", "t")))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("40001").hasMessageNotContaining("wrong-secret-value");
        assertThat(wecom.tokenRequests).as("re-read once, then given up").hasSize(2);
        assertThat(wecom.sends).isEmpty();
    }

    @Test
    void credentialsComeFromSecretsManagerAndAreReReadOnRefresh() {
        try (SecretsManagerClient secrets = MiniStack.configure(SecretsManagerClient.builder()).build()) {
            String name = "winback/wecom-" + UUID.randomUUID();
            secrets.createSecret(b -> b.name(name).secretString(
                    "{\"corpId\":\"" + CORP_ID + "\",\"corpSecret\":\"" + SECRET + "\",\"agentId\":" + AGENT_ID + "}"));
            SecretsManagerWeComCredentials credentials = new SecretsManagerWeComCredentials(secrets, name);

            new WeComNotifier(client(credentials).build()).send(message("dl-sm", "ChenShier", "from the secret"));

            assertThat(wecom.tokenRequests.get(0)).containsEntry("corpid", CORP_ID).containsEntry("corpsecret", SECRET);
            assertThat(wecom.sends.get(0).body.path("agentid").asLong()).isEqualTo(AGENT_ID);
            assertThat(credentials.current().toString()).doesNotContain(SECRET);

            // rotation: cached until refresh() (which the client calls on 40001 / 40013 / 40091)
            secrets.putSecretValue(b -> b.secretId(name)
                    .secretString("{\"corpId\":\"" + CORP_ID + "\",\"corpSecret\":\"rotated\",\"agentId\":\"1000003\"}"));
            assertThat(credentials.current().corpSecret()).isEqualTo(SECRET);
            credentials.refresh();
            assertThat(credentials.current().corpSecret()).isEqualTo("rotated");
            assertThat(credentials.current().agentId()).isEqualTo(1000003);
        }
    }

    @Test
    void aMissingOrMalformedSecretIsUnavailableNamingTheSecretNotItsValue() {
        try (SecretsManagerClient secrets = MiniStack.configure(SecretsManagerClient.builder()).build()) {
            String name = "winback/wecom-bad-" + UUID.randomUUID();
            secrets.createSecret(b -> b.name(name).secretString("{\"corpId\":\"x\",\"corpSecret\":\"leak-me\"}"));

            assertThatThrownBy(() -> new SecretsManagerWeComCredentials(secrets, name).current())
                    .isInstanceOf(WeComCredentials.Unavailable.class)
                    .hasMessageContaining(name).hasMessageContaining("agentId").hasMessageNotContaining("leak-me");
            assertThatThrownBy(() -> new SecretsManagerWeComCredentials(secrets, "winback/no-such-" + UUID.randomUUID()).current())
                    .isInstanceOf(WeComCredentials.Unavailable.class)
                    .hasMessageContaining("ResourceNotFoundException");

            // through the notifier, unreadable credentials are a refusal of this channel
            Notifier notifier = new WeComNotifier(client(new SecretsManagerWeComCredentials(secrets, name)).build());
            assertThatThrownBy(() -> notifier.send(message("dl-nocreds", "A", "t")))
                    .isInstanceOf(Notifier.DeliveryException.class).hasMessageContaining("credentials");
        }
    }

    @Test
    void anUnreachableServerIsRetriedThenADeliveryException() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Notifier notifier = new WeComNotifier(WeComClient.builder(CREDENTIALS)
                .baseUrl(URI.create("http://127.0.0.1:" + closedPort + "/"))
                .backoff(Duration.ofMillis(5), Duration.ofMillis(10))
                .sleeper(d -> sleeps.add(d)).build());

        assertThatThrownBy(() -> notifier.send(message("dl-down", "A", "t")))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("unreachable").hasMessageNotContaining(SECRET);
        assertThat(sleeps).hasSize(2);
    }

    // ------------------------------------------------------------------ the stand-in for WeCom

    record Send(String accessToken, JsonNode body, int errcode) {
    }

    /** WeCom's gettoken and message/send as documented, on 127.0.0.1; records every call. */
    static final class FakeWeCom implements AutoCloseable {
        final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
        final List<Send> sends = new CopyOnWriteArrayList<>();
        final List<String> unknownUsers = new CopyOnWriteArrayList<>();
        final List<String> partiallyInvalidUsers = new CopyOnWriteArrayList<>();
        volatile Duration tokenDelay = Duration.ZERO;
        volatile boolean rejectEveryToken;

        private final String corpId;
        private final String secret;
        private final HttpServer server;
        private final ExecutorService executor = Executors.newCachedThreadPool();
        private final Deque<Integer> scriptedSendCodes = new ArrayDeque<>();
        private final Map<String, Integer> tokenState = new HashMap<>(); // token -> 0 valid, 42001 expired, 40014 revoked
        private int issued;
        private String current;

        FakeWeCom(String corpId, String secret) throws IOException {
            this.corpId = corpId;
            this.secret = secret;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(executor);
            server.createContext("/cgi-bin/gettoken", this::gettoken);
            server.createContext("/cgi-bin/message/send", this::send);
            server.start();
        }

        URI baseUrl() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        }

        synchronized void expireToken() {
            tokenState.put(current, 42001);
            current = null;
        }

        synchronized void revokeToken() {
            tokenState.put(current, 40014);
            current = null;
        }

        synchronized void nextSendCodes(int... codes) {
            for (int code : codes) {
                scriptedSendCodes.add(code);
            }
        }

        private void gettoken(HttpExchange exchange) throws IOException {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            tokenRequests.add(query);
            sleep(tokenDelay);
            ObjectNode answer = JSON.createObjectNode();
            if (!"GET".equals(exchange.getRequestMethod())) {
                answer.put("errcode", 40035).put("errmsg", "invalid parameter");
            } else if (!corpId.equals(query.get("corpid"))) {
                answer.put("errcode", 40013).put("errmsg", "invalid corpid");
            } else if (!secret.equals(query.get("corpsecret"))) {
                answer.put("errcode", 40001).put("errmsg", "invalid credential");
            } else {
                synchronized (this) {
                    if (current == null) { // within its lifetime WeCom answers the same token
                        current = "token-" + (++issued);
                        tokenState.put(current, 0);
                    }
                    answer.put("errcode", 0).put("errmsg", "ok").put("access_token", current).put("expires_in", 7200);
                }
            }
            reply(exchange, answer);
        }

        private void send(HttpExchange exchange) throws IOException {
            String token = query(exchange.getRequestURI().getRawQuery()).get("access_token");
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            ObjectNode answer = JSON.createObjectNode();
            String user = body.path("touser").asText();
            int code;
            synchronized (this) {
                Integer state = tokenState.get(token);
                if (state == null) {
                    code = 40014;
                } else if (rejectEveryToken) {
                    code = 40014;
                    tokenState.put(token, 40014);
                    current = null;
                } else if (state != 0) {
                    code = state;
                } else if (!scriptedSendCodes.isEmpty()) {
                    code = scriptedSendCodes.poll();
                } else if (unknownUsers.contains(user)) {
                    code = 81013;
                } else {
                    code = 0;
                }
            }
            answer.put("errcode", code).put("errmsg", code == 0 ? "ok" : "error " + code
                    + ", hint: [" + UUID.randomUUID() + "], more info at https://open.work.weixin.qq.com/devtool/query?e=" + code);
            if (code == 81013) {
                answer.put("invaliduser", user.toLowerCase());
            } else if (code == 0) {
                answer.put("invaliduser", partiallyInvalidUsers.contains(user) ? user.toLowerCase() : "");
                answer.put("msgid", "msg-" + UUID.randomUUID());
            }
            sends.add(new Send(token, body, code));
            reply(exchange, answer);
        }

        private static void reply(HttpExchange exchange, JsonNode answer) throws IOException {
            byte[] bytes = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> values = new HashMap<>();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    String[] kv = pair.split("=", 2);
                    values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
                }
            }
            return values;
        }

        private static void sleep(Duration duration) {
            if (!duration.isZero()) {
                try {
                    Thread.sleep(duration);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
