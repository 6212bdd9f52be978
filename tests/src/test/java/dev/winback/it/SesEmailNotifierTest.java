package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.SesEmailNotifier;
import dev.winback.core.recall.Notifier;
import dev.winback.it.support.MiniStack;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * The email channel on MiniStack's SES v2: a verified sender (CreateEmailIdentity), a plain email
 * and one with an attachment, read back from what MiniStack recorded
 * ({@code GET /_ministack/ses/messages}: source, recipients, subject, text body — parsed by MiniStack
 * from the raw MIME for the attachment case). MiniStack does not keep attachments, so the raw
 * message as sent to it is also captured from the SDK request and parsed with Jakarta Mail.
 */
class SesEmailNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<SendEmailRequest> requests = new CopyOnWriteArrayList<>();
    private static SesV2Client ses;
    private static String sender;

    @BeforeAll
    static void verifiedSender() {
        ses = MiniStack.configure(SesV2Client.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof SendEmailRequest request) {
                            requests.add(request);
                        }
                    }
                }))
                .build();
        sender = "reminders-" + UUID.randomUUID() + "@winback.example.com";
        ses.createEmailIdentity(b -> b.emailIdentity(sender));
    }

    @AfterAll
    static void close() {
        ses.close();
    }

    @Test
    void aPlainEmailIsSentWithTheSubjectAttributeAndTheText() throws Exception {
        String to = "user-" + UUID.randomUUID() + "@example.net";
        Notifier notifier = new SesEmailNotifier(ses, "Winback <" + sender + ">", null);

        notifier.send(new Notifier.Message("dl-mail-1", "u-1", "email", to, "We miss you — 5.00 off your next order.",
                Map.of("subject", "好久不见 / We miss you")));

        JsonNode recorded = recordedFor(to);
        assertThat(recorded.path("Source").asText()).contains(sender);
        assertThat(recorded.path("To").get(0).asText()).isEqualTo(to);
        assertThat(recorded.path("Subject").asText()).isEqualTo("好久不见 / We miss you");
        assertThat(recorded.path("BodyText").asText()).isEqualTo("We miss you — 5.00 off your next order.");
        SendEmailRequest request = lastRequestTo(to);
        assertThat(request.content().simple()).isNotNull();
        assertThat(request.emailTags()).anySatisfy(tag -> {
            assertThat(tag.name()).isEqualTo("decisionId");
            assertThat(tag.value()).isEqualTo("dl-mail-1");
        });
    }

    @Test
    void withoutASubjectAttributeTheDefaultSubjectIsUsed() throws Exception {
        String to = "user-" + UUID.randomUUID() + "@example.net";

        new SesEmailNotifier(ses, sender, null).send(new Notifier.Message("dl-mail-2", "u-2", "email", to, "Hello", Map.of()));

        assertThat(recordedFor(to).path("Subject").asText()).isEqualTo(SesEmailNotifier.DEFAULT_SUBJECT);
    }

    @Test
    void anAttachmentGoesAsRawMultipartMixedMime() throws Exception {
        String to = "user-" + UUID.randomUUID() + "@example.net";
        byte[] pdf = ("%PDF-1.4\n" + "x".repeat(300) + "\n%%EOF\n").getBytes(StandardCharsets.ISO_8859_1);
        pdf[20] = (byte) 0xE2; // some binary
        Notifier notifier = new SesEmailNotifier(ses, sender, null);

        notifier.send(new Notifier.Message("dl-mail-3", "u-3", "email", to, "本周特惠价目表见附件。",
                Map.of("subject", "本周价目表"), new Notifier.Attachment("价目表.pdf", "application/pdf", pdf)));

        // what MiniStack recorded, parsed by it from the raw MIME
        JsonNode recorded = recordedFor(to);
        assertThat(recorded.path("Source").asText()).isEqualTo(sender);
        assertThat(recorded.path("To").get(0).asText()).isEqualTo(to);
        assertThat(recorded.path("Subject").asText()).isEqualTo("本周价目表");
        assertThat(recorded.path("BodyText").asText().strip()).isEqualTo("本周特惠价目表见附件。");

        // the raw message itself, as sent
        SendEmailRequest request = lastRequestTo(to);
        assertThat(request.content().raw()).isNotNull();
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(request.content().raw().data().asByteArray()));
        assertThat(mime.getSubject()).isEqualTo("本周价目表");
        assertThat(mime.getAllRecipients()[0].toString()).isEqualTo(to);
        assertThat(mime.getContentType()).startsWith("multipart/mixed");
        MimeMultipart parts = (MimeMultipart) mime.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        MimeBodyPart text = (MimeBodyPart) parts.getBodyPart(0);
        assertThat(text.getContentType()).containsIgnoringCase("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(text.getContent()).isEqualTo("本周特惠价目表见附件。");
        MimeBodyPart file = (MimeBodyPart) parts.getBodyPart(1);
        assertThat(file.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(jakarta.mail.internet.MimeUtility.decodeText(file.getFileName())).isEqualTo("价目表.pdf");
        assertThat(file.getContentType()).startsWith("application/pdf");
        assertThat(file.getEncoding()).isEqualTo("base64");
        assertThat(file.getInputStream().readAllBytes()).isEqualTo(pdf);
    }

    @Test
    void anUnverifiedSenderIsRefusedAsADeliveryExceptionWithoutTheAddresses() {
        String to = "user-" + UUID.randomUUID() + "@example.net";
        String unverified = "nobody-" + UUID.randomUUID() + "@unverified.example.org";
        Notifier notifier = new SesEmailNotifier(ses, unverified, null);

        assertThatThrownBy(() -> notifier.send(new Notifier.Message("dl-mail-4", "u-4", "email", to, "text", Map.of())))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("dl-mail-4").hasMessageContaining("MessageRejected")
                .hasMessageNotContaining(to).hasMessageNotContaining(unverified);
        assertThatThrownBy(() -> notifier.send(new Notifier.Message("dl-mail-5", "u-4", "email", to, "text", Map.of(),
                new Notifier.Attachment("a.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8)))))
                .isInstanceOf(Notifier.DeliveryException.class).hasMessageContaining("MessageRejected");
    }

    @Test
    void otherChannelsAreNotItsBusiness() {
        assertThatThrownBy(() -> new SesEmailNotifier(ses, sender, null)
                .send(new Notifier.Message("dl-x", "u", "sms", "+15550000000", "t", Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sms");
    }

    private static SendEmailRequest lastRequestTo(String to) {
        List<SendEmailRequest> matching = new ArrayList<>();
        for (SendEmailRequest request : requests) {
            if (request.destination().toAddresses().contains(to)) {
                matching.add(request);
            }
        }
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    /** The one message MiniStack recorded for this recipient, from its SES inspection endpoint. */
    private static JsonNode recordedFor(String to) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(MiniStack.endpoint().resolve("/_ministack/ses/messages")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> found = new ArrayList<>();
        JSON.readTree(response.body()).path("messages").forEach(account -> account.forEach(message -> {
            for (JsonNode recipient : message.path("To")) {
                if (recipient.asText().equals(to)) {
                    found.add(message);
                }
            }
        }));
        assertThat(found).as("messages recorded for the recipient").hasSize(1);
        return found.get(0);
    }
}
