package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.winback.adapters.SecretsManagerWeChatOfficialCredentials;
import dev.winback.adapters.WeChatOfficialClient;
import dev.winback.adapters.WeChatOfficialCredentials;
import dev.winback.adapters.WeChatOfficialNotifier;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The WeChat official account adapter against a local server on 127.0.0.1 that follows WeChat's
 * documented contract (developers.weixin.qq.com: getStableAccessToken, sendTemplateMessage, global
 * return codes): stable tokens that are the same while valid and rolled over 5 minutes before they
 * expire, on a clock shared with the client; 42001 for an expired token and 40001 for one retired by
 * a forced refresh elsewhere; 40125 for a wrong AppSecret; 43004 for a user who does not follow the
 * account, 40003 for an unknown openid, 40037 for an unknown template; one delivery per openid and
 * {@code client_msg_id}; scripted -1 / 45009; and a record of every call. The credentials come from
 * Secrets Manager on MiniStack.
 */
class WeChatOfficialNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP_ID = "wx0123456789abcdef";
    private static final String SECRET = "app-secret-" + UUID.randomUUID();
    private static final String TEMPLATE = "tmpl-Price-Notice-0001";
    private static final WeChatOfficialCredentials CREDENTIALS =
            () -> new WeChatOfficialCredentials.Credentials(APP_ID, SECRET);
    /** The text goes to thing1, the site attribute to thing2, the date attribute to time3; the link from "link". */
    private static final WeChatOfficialNotifier.Template PRICE_NOTICE = new WeChatOfficialNotifier.Template(
            TEMPLATE, "thing1", Map.of("thing2", "site", "time3", "date"), "link");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T02:00:00Z"));
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private FakeWeChat wechat;

    @BeforeEach
    void start() throws IOException {
        wechat = new FakeWeChat(APP_ID, SECRET, clock);
        wechat.templates.put(TEMPLATE, Set.of("thing1", "thing2", "time3"));
        wechat.followers.addAll(List.of("oUser-A1", "oUser-B2", "oUser-C3"));
        for (int i = 0; i < 16; i++) {
            wechat.followers.add("oUser-P" + i);
        }
    }

    @AfterEach
    void stop() {
        wechat.close();
    }

    private WeChatOfficialClient.Builder client(WeChatOfficialCredentials credentials) {
        return WeChatOfficialClient.builder(credentials).baseUrl(wechat.baseUrl()).clock(clock)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(40))
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
                .sleeper(d -> {
                    sleeps.add(d);
                    Thread.sleep(d);
                });
    }

    private Notifier notifier() {
        return new WeChatOfficialNotifier(client(CREDENTIALS).build(), PRICE_NOTICE);
    }

    private static Notifier.Message message(String decisionId, String openid, String text) {
        return new Notifier.Message(decisionId, "u-" + decisionId, "wechat", openid, text,
                Map.of("site", "本溪溪湖中心基地", "date", "2026-10-23", "link", "https://example.com/p/" + decisionId));
    }

    @Test
    void fetchesAStableTokenAndSendsTheDocumentedTemplateMessage() {
        notifier().send(message("dl-1", "oUser-A1", "重废一3200跌30、钢筋切粒2830涨40"));

        assertThat(wechat.tokenRequests).hasSize(1);
        TokenRequest asked = wechat.tokenRequests.get(0);
        assertThat(asked.method).isEqualTo("POST");
        assertThat(asked.body.path("grant_type").asText()).isEqualTo("client_credential");
        assertThat(asked.body.path("appid").asText()).isEqualTo(APP_ID);
        assertThat(asked.body.path("secret").asText()).isEqualTo(SECRET);
        assertThat(asked.body.path("force_refresh").isBoolean()).isTrue();
        assertThat(asked.body.path("force_refresh").asBoolean()).isFalse();

        assertThat(wechat.sends).hasSize(1);
        Send send = wechat.sends.get(0);
        assertThat(send.accessToken).isEqualTo(wechat.issued.get(0));
        assertThat(send.errcode).isZero();
        assertThat(send.body.path("touser").asText()).isEqualTo("oUser-A1");
        assertThat(send.body.path("template_id").asText()).isEqualTo(TEMPLATE);
        assertThat(send.body.path("url").asText()).isEqualTo("https://example.com/p/dl-1");
        assertThat(send.body.path("data").path("thing1").path("value").asText()).isEqualTo("重废一3200跌30、钢筋切粒2830涨40");
        assertThat(send.body.path("data").path("thing2").path("value").asText()).isEqualTo("本溪溪湖中心基地");
        assertThat(send.body.path("data").path("time3").path("value").asText()).isEqualTo("2026-10-23");
        assertThat(send.body.path("client_msg_id").asText()).isEqualTo("dl-1");
        assertThat(wechat.delivered).containsExactly("oUser-A1");
    }

    @Test
    void messageAttributesOverrideTheTemplateKeywordsAndLink() {
        wechat.templates.put("tmpl-Other", Set.of("thing1", "thing2", "time3", "character_string4"));
        Map<String, String> attributes = new HashMap<>(Map.of("site", "site from mapping", "date", "2026-10-23"));
        attributes.put(WeChatOfficialNotifier.TEMPLATE_ID, "tmpl-Other");
        attributes.put(WeChatOfficialNotifier.URL, "https://example.com/explicit");
        attributes.put(WeChatOfficialNotifier.DATA_PREFIX + "thing2", "verbatim site");
        attributes.put(WeChatOfficialNotifier.DATA_PREFIX + "character_string4", "ORDER-42");

        notifier().send(new Notifier.Message("dl-attr", "u-1", "wechat", "oUser-B2", "line one\nline two", attributes));

        JsonNode body = wechat.sends.get(0).body;
        assertThat(body.path("template_id").asText()).isEqualTo("tmpl-Other");
        assertThat(body.path("url").asText()).isEqualTo("https://example.com/explicit");
        assertThat(body.path("data").path("thing1").path("value").asText())
                .as("WeChat shows no line breaks: they become spaces").isEqualTo("line one line two");
        assertThat(body.path("data").path("thing2").path("value").asText()).isEqualTo("verbatim site");
        assertThat(body.path("data").path("character_string4").path("value").asText()).isEqualTo("ORDER-42");
        assertThat(wechat.sends.get(0).errcode).isZero();
    }

    @Test
    void aMappedAttributeTheMessageLacksIsARefusalBeforeAnyCall() {
        Notifier.Message noDate = new Notifier.Message("dl-nodate", "u-1", "wechat", "oUser-A1", "text",
                Map.of("site", "s"));

        assertThatThrownBy(() -> notifier().send(noDate))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("dl-nodate").hasMessageContaining("time3").hasMessageContaining("'date'");
        assertThat(wechat.tokenRequests).isEmpty();
        assertThat(wechat.sends).isEmpty();
    }

    @Test
    void anotherChannelIsAWiringError() {
        assertThatThrownBy(() -> notifier().send(new Notifier.Message("dl-x", "u", "wecom", "oUser-A1", "t", Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wecom");
    }

    @Test
    void theTokenIsCachedAcrossSends() {
        Notifier notifier = notifier();

        for (int i = 0; i < 5; i++) {
            notifier.send(message("dl-c" + i, "oUser-C3", "hello " + i));
        }

        assertThat(wechat.tokenRequests).hasSize(1);
        assertThat(wechat.sends).hasSize(5).allSatisfy(s -> assertThat(s.accessToken).isEqualTo(wechat.issued.get(0)));
    }

    @Test
    void theTokenIsRenewedWhenItsLifetimeMinusTheMarginIsOver() {
        Notifier notifier = new WeChatOfficialNotifier(client(CREDENTIALS).tokenSafetyMargin(Duration.ofMinutes(5)).build(),
                PRICE_NOTICE);

        notifier.send(message("dl-t0", "oUser-A1", "a"));
        clock.advance(Duration.ofSeconds(7200 - 300 - 1));
        notifier.send(message("dl-t1", "oUser-A1", "b"));
        assertThat(wechat.tokenRequests).as("still within expires_in minus the margin").hasSize(1);

        clock.advance(Duration.ofSeconds(2));
        notifier.send(message("dl-t2", "oUser-A1", "c"));
        assertThat(wechat.tokenRequests).as("renewed before WeChat's expiry").hasSize(2);
        assertThat(wechat.issued).as("WeChat rolled the stable token over in its last 5 minutes").hasSize(2);
        assertThat(wechat.sends).extracting(s -> s.accessToken)
                .containsExactly(wechat.issued.get(0), wechat.issued.get(0), wechat.issued.get(1));
        assertThat(wechat.sends).allSatisfy(s -> assertThat(s.errcode).isZero());
    }

    @Test
    void aShorterExpiresInIsHonoured() {
        // another container fetched the stable token 6200 s ago: WeChat answers the same token with 1000 s left
        wechat.issueTokenAt(clock.instant().minusSeconds(6200));
        Notifier notifier = notifier();

        notifier.send(message("dl-s0", "oUser-A1", "a"));
        assertThat(wechat.tokenAnswers.get(0).path("expires_in").asLong()).isEqualTo(1000);
        clock.advance(Duration.ofSeconds(1000 - 300 - 1));
        notifier.send(message("dl-s1", "oUser-A1", "b"));
        assertThat(wechat.tokenRequests).hasSize(1);

        clock.advance(Duration.ofSeconds(2));
        notifier.send(message("dl-s2", "oUser-A1", "c"));
        assertThat(wechat.tokenRequests).hasSize(2);
        assertThat(wechat.sends).allSatisfy(s -> assertThat(s.errcode).isZero());
    }

    @Test
    void anExpiredTokenOnASendIsRenewedOnceAndTheSendRetried() {
        Notifier notifier = notifier();
        notifier.send(message("dl-e0", "oUser-A1", "first"));

        wechat.expireToken(); // WeChat may end a token early: the next send answers 42001
        notifier.send(message("dl-e1", "oUser-A1", "second"));

        assertThat(wechat.tokenRequests).hasSize(2);
        assertThat(wechat.sends).extracting(s -> s.errcode).containsExactly(0, 42001, 0);
        assertThat(wechat.sends).extracting(s -> s.accessToken)
                .containsExactly(wechat.issued.get(0), wechat.issued.get(0), wechat.issued.get(1));
        assertThat(sleeps).as("a token renewal is not a backoff").isEmpty();
    }

    @Test
    void aTokenRetiredByAForcedRefreshElsewhereIsRenewed() {
        Notifier notifier = notifier();
        notifier.send(message("dl-f0", "oUser-B2", "first"));

        wechat.forceRefreshElsewhere(); // someone called stable_token with force_refresh: ours answers 40001
        notifier.send(message("dl-f1", "oUser-B2", "second"));

        assertThat(wechat.sends).extracting(s -> s.errcode).containsExactly(0, 40001, 0);
        assertThat(wechat.sends.get(2).accessToken).isEqualTo(wechat.issued.get(1));
        assertThat(wechat.tokenRequests).as("never a forced refresh of our own")
                .allSatisfy(r -> assertThat(r.body.path("force_refresh").asBoolean()).isFalse());
    }

    @Test
    void aTokenRefusedTwiceInARowIsADeliveryExceptionNotALoop() {
        Notifier notifier = notifier();
        wechat.rejectEveryToken = true;

        assertThatThrownBy(() -> notifier.send(message("dl-loop", "oUser-A1", "text")))
                .isInstanceOf(Notifier.DeliveryException.class).isNotInstanceOf(Notifier.Unreachable.class)
                .hasMessageContaining("dl-loop").hasMessageContaining("42001").hasMessageContaining("freshly fetched");
        assertThat(wechat.tokenRequests).hasSize(2);
        assertThat(wechat.sends).hasSize(2);
    }

    @Test
    void frequencyLimitedTwiceThenSentAfterBackingOff() {
        Notifier notifier = notifier();
        wechat.nextSendCodes(45009, 45009);

        notifier.send(message("dl-r", "oUser-A1", "after the limit"));

        assertThat(wechat.sends).extracting(s -> s.errcode).containsExactly(45009, 45009, 0);
        assertThat(wechat.tokenRequests).hasSize(1);
        assertThat(sleeps).hasSize(2);
        // exponential with equal jitter: [base/2, base], then [base, 2 base]
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(5), Duration.ofMillis(10));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(10), Duration.ofMillis(20));
        assertThat(wechat.sends).extracting(s -> s.body.path("client_msg_id").asText()).containsOnly("dl-r");
    }

    @Test
    void systemBusyIsRetriedToo() {
        Notifier notifier = notifier();
        wechat.nextSendCodes(-1);

        notifier.send(message("dl-busy", "oUser-A1", "busy then fine"));

        assertThat(wechat.sends).extracting(s -> s.errcode).containsExactly(-1, 0);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void alwaysLimitedIsADeliveryExceptionAfterBoundedAttempts() {
        Notifier notifier = new WeChatOfficialNotifier(client(CREDENTIALS).maxAttempts(3).build(), PRICE_NOTICE);
        wechat.nextSendCodes(45009, 45009, 45009, 45009, 45009);

        assertThatThrownBy(() -> notifier.send(message("dl-limit", "oUser-A1", "never goes")))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("dl-limit").hasMessageContaining("45009").hasMessageContaining("3 attempts");
        assertThat(wechat.sends).hasSize(3);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void aUserWhoDoesNotFollowTheAccountIsUnreachableWithoutRetry() {
        Notifier notifier = notifier();
        wechat.users.add("oUser-Gone"); // a user of the account who unfollowed it

        assertThatThrownBy(() -> notifier.send(message("dl-unfollowed", "oUser-Gone", "secret text")))
                .isInstanceOf(Notifier.Unreachable.class)
                .hasMessageContaining("dl-unfollowed").hasMessageContaining("43004")
                .hasMessageContaining("does not follow").hasMessageContaining("rid ")
                .hasMessageNotContaining("oUser-Gone").hasMessageNotContaining("secret text");
        assertThat(wechat.sends).hasSize(1);
        assertThat(wechat.delivered).isEmpty();
        assertThat(sleeps).isEmpty();
    }

    @Test
    void anOpenidThatIsNotAUserOfTheAccountIsUnreachable() {
        assertThatThrownBy(() -> notifier().send(message("dl-stranger", "oUser-Of-Another-Account", "t")))
                .isInstanceOf(Notifier.Unreachable.class)
                .hasMessageContaining("40003").hasMessageNotContaining("oUser-Of-Another-Account");
        assertThat(wechat.sends).hasSize(1);
    }

    @Test
    void anUnknownTemplateIsARefusalOfTheMessageNotOfTheUser() {
        Notifier notifier = new WeChatOfficialNotifier(client(CREDENTIALS).build(),
                WeChatOfficialNotifier.Template.textIn("tmpl-deleted", "thing1"));

        assertThatThrownBy(() -> notifier.send(message("dl-tmpl", "oUser-A1", "t")))
                .isInstanceOf(Notifier.DeliveryException.class).isNotInstanceOf(Notifier.Unreachable.class)
                .hasMessageContaining("40037").hasMessageContaining("invalid template_id");
        assertThat(wechat.sends).hasSize(1);
    }

    @Test
    void aSendRetriedAfterATimeoutIsDeliveredOnceThanksToClientMsgId() {
        Notifier notifier = new WeChatOfficialNotifier(client(CREDENTIALS)
                .timeouts(Duration.ofSeconds(2), Duration.ofMillis(400)).build(), PRICE_NOTICE);
        wechat.slowSendsAfterDelivery.set(1); // delivered, but the answer comes after the client gave up

        notifier.send(message("dl-slow", "oUser-A1", "once"));

        assertThat(wechat.sends).hasSize(2)
                .allSatisfy(s -> assertThat(s.body.path("client_msg_id").asText()).isEqualTo("dl-slow"));
        assertThat(wechat.delivered).as("WeChat delivers one message per openid and client_msg_id").hasSize(1);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void concurrentSendsFetchTheTokenOnce() throws Exception {
        Notifier notifier = notifier();
        wechat.tokenDelay = Duration.ofMillis(300); // a slow stable_token: every sender arrives while it runs
        int senders = 16;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    go.await();
                    notifier.send(message("dl-p" + n, "oUser-P" + n, "parallel " + n));
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

        assertThat(wechat.tokenRequests).hasSize(1);
        assertThat(wechat.sends).hasSize(senders).allSatisfy(s -> assertThat(s.errcode).isZero());
        assertThat(wechat.delivered).hasSize(senders);
    }

    @Test
    void aResetSecretIsReReadOnceFromTheCredentials() {
        AtomicInteger reads = new AtomicInteger();
        WeChatOfficialCredentials rotating = new WeChatOfficialCredentials() {
            private volatile boolean stale = true;

            @Override
            public Credentials current() {
                reads.incrementAndGet();
                return new Credentials(APP_ID, stale ? "old-secret" : SECRET);
            }

            @Override
            public void refresh() {
                stale = false; // the secret was reset on the platform and the new one stored
            }
        };

        new WeChatOfficialNotifier(client(rotating).build(), PRICE_NOTICE).send(message("dl-rot", "oUser-A1", "rotated"));

        assertThat(wechat.tokenRequests).extracting(r -> r.body.path("secret").asText()).containsExactly("old-secret", SECRET);
        assertThat(wechat.tokenAnswers.get(0).path("errcode").asInt()).isEqualTo(40125);
        assertThat(wechat.sends).hasSize(1);
    }

    @Test
    void aWrongSecretIsADeliveryExceptionThatDoesNotShowTheSecret() {
        WeChatOfficialCredentials wrong = () -> new WeChatOfficialCredentials.Credentials(APP_ID, "wrong-secret-value");

        assertThatThrownBy(() -> new WeChatOfficialNotifier(client(wrong).build(), PRICE_NOTICE)
                .send(message("dl-wrong", "oUser-A1", "t")))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("40125").hasMessageContaining("invalid AppSecret")
                .hasMessageNotContaining("wrong-secret-value");
        assertThat(wechat.tokenRequests).as("re-read once, then given up").hasSize(2);
        assertThat(wechat.sends).isEmpty();
    }

    @Test
    void noExceptionShowsTheOpenidTextTokenOrSecret() throws IOException {
        List<Throwable> failures = new ArrayList<>();
        Supplier<Notifier> fresh = () -> new WeChatOfficialNotifier(client(CREDENTIALS).maxAttempts(2).build(), PRICE_NOTICE);
        String text = "private text " + UUID.randomUUID();
        wechat.users.add("oUser-Left");
        // warm a token so the token value exists, then provoke every kind of failure
        fresh.get().send(message("dl-warm", "oUser-A1", text));
        failures.add(thrown(() -> fresh.get().send(message("dl-a", "oUser-Left", text))));      // 43004
        failures.add(thrown(() -> fresh.get().send(message("dl-b", "oUser-Nobody", text))));    // 40003
        wechat.nextSendCodes(47003);
        failures.add(thrown(() -> fresh.get().send(message("dl-c", "oUser-A1", text))));        // 47003
        wechat.nextSendCodes(45009, 45009);
        failures.add(thrown(() -> fresh.get().send(message("dl-d", "oUser-A1", text))));        // 45009 exhausted
        wechat.rejectEveryToken = true;
        failures.add(thrown(() -> fresh.get().send(message("dl-e", "oUser-A1", text))));        // 42001 twice
        wechat.rejectEveryToken = false;
        failures.add(thrown(() -> new WeChatOfficialNotifier(client(() -> new WeChatOfficialCredentials.Credentials(
                APP_ID, SECRET + "-x")).build(), PRICE_NOTICE).send(message("dl-f", "oUser-A1", text)))); // 40125
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        failures.add(thrown(() -> new WeChatOfficialNotifier(WeChatOfficialClient.builder(CREDENTIALS)
                .baseUrl(URI.create("http://127.0.0.1:" + closedPort + "/")).backoff(Duration.ofMillis(5), Duration.ofMillis(10))
                .sleeper(d -> { }).build(), PRICE_NOTICE).send(message("dl-g", "oUser-A1", text))));      // unreachable

        assertThat(failures).hasSize(7).doesNotContainNull();
        List<String> secrets = new ArrayList<>(List.of(SECRET, text, "oUser-Left", "oUser-Nobody", "oUser-A1"));
        secrets.addAll(wechat.issued);
        for (Throwable failure : failures) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                String shown = t.toString();
                for (String secret : secrets) {
                    assertThat(shown).as("%s must not show a secret value", failure.getMessage()).doesNotContain(secret);
                }
            }
        }
        assertThat(failures).extracting(Throwable::getMessage).anySatisfy(m -> assertThat(m).contains("unreachable"));
    }

    @Test
    void credentialsComeFromSecretsManagerAndAreReReadOnRefresh() {
        try (SecretsManagerClient secrets = MiniStack.configure(SecretsManagerClient.builder()).build()) {
            String name = "winback/wechat-" + UUID.randomUUID();
            secrets.createSecret(b -> b.name(name).secretString(
                    "{\"appId\":\"" + APP_ID + "\",\"appSecret\":\"" + SECRET + "\"}"));
            SecretsManagerWeChatOfficialCredentials credentials = new SecretsManagerWeChatOfficialCredentials(secrets, name);

            new WeChatOfficialNotifier(client(credentials).build(), PRICE_NOTICE).send(message("dl-sm", "oUser-A1", "t"));

            assertThat(wechat.tokenRequests.get(0).body.path("appid").asText()).isEqualTo(APP_ID);
            assertThat(wechat.tokenRequests.get(0).body.path("secret").asText()).isEqualTo(SECRET);
            assertThat(credentials.current().toString()).doesNotContain(SECRET);

            // the secret is reset on the platform and stored again: WeChat now answers 40125 for the old one
            String rotated = "rotated-" + UUID.randomUUID();
            secrets.putSecretValue(b -> b.secretId(name)
                    .secretString("{\"appId\":\"" + APP_ID + "\",\"appSecret\":\"" + rotated + "\"}"));
            wechat.resetSecret(rotated);
            WeChatOfficialClient fresh = client(credentials).build(); // a new container, credentials still cached
            new WeChatOfficialNotifier(fresh, PRICE_NOTICE).send(message("dl-sm2", "oUser-A1", "t"));

            assertThat(wechat.tokenRequests).extracting(r -> r.body.path("secret").asText())
                    .containsExactly(SECRET, SECRET, rotated);
            assertThat(credentials.current().appSecret()).isEqualTo(rotated);
            assertThat(wechat.sends).hasSize(2).allSatisfy(s -> assertThat(s.errcode).isZero());
        }
    }

    @Test
    void aMissingOrMalformedSecretIsUnavailableNamingTheSecretNotItsValue() {
        try (SecretsManagerClient secrets = MiniStack.configure(SecretsManagerClient.builder()).build()) {
            String name = "winback/wechat-bad-" + UUID.randomUUID();
            secrets.createSecret(b -> b.name(name).secretString("{\"appId\":\"wx1\",\"secret\":\"leak-me\"}"));

            assertThatThrownBy(() -> new SecretsManagerWeChatOfficialCredentials(secrets, name).current())
                    .isInstanceOf(WeChatOfficialCredentials.Unavailable.class)
                    .hasMessageContaining(name).hasMessageContaining("appSecret").hasMessageNotContaining("leak-me");
            String notJson = "winback/wechat-notjson-" + UUID.randomUUID();
            secrets.createSecret(b -> b.name(notJson).secretString("appSecret=leak-me-too"));
            assertThatThrownBy(() -> new SecretsManagerWeChatOfficialCredentials(secrets, notJson).current())
                    .isInstanceOf(WeChatOfficialCredentials.Unavailable.class)
                    .hasMessageContaining("not JSON").hasMessageNotContaining("leak-me-too");
            assertThatThrownBy(() -> new SecretsManagerWeChatOfficialCredentials(secrets, "winback/no-such-" + UUID.randomUUID())
                    .current())
                    .isInstanceOf(WeChatOfficialCredentials.Unavailable.class)
                    .hasMessageContaining("ResourceNotFoundException");

            // through the notifier, unreadable credentials are a refusal of this channel
            Notifier notifier = new WeChatOfficialNotifier(
                    client(new SecretsManagerWeChatOfficialCredentials(secrets, name)).build(), PRICE_NOTICE);
            assertThatThrownBy(() -> notifier.send(message("dl-nocreds", "oUser-A1", "t")))
                    .isInstanceOf(Notifier.DeliveryException.class).hasMessageContaining("credentials");
            assertThat(wechat.tokenRequests).isEmpty();
        }
    }

    private static Throwable thrown(Runnable action) {
        try {
            action.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    // ------------------------------------------------------------------ the stand-in for WeChat

    record TokenRequest(String method, JsonNode body) {
    }

    record Send(String accessToken, JsonNode body, int errcode) {
    }

    /**
     * WeChat's stable_token and message/template/send as documented, on 127.0.0.1, with time read
     * from the test's clock; records every call.
     */
    static final class FakeWeChat implements AutoCloseable {
        static final long LIFETIME = 7200;
        static final long ROLLOVER = 300; // normal mode answers a new token in the old one's last 5 minutes

        final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();
        final List<JsonNode> tokenAnswers = new CopyOnWriteArrayList<>();
        final List<Send> sends = new CopyOnWriteArrayList<>();
        final List<String> issued = new CopyOnWriteArrayList<>();
        final List<String> delivered = new CopyOnWriteArrayList<>();
        final Set<String> followers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final Set<String> users = java.util.concurrent.ConcurrentHashMap.newKeySet(); // users who no longer follow
        final Map<String, Set<String>> templates = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicInteger slowSendsAfterDelivery = new AtomicInteger();
        volatile Duration tokenDelay = Duration.ZERO;
        volatile boolean rejectEveryToken;

        private final String appId;
        private volatile String secret;
        private final Clock clock;
        private final HttpServer server;
        private final ExecutorService executor = Executors.newCachedThreadPool();
        private final Deque<Integer> scriptedSendCodes = new ArrayDeque<>();
        private final Map<String, Instant> expiry = new HashMap<>();
        private final Map<String, Integer> retired = new HashMap<>(); // token -> 42001 expired early, 40001 replaced
        private final Map<String, String> msgIds = new HashMap<>(); // openid + client_msg_id -> msgid
        private final Set<String> seen = new HashSet<>();
        private String current;

        FakeWeChat(String appId, String secret, Clock clock) throws IOException {
            this.appId = appId;
            this.secret = secret;
            this.clock = clock;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(executor);
            server.createContext("/cgi-bin/stable_token", this::stableToken);
            server.createContext("/cgi-bin/message/template/send", this::send);
            server.start();
        }

        URI baseUrl() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        /** A token issued at {@code at} (by another caller of stable_token) is the current one. */
        synchronized void issueTokenAt(Instant at) {
            issue(at);
        }

        synchronized void expireToken() {
            retired.put(current, 42001);
            current = null;
        }

        /** A forced refresh by someone else: the current token is replaced at once. */
        synchronized void forceRefreshElsewhere() {
            retired.put(current, 40001);
            issue(clock.instant());
        }

        void resetSecret(String newSecret) {
            secret = newSecret;
        }

        synchronized void nextSendCodes(int... codes) {
            for (int code : codes) {
                scriptedSendCodes.add(code);
            }
        }

        private String issue(Instant at) {
            current = "ACCESS_" + UUID.randomUUID().toString().replace("-", "");
            expiry.put(current, at.plusSeconds(LIFETIME));
            issued.add(current);
            return current;
        }

        private void stableToken(HttpExchange exchange) throws IOException {
            JsonNode body = "POST".equals(exchange.getRequestMethod())
                    ? JSON.readTree(exchange.getRequestBody().readAllBytes()) : JSON.createObjectNode();
            tokenRequests.add(new TokenRequest(exchange.getRequestMethod(), body));
            sleep(tokenDelay);
            ObjectNode answer = JSON.createObjectNode();
            if (!"POST".equals(exchange.getRequestMethod())) {
                error(answer, 43002, "require POST method");
            } else if (!"client_credential".equals(body.path("grant_type").asText())) {
                error(answer, 40002, "invalid grant_type");
            } else if (!appId.equals(body.path("appid").asText())) {
                error(answer, 40013, "invalid appid");
            } else if (!secret.equals(body.path("secret").asText())) {
                error(answer, 40125, "invalid appsecret");
            } else {
                synchronized (this) {
                    Instant now = clock.instant();
                    if (body.path("force_refresh").asBoolean(false)) {
                        if (current != null) {
                            retired.put(current, 40001);
                        }
                        issue(now);
                    } else if (current == null || !now.isBefore(expiry.get(current).minusSeconds(ROLLOVER))) {
                        issue(now);
                    }
                    // success carries no errcode, only the token and its remaining lifetime
                    answer.put("access_token", current)
                            .put("expires_in", Duration.between(now, expiry.get(current)).toSeconds());
                }
            }
            tokenAnswers.add(answer);
            reply(exchange, answer);
        }

        private void send(HttpExchange exchange) throws IOException {
            String token = query(exchange.getRequestURI().getRawQuery()).get("access_token");
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            ObjectNode answer = JSON.createObjectNode();
            String openid = body.path("touser").asText();
            String clientMsgId = body.path("client_msg_id").asText("");
            boolean slow = false;
            int code;
            synchronized (this) {
                Instant expires = expiry.get(token);
                if (rejectEveryToken && expires != null) {
                    code = 42001;
                    retired.put(token, 42001);
                    if (token.equals(current)) {
                        current = null;
                    }
                } else if (expires == null) {
                    code = 40001;
                } else if (retired.containsKey(token)) {
                    code = retired.get(token);
                } else if (!clock.instant().isBefore(expires)) {
                    code = 42001;
                } else if (!scriptedSendCodes.isEmpty()) {
                    code = scriptedSendCodes.poll();
                } else if (!templates.containsKey(body.path("template_id").asText())) {
                    code = 40037;
                } else if (!templates.get(body.path("template_id").asText()).containsAll(fieldNames(body.path("data")))) {
                    code = 47003;
                } else if (users.contains(openid)) {
                    code = 43004;
                } else if (!followers.contains(openid)) {
                    code = 40003;
                } else {
                    code = 0;
                    String key = openid + "\n" + clientMsgId;
                    if (clientMsgId.isEmpty() || seen.add(key)) {
                        delivered.add(openid);
                        msgIds.put(key, Long.toString(3_000_000_000_000_000_000L + delivered.size()));
                        slow = slowSendsAfterDelivery.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                    }
                    answer.put("msgid", Long.parseLong(msgIds.get(key)));
                }
            }
            if (code == 0) {
                answer.put("errcode", 0).put("errmsg", "ok");
            } else {
                error(answer, code, switch (code) {
                    case 43004 -> "require subscribe";
                    case 40003 -> "invalid openid";
                    case 40037 -> "invalid template_id";
                    case 42001 -> "access_token expired";
                    case 40001 -> "invalid credential, access_token is invalid or not latest";
                    default -> "error";
                });
            }
            sends.add(new Send(token, body, code));
            if (slow) {
                sleep(Duration.ofSeconds(1)); // the client's request timeout is shorter
            }
            reply(exchange, answer);
        }

        private static List<String> fieldNames(JsonNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            return names;
        }

        private static void error(ObjectNode answer, int code, String message) {
            answer.put("errcode", code).put("errmsg", message + " rid: " + UUID.randomUUID().toString().substring(0, 23));
        }

        private static void reply(HttpExchange exchange, JsonNode answer) throws IOException {
            byte[] bytes = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/json; encoding=utf-8");
            try {
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (IOException e) {
                // the client gave up waiting (the slow-send case): nothing to answer
            } finally {
                exchange.close();
            }
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
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
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
