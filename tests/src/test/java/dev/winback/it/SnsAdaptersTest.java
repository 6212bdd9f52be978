package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.winback.adapters.SnsCouponPublisher;
import dev.winback.adapters.SnsNotifier;
import dev.winback.adapters.SnsOptOutList;
import dev.winback.core.recall.Notifier;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The SNS adapters: push to the notifications topic and to a platform endpoint, SMS to a phone
 * number, coupons to the coupons topic (all on MiniStack), and the opt-out lookup against a local
 * server speaking the SNS Query API for CheckIfPhoneNumberIsOptedOut, which MiniStack lacks.
 */
class SnsAdaptersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static SnsClient sns;
    private static SqsClient sqs;

    @BeforeAll
    static void clients() {
        sns = MiniStack.sns();
        sqs = MiniStack.sqs();
    }

    @AfterAll
    static void close() {
        sns.close();
        sqs.close();
    }

    @Test
    void pushIsPublishedToTheNotificationsTopicWithItsIds() {
        String[] topic = Fixtures.topicWithQueue(sns, sqs, "push");
        Notifier notifier = new SnsNotifier(sns, topic[0], null);

        notifier.send(new Notifier.Message("dl-push", "u-1", "push", "device-token-1",
                "A 6.80 coupon is waiting in your cart", Map.of("deepLink", "app://cart")));

        Message message = receiveOne(topic[1]);
        assertThat(message.body()).isEqualTo("A 6.80 coupon is waiting in your cart");
        assertThat(strings(message.messageAttributes())).containsEntry("userId", "u-1")
                .containsEntry("channel", "push").containsEntry("decisionId", "dl-push")
                .containsEntry("deepLink", "app://cart");
    }

    @Test
    void adAudienceAddsTheUserToTheTriggersAudienceWithoutContactData() throws IOException {
        String[] topic = Fixtures.topicWithQueue(sns, sqs, "audience");
        Notifier audience = new dev.winback.adapters.SnsAudiencePublisher(sns, topic[0],
                java.time.Clock.fixed(java.time.Instant.parse("2026-11-22T02:30:00Z"), java.time.ZoneOffset.UTC));

        audience.send(new Notifier.Message("dl-aud", "u-7", "ad_audience", "u-7", "not sent to anyone",
                Map.of("audience", "scenario:new_no_order")));

        Message message = receiveOne(topic[1]);
        assertThat(JSON.readTree(message.body()).toString()).isEqualTo("{\"audience\":\"scenario:new_no_order\","
                + "\"userId\":\"u-7\",\"decisionId\":\"dl-aud\",\"addedAt\":\"2026-11-22T02:30:00Z\"}");
        assertThat(strings(message.messageAttributes())).containsEntry("eventType", "audience_member_added")
                .containsEntry("audience", "scenario:new_no_order");
        assertThatThrownBy(() -> audience.send(new Notifier.Message("dl-x", "u-7", "ad_audience", "u-7", "", Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'audience' attribute");
    }

    /**
     * MiniStack names platform endpoints {@code …:app/GCM/<app>/<id>} where AWS uses
     * {@code …:endpoint/GCM/<app>/<id>}, so this one looks at the request itself, on a local server
     * answering Publish as SNS's Query API does.
     */
    @Test
    void pushToAPlatformEndpointGoesToTheDeviceNotTheTopic() throws IOException {
        List<Map<String, String>> calls = new CopyOnWriteArrayList<>();
        HttpServer server = snsServer(calls, form -> "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                + "<PublishResult><MessageId>" + UUID.randomUUID() + "</MessageId></PublishResult>"
                + "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>");
        String endpoint = "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/winback-app/5e3e9847-3183-3f18-a7e8-671c3a57d4b3";
        try (SnsClient local = localSns(server)) {
            new SnsNotifier(local, "arn:aws:sns:us-east-1:123456789012:notifications", null)
                    .send(new Notifier.Message("dl-direct", "u-2", "push", endpoint, "hello", Map.of()));
        } finally {
            server.stop(0);
        }

        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)).containsEntry("Action", "Publish").containsEntry("TargetArn", endpoint)
                .containsEntry("Message", "hello").doesNotContainKey("TopicArn");
    }

    @Test
    void smsIsPublishedToThePhoneNumberAsPromotionalWithTheSenderId() throws Exception {
        String phone = "+1555" + String.format("%07d", (int) (Math.random() * 10_000_000));
        Notifier notifier = new SnsNotifier(sns, "arn:aws:sns:us-east-1:000000000000:unused", "Winback");

        notifier.send(new Notifier.Message("dl-sms", "u-3", "sms", phone, "Your 5.00 coupon expires tonight", Map.of()));

        // MiniStack keeps direct-to-phone publishes at /_ministack/sns/sms-messages.
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                MiniStack.endpoint().resolve("/_ministack/sns/sms-messages?phoneNumber="
                        + URLEncoderPlus.encode(phone))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode sent = JSON.readTree(response.body()).path("sms_messages").path(phone);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).path("Message").asText()).isEqualTo("Your 5.00 coupon expires tonight");
        JsonNode attributes = sent.get(0).path("MessageAttributes");
        assertThat(attributes.path("AWS.SNS.SMS.SMSType").path("StringValue").asText()).isEqualTo("Promotional");
        assertThat(attributes.path("AWS.SNS.SMS.SenderID").path("StringValue").asText()).isEqualTo("Winback");
    }

    @Test
    void aRefusedPublishIsADeliveryExceptionWithoutTheAddress() {
        Notifier notifier = new SnsNotifier(sns, "arn:aws:sns:us-east-1:000000000000:no-such-topic", null);

        assertThatThrownBy(() -> notifier.send(new Notifier.Message("dl-x", "u-4", "push", "token-secret", "t", Map.of())))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("dl-x")
                .hasMessageNotContaining("token-secret");
    }

    @Test
    void anIssuedCouponIsPublishedToTheCouponsTopic() throws Exception {
        String[] topic = Fixtures.topicWithQueue(sns, sqs, "coupons");

        new SnsCouponPublisher(sns, topic[0]).publish("cp-dl-9", "dl-9", "u-9", new BigDecimal("6.80"), "coupon",
                Instant.parse("2026-11-22T10:00:45Z"));

        Message message = receiveOne(topic[1]);
        JsonNode body = JSON.readTree(message.body());
        assertThat(body.path("couponId").asText()).isEqualTo("cp-dl-9");
        assertThat(body.path("decisionId").asText()).isEqualTo("dl-9");
        assertThat(body.path("userId").asText()).isEqualTo("u-9");
        assertThat(body.path("amount").decimalValue()).isEqualByComparingTo("6.80");
        assertThat(body.path("kind").asText()).isEqualTo("coupon");
        assertThat(body.path("issuedAt").asText()).isEqualTo("2026-11-22T10:00:45Z");
        assertThat(strings(message.messageAttributes())).containsEntry("eventType", "coupon_issued");
    }

    @Test
    void optOutsAreAskedOfSnsAndCached() throws IOException {
        List<Map<String, String>> calls = new CopyOnWriteArrayList<>();
        HttpServer server = optOutServer(calls, "+15550000001");
        try (SnsClient local = localSns(server)) {
            MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
            SnsOptOutList optOuts = new SnsOptOutList(local, Duration.ofMinutes(5), clock);

            assertThat(optOuts.isOptedOut("+15550000001")).isTrue();
            assertThat(optOuts.isOptedOut("+15550000002")).isFalse();
            assertThat(optOuts.isOptedOut("+15550000001")).isTrue();
            assertThat(optOuts.isOptedOut("+15550000002")).isFalse();
            assertThat(calls).as("answers come from the cache within the TTL").hasSize(2);
            assertThat(calls.get(0)).containsEntry("Action", "CheckIfPhoneNumberIsOptedOut")
                    .containsEntry("phoneNumber", "+15550000001");

            clock.now = clock.now.plus(Duration.ofMinutes(6));
            assertThat(optOuts.isOptedOut("+15550000001")).isTrue();
            assertThat(calls).as("asked again after the TTL").hasSize(3);
        } finally {
            server.stop(0);
        }
    }

    /** Answers CheckIfPhoneNumberIsOptedOut as SNS's Query API does; the given numbers are opted out. */
    private static HttpServer optOutServer(List<Map<String, String>> calls, String... optedOut) throws IOException {
        return snsServer(calls, form -> "<CheckIfPhoneNumberIsOptedOutResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                + "<CheckIfPhoneNumberIsOptedOutResult><isOptedOut>" + List.of(optedOut).contains(form.get("phoneNumber"))
                + "</isOptedOut></CheckIfPhoneNumberIsOptedOutResult><ResponseMetadata><RequestId>" + UUID.randomUUID()
                + "</RequestId></ResponseMetadata></CheckIfPhoneNumberIsOptedOutResponse>");
    }

    private static SnsClient localSns(HttpServer server) {
        return SnsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(MiniStack.region()).credentialsProvider(MiniStack.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** A stand-in for SNS on 127.0.0.1: records each form-encoded Query API call, answers with the given XML. */
    private static HttpServer snsServer(List<Map<String, String>> calls,
                                        java.util.function.Function<Map<String, String>, String> answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> form = new HashMap<>();
            for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
            calls.add(form);
            byte[] body = answer.apply(form).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final class URLEncoderPlus {
        static String encode(String value) {
            return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> strings(Map<String, MessageAttributeValue> attributes) {
        Map<String, String> values = new HashMap<>();
        attributes.forEach((k, v) -> values.put(k, v.stringValue()));
        return values;
    }

    private static Message receiveOne(String queueUrl) {
        List<Message> received = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (received.isEmpty() && System.nanoTime() < deadline) {
            received.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)
                    .messageAttributeNames("All")).messages());
        }
        assertThat(received).hasSize(1);
        return received.get(0);
    }
}
